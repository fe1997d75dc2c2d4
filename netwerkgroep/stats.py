"""Counts of a netwerkgroep per period, suppressed before they leave the group (issue 6, item 10; DECISIONS 17).

What is counted, per group and period (a year, optionally a quarter, by the date a case was brought in):
cases brought in, per bouwsteen, per outcome (close reason; "open" for cases not closed), the share
brought in by informal partners, and agreements kept on time (done on or before the deadline, out of
all finished agreements whose deadline falls in the period). Live cases and the anonymous counts that
purged cases left in ``CaseStat`` are added up; the ``CaseStat`` row with bouwsteen "" counts each
purged case once, the other rows count it per bouwsteen. Agreements of purged cases are gone, so the
on-time figure covers live cases only.

Suppression (DECISIONS 17): a count of 1 to 4 is shown as "<5". A count of 0 stays 0: it says nothing
about a person, and hiding it would make an empty group look like a small one. A percentage computed
from a suppressed cell is shown as "–". Secondary suppression: where cells add up to a total that is
shown (outcomes, formal/informal), a single suppressed cell could be recovered by subtraction, so the
next smallest non-zero cell is suppressed too. Bouwstenen do not add up (a case has none, one or more),
so they need no secondary suppression.

Two netwerkgroepen exist (DECISIONS 14); the jaarbeeld uses only Nieuw-West: ``yearly_for_jaarbeeld``.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from domains.models import Body, Seat
from netwerkgroep.models import Agreement, Bouwsteen, Case, CaseStat

THRESHOLD = 5
SUPPRESSED = "<5"
NO_SHARE = "–"
OPEN = "open"
NIEUW_WEST_MARK = "nieuw-west"  # the Nieuw-West group's slug contains this (fixtures: netwerkgroep-hgkm-nieuw-west)


def suppress(n: int) -> str:
    """1-4 → "<5"; 0 and 5 or more as they are."""
    return SUPPRESSED if 0 < n < THRESHOLD else str(n)


def is_suppressed(n: int) -> bool:
    return 0 < n < THRESHOLD


def share(part: int, whole: int, *, hidden: bool = False) -> str:
    """A whole percentage, or "–" when either number is suppressed (or the whole is 0)."""
    if hidden or whole == 0 or is_suppressed(part) or is_suppressed(whole):
        return NO_SHARE
    return f"{round(100 * part / whole)}%"


def suppress_partition(counts: dict[str, int]) -> dict[str, str]:
    """Cells that add up to a shown total: primary suppression, then secondary when only one cell is hidden."""
    hidden = {key for key, n in counts.items() if is_suppressed(n)}
    if len(hidden) == 1:
        others = sorted((n, key) for key, n in counts.items() if key not in hidden and n > 0)
        if others:
            hidden.add(others[0][1])
    return {key: (SUPPRESSED if key in hidden else str(n)) for key, n in counts.items()}


def period_bounds(year: int, quarter: int | None = None) -> tuple[datetime.date, datetime.date]:
    """First and last day of the year, or of the quarter."""
    if quarter is None:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    first_month = 3 * (quarter - 1) + 1
    start = datetime.date(year, first_month, 1)
    end = datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, first_month + 3, 1)
    return start, end - datetime.timedelta(days=1)


@dataclass
class GroupCounts:
    """Raw counts of one group and period; never shown as they are (see ``suppressed``)."""

    body: Body
    year: int
    quarter: int | None
    brought_in: int = 0
    per_bouwsteen: dict[str, int] = field(default_factory=dict)
    per_outcome: dict[str, int] = field(default_factory=dict)
    per_side: dict[str, int] = field(default_factory=dict)
    agreements_finished: int = 0
    agreements_on_time: int = 0

    def suppressed(self) -> dict:
        """What may leave the group: every count as text, suppressed."""
        sides = suppress_partition(self.per_side)
        outcomes = suppress_partition(self.per_outcome)
        informal = self.per_side.get(Seat.Side.INFORMEEL, 0)
        return {
            "body": self.body.slug,
            "name": self.body.name,
            "year": self.year,
            "quarter": self.quarter,
            "brought_in": suppress(self.brought_in),
            "per_bouwsteen": {code: suppress(n) for code, n in self.per_bouwsteen.items()},
            "per_outcome": outcomes,
            "per_side": sides,
            "informal_share": share(informal, self.brought_in, hidden=sides.get(Seat.Side.INFORMEEL) == SUPPRESSED),
            "agreements_finished": suppress(self.agreements_finished),
            "agreements_on_time": suppress(self.agreements_on_time),
            "on_time_share": share(self.agreements_on_time, self.agreements_finished),
        }


def count(body: Body, *, year: int, quarter: int | None = None) -> GroupCounts:
    """The raw counts of ``body`` for the period; a handful of queries, none per case."""
    start, end = period_bounds(year, quarter)
    result = GroupCounts(body=body, year=year, quarter=quarter)
    per_bouwsteen: Counter[str] = Counter({code: 0 for code in Bouwsteen.values})
    per_outcome: Counter[str] = Counter({OPEN: 0, **{code: 0 for code in Case.CloseReason.values}})
    per_side: Counter[str] = Counter({Seat.Side.INFORMEEL: 0, Seat.Side.FORMEEL: 0})

    live = Case.objects.filter(body=body, brought_in_on__range=(start, end)).values_list("bouwstenen", "close_reason", "inbrenger_side")
    for bouwstenen, close_reason, side in live:
        result.brought_in += 1
        per_bouwsteen.update(code for code in set(bouwstenen or []) if code in Bouwsteen.values)
        per_outcome[close_reason or OPEN] += 1
        per_side[side] += 1

    purged = (
        CaseStat.objects.filter(body=body, month__range=(start.replace(day=1), end))
        .values("bouwsteen", "outcome", "inbrenger_side")
        .annotate(n=Sum("count"))
    )
    for row in purged:
        if row["bouwsteen"]:
            per_bouwsteen[row["bouwsteen"]] += row["n"]
            continue
        result.brought_in += row["n"]
        per_outcome[row["outcome"] or OPEN] += row["n"]
        per_side[row["inbrenger_side"]] += row["n"]

    finished = Agreement.objects.filter(
        case__body=body, deadline__range=(start, end), status__in=[Agreement.Status.GEDAAN, Agreement.Status.NIET_GELUKT]
    ).values_list("status", "deadline", "done_at")
    for status, deadline, done_at in finished:
        result.agreements_finished += 1
        if status == Agreement.Status.GEDAAN and done_at is not None and timezone.localdate(done_at) <= deadline:
            result.agreements_on_time += 1

    result.per_bouwsteen = dict(per_bouwsteen)
    result.per_outcome = dict(per_outcome)
    result.per_side = dict(per_side)
    return result


def for_group(body: Body, *, year: int, quarter: int | None = None) -> dict:
    """Suppressed counts of one group, with labels for the page."""
    data = count(body, year=year, quarter=quarter).suppressed()
    data["bouwsteen_rows"] = [(str(Bouwsteen(code).label), value) for code, value in data["per_bouwsteen"].items()]
    outcome_labels = {OPEN: _("Nog open"), **{code: str(Case.CloseReason(code).label) for code in Case.CloseReason.values}}
    data["outcome_rows"] = [(outcome_labels.get(code, code), value) for code, value in data["per_outcome"].items()]
    return data


def nieuw_west() -> Body | None:
    return Body.objects.filter(kind=Body.Kind.NETWERKGROEP, slug__contains=NIEUW_WEST_MARK).order_by("pk").first()


def yearly_for_jaarbeeld(year: int) -> dict:
    """The Nieuw-West group's suppressed yearly aggregates for the jaarbeeld (DECISIONS 14, 17); {} without one.

    Codes as keys (bouwsteen and close-reason values), every count as text; nothing of Zuidoost.
    """
    body = nieuw_west()
    if body is None:
        return {}
    data = count(body, year=year).suppressed()
    data["as_of"] = timezone.localdate().isoformat()
    data["source"] = "netwerkgroep.stats"
    return data
