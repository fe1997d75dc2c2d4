"""Pages of indicators and measurements (issue 7 item 1).

The dashboard, the forms and the import are for the programme team; an indicator's own page is public
when the indicator is (``monitoring.view_indicator``); a hidden one is the same 404 as a missing one.
The import follows the action-line import (``actielijnen.views_transfer``): bounded checks before
parsing, a dry run that shows every row, then a confirmation that saves all rows or none.
"""

from __future__ import annotations

import time

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actielijnen.models import Actielijn
from actielijnen.views_transfer import _TOKEN, UPLOAD_DIR, UPLOAD_TTL, _purge_expired, _read, _store
from monitoring import indicators as services
from monitoring import resources
from monitoring.models import Indicator, Measurement
from monitoring.models.indicators import parse_period
from samennw import audit, rights
from samennw.rights import CanMap
from samennw.spreadsheets import CSV, XLSX, SpreadsheetRefused, check_upload, write_csv, write_xlsx

SESSION_KEY = "monitoring_import"
CONTENT_TYPES = {
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    CSV: "text/csv; charset=utf-8",
}


# --- forms ------------------------------------------------------------------------------------------

class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "slug", "domain", "actielijn", "name_nl", "name_en", "definition_nl", "definition_en", "unit", "unit_label_nl",
            "unit_label_en", "source_kind", "source", "direction", "baseline_value", "baseline_year", "target_value",
            "target_year", "target_note_nl", "target_note_en", "is_public", "order",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actielijn"].queryset = Actielijn.objects.select_related("domain").order_by("code")
        self.fields["name_nl"].required = True
        if self.instance.pk:
            self.fields["slug"].disabled = True


class MeasurementForm(forms.Form):
    periode = forms.CharField(
        label=gettext_lazy("Periode"), max_length=10,
        help_text=gettext_lazy("2025 (jaar), 2025-K1 (kwartaal) of 2025-03 (maand)."),
    )
    waarde = forms.DecimalField(label=gettext_lazy("Waarde"), max_digits=14, decimal_places=2, localize=True)
    aanduiding = forms.ChoiceField(label=gettext_lazy("Aanduiding"), choices=Measurement.Qualifier.choices, initial="exact")
    toelichting = forms.CharField(label=gettext_lazy("Toelichting bij de bron"), max_length=300, required=False)

    def clean_periode(self):
        try:
            return parse_period(self.cleaned_data["periode"])
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


class ImportForm(forms.Form):
    bestand = forms.FileField(
        label=gettext_lazy("Spreadsheet met metingen"),
        help_text=gettext_lazy(
            "Een .xlsx- of .csv-bestand (UTF-8) met de kolommen Indicator, Periode, Waarde en Toelichting, "
            "hoogstens 10 MB en 10.000 rijen."
        ),
        widget=forms.FileInput(attrs={"accept": ".xlsx,.csv"}),
    )


# --- pages ------------------------------------------------------------------------------------------

def _indicator(request, slug: str) -> Indicator:
    try:
        return services.indicator_for(request.user, slug)
    except Indicator.DoesNotExist as exc:
        raise Http404 from exc


@login_required
@require_GET
def dashboard(request):
    """Every indicator by domain with a mini chart and the latest value against the target."""
    rights.require(request.user, "monitoring.view_indicator_dashboard")
    return render(request, "monitoring/indicators/dashboard.html", {"groups": services.dashboard(request.user), "can": CanMap(request.user)})


@require_GET
def indicator_detail(request, slug: str):
    indicator = _indicator(request, slug)
    view = services.view_of(indicator)
    return render(
        request,
        "monitoring/indicators/detail.html",
        {"item": view, "indicator": indicator, "measurements": list(indicator.measurements.all()), "can": CanMap(request.user, indicator)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_create(request):
    rights.require(request.user, "monitoring.manage_indicators")
    form = IndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        slug, domain, name = data.pop("slug"), data.pop("domain"), data.pop("name_nl")
        try:
            indicator = services.create_indicator(by=request.user, slug=slug, domain=domain, name=name, name_nl=name, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Indicator opgeslagen."))
            return redirect(indicator.get_absolute_url())
    return render(request, "monitoring/indicators/form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request, slug: str):
    rights.require(request.user, "monitoring.manage_indicators")
    indicator = _indicator(request, slug)
    form = IndicatorForm(request.POST or None, instance=Indicator.objects.get(pk=indicator.pk))
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k != "slug"}
        changes["name"] = changes["name_nl"]
        try:
            services.update_indicator(by=request.user, indicator=indicator, changes=changes)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Indicator opgeslagen."))
            return redirect(indicator.get_absolute_url())
    return render(
        request, "monitoring/indicators/form.html", {"form": form, "indicator": indicator}, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def measurement_add(request, slug: str):
    rights.require(request.user, "monitoring.manage_indicators")
    indicator = _indicator(request, slug)
    form = MeasurementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        start, granularity = form.cleaned_data["periode"]
        try:
            services.add_measurement(
                by=request.user, indicator=indicator, period_start=start, granularity=granularity,
                value=form.cleaned_data["waarde"], qualifier=form.cleaned_data["aanduiding"],
                source_note=form.cleaned_data["toelichting"],
            )
        except ValidationError as exc:
            messages_ = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            for key, texts in messages_.items():
                target = {"value": "waarde", "period_start": "periode"}.get(key)
                for text in texts:
                    if "already exists" in text or "bestaat al" in text or key == "__all__" and "unique" in text.lower():
                        text = _("Voor deze periode is al een meting; pas die aan met een import.")
                        target = "periode"
                    form.add_error(target, text)
        else:
            messages.success(request, _("Meting opgeslagen."))
            return redirect(indicator.get_absolute_url())
    return render(
        request, "monitoring/indicators/measurement_form.html", {"form": form, "indicator": indicator},
        status=400 if form.errors else 200,
    )


# --- export and import ------------------------------------------------------------------------------

@login_required
@require_GET
def export_measurements(request):
    """All measurements as XLSX or CSV with neutralised cells (DECISIONS 21); the import reads it back."""
    rights.require(request.user, "monitoring.import_measurements")
    kind = CSV if request.GET.get("formaat") == CSV else XLSX
    headers, rows = resources.export_rows(Measurement.objects.all())
    body = write_xlsx(headers, rows, title="Metingen") if kind == XLSX else write_csv(headers, rows)
    audit.record("indicator.measurements_exported", actor=request.user, ip_address=audit.client_ip(request), count=len(rows), format=kind)
    response = HttpResponse(body, content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="metingen-{timezone.localdate():%Y-%m-%d}.{kind}"'
    response["Cache-Control"] = "no-store"
    return response


def _waiting(request):
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict) or data.get("kind") not in (XLSX, CSV) or not _TOKEN.match(str(data.get("token", ""))):
        return None
    path = UPLOAD_DIR / f"{data['token']}.{data['kind']}"
    if time.time() - float(data.get("created", 0)) > UPLOAD_TTL or not path.is_file():
        _discard(request)
        return None
    return path, data


def _discard(request, path=None) -> None:
    data = request.session.pop(SESSION_KEY, None)
    if path is None and isinstance(data, dict) and _TOKEN.match(str(data.get("token", ""))) and data.get("kind") in (XLSX, CSV):
        path = UPLOAD_DIR / f"{data['token']}.{data['kind']}"
    if path is not None:
        path.unlink(missing_ok=True)


def _refuse(request, form, message: str):
    form.add_error("bestand", message)
    return render(request, "monitoring/indicators/import.html", {"form": form}, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def import_measurements(request):
    """Upload form; on upload the bounded checks and a dry run shown per row."""
    rights.require(request.user, "monitoring.import_measurements")
    _purge_expired()
    if request.method != "POST":
        return render(request, "monitoring/indicators/import.html", {"form": ImportForm()})
    _discard(request)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "monitoring/indicators/import.html", {"form": form}, status=400)
    upload = form.cleaned_data["bestand"]
    try:
        kind = check_upload(upload)
    except SpreadsheetRefused as exc:
        return _refuse(request, form, str(exc))
    token, path = _store(upload, kind)
    try:
        sheet = _read(path, kind)
    except SpreadsheetRefused as exc:
        path.unlink(missing_ok=True)
        return _refuse(request, form, str(exc))
    plan = resources.plan_import(sheet)
    if plan.header_errors:
        path.unlink(missing_ok=True)
        for message in plan.header_errors:
            form.add_error("bestand", message)
        return render(request, "monitoring/indicators/import.html", {"form": form}, status=400)
    if plan.has_errors:
        path.unlink(missing_ok=True)
    else:
        request.session[SESSION_KEY] = {
            "token": token, "kind": kind, "created": time.time(), "digest": plan.digest, "name": upload.name[:200],
        }
    return render(
        request, "monitoring/indicators/import_preview.html",
        {"plan": plan, "can_confirm": not plan.has_errors, "file_name": upload.name, "form": ImportForm()},
        status=200 if not plan.has_errors else 400,
    )


@login_required
@require_POST
def import_confirm(request):
    rights.require(request.user, "monitoring.import_measurements")
    waiting = _waiting(request)
    if waiting is None:
        messages.error(request, _("Er staat geen gecontroleerd bestand klaar (meer). Laad het bestand opnieuw."))
        return redirect("monitoring:indicator_import")
    path, data = waiting
    try:
        plan = resources.apply_import(_read(path, data["kind"]), by=request.user, expected_digest=data.get("digest"))
    except resources.ImportRefused as exc:
        messages.error(request, str(exc))
        context = {"plan": exc.plan, "can_confirm": False, "file_name": data.get("name", ""), "form": ImportForm()}
        return render(request, "monitoring/indicators/import_preview.html", context, status=409)
    except (SpreadsheetRefused, ValidationError) as exc:
        messages.error(request, _("Er is niets opgeslagen: %(reason)s") % {"reason": " ".join(getattr(exc, "messages", [str(exc)]))})
        return redirect("monitoring:indicator_import")
    finally:
        _discard(request, path)
    messages.success(
        request,
        _("Metingen opgeslagen: %(new)s nieuw, %(changed)s gewijzigd, %(unchanged)s ongewijzigd.")
        % {"new": plan.count(resources.NEW), "changed": plan.count(resources.CHANGED), "unchanged": plan.count(resources.UNCHANGED)},
    )
    return redirect("monitoring:indicators")
