"""The proposal workflow, generated from ``workflow.EDGES``: each edge is taken by its own service and
action, every other move is refused without a trace, and a resubmission starts a clean round."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from financiering import services, workflow
from financiering.models import (
    AgendaItem,
    BudgetOverride,
    Check,
    Conflict,
    Decision,
    Proposal,
    Review,
    State,
    Transition,
)
from samennw.models import AuditEvent
from tests.financiering.conftest import GOOD_SCORES, to_advice

pytestmark = pytest.mark.django_db


def snapshot(proposal: Proposal) -> dict:
    """Everything a failed service might have half-saved about a proposal."""
    fresh = Proposal.objects.get(pk=proposal.pk)
    return {
        "state": fresh.state,
        "version": fresh.version,
        "round": fresh.round,
        "submitted_at": fresh.submitted_at,
        "over_budget_reason": fresh.over_budget_reason,
        "title": fresh.title,
        "lines": sorted((line.fund_id, line.year, line.amount) for line in fresh.lines.all()),
        "cofinancing": sorted((c.organisation_id, c.amount) for c in fresh.cofinancing.all()),
        "transitions": Transition.objects.filter(proposal=fresh).count(),
        "checks": Check.objects.filter(proposal=fresh).count(),
        "reviews": sorted((r.pk, r.submitted_at is not None) for r in Review.objects.filter(proposal=fresh)),
        "conflicts": sorted((c.pk, c.status) for c in Conflict.objects.filter(proposal=fresh)),
        "decisions": Decision.objects.filter(proposal=fresh).count(),
        "agenda": AgendaItem.objects.filter(proposal=fresh).count(),
        "overrides": BudgetOverride.objects.filter(proposal=fresh).count(),
        "audit": AuditEvent.objects.count(),
    }


def walk_to(state: str, people, proposal, meeting, funds) -> Proposal:
    """Bring the fixture proposal to ``state`` the way the portal does (regisseur reviews, the chair decides)."""
    pt = people["programmateam"]
    if state == State.CONCEPT:
        return proposal
    if state == State.INGEDIEND:
        services.submit(by=people["otlid"], proposal=proposal)
    elif state == State.IN_BEHANDELING:
        services.submit(by=people["otlid"], proposal=proposal)
        services.move(by=pt, proposal=proposal, to=State.IN_BEHANDELING)
    else:
        (review,) = to_advice(people, proposal, reviewers=[people["regisseur"]])
        if state != State.ADVIES:
            services.submit_review(by=people["regisseur"], review=review, recommendation="positief", text="Doen.", scores=GOOD_SCORES)
            services.put_on_agenda(by=pt, proposal=proposal, meeting=meeting)
        if state == State.AFGEWEZEN:
            services.record_decision(by=pt, meeting=meeting, proposal=proposal, outcome="afgewezen", reason="Past niet in de fondsregels.")
        elif state == State.AANGEHOUDEN:
            services.record_decision(by=pt, meeting=meeting, proposal=proposal, outcome="aangehouden", questions="Wie betaalt na 2026?")
        elif state in (State.TOEGEKEND, State.IN_UITVOERING, State.VERANTWOORD):
            services.record_decision(
                by=pt, meeting=meeting, proposal=proposal, outcome="toegekend",
                lines=[{"fund": funds["pmg"], "year": 2026, "amount": Decimal("40000")}],
            )
            if state != State.TOEGEKEND:
                services.start_execution(by=people["otlid"], proposal=proposal)
            if state == State.VERANTWOORD:
                services.save_final_report(by=people["otlid"], proposal=proposal, text="Twaalf bijeenkomsten, 140 vrouwen bereikt.")
                services.move(by=pt, proposal=proposal, to=State.VERANTWOORD)
    proposal.refresh_from_db()
    assert proposal.state == state
    return proposal


def take(edge: workflow.Edge, people, proposal, meeting, funds, *, by=None) -> None:
    """Take one edge through the service that owns it, as the person the rights table names."""
    pt = people["programmateam"]
    if edge.target == State.INGEDIEND:
        services.submit(by=by or people["otlid"], proposal=proposal)
    elif edge.target == State.GEAGENDEERD:
        services.put_on_agenda(by=by or pt, proposal=proposal, meeting=meeting)
    elif edge.by_decision:
        services.record_decision(
            by=by or pt, meeting=meeting, proposal=proposal, outcome=edge.target, reason="Besproken in het bestuur.",
            questions="Wie betaalt na 2026?", lines=[{"fund": funds["pmg"], "year": 2026, "amount": Decimal("25000")}],
        )
    elif edge.target == State.IN_UITVOERING:
        services.start_execution(by=by or people["otlid"], proposal=proposal)
    else:
        services.move(by=by or pt, proposal=proposal, to=edge.target, reason="Toelichting bij de stap.")


def prepare(edge: workflow.Edge, people, proposal) -> None:
    """What must be done before the edge can be taken (a check, a final report)."""
    if edge.target == State.ADVIES and edge.source == State.IN_BEHANDELING:
        services.record_check(by=people["programmateam"], proposal=proposal, kind=Check.Kind.VOLLEDIG, outcome="akkoord")
    if edge.target == State.GEAGENDEERD:
        review = proposal.reviews.get(round=proposal.round)
        services.submit_review(by=review.reviewer, review=review, recommendation="positief", text="Doen.", scores=GOOD_SCORES)
    if edge.target == State.VERANTWOORD:
        services.save_final_report(by=people["otlid"], proposal=proposal, text="Wat het geld heeft opgeleverd.")


# Who is the wrong person for each action: a person the rights table refuses it.
WRONG_PERSON = {
    "financiering.submit": "fondsbeheerder",
    "financiering.manage_process": "otlid",
    "financiering.record_decision": "bestuur",  # a board member, but not the chair
    "financiering.report": "programmateam",
}


def test_every_edge_names_a_known_action():
    from samennw.rights import RULES

    assert {e.action for e in workflow.EDGES} <= set(RULES)
    assert len({(e.source, e.target) for e in workflow.EDGES}) == len(workflow.EDGES)


@pytest.mark.parametrize("edge", workflow.EDGES, ids=[f"{e.source}->{e.target}" for e in workflow.EDGES])
def test_every_edge_is_taken_by_its_own_action(people, proposal, meeting, funds, edge):
    walk_to(edge.source, people, proposal, meeting, funds)
    prepare(edge, people, proposal)
    before = snapshot(proposal)
    with pytest.raises(PermissionDenied):
        take(edge, people, proposal, meeting, funds, by=people[WRONG_PERSON[edge.action]])
    assert snapshot(proposal) == before
    if edge.reason_required and not edge.by_decision:
        with pytest.raises(ValidationError, match=f"Geef een reden voor ‘{edge.label}’"):
            services.move(by=people["programmateam"], proposal=proposal, to=edge.target, reason="   ")
        assert snapshot(proposal) == before

    take(edge, people, proposal, meeting, funds)
    proposal.refresh_from_db()
    assert proposal.state == edge.target
    last = proposal.transitions.last()
    assert (last.source, last.target) == (edge.source, edge.target)
    assert last.by is not None and last.at is not None
    if edge.reason_required:
        assert last.reason
    assert AuditEvent.objects.filter(event="proposal.moved", target_id=str(proposal.pk), details__target_state=edge.target).exists()


def assert_only_allowed_moves(people, proposal) -> None:
    """From the proposal's state, ``move`` refuses every target its edges do not allow, and saves nothing."""
    source = Proposal.objects.get(pk=proposal.pk).state
    allowed = {e.target for e in workflow.EDGES if e.source == source and not e.by_decision}
    # Submitting and agendering have their own services with their own gates.
    allowed -= {State.INGEDIEND, State.GEAGENDEERD}
    for target in [*State.values, "onbekend"]:
        if target in allowed:
            continue
        before = snapshot(proposal)
        label = State(target).label if target in State.values else target
        # e.g. concept → toegekend, ingediend → geagendeerd, toegekend → afgewezen
        with pytest.raises(ValidationError, match=f"met status ‘{State(source).label}’ kan niet naar ‘{label}’"):
            services.move(by=people["programmateam"], proposal=proposal, to=target, reason="Toch proberen.")
        assert snapshot(proposal) == before, (source, target)


MAIN_PATH = [
    State.CONCEPT, State.INGEDIEND, State.IN_BEHANDELING, State.ADVIES, State.GEAGENDEERD,
    State.TOEGEKEND, State.IN_UITVOERING, State.VERANTWOORD,
]


def test_every_other_move_is_refused_along_the_main_path(people, proposal, meeting, funds):
    for state in MAIN_PATH:
        walk_to(state, people, proposal, meeting, funds) if state == State.CONCEPT else step_to(state, people, proposal, meeting, funds)
        assert_only_allowed_moves(people, proposal)


@pytest.mark.parametrize("state", [State.AFGEWEZEN, State.AANGEHOUDEN])
def test_every_other_move_is_refused_after_rejecting_or_holding(people, proposal, meeting, funds, state):
    walk_to(state, people, proposal, meeting, funds)
    assert_only_allowed_moves(people, proposal)


def step_to(state, people, proposal, meeting, funds) -> None:
    """One step along the main path, from the state before ``state``."""
    edge = workflow.edge(MAIN_PATH[MAIN_PATH.index(state) - 1], state)
    if edge.source == State.IN_BEHANDELING:
        services.record_check(by=people["otvoorzitter"], proposal=proposal, kind=Check.Kind.TEAM, outcome="akkoord")
        services.record_check(by=people["fondsbeheerder"], proposal=proposal, kind=Check.Kind.FINANCIEEL, outcome="akkoord", fund=funds["pmg"])
        services.assign_reviewer(by=people["programmateam"], proposal=proposal, reviewer=people["regisseur"])
    prepare(edge, people, proposal)
    take(edge, people, proposal, meeting, funds)
    proposal.refresh_from_db()
    assert proposal.state == state


def test_taking_a_proposal_off_the_agenda_frees_the_agenda_item(people, proposal, meeting, funds):
    walk_to(State.GEAGENDEERD, people, proposal, meeting, funds)
    services.move(by=people["programmateam"], proposal=proposal, to=State.ADVIES, reason="Vergadering verplaatst.")
    assert not meeting.items.filter(proposal=proposal).exists()
    services.put_on_agenda(by=people["programmateam"], proposal=proposal, meeting=meeting)
    assert meeting.items.filter(proposal=proposal).count() == 1


def test_every_transition_records_who_when_and_why(people, proposal, meeting, funds):
    walk_to(State.AANGEHOUDEN, people, proposal, meeting, funds)
    rows = list(proposal.transitions.all())
    assert [(t.source, t.target) for t in rows] == [
        ("concept", "ingediend"), ("ingediend", "in-behandeling"), ("in-behandeling", "advies"),
        ("advies", "geagendeerd"), ("geagendeerd", "aangehouden"),
    ]
    assert [t.by for t in rows] == [people["otlid"]] + [people["programmateam"]] * 4
    assert all(t.at is not None for t in rows)
    assert rows[-1].reason == "Wie betaalt na 2026?"
    assert "Geagendeerd voor" in rows[-2].reason


def test_resubmission_after_aangehouden_starts_a_new_round(people, proposal, meeting, funds):
    walk_to(State.AANGEHOUDEN, people, proposal, meeting, funds)
    assert proposal.is_editable
    services.update_proposal(
        by=people["otlid"], proposal=proposal, version=proposal.version,
        changes={"exit_route": "Vanaf 2027 betaalt het stadsdeel uit het reguliere budget van het buurtteam."},
    )
    services.submit(by=people["otlid"], proposal=proposal)
    proposal.refresh_from_db()
    assert (proposal.state, proposal.round) == (State.INGEDIEND, 2)
    services.move(by=people["programmateam"], proposal=proposal, to=State.IN_BEHANDELING)
    proposal.refresh_from_db()

    # The checks and the advice of round 1 no longer count.
    assert services.current_checks(proposal) == {}
    assert services.visible_reviews(proposal, people["programmateam"]) == []
    assert services.review_summary(proposal)["given"] == 0
    blocks = services.gates_before_agenda(proposal)
    assert any("volledigheid" in b for b in blocks)
    assert any("akkoord van Opgaveteam Veiligheid" in b for b in blocks)
    assert any("Preventie met Gezag" in b for b in blocks)
    assert any("adviseur" in b for b in blocks)
    with pytest.raises(ValidationError, match="Toets eerst"):
        services.move(by=people["programmateam"], proposal=proposal, to=State.ADVIES)
    # The same reviewer can be asked again for the new round.
    review = services.assign_reviewer(by=people["programmateam"], proposal=proposal, reviewer=people["regisseur"])
    assert review.round == 2
