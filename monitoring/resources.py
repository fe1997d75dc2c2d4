"""Measurements as a spreadsheet: four columns, export and an all-or-nothing import.

Columns: **Indicator** (the indicator's code), **Periode** (``2025``, ``2025-K1`` or ``2025-03``),
**Waarde** (a number; a decimal comma is accepted) and **Toelichting** (the source note). Rows are
matched on indicator code and period, never on a primary key (STYLE 15).

``plan_import`` checks the header and every row without writing: an unknown indicator, a value that
is not a number, a value that does not fit the unit (a percentage above 100), a period written
twice in the file and a period that is not a period are row errors in Dutch. A period the indicator
already has is a change (new value) or unchanged. ``apply_import`` plans again inside one transaction
and writes through ``monitoring.indicators`` only, all rows or none (DECISIONS 22). The library's own
import path is closed: django-import-export describes the columns and writes the export.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from monitoring import indicators as services
from monitoring.models import Indicator, Measurement
from monitoring.models.indicators import parse_period
from samennw import audit
from samennw.spreadsheets import Sheet, restore

COLUMNS = ["Indicator", "Periode", "Waarde", "Toelichting"]
REQUIRED = ("Indicator", "Periode", "Waarde")
MAX_DIGITS = 12  # before the decimal point: Measurement.value has 14 digits, 2 after the point


class _Value(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return "" if value is None else format(value.normalize(), "f")


class MeasurementResource(resources.ModelResource):
    """The export of measurements; import through ``apply_import`` only."""

    indicator = fields.Field(attribute="indicator__slug", column_name="Indicator")
    periode = fields.Field(column_name="Periode")
    waarde = fields.Field(attribute="value", column_name="Waarde", widget=_Value())
    toelichting = fields.Field(attribute="source_note", column_name="Toelichting")

    class Meta:
        model = Measurement
        fields = ("indicator", "periode", "waarde", "toelichting")
        export_order = ("indicator", "periode", "waarde", "toelichting")

    def dehydrate_periode(self, measurement: Measurement) -> str:
        return measurement.label

    def import_data(self, *args, **kwargs):
        raise NotImplementedError("Import measurements through monitoring.resources.apply_import.")


def export_rows(queryset: QuerySet[Measurement]) -> tuple[list[str], list[list[str]]]:
    resource = MeasurementResource()
    rows = queryset.select_related("indicator").order_by("indicator__slug", "granularity", "period_start")
    return resource.get_export_headers(), [resource.export_resource(m) for m in rows]


# --- import -----------------------------------------------------------------------------------------

NEW = "nieuw"
CHANGED = "gewijzigd"
UNCHANGED = "ongewijzigd"
ERROR = "fout"


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("Rij %(row)s, kolom '%(column)s': %(message)s") % {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class RowPlan:
    row: int
    indicator_code: str = ""
    period: str = ""
    action: str = UNCHANGED
    errors: list[RowError] = field(default_factory=list)
    indicator: Indicator | None = None
    period_start: datetime.date | None = None
    granularity: str = ""
    value: Decimal | None = None
    note: str = ""
    existing: Measurement | None = None


@dataclass
class ImportPlan:
    header_errors: list[str] = field(default_factory=list)
    rows: list[RowPlan] = field(default_factory=list)

    @property
    def errors(self) -> list[RowError]:
        return [e for r in self.rows for e in r.errors]

    @property
    def has_errors(self) -> bool:
        return bool(self.header_errors) or any(r.errors for r in self.rows)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def digest(self) -> str:
        """Fingerprint of what confirming would do; differs when measurements changed since the preview."""
        text = "\n".join(
            f"{r.row}|{r.indicator_code}|{r.period}|{r.action}|{r.value}|{r.existing.value if r.existing else ''}" for r in self.rows
        )
        return hashlib.sha256(text.encode()).hexdigest()


class ImportRefused(Exception):
    """Nothing was saved; ``plan`` says why."""

    def __init__(self, message: str, plan: ImportPlan | None = None):
        super().__init__(message)
        self.plan = plan


def check_headers(headers: list[str]) -> list[str]:
    seen: set[str] = set()
    doubled = sorted({h for h in headers if h in seen or seen.add(h)})
    errors = []
    if missing := [c for c in REQUIRED if c not in seen]:
        errors.append(_("Deze kolommen ontbreken: %(columns)s.") % {"columns": ", ".join(f"'{c}'" for c in missing)})
    if unknown := [h for h in headers if h and h not in COLUMNS]:
        errors.append(_("Deze kolommen zijn onbekend: %(columns)s.") % {"columns": ", ".join(f"'{c}'" for c in unknown)})
    if doubled:
        errors.append(_("Deze kolommen staan er dubbel in: %(columns)s.") % {"columns": ", ".join(f"'{c}'" for c in doubled)})
    return errors


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(restore(value)).strip()


def parse_value(value: Any) -> Decimal:
    """A number from a cell: a spreadsheet number, or text with a decimal point or comma. Dutch ``ValueError``."""
    if isinstance(value, bool | datetime.date | datetime.datetime):
        raise ValueError(_("'%(value)s' is geen getal") % {"value": value})
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    else:
        text = _text(value).replace(" ", "").replace("\u00a0", "")
        if "," in text:
            text = text.replace(".", "").replace(",", ".")  # Dutch notation: 1.234,5
        try:
            number = Decimal(text)
        except decimal.InvalidOperation as exc:
            raise ValueError(_("'%(value)s' is geen getal") % {"value": _text(value)}) from exc
    if not number.is_finite():
        raise ValueError(_("'%(value)s' is geen getal") % {"value": _text(value)})
    if abs(number) >= Decimal(10) ** MAX_DIGITS:
        raise ValueError(_("'%(value)s' is te groot") % {"value": _text(value)})
    return number.quantize(Decimal("0.01"), rounding=decimal.ROUND_HALF_UP)


def plan_import(sheet: Sheet, *, lock: bool = False) -> ImportPlan:
    """Check a read sheet against the database without writing: per row new, changed, unchanged or error."""
    plan = ImportPlan(header_errors=check_headers(sheet.headers))
    if plan.header_errors:
        return plan
    index = {h: i for i, h in enumerate(sheet.headers)}

    def cell(cells: list, column: str) -> Any:
        position = index.get(column)
        return cells[position] if position is not None and position < len(cells) else None

    codes = {_text(cell(cells, "Indicator")) for _n, cells in sheet.rows}
    known = {i.slug: i for i in Indicator.objects.filter(slug__in=[c for c in codes if c])}
    existing_qs = Measurement.objects.filter(indicator__slug__in=list(known))
    if lock:
        existing_qs = existing_qs.select_for_update()
    existing = {(m.indicator_id, m.granularity, m.period_start): m for m in existing_qs}
    problems: dict[int, list[RowError]] = {}
    for problem in sheet.problems:
        problems.setdefault(problem.row, []).append(RowError(problem.row, problem.column, problem.message))
    first_row_of: dict[tuple[str, str, datetime.date], int] = {}

    for number, cells in sheet.rows:
        row = RowPlan(row=number, errors=list(problems.get(number, [])))
        failed = {e.column for e in row.errors}
        row.indicator_code = _text(cell(cells, "Indicator"))
        row.period = _text(cell(cells, "Periode"))
        row.note = _text(cell(cells, "Toelichting"))
        if "Indicator" not in failed:
            if not row.indicator_code:
                row.errors.append(RowError(number, "Indicator", _("dit veld is verplicht")))
            elif (indicator := known.get(row.indicator_code)) is None:
                row.errors.append(RowError(number, "Indicator", _("onbekende indicator '%(code)s'") % {"code": row.indicator_code}))
            else:
                row.indicator = indicator
        if "Periode" not in failed:
            try:
                row.period_start, row.granularity = parse_period(row.period)
            except ValueError as exc:
                row.errors.append(RowError(number, "Periode", str(exc)))
        if "Waarde" not in failed:
            raw = cell(cells, "Waarde")
            if raw is None or _text(raw) == "":
                row.errors.append(RowError(number, "Waarde", _("dit veld is verplicht")))
            else:
                try:
                    row.value = parse_value(raw)
                except ValueError as exc:
                    row.errors.append(RowError(number, "Waarde", str(exc)))
        if row.indicator is not None and row.value is not None and (problem := row.indicator.value_problem(row.value)):
            row.errors.append(RowError(number, "Waarde", problem))
        if len(row.note) > 300:
            row.errors.append(RowError(number, "Toelichting", _("hoogstens 300 tekens")))
        if row.indicator is not None and row.period_start is not None:
            key = (row.indicator.slug, row.granularity, row.period_start)
            if key in first_row_of:
                row.errors.append(RowError(
                    number, "Periode",
                    _("indicator '%(code)s' heeft periode %(period)s ook in rij %(row)s")
                    % {"code": row.indicator.slug, "period": row.period, "row": first_row_of[key]},
                ))
            else:
                first_row_of[key] = number
            row.existing = existing.get((row.indicator.pk, row.granularity, row.period_start))
        if row.errors:
            row.action = ERROR
        elif row.existing is None:
            row.action = NEW
        elif row.existing.value != row.value or (row.note and row.note != row.existing.source_note):
            row.action = CHANGED
        plan.rows.append(row)
    return plan


def apply_import(sheet: Sheet, *, by, expected_digest: str | None = None) -> ImportPlan:
    """Write a checked sheet: all rows or none, through the indicator services, with one audit row.

    Rule: imports run in one transaction and match rows on a stable code (STYLE 15, DECISIONS 22).
    """
    with transaction.atomic():
        plan = plan_import(sheet, lock=True)
        if plan.has_errors:
            raise ImportRefused(_("Het bestand bevat fouten; er is niets opgeslagen."), plan)
        if expected_digest is not None and plan.digest != expected_digest:
            raise ImportRefused(
                _("Sinds de controle zijn metingen gewijzigd; er is niets opgeslagen. Controleer het bestand opnieuw."), plan
            )
        for row in plan.rows:
            if row.action == NEW:
                services.add_measurement(
                    by=by, indicator=row.indicator, period_start=row.period_start, granularity=row.granularity,
                    value=row.value, source_note=row.note, audit_it=False,
                )
            elif row.action == CHANGED:
                services.update_measurement(
                    by=by, measurement=row.existing, value=row.value, source_note=row.note or None, audit_it=False
                )
        audit.record(
            "indicator.measurements_imported", actor=by,
            created=plan.count(NEW), updated=plan.count(CHANGED), unchanged=plan.count(UNCHANGED),
            indicators=sorted({r.indicator_code for r in plan.rows if r.action in (NEW, CHANGED)})[:200],
        )
    return plan
