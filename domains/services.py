"""State changes of the alliance's structure. Each service is one transaction with its audit row."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from domains.models import Body, MeetingReport, Organisation, OrganisationKindDecision, Seat, SeatSideChange
from samennw import audit, public_cache
from samennw.rights import Role, forget

# Which role group a seat puts its holder in. Partner seats follow the seat's side (DECISIONS 2).
_ROLE_FOR_SEAT = {
    Seat.Role.PROGRAMMATEAM: Role.PROGRAMMATEAM,
    Seat.Role.BESTUURSLID: Role.BESTUURSLID,
    Seat.Role.NETWERKREGISSEUR: Role.NETWERKREGISSEUR,
    Seat.Role.FONDSBEHEERDER: Role.FONDSBEHEERDER,
    Seat.Role.PRIVACY: Role.PRIVACY,
    Seat.Role.AANVOERDER: Role.AANVOERDER,
}
_TEAM_KINDS = {Body.Kind.OPGAVETEAM, Body.Kind.WERKGROEP}


def roles_from_seats(seats: list[Seat]) -> set[Role]:
    """The role groups that a set of active seats gives (pure; used by sync and tests)."""
    roles: set[Role] = set()
    for seat in seats:
        if seat.role in _ROLE_FOR_SEAT:
            roles.add(_ROLE_FOR_SEAT[seat.role])
        if seat.body.kind in _TEAM_KINDS:
            roles.add(Role.OPGAVETEAMLID)
        if seat.body.kind == Body.Kind.ALLIANTIEBESTUUR:  # the chair is a board member too
            roles.add(Role.BESTUURSLID)
        # Only a partner seat in the alliance or a seat at a netwerkgroep table makes someone a formal or
        # informal partner; a programme-team seat held for the city does not.
        side = seat.side or (seat.organisation.kind if seat.organisation_id and seat.role == Seat.Role.PARTNER else "")
        if side == Seat.Side.FORMEEL:
            roles.add(Role.FORMELE_PARTNER)
        elif side == Seat.Side.INFORMEEL:
            roles.add(Role.INFORMELE_PARTNER)
    return roles


def ensure_role_groups() -> dict[Role, Group]:
    return {role: Group.objects.get_or_create(name=role.value)[0] for role in Role}


@transaction.atomic
def sync_role_groups(*, user, on: datetime.date | None = None) -> set[Role]:
    """Make the user's role groups match the seats active on ``on`` (default today).

    Rule: rights come from time-bound seats (DECISIONS 1). A seat that ended takes its role away
    at the next sync (on seat change, at login, and nightly by ``domains.tasks.sync_seats``).
    Chairs of a body get the guardian grant ``manage_body`` on that body while their seat runs.
    """
    on = on or timezone.localdate()
    seats = list(Seat.objects.active(on).filter(user=user).select_related("body", "organisation"))
    wanted = roles_from_seats(seats) if user.is_active else set()
    groups = ensure_role_groups()
    managed = {groups[role] for role in Role if role is not Role.BEHEERDER}
    current = set(user.groups.filter(pk__in=[g.pk for g in managed]))
    target = {groups[role] for role in wanted}
    if current - target:
        user.groups.remove(*(current - target))
    if target - current:
        user.groups.add(*(target - current))

    chaired = {seat.body for seat in seats if seat.role == Seat.Role.VOORZITTER} if user.is_active else set()
    from domains.models import BodyUserObjectPermission

    granted = {
        p.content_object
        for p in BodyUserObjectPermission.objects.filter(user=user, permission__codename="manage_body").select_related(
            "content_object"
        )
    }
    for body in granted - chaired:
        remove_perm("domains.manage_body", user, body)
    for body in chaired - granted:
        assign_perm("domains.manage_body", user, body)
    forget(user)
    return wanted


@transaction.atomic
def assign_seat(
    *,
    by,
    user,
    body: Body,
    role: str,
    starts_on: datetime.date,
    organisation: Organisation | None = None,
    ends_on: datetime.date | None = None,
    board_seat: str = "",
    note: str = "",
) -> Seat:
    """Give a person a seat. The side at a netwerkgroep table follows the organisation's kind (DECISIONS 2)."""
    side = organisation.kind if (organisation is not None and body.kind == Body.Kind.NETWERKGROEP) else ""
    seat = Seat(
        user=user,
        body=body,
        role=role,
        organisation=organisation,
        starts_on=starts_on,
        ends_on=ends_on,
        board_seat=board_seat,
        side=side,
        note=note,
    )
    if role == Seat.Role.BESTUURSLID and body.kind != Body.Kind.ALLIANTIEBESTUUR:
        raise ValidationError({"role": _("Een bestuurszetel hoort bij het alliantiebestuur.")})
    if board_seat and body.kind != Body.Kind.ALLIANTIEBESTUUR:
        raise ValidationError({"board_seat": _("Alleen het alliantiebestuur heeft getypeerde zetels.")})
    if role == Seat.Role.NETWERKREGISSEUR and body.kind != Body.Kind.NETWERKGROEP:
        raise ValidationError({"role": _("Een netwerkregisseur hoort bij een netwerkgroep.")})
    seat.full_clean()
    if _overlapping_seat(seat) is not None:
        raise ValidationError(
            {"user": _("%(name)s heeft deze zetel al in die periode; beëindig eerst de lopende zetel.") % {"name": user}}
        )
    seat.save()
    audit.record("seat.assigned", actor=by, target=seat, body=body.slug, role=role)
    sync_role_groups(user=user)
    return seat


def _overlapping_seat(seat: Seat) -> Seat | None:
    """The same person's seat with the same role (and board seat) in the same body whose period overlaps."""
    others = Seat.objects.filter(user=seat.user, body=seat.body, role=seat.role, board_seat=seat.board_seat)
    if seat.ends_on is not None:
        others = others.filter(starts_on__lte=seat.ends_on)
    return others.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=seat.starts_on)).exclude(pk=seat.pk).first()


@transaction.atomic
def end_seat(*, by, seat: Seat, ends_on: datetime.date) -> Seat:
    """End a seat on a date; the holder loses the role from the next day."""
    if ends_on < seat.starts_on:
        raise ValidationError({"ends_on": _("Een zetel kan niet eindigen voordat hij begint.")})
    seat.ends_on = ends_on
    seat.full_clean()
    seat.save(update_fields=["ends_on"])
    audit.record("seat.ended", actor=by, target=seat, ends_on=ends_on.isoformat())
    sync_role_groups(user=seat.user)
    return seat


@transaction.atomic
def change_seat_side(*, by, seat: Seat, side: str, reason: str) -> SeatSideChange:
    """Move a member to the formal or informal side of a netwerkgroep table, with a reason (DECISIONS 2).

    The side was set from the organisation's kind when the seat was given; only the group's regisseur
    changes it afterwards (``domains.change_seat_side`` in ``samennw.rights``, checked by the view). What
    the member sees follows the side, so the role groups are synced at once.
    """
    seat = Seat.objects.select_for_update().select_related("body", "user").get(pk=seat.pk)
    errors: dict[str, str] = {}
    if seat.body.kind != Body.Kind.NETWERKGROEP:
        errors["side"] = _("Alleen aan de tafel van een netwerkgroep zit een lid formeel of informeel.")
    elif not seat.is_active():
        errors["side"] = _("Deze zetel loopt niet meer; de kant aan tafel wijzigt alleen bij een lopende zetel.")
    elif side not in Seat.Side.values:
        errors["side"] = _("Kies formeel of informeel.")
    elif side == seat.side:
        errors["side"] = (
            _("Dit lid zit al aan de formele kant van de tafel.")
            if side == Seat.Side.FORMEEL
            else _("Dit lid zit al aan de informele kant van de tafel.")
        )
    if not (reason or "").strip():
        errors["reason"] = _("Geef een reden voor de wijziging: leden zien iets anders aan de andere kant van de tafel.")
    if errors:
        raise ValidationError(errors)
    change = SeatSideChange(
        seat=seat,
        from_side=seat.side,
        to_side=side,
        reason=reason.strip(),
        changed_by=by if getattr(by, "is_authenticated", False) else None,
    )
    change.full_clean()
    change.save()
    seat.side = side
    seat.full_clean()
    seat.save(update_fields=["side"])
    # The reason stays in the record (it may name circumstances); the audit row says who moved whom, when.
    audit.record("seat.side_changed", actor=by, target=seat, body=seat.body.slug, from_side=change.from_side, to_side=side)
    sync_role_groups(user=seat.user)
    return change


@transaction.atomic
def decide_organisation_kind(
    *, by, organisation: Organisation, kind: str, reason: str, decided_on: datetime.date | None = None, body: str = ""
) -> OrganisationKindDecision:
    """Record that an organisation is a formal or informal partner, with who, when and why (DECISIONS 2)."""
    if not reason.strip():
        raise ValidationError({"reason": _("Geef een reden: de grens tussen formeel en informeel ligt niet vast.")})
    decision = OrganisationKindDecision(
        organisation=organisation,
        kind=kind,
        reason=reason.strip(),
        decided_on=decided_on or timezone.localdate(),
        decided_by=by if getattr(by, "is_authenticated", False) else None,
        decided_by_body=body,
    )
    decision.full_clean()
    decision.save()
    organisation.kind = kind
    organisation.full_clean()
    organisation.save(update_fields=["kind"])
    audit.record("organisation.kind_decided", actor=by, target=organisation, kind=kind)
    public_cache.bump_on_commit()
    return decision


@transaction.atomic
def add_meeting_report(
    *, by, body: Body, held_on: datetime.date, title: str, text: str, slug: str, publish: bool = False
) -> MeetingReport:
    report = MeetingReport(body=body, held_on=held_on, title=title, text=text, slug=slug, is_published=publish)
    report.full_clean()
    report.save()
    audit.record("report.added", actor=by, target=report, body=body.slug, published=publish)
    public_cache.bump_on_commit()
    return report
