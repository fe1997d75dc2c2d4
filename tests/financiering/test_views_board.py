"""Board-meeting pages through the test client: rights per role, the whole meeting flow by POSTs,
and bad input that gives a specific Dutch error and saves nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from domains import services as domain_services
from domains.models import Seat
from financiering import services
from financiering.models import AgendaItem, Attendance, Conflict, Decision, Meeting, State
from samennw.models import AuditEvent
from tests.financiering.conftest import GOOD_SCORES, to_advice

pytestmark = pytest.mark.django_db


# --- fixtures ------------------------------------------------------------------------------------

@pytest.fixture
def vt_lid(structure, django_user_model):
    """A board member for Veilig Thuis, which co-finances the proposal: the portal suggests a conflict."""
    user = django_user_model.objects.create_user(username="vtlid", password="demo-wachtwoord-123", display_name="Demo Bestuurslid VT")
    domain_services.assign_seat(
        by=None, user=user, body=structure["bodies"]["bestuur"], role=Seat.Role.BESTUURSLID,
        organisation=structure["orgs"]["formeel"], board_seat=Seat.BoardSeat.WETHOUDER, starts_on=datetime.date(2026, 1, 1),
    )
    return user


@pytest.fixture
def advised(people, proposal):
    """The proposal in 'advies' with every gate of DECISIONS 5 met."""
    reviews = to_advice(people, proposal, reviewers=[people["regisseur"]])
    services.submit_review(by=people["regisseur"], review=reviews[0], recommendation="positief", text="Doen.", scores=GOOD_SCORES)
    proposal.refresh_from_db()
    return proposal


@pytest.fixture
def board(people, structure, ab_voorzitter, vt_lid):
    """Today's meeting with three seats (chair, bestuur, vt_lid), everyone present."""
    m = services.create_meeting(by=people["programmateam"], body=structure["bodies"]["bestuur"], date=timezone.localdate())
    services.set_attendance(by=people["programmateam"], meeting=m, presence={a.seat_id: "aanwezig" for a in m.attendance.all()})
    return m


@pytest.fixture
def on_agenda(people, advised, board):
    services.put_on_agenda(by=people["programmateam"], proposal=advised, meeting=board)
    advised.refresh_from_db()
    return advised


def login(client, user):
    client.force_login(user)
    return client


def decision_data(proposal, funds, **overrides):
    p = proposal.reference
    data = {
        f"{p}-outcome": "toegekend",
        f"{p}-amount_{funds['pmg'].pk}_2026": "35000",
        f"{p}-mode": "consensus",
        f"{p}-conditions": "Tussenrapportage in juni.",
        f"{p}-reason": "",
        f"{p}-questions": "",
        f"{p}-votes_for": "",
        f"{p}-votes_against": "",
        f"{p}-over_budget_reason": "",
    }
    data.update({f"{p}-{k}": v for k, v in overrides.items()})
    return data


def errors_of(response) -> str:
    assert response.status_code == 400, response.status_code
    return response.content.decode()


# --- rights --------------------------------------------------------------------------------------

PAGES = ["financiering:meetings", "financiering:meeting", "financiering:agenda_pack", "financiering:minutes"]


def _url(name, meeting):
    return reverse(name) if name == "financiering:meetings" else reverse(name, kwargs={"pk": meeting.pk})


ROLE_STATUS = {"programmateam": 200, "bestuur": 200, "otlid": 403, "bewoner": 403, "formeel": 403, "fondsbeheerder": 403}


def test_pages_follow_view_meeting(client, people, meeting):
    """Every page × every role (one setup for the whole ladder keeps this fast)."""
    seen = {}
    for role, expected in ROLE_STATUS.items():
        client.force_login(people[role])
        for name in PAGES:
            seen[(role, name)] = (client.get(_url(name, meeting)).status_code, expected)
    assert {k: v for k, v in seen.items() if v[0] != v[1]} == {}


@pytest.mark.parametrize("name", [*PAGES, "financiering:meeting_create", "financiering:minutes_pdf"])
def test_anonymous_goes_to_login(client, meeting, name):
    url = reverse(name) if name in ("financiering:meetings", "financiering:meeting_create") else reverse(name, kwargs={"pk": meeting.pk})
    response = client.get(url)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_create_page_is_for_the_programme_team(client, people):
    assert login(client, people["programmateam"]).get(reverse("financiering:meeting_create")).status_code == 200
    assert login(client, people["bestuur"]).get(reverse("financiering:meeting_create")).status_code == 403


def test_unknown_meeting_is_404(client, people):
    assert login(client, people["programmateam"]).get(reverse("financiering:meeting", kwargs={"pk": 999})).status_code == 404


def test_list_shows_create_button_only_to_the_programme_team(client, people, meeting):
    create = reverse("financiering:meeting_create")
    assert create in login(client, people["programmateam"]).get(reverse("financiering:meetings")).content.decode()
    page = login(client, people["bestuur"]).get(reverse("financiering:meetings")).content.decode()
    assert create not in page and reverse("financiering:meeting", kwargs={"pk": meeting.pk}) in page


def test_board_member_who_is_not_chair_cannot_decide_or_set_attendance(client, people, funds, on_agenda, board):
    c = login(client, people["bestuur"])
    assert c.post(reverse("financiering:decide", kwargs={"pk": board.pk, "ref": on_agenda.reference}), decision_data(on_agenda, funds)).status_code == 403
    assert c.post(reverse("financiering:attendance", kwargs={"pk": board.pk}), {}).status_code == 403
    conflict = Conflict.objects.get(context="bestuur")
    assert c.post(reverse("financiering:board_conflict", kwargs={"pk": board.pk, "conflict": conflict.pk}), {}).status_code == 403
    assert c.post(reverse("financiering:send_pack", kwargs={"pk": board.pk})).status_code == 403
    assert Decision.objects.count() == 0


# --- the whole meeting by POSTs --------------------------------------------------------------------

def test_meeting_flow(client, people, funds, advised, ab_voorzitter, vt_lid):
    today = timezone.localdate()
    pt = login(client, people["programmateam"])
    response = pt.post(reverse("financiering:meeting_create"), {"date": today.isoformat(), "location": "Stadsdeelhuis Nieuw-West"})
    meeting = Meeting.objects.get(date=today)
    assert response.status_code == 302 and response["Location"] == reverse("financiering:meeting", kwargs={"pk": meeting.pk})
    rows = list(meeting.attendance.all())
    assert len(rows) == 3

    response = pt.post(
        reverse("financiering:attendance", kwargs={"pk": meeting.pk}), {f"aanwezig-seat_{a.seat_id}": "aanwezig" for a in rows}
    )
    assert response.status_code == 302
    assert set(meeting.attendance.values_list("presence", flat=True)) == {"aanwezig"}

    response = pt.post(reverse("financiering:agenda_item", kwargs={"pk": meeting.pk}), {"punt-title": "Jaarbudget 2027", "punt-note": ""})
    assert response.status_code == 302
    response = pt.post(reverse("financiering:put_on_agenda", kwargs={"pk": meeting.pk}), {"agenderen-proposal": advised.reference})
    assert response.status_code == 302
    advised.refresh_from_db()
    assert advised.state == State.GEAGENDEERD
    assert [i.title for i in meeting.items.all()] == ["Jaarbudget 2027", advised.title]
    conflict = Conflict.objects.get(context=Conflict.Context.BOARD)
    assert conflict.user == vt_lid and conflict.status == Conflict.Status.OPEN

    chair = login(client, ab_voorzitter)
    page = chair.get(reverse("financiering:meeting", kwargs={"pk": meeting.pk})).content.decode()
    assert "Veilig Thuis is bij dit voorstel betrokken" in page
    assert reverse("financiering:board_conflict", kwargs={"pk": meeting.pk, "conflict": conflict.pk}) in page
    response = chair.post(
        reverse("financiering:board_conflict", kwargs={"pk": meeting.pk, "conflict": conflict.pk}),
        {f"c{conflict.pk}-verdict": "bevestigd", f"c{conflict.pk}-reason": "Veilig Thuis cofinanciert."},
    )
    assert response.status_code == 302
    conflict.refresh_from_db()
    assert conflict.status == Conflict.Status.CONFIRMED and conflict.decided_by == ab_voorzitter
    page = chair.get(reverse("financiering:meeting", kwargs={"pk": meeting.pk})).content.decode()
    assert "Onthouden zich wegens een belangenconflict: Demo Bestuurslid VT." in page
    assert "Er zijn genoeg leden om te besluiten." in page

    response = chair.post(reverse("financiering:decide", kwargs={"pk": meeting.pk, "ref": advised.reference}), decision_data(advised, funds))
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.outcome == "toegekend" and decision.granted_total == Decimal("35000")
    assert list(decision.abstained.all()) == [vt_lid]
    advised.refresh_from_db()
    assert advised.state == State.TOEGEKEND

    minutes = chair.get(reverse("financiering:minutes", kwargs={"pk": meeting.pk})).content.decode()
    assert "Toegekend" in minutes and "35.000,00" in minutes and "Tussenrapportage in juni." in minutes
    assert "Demo Bestuurslid VT" in minutes and "Concept" in minutes

    response = chair.post(reverse("financiering:adopt", kwargs={"pk": meeting.pk}), {"vaststellen-note": "Volgende vergadering in december."})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.VASTGESTELD and meeting.minutes_note == "Volgende vergadering in december."
    minutes = chair.get(reverse("financiering:minutes", kwargs={"pk": meeting.pk})).content.decode()
    assert "Vastgesteld" in minutes and "Volgende vergadering in december." in minutes


def test_send_pack(client, people, on_agenda, board, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, people["programmateam"]).post(reverse("financiering:send_pack", kwargs={"pk": board.pk}))
    assert response.status_code == 302
    board.refresh_from_db()
    assert board.status == Meeting.Status.AGENDA and board.pack_sent_at is not None


def test_send_pack_of_an_empty_agenda_is_refused(client, people, board):
    body = errors_of(login(client, people["programmateam"]).post(reverse("financiering:send_pack", kwargs={"pk": board.pk})))
    assert "De agenda is nog leeg." in body
    board.refresh_from_db()
    assert board.pack_sent_at is None


# --- bad input -----------------------------------------------------------------------------------

def _confirm_conflict(ab_voorzitter, board):
    conflict = Conflict.objects.get(context="bestuur")
    services.decide_conflict(by=ab_voorzitter, conflict=conflict, confirmed=True, reason="Cofinancier.", meeting=board)


BAD_DECISIONS = [
    ({"outcome": "afgewezen"}, "Geef bij afwijzen de reden"),
    ({"outcome": "aangehouden"}, "Schrijf bij aanhouden welke vragen"),
    ({"amount_PMG_2026": "50000"}, "er kan niet meer worden toegekend"),
    ({"amount_PMG_2026": "-5"}, "Een toegekend bedrag kan niet negatief zijn."),
    ({"amount_PMG_2026": "0"}, "Ken minstens één bedrag toe, of kies afwijzen."),
    ({"amount_PMG_2026": "veel"}, "Vul een bedrag in"),
    ({"mode": "stemming", "votes_for": "5", "votes_against": "0"}, "Er zijn meer stemmen (5) dan stemgerechtigde aanwezigen (2)."),
    ({"mode": "stemming"}, "Vul bij een stemming de stemmen voor en tegen in."),
    ({"outcome": ""}, "Kies toekennen, afwijzen of aanhouden."),
]


def test_bad_decisions_save_nothing(client, people, funds, on_agenda, board, ab_voorzitter):
    _confirm_conflict(ab_voorzitter, board)
    c = login(client, ab_voorzitter)
    url = reverse("financiering:decide", kwargs={"pk": board.pk, "ref": on_agenda.reference})
    for overrides, message in BAD_DECISIONS:
        data = decision_data(on_agenda, funds, **{k.replace("PMG", str(funds["pmg"].pk)): v for k, v in overrides.items()})
        body = errors_of(c.post(url, data))
        assert message in body, (overrides, message)
        assert 'class="snw-error-summary"' in body
        on_agenda.refresh_from_db()
        assert on_agenda.state == State.GEAGENDEERD
        assert Decision.objects.count() == 0


def test_decision_with_an_open_conflict_is_refused(client, people, funds, on_agenda, board, ab_voorzitter):
    response = login(client, ab_voorzitter).post(
        reverse("financiering:decide", kwargs={"pk": board.pk, "ref": on_agenda.reference}), decision_data(on_agenda, funds)
    )
    assert "Beslis eerst over de mogelijke belangenconflicten bij dit voorstel." in errors_of(response)
    assert Decision.objects.count() == 0


def test_decision_without_quorum_is_refused(client, people, funds, on_agenda, board, ab_voorzitter):
    _confirm_conflict(ab_voorzitter, board)
    only_chair = {a.seat_id: ("aanwezig" if a.seat.user == ab_voorzitter else "afwezig") for a in board.attendance.select_related("seat__user")}
    services.set_attendance(by=people["programmateam"], meeting=board, presence=only_chair)
    c = login(client, ab_voorzitter)
    assert "Er zijn niet genoeg leden om te besluiten." in c.get(reverse("financiering:meeting", kwargs={"pk": board.pk})).content.decode()
    response = c.post(reverse("financiering:decide", kwargs={"pk": board.pk, "ref": on_agenda.reference}), decision_data(on_agenda, funds))
    assert "Niet genoeg stemgerechtigde leden: 1 van de 2 nodig" in errors_of(response)
    assert Decision.objects.count() == 0


def test_conflict_decision_needs_a_reason(client, people, on_agenda, board, ab_voorzitter):
    conflict = Conflict.objects.get(context="bestuur")
    response = login(client, ab_voorzitter).post(
        reverse("financiering:board_conflict", kwargs={"pk": board.pk, "conflict": conflict.pk}), {f"c{conflict.pk}-verdict": "bevestigd"}
    )
    assert "Geef een reden voor je besluit over dit belangenconflict." in errors_of(response)
    conflict.refresh_from_db()
    assert conflict.status == Conflict.Status.OPEN


def test_meeting_date_already_taken(client, people, board):
    response = login(client, people["programmateam"]).post(reverse("financiering:meeting_create"), {"date": board.date.isoformat()})
    assert f"Op {board.date:%d-%m-%Y} staat al een vergadering." in errors_of(response)
    assert Meeting.objects.count() == 1


def test_meeting_without_date(client, people):
    response = login(client, people["programmateam"]).post(reverse("financiering:meeting_create"), {"date": ""})
    assert "Kies de datum van de vergadering." in errors_of(response)
    assert Meeting.objects.count() == 0


def test_putting_a_proposal_on_the_agenda_whose_gates_are_not_met(client, people, proposal, board):
    to_advice(people, proposal, reviewers=[people["regisseur"]])  # advice not given yet
    response = login(client, people["programmateam"]).post(
        reverse("financiering:put_on_agenda", kwargs={"pk": board.pk}), {"agenderen-proposal": proposal.reference}
    )
    assert "Nog niet klaar voor het bestuur. Ontbreekt: het advies van alle adviseurs." in errors_of(response)
    proposal.refresh_from_db()
    assert proposal.state == State.ADVIES and not AgendaItem.objects.exists()


def test_only_proposals_in_advice_can_be_chosen(client, people, proposal, board):
    response = login(client, people["programmateam"]).post(
        reverse("financiering:put_on_agenda", kwargs={"pk": board.pk}), {"agenderen-proposal": proposal.reference}
    )
    assert "het heeft (nog) niet de status advies" in errors_of(response)


def test_empty_agenda_item_and_bad_attendance(client, people, board):
    c = login(client, people["programmateam"])
    assert "Geef het agendapunt een onderwerp." in errors_of(c.post(reverse("financiering:agenda_item", kwargs={"pk": board.pk}), {"punt-title": " "}))
    seat = board.attendance.first().seat_id
    body = errors_of(c.post(reverse("financiering:attendance", kwargs={"pk": board.pk}), {f"aanwezig-seat_{seat}": "misschien"}))
    assert "Kies aanwezig, afwezig of niet bekend." in body
    assert set(board.attendance.values_list("presence", flat=True)) == {Attendance.Presence.AANWEZIG}


def test_adopt_without_decisions_is_refused(client, people, board, ab_voorzitter):
    response = login(client, ab_voorzitter).post(reverse("financiering:adopt", kwargs={"pk": board.pk}), {"vaststellen-note": ""})
    assert "Er zijn nog geen besluiten vastgelegd." in errors_of(response)
    board.refresh_from_db()
    assert board.status != Meeting.Status.VASTGESTELD


# --- printouts -----------------------------------------------------------------------------------

def test_agenda_pack_shows_the_content_and_is_audited(client, people, on_agenda, board):
    page = login(client, people["bestuur"]).get(reverse("financiering:agenda_pack", kwargs={"pk": board.pk})).content.decode()
    assert on_agenda.purpose in page and on_agenda.exit_route in page
    assert "40.000,00" in page and "Veilig Thuis" in page and "Doen." in page
    assert AuditEvent.objects.filter(event="meeting.agenda_pack_viewed", actor=people["bestuur"], target_id=str(board.pk)).exists()


@pytest.mark.parametrize("name", ["financiering:agenda_pack_pdf", "financiering:minutes_pdf"])
def test_pdfs(client, people, on_agenda, board, name):
    response = login(client, people["bestuur"]).get(reverse(name, kwargs={"pk": board.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"%PDF")


def test_refusals_are_audited(client, people, meeting):
    login(client, people["otlid"]).get(reverse("financiering:meeting", kwargs={"pk": meeting.pk}))
    login(client, people["bestuur"]).post(reverse("financiering:send_pack", kwargs={"pk": meeting.pk}))
    events = AuditEvent.objects.filter(event="access.denied")
    assert {(e.actor, e.details["action"]) for e in events} == {
        (people["otlid"], "financiering.view_meeting"),
        (people["bestuur"], "financiering.manage_meeting"),
    }


def test_meeting_list_queries_do_not_grow_with_the_number_of_meetings(client, people, structure):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        client.force_login(people["bestuur"])
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("financiering:meetings")).status_code == 200
        return len(ctx)

    today = timezone.localdate()
    services.create_meeting(by=people["programmateam"], body=structure["bodies"]["bestuur"], date=today)
    one = count()
    for days in range(1, 12):
        services.create_meeting(
            by=people["programmateam"], body=structure["bodies"]["bestuur"], date=today + datetime.timedelta(days=days * (-1) ** days)
        )
    assert count() == one
