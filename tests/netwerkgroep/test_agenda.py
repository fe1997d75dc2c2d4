"""Weekly meetings, the generated agenda, meeting mode (issue 6, items 2, 5, 6; DECISIONS 13b)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from domains.models import Seat
from netwerkgroep import services
from netwerkgroep.models import AgendaItem, Attendance, Meeting
from samennw.models import AuditEvent
from tests.netwerkgroep.conftest import bring, in_days

pytestmark = pytest.mark.django_db


def test_ensure_meetings_creates_weekly_meetings_idempotently(nw, zo, meetings):
    assert Meeting.objects.filter(body=nw).count() == 4
    assert Meeting.objects.filter(body=zo).count() == 4
    dates = [m.date for m in meetings]
    assert all(d.weekday() == 2 for d in dates)
    assert [(b - a).days for a, b in zip(dates, dates[1:], strict=False)] == [7, 7, 7]
    assert dates[0] >= timezone.localdate()
    assert services.ensure_meetings() == 0
    assert Meeting.objects.count() == 8


def test_moved_meeting_keeps_its_slot(people, meetings):
    first = meetings[0]
    with pytest.raises(ValidationError):
        services.move_meeting(by=people["regisseur"], meeting=first, date=first.date + datetime.timedelta(days=1), reason=" ")
    with pytest.raises(PermissionDenied):
        services.move_meeting(by=people["formeel"], meeting=first, date=first.date + datetime.timedelta(days=1), reason="Feestdag")
    with pytest.raises(PermissionDenied):
        services.move_meeting(by=people["regisseur_zo"], meeting=first, date=first.date + datetime.timedelta(days=1), reason="Feestdag")
    moved = services.move_meeting(by=people["regisseur"], meeting=first, date=first.date + datetime.timedelta(days=1), reason="Feestdag")
    assert moved.slot == first.slot and moved.date != moved.slot
    assert services.ensure_meetings() == 0
    assert AuditEvent.objects.filter(event="meeting.moved").exists()


def test_cancel_needs_a_reason(people, meetings):
    with pytest.raises(ValidationError) as exc:
        services.cancel_meeting(by=people["regisseur"], meeting=meetings[1], reason="")
    assert "reason" in exc.value.message_dict
    cancelled = services.cancel_meeting(by=people["regisseur"], meeting=meetings[1], reason="Te weinig partners")
    assert cancelled.status == Meeting.Status.GEANNULEERD
    assert services.ensure_meetings() == 0
    with pytest.raises(ValidationError):
        services.build_agenda(by=people["regisseur"], meeting=cancelled)


def _start(people, meeting, *who):
    seats = [people[w].seats.get(body=meeting.body).pk for w in who]
    return services.start_meeting(by=people["regisseur"], meeting=meeting, present_seats=seats)


def test_build_agenda_order_skips_waiting_and_is_idempotent(people, structure, meetings):
    regisseur = people["regisseur"]
    followed = bring(people, structure)
    services.build_agenda(by=regisseur, meeting=meetings[0])
    _start(people, meetings[0], "informeel", "formeel", "regisseur")
    services.record_discussion(by=regisseur, item=meetings[0].items.get(case=followed), summary="Plan besproken.")
    services.end_meeting(by=regisseur, meeting=meetings[0])
    overdue = bring(people, structure)
    services.add_agreement(by=regisseur, case=overdue, text="Zoekt een time-out plek.", owner_org=structure["orgs"]["formeel"], deadline=in_days(3))
    new = bring(people, structure)
    closed = bring(people, structure)
    services.close_case(by=regisseur, case=closed, reason="doorbraak", terugblik_on=in_days(5))
    waiting = services.set_waiting(by=people["informeel"], case=bring(people, structure), waiting=True)
    spoed = bring(people, structure, urgency="spoed")

    target = meetings[2]
    services.build_agenda(by=regisseur, meeting=target)
    items = list(target.items.all())
    assert [(i.case, i.kind) for i in items] == [
        (spoed, AgendaItem.Kind.SPOED),
        (overdue, AgendaItem.Kind.VERLOPEN),
        (new, AgendaItem.Kind.NIEUW),
        (followed, AgendaItem.Kind.OPVOLGEN),
        (closed, AgendaItem.Kind.TERUGBLIK),
    ]
    assert waiting not in [i.case for i in items]
    assert services.build_agenda(by=regisseur, meeting=target) == []
    assert target.items.count() == 5

    services.remove_from_agenda(by=regisseur, item=target.items.get(case=new))
    services.build_agenda(by=regisseur, meeting=target)
    assert target.items.filter(removed_at__isnull=True).count() == 4
    assert AuditEvent.objects.filter(event="agenda.item_removed", target_id=str(target.pk)).exists()
    with pytest.raises(PermissionDenied):
        services.build_agenda(by=people["formeel"], meeting=target)


def test_reorder_validation(people, structure, meetings):
    bring(people, structure), bring(people, structure)
    services.build_agenda(by=people["regisseur"], meeting=meetings[0])
    ids = list(meetings[0].items.values_list("pk", flat=True))
    for wrong in ([ids[0]], [ids[0], ids[0]], [*ids, 99999]):
        with pytest.raises(ValidationError):
            services.reorder_agenda(by=people["regisseur"], meeting=meetings[0], order=wrong)
    services.reorder_agenda(by=people["regisseur"], meeting=meetings[0], order=list(reversed(ids)))
    assert [i.pk for i in meetings[0].items.all()] == list(reversed(ids))


def test_start_meeting_records_attendance_and_confidentiality(people, structure, meetings, zo):
    meeting = meetings[0]
    zo_seat = people["regisseur_zo"].seats.get(body=zo).pk
    with pytest.raises(ValidationError):
        services.start_meeting(by=people["regisseur"], meeting=meeting, present_seats=[zo_seat])
    with pytest.raises(ValidationError):
        services.start_meeting(by=people["regisseur"], meeting=meeting, present_seats=[])
    with pytest.raises(PermissionDenied):
        _start({**people, "regisseur": people["formeel"]}, meeting, "formeel")
    _start(people, meeting, "informeel", "regisseur")
    rows = {a.seat.user.username: a for a in Attendance.objects.filter(meeting=meeting).select_related("seat__user")}
    assert set(rows) == {"informeel", "formeel", "regisseur"}
    assert rows["informeel"].present and rows["informeel"].confirmed_at is not None
    assert not rows["formeel"].present and rows["formeel"].confirmed_at is None
    event = AuditEvent.objects.get(event="meeting.started")
    assert event.details == {"present": 2, "confidentiality_confirmed": 2}
    assert Seat.objects.filter(pk__in=[a.seat_id for a in rows.values()], body=meeting.body).count() == 3


def test_record_discussion_needs_an_open_meeting(people, structure, meetings):
    case = bring(people, structure)
    services.build_agenda(by=people["regisseur"], meeting=meetings[0])
    item = meetings[0].items.get()
    with pytest.raises(ValidationError):
        services.record_discussion(by=people["regisseur"], item=item, summary="Besproken.")
    _start(people, meeting := meetings[0], "informeel", "regisseur")
    with pytest.raises(ValidationError) as exc:
        services.record_discussion(by=people["regisseur"], item=item, summary="Moeder belt 06-12345678.")
    assert "summary" in exc.value.message_dict
    services.record_discussion(by=people["regisseur"], item=item, summary="Besproken; buurtteam sluit aan.", review_on=in_days(21))
    case.refresh_from_db()
    assert case.status == "opvolgen" and case.review_on == in_days(21)
    assert AuditEvent.objects.filter(event="agenda.discussed", target_id=case.code).exists()
    services.end_meeting(by=people["regisseur"], meeting=meeting)
    with pytest.raises(ValidationError):
        services.record_discussion(by=people["regisseur"], item=item, summary="Later.")
