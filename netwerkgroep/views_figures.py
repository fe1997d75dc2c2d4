"""The netwerkgroep's yearly figures for the jaarbeeld: computed, checked and signed off by the regisseur.

DECISIONS 17: the jaarbeeld never queries case tables. The regisseur computes the year's counts here
(``netwerkgroep.stats``, suppressed: cells under 5 as "<5", with secondary suppression), reads them, and
signs them off with an explicit confirmation. Only the suppressed text is stored (``YearlyFigures``);
recomputing clears an earlier sign-off, because the regisseur approved those numbers, not a slot.

The two state changes (``generate_figures``, ``sign_off_figures``) sit at the top of this module: each is
one transaction with its audit row. The page goes through ``case_view`` like every netwerkgroep page.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from domains.models import Body
from netwerkgroep import stats as ng_stats
from netwerkgroep.models import YearlyFigures
from netwerkgroep.security import case_view
from netwerkgroep.views_meetings import _group, _require
from samennw import audit, rights

FIRST_YEAR = 2024


def _check(by, body: Body) -> None:
    if not rights.can(by, "netwerkgroep.sign_off_figures", body):
        raise ValidationError(rights.why_not(by, "netwerkgroep.sign_off_figures", body), code="forbidden")


def _compute(body: Body, year: int) -> dict:
    """The suppressed yearly figures of ``body``; for Nieuw-West exactly what ``yearly_for_jaarbeeld`` gives."""
    if ng_stats.nieuw_west() == body:
        return ng_stats.yearly_for_jaarbeeld(year)
    data = ng_stats.count(body, year=year).suppressed()
    data["as_of"] = timezone.localdate().isoformat()
    data["source"] = "netwerkgroep.stats"
    return data


@transaction.atomic
def generate_figures(*, by, body: Body, year: int) -> YearlyFigures:
    """Compute and store the suppressed figures of ``year``; a recomputation clears the sign-off (DECISIONS 17)."""
    _check(by, body)
    figures = YearlyFigures.objects.select_for_update().filter(body=body, year=year).first() or YearlyFigures(body=body, year=year)
    figures.figures = _compute(body, year)
    figures.generated_at = timezone.now()
    figures.generated_by = by
    figures.signed_off_by = None
    figures.signed_off_at = None
    figures.full_clean()
    figures.save()
    audit.record("netwerkgroep.figures_generated", actor=by, target=figures, year=year)
    return figures


@transaction.atomic
def sign_off_figures(*, by, figures: YearlyFigures, confirmed: bool) -> YearlyFigures:
    """The regisseur releases the figures for the jaarbeeld, after confirming she checked them (DECISIONS 17)."""
    locked = YearlyFigures.objects.select_for_update().select_related("body").get(pk=figures.pk)
    _check(by, locked.body)
    if not confirmed:
        raise ValidationError(_("Bevestig dat je de cijfers hebt gecontroleerd voordat je ze vrijgeeft."), code="not_confirmed")
    if locked.is_signed_off:
        raise ValidationError(_("Deze cijfers zijn al vrijgegeven."), code="already_signed_off")
    locked.signed_off_by = by
    locked.signed_off_at = timezone.now()
    locked.save(update_fields=["signed_off_by", "signed_off_at"])
    audit.record("netwerkgroep.figures_signed_off", actor=by, target=locked, year=locked.year)
    return locked


class YearForm(forms.Form):
    jaar = forms.IntegerField(label=gettext_lazy("Jaar"), min_value=FIRST_YEAR, max_value=2100)


class SignOffForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("Ik heb de cijfers gecontroleerd: er staat niets in dat naar een huishouden te herleiden is."),
        required=True,
    )


def labelled_rows(data: dict) -> dict:
    """The stored codes with their labels, for the page and the jaarbeeld: (label, value) pairs."""
    from netwerkgroep.models import Bouwsteen, Case

    outcome_labels = {ng_stats.OPEN: _("Nog open"), **{code: str(label) for code, label in Case.CloseReason.choices}}
    bouwsteen_labels = {code: str(label) for code, label in Bouwsteen.choices}
    return {
        "bouwsteen_rows": [(bouwsteen_labels.get(code, code), value) for code, value in (data.get("per_bouwsteen") or {}).items()],
        "outcome_rows": [(outcome_labels.get(code, code), value) for code, value in (data.get("per_outcome") or {}).items()],
    }


def _year(request) -> int:
    form = YearForm(request.GET or None)
    if request.GET and form.is_valid():
        return form.cleaned_data["jaar"]
    return timezone.localdate().year - 1


@case_view
def figures(request, group: str):
    """The regisseur's page: this year's figures, (re)compute, sign off."""
    body = _group(request, group)
    _require(request, "netwerkgroep.sign_off_figures", body)
    year = _year(request)
    status = 200
    sign_off_form = SignOffForm()
    if request.method == "POST":
        try:
            year = int(request.POST.get("jaar", ""))
        except ValueError:
            year = _year(request)
        try:
            if request.POST.get("actie") == "berekenen":
                generate_figures(by=request.user, body=body, year=year)
                messages.success(request, _("De jaarcijfers zijn berekend. Controleer ze en geef ze vrij."))
                return redirect(f"{request.path}?jaar={year}")
            sign_off_form = SignOffForm(request.POST)
            current = YearlyFigures.objects.filter(body=body, year=year).first()
            if current is None:
                raise ValidationError(_("Er zijn voor dit jaar nog geen cijfers berekend."))
            sign_off_figures(by=request.user, figures=current, confirmed=sign_off_form.is_valid())
            messages.success(request, _("De jaarcijfers zijn vrijgegeven voor het jaarbeeld."))
            return redirect(f"{request.path}?jaar={year}")
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
            status = 400
    current = YearlyFigures.objects.filter(body=body, year=year).select_related("signed_off_by").first()
    audit.record("netwerkgroep.figures_viewed", actor=request.user, target=body, ip_address=audit.client_ip(request), year=year)
    return render(
        request,
        "netwerkgroep/figures/figures.html",
        {
            "body": body, "year": year, "current": current, "data": current.figures if current else None,
            "rows": labelled_rows(current.figures) if current else None, "form": sign_off_form,
        },
        status=status,
    )
