"""The budget overview per fund and year (issue 5, item 1): available, requested, granted, remaining;
per domain; below zero only through a recorded override; a fixed number of queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from domains import services as domain_services
from domains.models import Body, Seat
from financiering import selectors, services
from financiering.models import Check, State
from tests.financiering.conftest import GOOD_SCORES
from tests.financiering.test_workflow import walk_to

pytestmark = pytest.mark.django_db


def row(fund, year=2026, **kwargs):
    return next(r for r in selectors.budget_overview(year=year, **kwargs) if r["fund"] == fund)


def numbers(r):
    return (r["available"], r["requested"], r["granted"], r["remaining"], r["overdrawn"])


@pytest.fixture
def wonen(people, other_card, django_user_model):
    """A second domain with its own opgaveteam, one member, and a card to link proposals to."""
    body = Body.objects.create(slug="opgaveteam-wonen", kind=Body.Kind.OPGAVETEAM, name="Opgaveteam Wonen", domain=other_card.domain)
    member = django_user_model.objects.create_user(username="wonenlid", password="demo-wachtwoord-123")
    domain_services.assign_seat(by=None, user=member, body=body, role=Seat.Role.LID, starts_on=datetime.date(2026, 1, 1))
    return {"body": body, "member": member, "card": other_card, "domain": other_card.domain}


def submitted(*, by, body, card, fund, amount, title="Voorstel", reason=""):
    proposal = services.create_proposal(
        by=by, body=body, title=title, purpose="Doel.", actielijnen=[card], existing_means="Niets.", contribution="Veel.",
        changes_the_rule="Vaste werkwijze.", resident_ownership="Bewoners beslissen mee.", learning="Monitor.", exit_route="Regulier.",
    )
    services.set_lines(by=by, proposal=proposal, lines=[{"fund": fund, "year": 2026, "amount": amount}])
    services.submit(by=by, proposal=proposal, over_budget_reason=reason)
    proposal.refresh_from_db()
    return proposal


def test_a_fresh_fund_year_shows_its_budget(funds):
    assert numbers(row(funds["pmg"])) == (Decimal("100000"), 0, 0, Decimal("100000"), False)


def test_requested_then_granted_then_remaining(people, proposal, meeting, funds):
    services.submit(by=people["otlid"], proposal=proposal)
    assert numbers(row(funds["pmg"])) == (Decimal("100000"), Decimal("40000"), 0, Decimal("100000"), False)
    proposal.refresh_from_db()
    services.move(by=people["programmateam"], proposal=proposal, to=State.IN_BEHANDELING)
    assert row(funds["pmg"])["requested"] == Decimal("40000")


def test_a_granted_proposal_moves_from_requested_to_granted(people, proposal, meeting, funds):
    walk_to(State.TOEGEKEND, people, proposal, meeting, funds)
    assert numbers(row(funds["pmg"])) == (Decimal("100000"), 0, Decimal("40000"), Decimal("60000"), False)
    # Execution and accountability still count as granted.
    services.start_execution(by=people["otlid"], proposal=proposal)
    assert row(funds["pmg"])["granted"] == Decimal("40000")
    assert numbers(row(funds["spuk"])) == (Decimal("50000"), 0, 0, Decimal("50000"), False)


@pytest.mark.parametrize("state", [State.AFGEWEZEN, State.AANGEHOUDEN, State.CONCEPT])
def test_rejected_held_and_concept_proposals_are_not_requested(people, proposal, meeting, funds, state):
    walk_to(state, people, proposal, meeting, funds)
    assert numbers(row(funds["pmg"])) == (Decimal("100000"), 0, 0, Decimal("100000"), False)


def test_the_domain_filter_splits_requested_and_granted_but_remaining_is_the_whole_fund(people, proposal, meeting, funds, wonen):
    walk_to(State.TOEGEKEND, people, proposal, meeting, funds)
    submitted(by=wonen["member"], body=wonen["body"], card=wonen["card"], fund=funds["pmg"], amount=Decimal("15000"))
    assert numbers(row(funds["pmg"])) == (Decimal("100000"), Decimal("15000"), Decimal("40000"), Decimal("60000"), False)
    veiligheid = row(funds["pmg"], domain=proposal.domain)
    assert (veiligheid["requested"], veiligheid["granted"], veiligheid["remaining"]) == (0, Decimal("40000"), Decimal("60000"))
    other = row(funds["pmg"], domain=wonen["domain"])
    assert (other["requested"], other["granted"], other["remaining"]) == (Decimal("15000"), 0, Decimal("60000"))
    by_domain = {r["domain"]: (r["requested"], r["granted"]) for r in selectors.budget_by_domain(year=2026)}
    assert by_domain == {"Veiligheid": (Decimal("0"), Decimal("40000")), "Wonen en leefomgeving": (Decimal("15000"), Decimal("0"))}


def test_below_zero_only_with_an_override_and_then_shown_as_overdrawn(people, proposal, meeting, funds):
    services.set_lines(by=people["otlid"], proposal=proposal, lines=[{"fund": funds["spuk"], "year": 2026, "amount": Decimal("60000")}])
    services.submit(by=people["otlid"], proposal=proposal, over_budget_reason="Het bestuur heeft extra SPUK-middelen toegezegd.")
    proposal.refresh_from_db()
    # Requested above the budget does not overdraw: only a grant takes money.
    assert numbers(row(funds["spuk"])) == (Decimal("50000"), Decimal("60000"), 0, Decimal("50000"), False)
    pt = people["programmateam"]
    services.move(by=pt, proposal=proposal, to=State.IN_BEHANDELING)
    services.record_check(by=pt, proposal=proposal, kind=Check.Kind.VOLLEDIG, outcome="akkoord")
    services.record_check(by=people["otvoorzitter"], proposal=proposal, kind=Check.Kind.TEAM, outcome="akkoord")
    services.record_check(by=people["fondsbeheerder"], proposal=proposal, kind=Check.Kind.FINANCIEEL, outcome="akkoord", fund=funds["spuk"])
    review = services.assign_reviewer(by=pt, proposal=proposal, reviewer=people["regisseur"])
    services.move(by=pt, proposal=proposal, to=State.ADVIES)
    services.submit_review(by=people["regisseur"], review=review, recommendation="positief", text="Doen.", scores=GOOD_SCORES)
    services.put_on_agenda(by=pt, proposal=proposal, meeting=meeting)
    services.record_decision(
        by=pt, meeting=meeting, proposal=proposal, outcome="toegekend", over_budget_reason="Aanvulling in 2027 is toegezegd.",
        lines=[{"fund": funds["spuk"], "year": 2026, "amount": Decimal("60000")}],
    )
    assert numbers(row(funds["spuk"])) == (Decimal("50000"), 0, Decimal("60000"), Decimal("-10000"), True)
    assert [(o.stage, o.shortfall) for o in proposal.overrides.order_by("pk")] == [("indienen", Decimal("10000")), ("besluit", Decimal("10000"))]


def test_a_year_without_a_budget_shows_zero_available(people, proposal, funds):
    services.set_lines(by=people["otlid"], proposal=proposal, lines=[{"fund": funds["spuk"], "year": 2027, "amount": Decimal("1000")}])
    services.submit(by=people["otlid"], proposal=proposal, over_budget_reason="Budget 2027 volgt in december.")
    r = row(funds["spuk"], year=2027)
    assert (r["available"], r["requested"], r["remaining"]) == (Decimal("0"), Decimal("1000"), Decimal("0"))


def _queries_for_overview() -> int:
    with CaptureQueriesContext(connection) as ctx:
        selectors.budget_overview(year=2026)
        selectors.budget_overview()
    return len(ctx.captured_queries)


def test_the_overview_takes_the_same_number_of_queries_for_2_and_20_proposals(people, structure, card, funds):
    def add(n):
        for i in range(n):
            submitted(
                by=people["otlid"], body=structure["bodies"]["ot"], card=card, fund=funds["pmg" if i % 2 else "spuk"],
                amount=Decimal("100"), title=f"Voorstel {i}",
            )

    add(2)
    few = _queries_for_overview()
    add(18)
    assert _queries_for_overview() == few
