"""Export of proposals and board decisions as XLSX or CSV (issue 5, item 9), for ``financiering.export``.

One URL, GET only. Without the ``wat`` parameter it shows a small form (what, format, optional year);
with valid parameters (``?wat=voorstellen&formaat=xlsx&jaar=2026``) it returns the file. A download
changes nothing, so a GET is right: the form needs no CSRF token and a guardian can bookmark the link.
Only the programme team and the guardians of the funds hold the right; a guardian gets the proposals
(and decisions on proposals) that ask money from a fund they guard, the programme team all of them,
through ``selectors.proposals_for``. Every export is written to the audit log, and so is every refusal
(STYLE 7). Cells are neutralised against formulas (DECISIONS 21) by ``samennw.spreadsheets``.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from financiering import resources, selectors
from financiering.models import Decision
from samennw import audit, rights
from samennw.spreadsheets import CSV, XLSX, write_csv, write_xlsx

CONTENT_TYPES = {
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    CSV: "text/csv; charset=utf-8",
}


class ExportForm(forms.Form):
    wat = forms.ChoiceField(
        label=_("Wat wil je exporteren?"),
        choices=[
            (resources.PROPOSALS, _("Voorstellen: één rij per gevraagd bedrag (fonds en jaar)")),
            (resources.DECISIONS, _("Besluiten: één rij per toegekend bedrag")),
        ],
        widget=forms.RadioSelect,
    )
    formaat = forms.ChoiceField(
        label=_("Bestandsformaat"),
        choices=[(XLSX, _("Excel (.xlsx)")), (CSV, _("CSV (.csv, UTF-8)"))],
        initial=XLSX,
        widget=forms.RadioSelect,
    )
    jaar = forms.IntegerField(
        label=_("Jaar"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("Alleen de bedragen van dit jaar. Leeg laten voor alle jaren."),
    )


@login_required
@require_GET
def export(request):
    """The form, or the file when the form's values are in the query string."""
    if not rights.can(request.user, "financiering.export"):
        audit.record("financiering.export_denied", actor=request.user, ip_address=audit.client_ip(request))
        raise PermissionDenied(rights.why_not(request.user, "financiering.export"))
    if "wat" not in request.GET:
        return render(request, "financiering/export.html", {"form": ExportForm(initial={"formaat": XLSX})})
    form = ExportForm(request.GET)
    if not form.is_valid():
        return render(request, "financiering/export.html", {"form": form}, status=400)
    what, kind, year = form.cleaned_data["wat"], form.cleaned_data["formaat"], form.cleaned_data["jaar"]
    proposals = selectors.proposals_for(request.user)
    if what == resources.PROPOSALS:
        rows = resources.proposal_rows(proposals, year=year)
    else:
        rows = resources.decision_rows(Decision.objects.filter(proposal__in=proposals.values("pk")), year=year)
    headers, table = resources.export_table(what, rows)
    body = write_xlsx(headers, table, title=what.capitalize()) if kind == XLSX else write_csv(headers, table)
    audit.record(
        "financiering.exported", actor=request.user, ip_address=audit.client_ip(request),
        what=what, format=kind, year=year, count=len(table),
    )
    suffix = f"-{year}" if year else ""
    response = HttpResponse(body, content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="{what}{suffix}-{timezone.localdate():%Y-%m-%d}.{kind}"'
    response["Cache-Control"] = "no-store"
    return response
