"""``change_seat_side`` and the no-second-seat rule of ``assign_seat``: one transaction each, with the record and
the audit row, and the role groups following the side (DECISIONS 1 and 2)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from domains import services
from domains.models import Seat, SeatSideChange
from samennw import audit
from samennw.models import AuditEvent
from samennw.rights import Role, roles_of


@pytest.fixture
def table_seat(structure, django_user_model):
    """A member at the Nieuw-West table for an informal organisation, and no other seat."""
    user = django_user_model.objects.create_user(username="lid", password="demo-wachtwoord-123", display_name="Demo Lid")
    return services.assign_seat(
        by=None, user=user, body=structure["bodies"]["ng_nw"], role=Seat.Role.LID,
        organisation=structure["orgs"]["informeel"], starts_on=datetime.date(2026, 1, 1),
    )


@pytest.mark.django_db
def test_change_seat_side_records_audits_and_moves_the_role(table_seat, people):
    assert roles_of(table_seat.user) >= {Role.INFORMELE_PARTNER}
    change = services.change_seat_side(by=people["regisseur"], seat=table_seat, side="formeel", reason=" Contract met de GGD. ")
    assert (change.from_side, change.to_side, change.reason, change.changed_by) == (
        "informeel", "formeel", "Contract met de GGD.", people["regisseur"],
    )
    table_seat.refresh_from_db()
    assert table_seat.side == "formeel"
    event = AuditEvent.objects.get(event="seat.side_changed")
    assert event.details == {"body": "netwerkgroep-hgkm-nieuw-west", "from_side": "informeel", "to_side": "formeel"}
    assert "GGD" not in str(event.details)  # the reason stays in the record
    user = type(table_seat.user).objects.get(pk=table_seat.user.pk)
    assert Role.FORMELE_PARTNER in roles_of(user)
    assert Role.INFORMELE_PARTNER not in roles_of(user)


@pytest.mark.django_db
def test_change_seat_side_is_one_transaction(table_seat, people, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        services.change_seat_side(by=people["regisseur"], seat=table_seat, side="formeel", reason="Reden.")
    table_seat.refresh_from_db()
    assert table_seat.side == "informeel"
    assert not SeatSideChange.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "make_seat,side,reason,field,message",
    [
        ("table", "informeel", "Al zo.", "side", "Dit lid zit al aan de informele kant van de tafel."),
        ("table", "ergens", "Reden.", "side", "Kies formeel of informeel."),
        ("table", "formeel", "", "reason", "Geef een reden voor de wijziging"),
        ("ended", "formeel", "Reden.", "side", "Deze zetel loopt niet meer"),
        ("team", "formeel", "Reden.", "side", "Alleen aan de tafel van een netwerkgroep"),
    ],
)
def test_change_seat_side_refuses_bad_input(table_seat, people, structure, make_seat, side, reason, field, message):
    seat = table_seat
    if make_seat == "ended":
        services.end_seat(by=None, seat=seat, ends_on=datetime.date(2026, 1, 31))
    elif make_seat == "team":
        seat = people["otlid"].seats.get()
    audits = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        services.change_seat_side(by=people["regisseur"], seat=seat, side=side, reason=reason)
    assert message in " ".join(error.value.message_dict[field])
    assert not SeatSideChange.objects.exists()
    assert AuditEvent.objects.count() == audits


@pytest.mark.django_db
def test_assign_seat_refuses_an_overlapping_seat_of_the_same_kind(people, structure):
    ot = structure["bodies"]["ot"]
    with pytest.raises(ValidationError) as error:
        services.assign_seat(by=None, user=people["otlid"], body=ot, role=Seat.Role.LID, starts_on=datetime.date(2027, 1, 1))
    assert "heeft deze zetel al in die periode" in error.value.message_dict["user"][0]


@pytest.mark.django_db
def test_assign_seat_allows_a_new_term_after_the_old_one_and_another_role(people, structure):
    ot = structure["bodies"]["ot"]
    old = people["otlid"].seats.get()
    services.end_seat(by=None, seat=old, ends_on=datetime.date(2026, 6, 30))
    again = services.assign_seat(by=None, user=people["otlid"], body=ot, role=Seat.Role.LID, starts_on=datetime.date(2026, 7, 1))
    other = services.assign_seat(by=None, user=people["otlid"], body=ot, role=Seat.Role.AANVOERDER, starts_on=datetime.date(2026, 7, 1))
    assert {again.role, other.role} == {"lid", "aanvoerder"}
    with pytest.raises(ValidationError):  # a planned seat that would start before the old one ended
        services.assign_seat(
            by=None, user=people["otlid"], body=ot, role=Seat.Role.LID,
            starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 1, 31),
        )
