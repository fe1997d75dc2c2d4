"""Proposals and board decisions as spreadsheet rows, for the guardians of the funds (issue 5, item 9).

Two django-import-export resources declare the columns once:

* ``ProposalLineResource``: one row per requested line (a proposal asking from two funds, or for two
  years, gives two rows) with what was granted for that same fund and year; a proposal without lines
  still gets one row, so no proposal is missing from the list.
* ``DecisionLineResource``: one row per granted line of a board decision; a decision without amounts
  (rejected, held back) gets one row with the fund columns empty.

Both are export-only: funding data changes only through ``financiering.services`` (the library's
import path is closed). The rows are plain dictionaries built here with a fixed number of queries;
cells are neutralised against formulas by ``samennw.spreadsheets.write_xlsx`` / ``write_csv``
(DECISIONS 21), never here. Column names are Dutch and stable, so a guardian's own sheets that read
an export keep working whatever the interface language.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone
from import_export import fields, resources, widgets

from financiering.models import Decision, DecisionLine, Proposal, ProposalLine, State

PROPOSALS = "voorstellen"
DECISIONS = "besluiten"


def _closed_import(self, *args, **kwargs):
    raise NotImplementedError("Funding data is export-only; changes go through financiering.services.")


def _field(name: str, column: str, widget: widgets.Widget | None = None) -> fields.Field:
    return fields.Field(attribute=name, column_name=column, widget=widget or widgets.Widget())


def _number() -> widgets.Widget:
    # Amounts stay numbers in XLSX (a guardian sums them); the CSV writer turns them into text.
    return widgets.DecimalWidget(coerce_to_string=False)


def _whole() -> widgets.Widget:
    return widgets.IntegerWidget(coerce_to_string=False)


def _when(value) -> str:
    """Local date and time as text: spreadsheets know no time zones, and openpyxl refuses aware datetimes."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


class ProposalLineResource(resources.Resource):
    """One requested line of a proposal, with what was granted for the same fund and year."""

    reference = _field("reference", "Kenmerk")
    title = _field("title", "Titel")
    domain = _field("domain", "Domein")
    body = _field("body", "Ingediend door")
    state = _field("state", "Status")
    fund = _field("fund", "Fonds")
    fund_code = _field("fund_code", "Fondscode")
    year = _field("year", "Jaar", _whole())
    requested = _field("requested", "Gevraagd (EUR)", _number())
    granted = _field("granted", "Toegekend (EUR)", _number())
    submitted_at = _field("submitted_at", "Ingediend op")
    decided_at = _field("decided_at", "Besloten op")
    is_example = _field("is_example", "Voorbeeld")

    class Meta:
        export_order = (
            "reference", "title", "domain", "body", "state", "fund", "fund_code", "year", "requested", "granted",
            "submitted_at", "decided_at", "is_example",
        )

    import_data = _closed_import


class DecisionLineResource(resources.Resource):
    """One granted line of a board decision (or the decision itself when nothing was granted)."""

    meeting_date = _field("meeting_date", "Vergaderdatum")
    reference = _field("reference", "Kenmerk")
    title = _field("title", "Titel")
    outcome = _field("outcome", "Besluit")
    fund = _field("fund", "Fonds")
    fund_code = _field("fund_code", "Fondscode")
    year = _field("year", "Jaar", _whole())
    amount = _field("amount", "Toegekend (EUR)", _number())
    conditions = _field("conditions", "Voorwaarden")
    reason = _field("reason", "Motivering")
    abstained = _field("abstained", "Onthouden (belangenconflict)", _whole())

    class Meta:
        export_order = (
            "meeting_date", "reference", "title", "outcome", "fund", "fund_code", "year", "amount", "conditions", "reason",
            "abstained",
        )

    import_data = _closed_import


def _yes_no(value: bool) -> str:
    return "ja" if value else "nee"


def proposal_rows(proposals: QuerySet[Proposal], *, year: int | None = None) -> Iterator[dict[str, Any]]:
    """Rows for ``ProposalLineResource``; with ``year`` only the lines of that year (four queries in all)."""
    queryset = (
        proposals.select_related("domain", "body")
        .prefetch_related(None)  # the caller's selector may prefetch "lines" differently
        .prefetch_related(
            Prefetch("lines", queryset=ProposalLine.objects.select_related("fund").order_by("fund__name", "year")),
            Prefetch(
                "decisions",
                queryset=Decision.objects.filter(outcome=Decision.Outcome.TOEGEKEND).prefetch_related("lines"),
                to_attr="grants",
            ),
        )
        .order_by("reference")
    )
    for proposal in queryset:
        granted: dict[tuple[int, int], Decimal] = {}
        for decision in proposal.grants:
            for line in decision.lines.all():
                granted[(line.fund_id, line.year)] = granted.get((line.fund_id, line.year), Decimal("0")) + line.amount
        lines = [line for line in proposal.lines.all() if year is None or line.year == year]
        if year is not None and not lines:
            continue
        base = {
            "reference": proposal.reference,
            "title": proposal.title,
            "domain": proposal.domain.name,
            "body": proposal.body.name,
            "state": str(State(proposal.state).label),
            "submitted_at": _when(proposal.submitted_at),
            "decided_at": _when(proposal.decided_at),
            "is_example": _yes_no(proposal.is_example),
        }
        if not lines:
            yield {**base, "fund": "", "fund_code": "", "year": None, "requested": None, "granted": None}
        for line in lines:
            yield {
                **base,
                "fund": line.fund.name,
                "fund_code": line.fund.slug,
                "year": line.year,
                "requested": line.amount,
                "granted": granted.get((line.fund_id, line.year)),
            }


def decision_rows(decisions: QuerySet[Decision], *, year: int | None = None) -> Iterator[dict[str, Any]]:
    """Rows for ``DecisionLineResource``; with ``year`` the granted lines of that year, and decisions
    without amounts when their meeting was in that year (three queries in all)."""
    queryset = (
        decisions.select_related("meeting", "proposal")
        .annotate(abstained_count=Count("abstained", distinct=True))
        .prefetch_related(Prefetch("lines", queryset=DecisionLine.objects.select_related("fund").order_by("fund__name", "year")))
        .order_by("meeting__date", "proposal__reference")
    )
    for decision in queryset:
        base = {
            "meeting_date": decision.meeting.date.isoformat(),
            "reference": decision.proposal.reference,
            "title": decision.proposal.title,
            "outcome": str(Decision.Outcome(decision.outcome).label),
            "conditions": decision.conditions,
            "reason": decision.reason,
            "abstained": decision.abstained_count,
        }
        lines = list(decision.lines.all())
        if not lines:
            if year is None or decision.meeting.date.year == year:
                yield {**base, "fund": "", "fund_code": "", "year": None, "amount": None}
            continue
        for line in lines:
            if year is None or line.year == year:
                yield {**base, "fund": line.fund.name, "fund_code": line.fund.slug, "year": line.year, "amount": line.amount}


def export_table(what: str, objects: Iterable[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    """Header and rows through the resource of ``what`` (``voorstellen`` or ``besluiten``); not yet neutralised."""
    resource = ProposalLineResource() if what == PROPOSALS else DecisionLineResource()
    return resource.get_export_headers(), [resource.export_resource(row) for row in objects]
