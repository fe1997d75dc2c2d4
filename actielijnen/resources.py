"""Action-line cards as a spreadsheet: the columns of Bijlage 3, export, and the import plan.

One declaration (``ActielijnResource``) names every column in the programme's own words (Bijlage 3
of the uitvoeringsprogramma, 002:1722-1737) and says how a value is written and read back:

* Dutch columns hold the ``_nl`` text, the columns ending in " (en)" the English translation.
* Rows are matched on **Code** only, never on a primary key (STYLE 15).
* Links are written as stable codes, several separated by "; ": ``Domein`` and ``Opgaveteam`` are
  slugs, people are usernames, organisations and focusbuurten are slugs, and an opbrengst is
  ``<domein-slug>:<opdracht-code>:<opbrengst-code>`` (for instance ``veiligheid:1:1-2``). Slugs and
  usernames contain neither ":" nor ";", so the format is unambiguous.
* **Status** is exported but never imported: a card's status moves only through the workflow
  (``services.move_card``). A new card starts as concept; a status cell that differs from the
  card's status is shown as a note in the preview and otherwise ignored.

Importing is all-or-nothing (DECISIONS 22): ``plan_import`` checks the header and every row against
the database without writing and reports per row new / changed (which columns) / unchanged / error;
``apply_import`` plans again inside one transaction and writes through ``services.create_card`` and
``services.update_card`` only, refusing everything when any row has an error or when the cards changed
since the preview. The resource's own import path of django-import-export is closed for that reason.
"""

from __future__ import annotations

import copy
import datetime
import decimal
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from actielijnen import services
from actielijnen.models import Actielijn, Status
from actielijnen.translation import CARD_TEXT_FIELDS
from domains.models import Body, Domain, Focusbuurt, Opbrengst, Organisation
from samennw import audit
from samennw.spreadsheets import Sheet, restore

LIST_SEPARATOR = "; "
ENGLISH_SUFFIX = " (en)"

# Bijlage 3 names of the translated text fields, in the format's order.
TEXT_COLUMNS = {
    "title": "Actielijn",
    "goal": "Doel",
    "smart": "SMART",
    "resident_ownership": "Eigenaarschap bewoners",
    "problem": "Wat is het probleem",
    "must_change": "Wat moet anders",
    "current_state": "Huidige situatie",
    "way_of_working": "Werkwijze",
    "result": "Op te leveren resultaat",
    "learning": "Fundamenteel leren",
    "monitoring": "Monitoring en rapportering",
    "risks": "Risico's",
    "money": "Geld, bron en dekkingsplan",
    "people_needed": "Mensen",
    "time_needed": "Tijd",
    "policy_changes": "Beleidswijzigingen",
}
assert set(TEXT_COLUMNS) == set(CARD_TEXT_FIELDS), "every translated card field needs a column"


class CellError(ValueError):
    """A cell value that cannot be imported; the message is Dutch and names the problem."""


def opbrengst_key(opbrengst: Opbrengst) -> str:
    """``<domein-slug>:<opdracht-code>:<opbrengst-code>``: the opbrengst's code in a spreadsheet."""
    return f"{opbrengst.opdracht.domain.slug}:{opbrengst.opdracht.code}:{opbrengst.code}"


# --- widgets: how one cell is written and read -----------------------------------------------------

class CellWidget(widgets.Widget):
    """A cell: ``render`` writes the export value, ``parse`` reads an import value with the
    import's lookup tables and raises ``CellError`` with a Dutch message."""

    kind = "scalar"
    table: str | None = None

    def __init__(self, *, required: bool = False):
        super().__init__(coerce_to_string=True)
        self.required = required

    def clean(self, value, row=None, **kwargs):  # the library's own import path is closed
        raise NotImplementedError("Import cards through actielijnen.resources.apply_import.")

    def parse(self, value: Any, lookups: dict[str, dict[str, Any]]) -> Any:
        raise NotImplementedError

    def _required(self) -> None:
        if self.required:
            raise CellError(_("dit veld is verplicht"))


def _as_text(value: Any) -> str:
    """A cell as text: numbers become their digits, dates and yes/no are refused (wrong type)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise CellError(_("verwacht tekst, maar de cel bevat ja/nee (%(value)s)") % {"value": value})
    if isinstance(value, datetime.datetime | datetime.date | datetime.time | datetime.timedelta):
        raise CellError(_("verwacht tekst, maar de cel bevat een datum of tijd (%(value)s)") % {"value": value})
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float | decimal.Decimal):
        return str(value)
    return restore(str(value))


class TextWidget(CellWidget):
    def __init__(self, *, required: bool = False, null_when_empty: bool = False):
        super().__init__(required=required)
        self.null_when_empty = null_when_empty

    def render(self, value, obj=None, **kwargs) -> str:
        return "" if value is None else str(value)

    def parse(self, value, lookups):
        text = _as_text(value)
        if not text.strip():
            self._required()
            return None if self.null_when_empty else ""
        return text


class CodeWidget(TextWidget):
    def parse(self, value, lookups):
        text = _as_text(value).strip()
        if not text:
            self._required()
        try:
            validate_slug(text)
        except ValidationError as exc:
            raise CellError(
                _("'%(value)s' is geen geldige code: alleen letters, cijfers, - en _, zonder spaties")
                % {"value": text}
            ) from exc
        return text


class StatusWidget(CellWidget):
    def render(self, value, obj=None, **kwargs) -> str:
        return value or ""

    def parse(self, value, lookups):
        text = _as_text(value).strip()
        if not text:
            return None
        for status in Status:
            if text.lower() in (status.value, str(status.label).lower()):
                return status.value
        raise CellError(
            _("onbekende status '%(value)s'; kies uit %(choices)s") % {"value": text, "choices": ", ".join(Status.values)}
        )


class KeyWidget(CellWidget):
    """One linked object, written as its stable key (slug, username)."""

    kind = "fk"

    def __init__(self, *, table: str, key: str, unknown: str, required: bool = False):
        super().__init__(required=required)
        self.table = table
        self.key = key
        self.unknown = unknown

    def render(self, value, obj=None, **kwargs) -> str:
        return "" if value is None else getattr(value, self.key)

    def parse(self, value, lookups):
        text = _as_text(value).strip()
        if not text:
            self._required()
            return None
        found = lookups[self.table].get(text)
        if found is None:
            raise CellError(str(self.unknown) % {"values": f"'{text}'"})
        return found


class KeyListWidget(KeyWidget):
    """Several linked objects, written as their keys in a stable order, separated by "; "."""

    kind = "m2m"

    def __init__(self, *, table: str, key, unknown: str):
        super().__init__(table=table, key="", unknown=unknown)
        self.key_of = key if callable(key) else (lambda obj, attr=key: getattr(obj, attr))

    def render(self, value, obj=None, **kwargs) -> str:
        if value is None:
            return ""
        return LIST_SEPARATOR.join(sorted(self.key_of(item) for item in value.all()))

    @staticmethod
    def split(value: Any) -> list[str]:
        text = _as_text(value)
        seen: dict[str, None] = {}
        for part in text.split(";"):
            if part.strip():
                seen.setdefault(part.strip(), None)
        return list(seen)

    def parse(self, value, lookups):
        table = lookups[self.table]
        keys = self.split(value)
        missing = [k for k in keys if k not in table]
        if missing:
            raise CellError(str(self.unknown) % {"values": ", ".join(f"'{k}'" for k in missing)})
        return [table[k] for k in keys]


# --- the resource ---------------------------------------------------------------------------------

def _declared_fields() -> dict[str, fields.Field]:
    """The columns in Bijlage 3 order, then the English translations."""
    def field_(attribute: str, column: str, widget: CellWidget) -> fields.Field:
        return fields.Field(attribute=attribute, column_name=column, widget=widget)

    def text(name: str, **kwargs) -> tuple[str, fields.Field]:
        return f"{name}_nl", field_(f"{name}_nl", TEXT_COLUMNS[name], TextWidget(**kwargs))

    declared = dict(
        [
            ("code", field_("code", "Code", CodeWidget(required=True))),
            ("domain", field_("domain", "Domein", KeyWidget(
                table="domain", key="slug", required=True, unknown=gettext_lazy("onbekend domein %(values)s")))),
            ("opgaveteam", field_("opgaveteam", "Opgaveteam", KeyWidget(
                table="body", key="slug", unknown=gettext_lazy("onbekend opgaveteam of onbekende werkgroep %(values)s")))),
            ("status", field_("status", "Status", StatusWidget())),
            text("title", required=True),
            text("goal"),
            ("opbrengsten", field_("opbrengsten", "Opbrengsten middellange termijn", KeyListWidget(
                table="opbrengst", key=opbrengst_key,
                unknown=gettext_lazy("onbekende opbrengstcode %(values)s (schrijf domein:opdracht:opbrengst, bijvoorbeeld veiligheid:1:1-2)")))),
            text("smart"),
            ("aanvoerder", field_("aanvoerder", "Aanvoerder", KeyWidget(
                table="user", key="username", unknown=gettext_lazy("onbekende gebruikersnaam %(values)s")))),
            ("trekkers", field_("trekkers", "Trekkers (personen)", KeyListWidget(
                table="user", key="username", unknown=gettext_lazy("onbekende gebruikersnaam %(values)s")))),
            ("trekker_organisations", field_("trekker_organisations", "Trekkers (organisaties)", KeyListWidget(
                table="organisation", key="slug", unknown=gettext_lazy("onbekende organisatie %(values)s")))),
            ("contact", field_("contact", "Contactpersoon", TextWidget())),
            ("partners", field_("partners", "Betrokken partijen", KeyListWidget(
                table="organisation", key="slug", unknown=gettext_lazy("onbekende organisatie %(values)s")))),
            ("focusbuurten", field_("focusbuurten", "Focusbuurten", KeyListWidget(
                table="focusbuurt", key="slug", unknown=gettext_lazy("onbekende focusbuurt %(values)s")))),
        ]
    )
    for name in TEXT_COLUMNS:
        if name not in ("title", "goal", "smart"):
            key, value = text(name)
            declared[key] = value
    for name, column in TEXT_COLUMNS.items():
        declared[f"{name}_en"] = field_(f"{name}_en", column + ENGLISH_SUFFIX, TextWidget(null_when_empty=True))
    return declared


_FIELDS = _declared_fields()


class _Meta:
    model = Actielijn
    fields = tuple(_FIELDS)
    export_order = tuple(_FIELDS)
    import_id_fields = ("code",)
    skip_unchanged = True
    use_transactions = True


def _closed_import(self, *args, **kwargs):
    raise NotImplementedError("Import cards through actielijnen.resources.apply_import: writes go through the services.")


ActielijnResource = type(resources.ModelResource)(
    "ActielijnResource",
    (resources.ModelResource,),
    {
        **_FIELDS,
        "Meta": _Meta,
        "__module__": __name__,
        "__doc__": "The card in the columns of Bijlage 3; export with ``export_cards_table``, import with ``apply_import``.",
        "import_data": _closed_import,
    },
)

IMPORT_FIELDS: list[tuple[str, fields.Field]] = list(_FIELDS.items())
COLUMNS: list[str] = [f.column_name for f in _FIELDS.values()]
REQUIRED_COLUMNS = ("Code", "Domein", "Actielijn")


# --- export ---------------------------------------------------------------------------------------

def with_export_relations(queryset: QuerySet[Actielijn]) -> QuerySet[Actielijn]:
    """Everything the export writes, in a fixed number of queries whatever the number of cards."""
    return queryset.select_related("domain", "opgaveteam", "aanvoerder").prefetch_related(
        "opbrengsten__opdracht__domain", "trekkers", "trekker_organisations", "partners", "focusbuurten"
    ).order_by("code")


def export_rows(queryset: QuerySet[Actielijn]) -> tuple[list[str], Iterator[list[str]]]:
    """Header and rows of the cards; cells are not yet neutralised (``samennw.spreadsheets.write_*`` does)."""
    resource = ActielijnResource()
    headers = resource.get_export_headers()

    def rows() -> Iterator[list[str]]:
        for card in resource.iter_queryset(with_export_relations(queryset)):
            yield resource.export_resource(card)

    return headers, rows()


# --- import ---------------------------------------------------------------------------------------

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
        return _("Rij %(row)s, kolom '%(column)s': %(message)s") % {
            "row": self.row, "column": self.column, "message": self.message,
        }


@dataclass
class RowPlan:
    row: int
    code: str
    action: str = UNCHANGED
    changed: list[str] = field(default_factory=list)  # column names
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    card: Actielijn | None = None
    values: dict[str, Any] = field(default_factory=dict)  # attribute → parsed value
    changes: dict[str, Any] = field(default_factory=dict)  # attribute → new value, for update_card


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
    def counts(self) -> dict[str, int]:
        return {action: self.count(action) for action in (NEW, CHANGED, UNCHANGED, ERROR)}

    @property
    def digest(self) -> str:
        """Fingerprint of what confirming would do; differs when a card changed since the preview."""
        text = "\n".join(
            f"{r.row}|{r.code}|{r.action}|{r.card.version if r.card else 0}|{','.join(r.changed)}" for r in self.rows
        )
        return hashlib.sha256(text.encode()).hexdigest()


class ImportRefused(Exception):
    """Nothing was saved; ``plan`` says why (row errors) or ``message`` does (stale preview)."""

    def __init__(self, message: str, plan: ImportPlan | None = None):
        super().__init__(message)
        self.plan = plan


def check_headers(headers: list[str]) -> list[str]:
    """Missing, unknown and doubled column names, each named in the message."""
    errors = []
    seen: set[str] = set()
    doubled = sorted({h for h in headers if h in seen or seen.add(h)})
    missing = [c for c in COLUMNS if c not in seen]
    unknown = [h for h in headers if h and h not in COLUMNS]
    if missing:
        errors.append(_("Deze kolommen ontbreken: %(columns)s.") % {"columns": ", ".join(f"'{c}'" for c in missing)})
    if unknown:
        errors.append(_("Deze kolommen zijn onbekend: %(columns)s.") % {"columns": ", ".join(f"'{c}'" for c in unknown)})
    if doubled:
        errors.append(_("Deze kolommen staan er dubbel in: %(columns)s.") % {"columns": ", ".join(f"'{c}'" for c in doubled)})
    if "" in headers:
        errors.append(_("Een kolom heeft geen naam in de kopregel."))
    return errors


def _chunks(items: list, size: int = 500) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _lookups(sheet: Sheet, index: dict[str, int]) -> dict[str, dict[str, Any]]:
    """Every object a cell may name, loaded once: a handful of queries for any number of rows."""
    usernames: set[str] = set()
    for column in ("Aanvoerder", "Trekkers (personen)"):
        for _number, cells in sheet.rows:
            value = cells[index[column]] if index[column] < len(cells) else None
            try:
                usernames.update(KeyListWidget.split(value))
            except CellError:
                continue
    users: dict[str, Any] = {}
    for chunk in _chunks(sorted(usernames)):
        users.update({u.username: u for u in get_user_model().objects.filter(username__in=chunk)})
    return {
        "domain": {d.slug: d for d in Domain.objects.all()},
        "body": {b.slug: b for b in Body.objects.filter(kind__in=[Body.Kind.OPGAVETEAM, Body.Kind.WERKGROEP])},
        "organisation": {o.slug: o for o in Organisation.objects.all()},
        "focusbuurt": {f.slug: f for f in Focusbuurt.objects.all()},
        "opbrengst": {opbrengst_key(o): o for o in Opbrengst.objects.select_related("opdracht__domain")},
        "user": users,
    }


def _existing_cards(codes: list[str], *, lock: bool) -> dict[str, Actielijn]:
    cards: dict[str, Actielijn] = {}
    for chunk in _chunks(sorted(set(codes))):
        queryset = Actielijn.objects.filter(code__in=chunk)
        if lock:
            queryset = queryset.select_for_update()
        queryset = queryset.prefetch_related("opbrengsten", "trekkers", "trekker_organisations", "partners", "focusbuurten")
        cards.update({c.code: c for c in queryset})
    return cards


def _same(widget: CellWidget, card: Actielijn, attribute: str, new: Any) -> bool:
    if widget.kind == "m2m":
        return {o.pk for o in getattr(card, attribute).all()} == {o.pk for o in new}
    if widget.kind == "fk":
        return getattr(card, f"{attribute}_id") == (new.pk if new is not None else None)
    return (getattr(card, attribute) or "") == (new or "")


def _model_errors(plan: RowPlan, columns: dict[str, str]) -> None:
    """The model's own rules (lengths, required Dutch title) for a new or changed row."""
    scalars = {a: v for a, v in plan.values.items() if a not in services.M2M_FIELDS and a != "status"}
    instance = Actielijn(status=Status.CONCEPT) if plan.card is None else copy.copy(plan.card)
    for attribute, value in scalars.items():
        setattr(instance, attribute, value)
    try:
        with translation.override("nl"):  # the base columns follow the Dutch text, as in apply_import
            instance.full_clean(exclude=["domain", "opgaveteam", "aanvoerder", "published_by"], validate_unique=False)
    except ValidationError as exc:
        for attribute, messages in exc.message_dict.items():
            column = columns.get(attribute, columns.get(f"{attribute}_nl", attribute))
            for message in messages:
                plan.errors.append(RowError(plan.row, column, message))


PROGRESS_EVERY = 50  # rows between two ``progress`` calls of ``plan_import``


def plan_import(sheet: Sheet, *, lock: bool = False, progress: Callable[[int], None] | None = None) -> ImportPlan:
    """Check a read sheet against the database without writing: per row new, changed, unchanged or error.

    ``progress`` (a background job's progress bar) is called with the number of rows planned so far,
    every ``PROGRESS_EVERY`` rows.
    """
    plan = ImportPlan(header_errors=check_headers(sheet.headers))
    if plan.header_errors:
        return plan
    index = {h: i for i, h in enumerate(sheet.headers)}
    lookups = _lookups(sheet, index)
    columns = {f.attribute: f.column_name for _name, f in IMPORT_FIELDS}
    problems: dict[int, list[RowError]] = {}
    for problem in sheet.problems:
        problems.setdefault(problem.row, []).append(RowError(problem.row, problem.column, problem.message))

    code_column = index["Code"]
    raw_codes = [
        str(restore(cells[code_column])).strip() if code_column < len(cells) and cells[code_column] is not None else ""
        for _number, cells in sheet.rows
    ]
    existing = _existing_cards([c for c in raw_codes if c], lock=lock)
    first_row_of: dict[str, int] = {}

    for number, cells in sheet.rows:
        row = RowPlan(row=number, code="", errors=list(problems.get(number, [])))
        failed = {e.column for e in row.errors}
        for _name, fld in IMPORT_FIELDS:
            column = fld.column_name
            if column in failed:
                continue
            value = cells[index[column]] if index[column] < len(cells) else None
            try:
                row.values[fld.attribute] = fld.widget.parse(value, lookups)
            except CellError as exc:
                row.errors.append(RowError(number, column, str(exc)))
        row.code = row.values.get("code") or ""
        if row.code:
            if row.code in first_row_of:
                row.errors.append(RowError(
                    number, "Code",
                    _("de code '%(code)s' staat ook in rij %(row)s") % {"code": row.code, "row": first_row_of[row.code]},
                ))
            else:
                first_row_of[row.code] = number
        row.card = existing.get(row.code)
        status = row.values.get("status")
        current_status = row.card.status if row.card else Status.CONCEPT
        if status and status != current_status:
            row.notes.append(
                _("Status '%(status)s' wordt niet geïmporteerd: de status verandert alleen via de workflow.")
                % {"status": status}
            )
        if not row.errors:
            if row.card is None:
                row.action = NEW
            else:
                for name, fld in IMPORT_FIELDS:
                    if name in ("code", "status"):
                        continue
                    new = row.values[fld.attribute]
                    if not _same(fld.widget, row.card, fld.attribute, new):
                        row.changed.append(fld.column_name)
                        row.changes[fld.attribute] = list(new) if fld.widget.kind == "m2m" else new
                row.action = CHANGED if row.changed else UNCHANGED
            if row.action != UNCHANGED:
                _model_errors(row, columns)
        if row.errors:
            row.action = ERROR
        plan.rows.append(row)
        if progress is not None and len(plan.rows) % PROGRESS_EVERY == 0:
            progress(len(plan.rows))
    return plan


def apply_import(sheet: Sheet, *, by, expected_digest: str | None = None) -> ImportPlan:
    """Write a checked sheet: all rows or none, through the card services, with one audit row.

    Rule: imports run in one transaction and match rows on a stable code (STYLE 15, DECISIONS 22);
    nothing is silently overwritten (issue 3): when the plan differs from the preview the uploader
    saw (``expected_digest``), nothing is saved.
    """
    with translation.override("nl"), transaction.atomic():
        plan = plan_import(sheet, lock=True)
        if plan.has_errors:
            raise ImportRefused(_("Het bestand bevat fouten; er is niets opgeslagen."), plan)
        if expected_digest is not None and plan.digest != expected_digest:
            raise ImportRefused(
                _("Sinds de controle zijn kaarten gewijzigd; er is niets opgeslagen. Controleer het bestand opnieuw."),
                plan,
            )
        for row in plan.rows:
            if row.action == NEW:
                # Empty link lists are left out: each ``set`` costs a full history record.
                values = {
                    a: v for a, v in row.values.items()
                    if a not in ("code", "domain", "title_nl", "status") and not (a in services.M2M_FIELDS and not v)
                }
                services.create_card(
                    by=by, domain=row.values["domain"], code=row.code, title=row.values["title_nl"], **values
                )
            elif row.action == CHANGED:
                services.update_card(
                    by=by, card=row.card, version=row.card.version, changes=dict(row.changes),
                    reason=_("import: %(columns)s") % {"columns": ", ".join(row.changed)},
                )
        audit.record(
            "cards.imported", actor=by,
            created=plan.count(NEW), updated=plan.count(CHANGED), unchanged=plan.count(UNCHANGED),
            codes=[r.code for r in plan.rows if r.action in (NEW, CHANGED)][:200],
        )
    return plan


def rows_in_order(plan: ImportPlan) -> Iterable[RowPlan]:
    return sorted(plan.rows, key=lambda r: r.row)
