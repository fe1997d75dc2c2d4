"""Services of the alliance's structure: each changes state in one transaction with its audit row."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from domains import services
from domains.models import Organisation, OrganisationKindDecision, Seat
from samennw.models import AuditEvent


@pytest.mark.django_db
def test_assign_seat_writes_audit_row(structure, people):
    before = AuditEvent.objects.count()
    seat = services.assign_seat(
        by=people["programmateam"], user=people["bewoner"], body=structure["bodies"]["ot"], role=Seat.Role.LID,
        starts_on=datetime.date(2026, 3, 1),
    )
    event = AuditEvent.objects.get(event="seat.assigned", target_id=str(seat.pk))
    assert event.actor == people["programmateam"]
    assert event.details == {"body": "opgaveteam-veiligheid", "role": "lid"}
    assert AuditEvent.objects.count() == before + 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body_key,role,extra,field",
    [
        ("ot", Seat.Role.BESTUURSLID, {}, "role"),
        ("ot", Seat.Role.LID, {"board_seat": Seat.BoardSeat.WETHOUDER}, "board_seat"),
        ("ot", Seat.Role.NETWERKREGISSEUR, {}, "role"),
        ("ot", Seat.Role.LID, {"ends_on": datetime.date(2025, 1, 1)}, "__all__"),
    ],
)
def test_assign_seat_refuses_bad_input_and_saves_nothing(structure, people, body_key, role, extra, field):
    count = Seat.objects.count()
    audits = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        services.assign_seat(
            by=None, user=people["bewoner"], body=structure["bodies"][body_key], role=role,
            starts_on=datetime.date(2026, 1, 1), **extra,
        )
    assert field in error.value.message_dict
    assert Seat.objects.count() == count
    assert AuditEvent.objects.count() == audits


@pytest.mark.django_db
def test_end_seat_before_start_is_refused(people):
    seat = people["otlid"].seats.get()
    with pytest.raises(ValidationError) as error:
        services.end_seat(by=None, seat=seat, ends_on=datetime.date(2025, 12, 31))
    assert "ends_on" in error.value.message_dict
    seat.refresh_from_db()
    assert seat.ends_on is None


@pytest.mark.django_db
def test_decide_organisation_kind_records_who_when_why(structure, people):
    org = structure["orgs"]["informeel"]
    decision = services.decide_organisation_kind(
        by=people["programmateam"], organisation=org, kind=Organisation.Kind.FORMEEL,
        reason="Stichting is gecontracteerd als zorgaanbieder.",
    )
    org.refresh_from_db()
    assert org.kind == "formeel"
    assert decision.decided_by == people["programmateam"]
    assert AuditEvent.objects.filter(event="organisation.kind_decided", target_id=str(org.pk)).exists()


@pytest.mark.django_db
def test_decide_organisation_kind_needs_a_reason(structure):
    org = structure["orgs"]["informeel"]
    with pytest.raises(ValidationError) as error:
        services.decide_organisation_kind(by=None, organisation=org, kind="formeel", reason="   ")
    assert "reason" in error.value.message_dict
    org.refresh_from_db()
    assert org.kind == "informeel"
    assert not OrganisationKindDecision.objects.exists()


@pytest.mark.django_db
def test_nightly_sync_ends_roles_of_expired_seats(people):
    from domains.tasks import sync_seats

    seat = people["programmateam"].seats.get()
    Seat.objects.filter(pk=seat.pk).update(ends_on=datetime.date(2026, 1, 2))  # as if it ran out while nobody looked
    assert people["programmateam"].groups.filter(name="programmateam").exists()
    changed = sync_seats.delay().get()
    assert changed == 1
    assert not people["programmateam"].groups.filter(name="programmateam").exists()
    assert sync_seats.delay().get() == 0  # idempotent
