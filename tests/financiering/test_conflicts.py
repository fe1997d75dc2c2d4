"""Conflicts of interest (DECISIONS 7): suggested by the portal, declared by the person, decided by the
programme team (advice) or the board's chair (decision), never silently automatic; quorum and abstention."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from domains import services as domain_services
from domains.models import Seat
from financiering import services
from financiering.models import Conflict, State
from samennw import rights
from samennw.models import AuditEvent
from tests.financiering.conftest import GOOD_SCORES, to_advice
from tests.financiering.test_workflow import snapshot

pytestmark = pytest.mark.django_db


# --- review conflicts ----------------------------------------------------------------------------

def test_reviewers_of_involved_organisations_get_a_suggestion_only(people, proposal, structure):
    services.set_parties(
        by=people["otlid"], proposal=proposal, applicants=[structure["orgs"]["informeel"]], beneficiaries=[structure["orgs"]["blijf"]]
    )
    to_advice(people, proposal, reviewers=[people["informeel"], people["formeel"], people["regisseur"], people["regisseur_zo"]])
    suggested = {c.user.username: c for c in Conflict.objects.filter(proposal=proposal)}
    # Nisa 4 Nisa applies, Veilig Thuis co-finances, Blijf Groep (both regisseurs' organisation) benefits.
    assert set(suggested) == {"informeel", "formeel", "regisseur", "regisseur_zo"}
    assert "aanvrager / uitvoerder" in suggested["informeel"].grounds
    assert suggested["formeel"].grounds == "Veilig Thuis is bij dit voorstel betrokken als cofinancier."
    assert "begunstigde" in suggested["regisseur"].grounds
    for conflict in suggested.values():
        assert (conflict.origin, conflict.status, conflict.context) == ("gesuggereerd", "open", "advies")
        assert conflict.decided_by is None
    assert AuditEvent.objects.filter(event="conflict.suggested", target_id=str(proposal.pk)).count() == 4


def test_an_uninvolved_reviewer_gets_no_suggestion(people, proposal):
    to_advice(people, proposal, reviewers=[people["regisseur"]])
    assert not Conflict.objects.exists()


def test_an_open_conflict_blocks_advice_and_the_agenda_with_its_own_message(people, proposal, meeting):
    formeel, regisseur = to_advice(people, proposal, reviewers=[people["formeel"], people["regisseur"]])
    with pytest.raises(ValidationError, match="het programmateam beslist daar eerst over"):
        services.submit_review(by=people["formeel"], review=formeel, recommendation="positief", text="x", scores=GOOD_SCORES)
    services.submit_review(by=people["regisseur"], review=regisseur, recommendation="positief", text="Doen.", scores=GOOD_SCORES)
    # formeel may neither advise nor be skipped until the programme team decided.
    assert services.gates_before_agenda(proposal) == [
        "een besluit over de gemelde belangenconflicten van adviseurs", "het advies van alle adviseurs"
    ]
    with pytest.raises(ValidationError, match="belangenconflicten van adviseurs"):
        services.put_on_agenda(by=people["programmateam"], proposal=proposal, meeting=meeting)


def test_a_confirmed_conflict_blocks_advice_and_the_others_advice_suffices(people, proposal, meeting):
    formeel, regisseur = to_advice(people, proposal, reviewers=[people["formeel"], people["regisseur"]])
    conflict = Conflict.objects.get(user=people["formeel"])
    services.decide_conflict(by=people["programmateam"], conflict=conflict, confirmed=True, reason="Veilig Thuis cofinanciert.")
    conflict.refresh_from_db()
    assert (conflict.status, conflict.decided_by, conflict.decision_reason) == ("bevestigd", people["programmateam"], "Veilig Thuis cofinanciert.")
    assert conflict.decided_at is not None
    assert AuditEvent.objects.filter(event="conflict.decided", details__confirmed=True).exists()
    with pytest.raises(ValidationError, match="Je hebt een belangenconflict bij dit voorstel en geeft daarom geen advies"):
        services.submit_review(by=people["formeel"], review=formeel, recommendation="positief", text="x", scores=GOOD_SCORES)
    services.submit_review(by=people["regisseur"], review=regisseur, recommendation="positief", text="Doen.", scores=GOOD_SCORES)
    services.put_on_agenda(by=people["programmateam"], proposal=proposal, meeting=meeting)
    proposal.refresh_from_db()
    assert proposal.state == State.GEAGENDEERD


def test_a_dismissed_conflict_lets_the_reviewer_advise(people, proposal):
    (formeel,) = to_advice(people, proposal, reviewers=[people["formeel"]])
    conflict = Conflict.objects.get()
    services.decide_conflict(by=people["programmateam"], conflict=conflict, confirmed=False, reason="Alleen uren in natura, geen belang.")
    services.submit_review(by=people["formeel"], review=formeel, recommendation="positief", text="Doen.", scores=GOOD_SCORES)
    assert services.gates_before_agenda(proposal) == []


def test_only_the_programme_team_decides_a_review_conflict(people, proposal, ab_voorzitter):
    to_advice(people, proposal, reviewers=[people["formeel"]])
    conflict = Conflict.objects.get()
    for user in [people["formeel"], people["otvoorzitter"], ab_voorzitter, people["fondsbeheerder"]]:
        with pytest.raises(PermissionDenied, match="Het programmateam beslist"):
            services.decide_conflict(by=user, conflict=conflict, confirmed=False, reason="Geen belang.")
    conflict.refresh_from_db()
    assert conflict.status == Conflict.Status.OPEN


def test_a_decision_needs_a_reason_and_is_taken_once(people, proposal):
    to_advice(people, proposal, reviewers=[people["formeel"]])
    conflict = Conflict.objects.get()
    with pytest.raises(ValidationError, match="Geef een reden voor je besluit"):
        services.decide_conflict(by=people["programmateam"], conflict=conflict, confirmed=True, reason="  ")
    conflict.refresh_from_db()
    assert conflict.status == Conflict.Status.OPEN
    services.decide_conflict(by=people["programmateam"], conflict=conflict, confirmed=True, reason="Cofinancier.")
    with pytest.raises(ValidationError, match="al besloten"):
        services.decide_conflict(by=people["programmateam"], conflict=conflict, confirmed=False, reason="Toch niet.")


def test_a_reviewer_declares_a_conflict_which_then_waits_for_a_decision(people, proposal):
    (review,) = to_advice(people, proposal, reviewers=[people["regisseur"]])
    before = snapshot(proposal)
    with pytest.raises(ValidationError, match="Beschrijf kort waarom"):
        services.declare_conflict(by=people["regisseur"], proposal=proposal, context="advies", grounds=" ")
    assert snapshot(proposal) == before
    conflict = services.declare_conflict(by=people["regisseur"], proposal=proposal, context="advies", grounds="Mijn partner werkt bij Nisa 4 Nisa.")
    assert (conflict.origin, conflict.status, conflict.user) == ("gemeld", "open", people["regisseur"])
    with pytest.raises(ValidationError, match="programmateam beslist daar eerst over"):
        services.submit_review(by=people["regisseur"], review=review, recommendation="positief", text="x", scores=GOOD_SCORES)


def test_declaring_for_a_step_one_does_not_take_part_in_is_refused(people, proposal):
    """A reviewer cannot hold up the board's decision with a 'bestuur' conflict, nor an outsider the advice."""
    to_advice(people, proposal, reviewers=[people["regisseur"]])
    with pytest.raises(PermissionDenied, match="Alleen een bestuurslid"):
        services.declare_conflict(by=people["regisseur"], proposal=proposal, context="bestuur", grounds="Ik ken de aanvrager.")
    with pytest.raises(PermissionDenied):
        services.declare_conflict(by=people["otlid"], proposal=proposal, context="advies", grounds="Ik schreef het zelf.")
    assert not Conflict.objects.exists()


# --- board conflicts, abstention and quorum ------------------------------------------------------

@pytest.fixture
def board(people, structure, ab_voorzitter, django_user_model):
    """The board with four seats: the chair, two opgaveteam chairs (one of Veiligheid), and a wethouder
    who sits for Veilig Thuis, the proposal's co-financier. Meeting today, all present."""
    wethouder = django_user_model.objects.create_user(username="wethouder", password="demo-wachtwoord-123")
    domain_services.assign_seat(
        by=None, user=wethouder, body=structure["bodies"]["bestuur"], role=Seat.Role.BESTUURSLID,
        organisation=structure["orgs"]["formeel"], board_seat=Seat.BoardSeat.WETHOUDER, starts_on=datetime.date(2026, 1, 1),
    )
    chair_ot = people["otvoorzitter"]
    domain_services.assign_seat(
        by=None, user=chair_ot, body=structure["bodies"]["bestuur"], role=Seat.Role.BESTUURSLID,
        board_seat=Seat.BoardSeat.OT_VOORZITTER, starts_on=datetime.date(2026, 1, 1),
    )
    rights.forget(chair_ot)
    meeting = services.create_meeting(by=people["programmateam"], body=structure["bodies"]["bestuur"], date=timezone.localdate())
    services.set_attendance(by=people["programmateam"], meeting=meeting, presence={a.seat_id: "aanwezig" for a in meeting.attendance.all()})
    return {"meeting": meeting, "wethouder": wethouder, "chair": ab_voorzitter}


@pytest.fixture
def agendered(people, proposal, board):
    (review,) = to_advice(people, proposal, reviewers=[people["regisseur"]])
    services.submit_review(by=people["regisseur"], review=review, recommendation="positief", text="Doen.", scores=GOOD_SCORES)
    services.put_on_agenda(by=people["programmateam"], proposal=proposal, meeting=board["meeting"])
    proposal.refresh_from_db()
    return proposal


def grant(by, board, proposal, funds):
    return services.record_decision(
        by=by, meeting=board["meeting"], proposal=proposal, outcome="toegekend",
        lines=[{"fund": funds["pmg"], "year": 2026, "amount": Decimal("40000")}],
    )


def test_board_members_of_involved_organisations_get_a_suggestion_and_presenters_do_not(people, agendered, board):
    conflicts = list(Conflict.objects.filter(proposal=agendered, context="bestuur"))
    assert [(c.user, c.status, c.origin) for c in conflicts] == [(board["wethouder"], "open", "gesuggereerd")]
    # The Veiligheid opgaveteam's chair presents the own domain's proposal: no conflict by itself.
    assert not Conflict.objects.filter(user=people["otvoorzitter"]).exists()


def test_no_decision_while_a_board_conflict_is_open(people, agendered, board, funds):
    before = snapshot(agendered)
    with pytest.raises(ValidationError, match="Beslis eerst over de mogelijke belangenconflicten"):
        grant(board["chair"], board, agendered, funds)
    assert snapshot(agendered) == before


def test_only_the_boards_chair_decides_a_board_conflict(people, agendered, board):
    conflict = Conflict.objects.get(context="bestuur")
    for user in [people["programmateam"], people["bestuur"], people["otvoorzitter"], board["wethouder"]]:
        with pytest.raises(PermissionDenied, match="voorzitter van het bestuur"):
            services.decide_conflict(by=user, conflict=conflict, confirmed=True, reason="Cofinancier.")
    conflict.refresh_from_db()
    assert conflict.status == Conflict.Status.OPEN


def test_a_board_conflict_is_decided_for_the_meeting_the_proposal_is_on(people, agendered, board, structure):
    later = services.create_meeting(
        by=people["programmateam"], body=structure["bodies"]["bestuur"], date=timezone.localdate() + datetime.timedelta(days=30)
    )
    conflict = Conflict.objects.get(context="bestuur")
    with pytest.raises(ValidationError, match="staat niet op de agenda van deze vergadering"):
        services.decide_conflict(by=board["chair"], conflict=conflict, confirmed=True, reason="Cofinancier.", meeting=later)


def test_a_confirmed_board_conflict_is_an_abstention(people, agendered, board, funds):
    conflict = Conflict.objects.get(context="bestuur")
    services.decide_conflict(by=board["chair"], conflict=conflict, confirmed=True, reason="Veilig Thuis cofinanciert.")
    count = services.quorum(board["meeting"], agendered)
    assert (count["seats"], count["voting"], count["needed"], count["enough"]) == (4, 3, 3, True)
    assert count["abstaining"] == [board["wethouder"]]
    decision = grant(board["chair"], board, agendered, funds)
    assert list(decision.abstained.all()) == [board["wethouder"]]


def test_a_dismissed_board_conflict_votes_normally(people, agendered, board, funds):
    conflict = Conflict.objects.get(context="bestuur")
    services.decide_conflict(by=board["chair"], conflict=conflict, confirmed=False, reason="Alleen uren in natura.")
    decision = grant(board["chair"], board, agendered, funds)
    assert not decision.abstained.exists()
    assert services.quorum(board["meeting"], agendered)["voting"] == 4


def test_too_few_voting_members_refuses_the_decision_and_names_the_counts(people, agendered, board, funds):
    services.decide_conflict(by=board["chair"], conflict=Conflict.objects.get(context="bestuur"), confirmed=True, reason="Cofinancier.")
    absent = board["meeting"].attendance.get(seat__user=people["bestuur"])
    services.set_attendance(by=people["programmateam"], meeting=board["meeting"], presence={absent.seat_id: "afwezig"})
    before = snapshot(agendered)
    with pytest.raises(ValidationError, match=r"Niet genoeg stemgerechtigde leden: 2 van de 3 nodig \(1 onthouden zich\)"):
        grant(board["chair"], board, agendered, funds)
    assert snapshot(agendered) == before


def test_a_board_member_declares_and_the_chair_decides(people, agendered, board, funds):
    services.decide_conflict(by=board["chair"], conflict=Conflict.objects.get(user=board["wethouder"]), confirmed=True, reason="Cofinancier.")
    declared = services.declare_conflict(by=people["bestuur"], proposal=agendered, context="bestuur", grounds="Mijn broer leidt Nisa 4 Nisa.")
    assert (declared.origin, declared.status) == ("gemeld", "open")
    with pytest.raises(ValidationError, match="Beslis eerst"):
        grant(board["chair"], board, agendered, funds)
    services.decide_conflict(by=board["chair"], conflict=declared, confirmed=True, reason="Familieband.")
    # Two abstain of four present: two vote, three are needed.
    with pytest.raises(ValidationError, match="2 van de 3 nodig"):
        grant(board["chair"], board, agendered, funds)


def test_a_second_decision_in_the_same_meeting_is_a_clear_error(people, agendered, board, funds):
    services.decide_conflict(by=board["chair"], conflict=Conflict.objects.get(context="bestuur"), confirmed=True, reason="Cofinancier.")
    services.record_decision(
        by=board["chair"], meeting=board["meeting"], proposal=agendered, outcome="aangehouden", questions="Wie betaalt na 2026?"
    )
    with pytest.raises(ValidationError, match="al besloten"):
        grant(board["chair"], board, agendered, funds)
