"""Agreements (afspraken), acceptance by informal partners, transfer and closing (issue 6, items 6-7; DECISIONS 12-13)."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from domains.models import Organisation
from netwerkgroep import services, tasks
from netwerkgroep.models import Agreement, Case, Lesson
from samennw import rights
from samennw.models import AuditEvent
from tests.netwerkgroep.conftest import bring, in_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(people, structure):
    return bring(people, structure)


def _add(people, case, org, **changes):
    data = {"text": "Gaat mee naar het gesprek met het buurtteam.", "owner_org": org, "deadline": in_days(14)}
    data.update(changes)
    return services.add_agreement(by=people["regisseur"], case=case, **data)


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"owner_org": None}, "owner_org"),
        ({"deadline": None}, "deadline"),
        ({"deadline": in_days(-1)}, "deadline"),
        ({"text": "Belt moeder op 0612345678."}, "text"),
    ],
)
def test_add_agreement_refused_on_bad_input(people, case, orgs, changes, field):
    with pytest.raises(ValidationError) as exc:
        _add(people, case, orgs["formeel"], **changes)
    assert field in exc.value.message_dict
    assert not Agreement.objects.exists()


def test_agreement_for_organisation_not_at_the_table_is_refused(people, case):
    politie = Organisation.objects.create(slug="politie", name="Politie", kind=Organisation.Kind.FORMEEL)
    with pytest.raises(ValidationError) as exc:
        _add(people, case, politie)
    assert "Politie" in exc.value.message_dict["owner_org"][0]
    with pytest.raises(PermissionDenied):
        services.add_agreement(by=people["formeel"], case=case, text="x", owner_org=politie, deadline=in_days(3))
    assert not Agreement.objects.exists()


def test_informal_owner_must_accept(mailable, structure, orgs, django_capture_on_commit_callbacks):
    people = mailable
    case = bring(people, structure)
    with django_capture_on_commit_callbacks(execute=True):
        agreement = _add(people, case, orgs["informeel"])
    assert agreement.status == Agreement.Status.VOORGESTELD
    assert [m.to for m in mail.outbox] == [["informeel@example.org"]]
    assert "buurtteam" not in mail.outbox[0].body
    for who in ("regisseur", "formeel", "regisseur_zo"):
        with pytest.raises(PermissionDenied):
            services.accept_agreement(by=people[who], agreement=agreement, accept=True)
    with pytest.raises(ValidationError) as exc:
        services.accept_agreement(by=people["informeel"], agreement=agreement, accept=False, reason=" ")
    assert "reason" in exc.value.message_dict
    accepted = services.accept_agreement(by=people["informeel"], agreement=agreement, accept=True)
    assert accepted.status == Agreement.Status.OPEN and accepted.accepted_at is not None
    assert AuditEvent.objects.filter(event="agreement.accepted", target_id=case.code).exists()
    with pytest.raises(ValidationError):
        services.accept_agreement(by=people["informeel"], agreement=accepted, accept=True)


def test_informal_owner_declines_with_reason(people, case, orgs):
    agreement = _add(people, case, orgs["informeel"])
    declined = services.accept_agreement(by=people["informeel"], agreement=agreement, accept=False, reason="Past niet bij onze rol.")
    assert declined.status == Agreement.Status.AFGEWEZEN and declined.outcome == "Past niet bij onze rol."
    assert AuditEvent.objects.filter(event="agreement.declined").exists()


def test_formal_owner_is_open_at_once_and_finishing_needs_outcome(people, case, orgs):
    agreement = _add(people, case, orgs["formeel"])
    assert agreement.status == Agreement.Status.OPEN
    with pytest.raises(ValidationError):
        services.accept_agreement(by=people["formeel"], agreement=agreement, accept=True)
    with pytest.raises(PermissionDenied):
        services.finish_agreement(by=people["informeel"], agreement=agreement, done=True)
    with pytest.raises(ValidationError) as exc:
        services.finish_agreement(by=people["formeel"], agreement=agreement, done=False)
    assert "outcome" in exc.value.message_dict
    done = services.finish_agreement(by=people["formeel"], agreement=agreement, done=True)
    assert done.status == Agreement.Status.GEDAAN and done.done_at is not None
    event = AuditEvent.objects.get(event="agreement.finished")
    assert event.details == {"agreement": agreement.pk, "done": True}
    with pytest.raises(ValidationError):
        services.finish_agreement(by=people["formeel"], agreement=done, done=True)


def test_load_per_organisation(people, case, orgs):
    _add(people, case, orgs["informeel"])
    _add(people, case, orgs["formeel"])
    _add(people, case, orgs["formeel"])
    rows = services.load_per_organisation(case.body)
    assert [(r["owner_org__name"], r["open"]) for r in rows] == [("Veilig Thuis", 2), ("Nisa 4 Nisa", 1)]


def test_overdue_reminder_is_sent_once(mailable, structure, orgs, monkeypatch):
    people = mailable
    case = bring(people, structure)
    with_owner = _add(people, case, orgs["formeel"], owner=people["formeel"], deadline=in_days(2))
    _add(people, case, orgs["informeel"], deadline=in_days(2))  # no named owner: the organisation's members
    _add(people, case, orgs["formeel"], deadline=in_days(30))  # not overdue
    later = timezone.localdate() + datetime.timedelta(days=5)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: later)
    assert tasks.remind_overdue_agreements() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["formeel@example.org", "informeel@example.org"]
    assert all("buurtteam" not in m.body for m in mail.outbox)
    assert tasks.remind_overdue_agreements() == 0
    with_owner.refresh_from_db()
    assert with_owner.reminded_at is not None and with_owner.is_overdue


def test_transfer_keeps_inbrenger_and_tells_them(mailable, structure, orgs, django_capture_on_commit_callbacks):
    people = mailable
    case = bring(people, structure)
    with pytest.raises(ValidationError):
        services.transfer_case(by=people["regisseur"], case=case, to=orgs["informeel"], reason="Zorg nodig.")
    with pytest.raises(ValidationError):
        services.transfer_case(by=people["regisseur"], case=case, to=orgs["formeel"], reason="")
    with pytest.raises(ValidationError) as exc:
        services.transfer_case(by=people["regisseur"], case=case, to=orgs["formeel"], reason="Bel 0612345678.")
    assert "reason" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.transfer_case(by=people["formeel"], case=case, to=orgs["formeel"], reason="Wij nemen het over.")
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.transfer_case(by=people["regisseur"], case=case, to=orgs["formeel"], reason="Veiligheid vraagt om een formeel traject.")
    assert moved.status == Case.Status.OVERGEDRAGEN and moved.transferred_to == orgs["formeel"]
    assert moved.inbrenger == people["informeel"] and moved.inbrenger_org == orgs["informeel"]
    assert [m.to for m in mail.outbox] == [["informeel@example.org"]]
    assert "Veiligheid vraagt" not in mail.outbox[0].body
    rights.forget(people["informeel"])
    assert rights.can(people["informeel"], "netwerkgroep.view_case", moved)
    notes = services.visible_notes(people["informeel"], moved)
    assert any("Nisa 4 Nisa" in n.text for n in notes)


def test_close_needs_reason_and_future_terugblik_and_writes_lesson(people, case):
    regisseur = people["regisseur"]
    for reason, terugblik in (("", in_days(30)), ("weg", in_days(30)), ("doorbraak", None), ("doorbraak", timezone.localdate())):
        with pytest.raises(ValidationError):
            services.close_case(by=regisseur, case=case, reason=reason, terugblik_on=terugblik)
    with pytest.raises(ValidationError) as exc:
        services.close_case(by=regisseur, case=case, reason="doorbraak", terugblik_on=in_days(30), lesson="Mail info@example.nl.")
    assert "lesson" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.close_case(by=people["informeel"], case=case, reason="doorbraak", terugblik_on=in_days(30))
    case.refresh_from_db()
    assert not case.is_closed and not Lesson.objects.exists()
    closed = services.close_case(
        by=regisseur, case=case, reason="doorbraak", terugblik_on=in_days(30), lesson="Samen volhouden werkte.", new_route=True
    )
    assert closed.status == Case.Status.DOORBRAAK and closed.closed_on == timezone.localdate()
    lesson = Lesson.objects.get()
    assert lesson.close_reason == "doorbraak" and lesson.new_route
    assert AuditEvent.objects.filter(event="case.closed", target_id=case.code).exists()


def test_no_automatic_close(people, case, monkeypatch):
    far = timezone.localdate() + datetime.timedelta(days=800)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: far)
    tasks.remind_overdue_agreements()
    services.run_retention(today=far)
    services.ensure_meetings(today=far)
    case.refresh_from_db()
    assert not case.is_closed and case.status == Case.Status.AANGEMELD
