"""Read-side queries for funding: lists with a fixed number of queries, the budget overview, the public summary."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from financiering.models import (
    GRANTED_STATES,
    REQUESTED_STATES,
    Decision,
    DecisionLine,
    Fund,
    FundYear,
    Proposal,
    ProposalLine,
    State,
)
from samennw import rights
from samennw.rights import Role

ZERO = Decimal("0")


def proposals_for(user) -> QuerySet[Proposal]:
    """The proposals a person may open (same rule as ``financiering.view_proposal``), as one query."""
    qs = Proposal.objects.select_related("domain", "body").prefetch_related(
        Prefetch("lines", queryset=ProposalLine.objects.select_related("fund"))
    )
    roles = rights.roles_of(user)
    if not roles:
        return qs.none()
    if Role.PROGRAMMATEAM in roles:
        return qs
    seats = rights.active_seats(user)
    visible = Q(created_by=user) | Q(body_id__in=[s.body_id for s in seats])
    visible |= Q(proposaluserobjectpermission__user=user, proposaluserobjectpermission__permission__codename="review_proposal")
    if Role.FONDSBEHEERDER in roles:
        visible |= Q(
            lines__fund__funduserobjectpermission__user=user,
            lines__fund__funduserobjectpermission__permission__codename="guard_fund",
        ) & ~Q(state=State.CONCEPT)
    if Role.BESTUURSLID in roles:
        boards = [s.body_id for s in seats if s.body.kind == "alliantiebestuur"]
        visible |= Q(agenda_items__meeting__body_id__in=boards)
    return qs.filter(pk__in=Proposal.objects.filter(visible).values("pk"))


def public_grants() -> QuerySet[Proposal]:
    """Granted proposals for the public summary: title, domain, amount, fund, purpose — nothing else."""
    return (
        Proposal.objects.filter(state__in=GRANTED_STATES)
        .select_related("domain")
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=Decision.objects.filter(outcome=Decision.Outcome.TOEGEKEND)
                .select_related("meeting")
                .prefetch_related(Prefetch("lines", queryset=DecisionLine.objects.select_related("fund"))),
                to_attr="grants",
            )
        )
        .order_by("-decided_at", "title")
    )


def granted_lines(proposal: Proposal) -> list[DecisionLine]:
    grants = getattr(proposal, "grants", None)
    if grants is None:
        grants = list(proposal.decisions.filter(outcome=Decision.Outcome.TOEGEKEND).prefetch_related("lines__fund"))
    return [line for decision in grants for line in decision.lines.all()]


def budget_overview(*, year: int | None = None, domain=None) -> list[dict]:
    """Per fund and year: available, requested (in process), granted and remaining; optionally for one domain.

    Four queries whatever the number of funds or proposals. ``remaining`` is available minus granted of
    all domains (a fund-year is one pot); overrides (below zero) are shown, never hidden.
    """
    years = FundYear.objects.select_related("fund")
    requested = ProposalLine.objects.filter(proposal__state__in=REQUESTED_STATES)
    granted = DecisionLine.objects.filter(decision__outcome=Decision.Outcome.TOEGEKEND, decision__proposal__state__in=GRANTED_STATES)
    if year is not None:
        years = years.filter(year=year)
        requested = requested.filter(year=year)
        granted = granted.filter(year=year)
    req = _sum_by(requested.filter(proposal__domain=domain) if domain else requested)
    gr_all = _sum_by(granted)
    gr = _sum_by(granted.filter(decision__proposal__domain=domain)) if domain else gr_all
    rows = {}
    for fy in years:
        rows[(fy.fund_id, fy.year)] = {"fund": fy.fund, "year": fy.year, "available": fy.available}
    funds = {f.pk: f for f in Fund.objects.filter(pk__in={k[0] for k in (*req, *gr_all)} - {k[0] for k in rows})}
    for key in (*req, *gr_all):
        if key not in rows:  # asked or granted for a year without a budget: shown with zero available
            fund = funds.get(key[0]) or next(r["fund"] for r in rows.values() if r["fund"].pk == key[0])
            rows[key] = {"fund": fund, "year": key[1], "available": ZERO}
    for key, row in rows.items():
        row["requested"] = req.get(key, ZERO)
        row["granted"] = gr.get(key, ZERO)
        row["granted_all"] = gr_all.get(key, ZERO)
        row["remaining"] = row["available"] - row["granted_all"]
        row["overdrawn"] = row["remaining"] < ZERO
    return sorted(rows.values(), key=lambda r: (r["fund"].name, r["year"]))


def _sum_by(qs) -> dict[tuple[int, int], Decimal]:
    return {(r["fund_id"], r["year"]): r["total"] for r in qs.values("fund_id", "year").annotate(total=Sum("amount"))}


def budget_by_domain(*, year: int | None = None) -> list[dict]:
    """Requested and granted per domain (all funds), for the overview's second table."""
    requested = ProposalLine.objects.filter(proposal__state__in=REQUESTED_STATES)
    granted = DecisionLine.objects.filter(decision__outcome=Decision.Outcome.TOEGEKEND, decision__proposal__state__in=GRANTED_STATES)
    if year is not None:
        requested = requested.filter(year=year)
        granted = granted.filter(year=year)
    out: dict = defaultdict(lambda: {"requested": ZERO, "granted": ZERO})
    for r in requested.values("proposal__domain__name").annotate(total=Sum("amount")):
        out[r["proposal__domain__name"]]["requested"] = r["total"]
    for r in granted.values("decision__proposal__domain__name").annotate(total=Sum("amount")):
        out[r["decision__proposal__domain__name"]]["granted"] = r["total"]
    return [{"domain": name, **values} for name, values in sorted(out.items())]


def state_counts() -> dict[str, int]:
    counts = {value: 0 for value in State.values}
    for row in Proposal.objects.values("state").annotate(n=Count("pk")):
        counts[row["state"]] = row["n"]
    return counts
