"""State changes of the netwerkgroep: cases, consent, notes, meetings and agenda, agreements, closing, retention.

Each service is one transaction with its audit row (codes and field names only, never case text). The
views check rights first; services re-check the rights that depend on the object they lock. Every free
text passes ``netwerkgroep.pii`` through the models' validators (``full_clean``) before anything is
saved. E-mail goes out after commit through Celery tasks that carry ids only and send links only.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from domains.models import Body, Organisation, Seat
from netwerkgroep import pii
from netwerkgroep.models import (
    AgendaItem,
    Agreement,
    Attendance,
    Bouwsteen,
    Case,
    CaseStat,
    Consent,
    Lesson,
    Meeting,
    Note,
    Schedule,
    Tombstone,
    new_case_code,
)
from samennw import audit, queue, rights

CASE_FIELDS = (
    "urgency", "adults", "children_0_4", "children_4_12", "children_12_18", "has_slachtoffer", "has_pleger",
    "has_kind", "has_omstander", "bouwstenen", "question", "tried", "stuck_on", "involved", "review_on",
)
RETENTION_DAYS = 365  # issue 6, item 9: a case closed for 12 months is purged
HOLD_BACK_DAYS = 183  # DECISIONS 13c: the regisseur may hold a case back once (half a year)
ANNOUNCE_DAYS = 7  # the regisseur sees the list a week before the purge (DECISIONS 13c)
OPEN_STATES = (
    Case.Status.AANGEMELD, Case.Status.GEAGENDEERD, Case.Status.IN_BESPREKING, Case.Status.OPVOLGEN,
    Case.Status.WACHT, Case.Status.OVERGEDRAGEN,
)



def _on_commit(task, *args) -> None:
    queue.enqueue_on_commit(task, *args)


def _netwerkgroep(body: Body) -> Body:
    if body.kind != Body.Kind.NETWERKGROEP:
        raise ValidationError(_("Dit is geen netwerkgroep."))
    return body


def seat_in(user, body: Body) -> Seat | None:
    """The person's active seat at this table (the regisseur's first), or None."""
    seats = [s for s in rights.active_seats(user) if s.body_id == body.pk]
    seats.sort(key=lambda s: s.role != Seat.Role.NETWERKREGISSEUR)
    return seats[0] if seats else None


def side_of(user, body: Body) -> str:
    """'formeel' or 'informeel' for a partner at the table; the regisseur reads as formal."""
    seat = seat_in(user, body)
    if seat is None:
        return ""
    if seat.role == Seat.Role.NETWERKREGISSEUR:
        return Seat.Side.FORMEEL
    return seat.side or (seat.organisation.kind if seat.organisation_id else "")


def _clean_bouwstenen(values: Iterable[str]) -> list[str]:
    values = list(dict.fromkeys(values or []))
    unknown = [v for v in values if v not in Bouwsteen.values]
    if unknown:
        raise ValidationError({"bouwstenen": _("Onbekende bouwsteen: %(value)s.") % {"value": ", ".join(unknown)}})
    return values


def _clean(obj, *, exclude: Iterable[str] = (), prefix: str = "") -> dict[str, list]:
    """``full_clean`` with the PII guard's messages naming the field (issue 6, item 4): "Vraag aan de
    tafel bevat een persoonsgegeven (telefoonnummer) ...". Returns the errors, keyed ``prefix + field``."""
    errors: dict[str, list] = {}
    skip = set(exclude)
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname, None)
        if field.name in skip or not isinstance(value, str) or pii.no_personal_data not in field.validators:
            continue
        try:
            pii.check_text(value, field_label=capfirst(str(field.verbose_name)))
        except ValidationError as exc:
            errors[prefix + field.name] = list(exc.messages)
            skip.add(field.name)
    try:
        obj.full_clean(exclude=sorted(skip) or None)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(prefix + field, []).extend(messages)
    return errors


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


# --- cases and consent ---------------------------------------------------------------------------

@transaction.atomic
def bring_in(*, by, body: Body, consent: dict[str, Any], **fields: Any) -> Case:
    """A member brings in a case, anonymously and with the household's consent recorded (004:56; DECISIONS 10).

    The inbrenger (organisation, its side at the table, the person) stays on the case for its life.
    A spoed case notifies the regisseur at once with a link only (DECISIONS 11).
    """
    _netwerkgroep(body)
    rights.require(by, "netwerkgroep.bring_in", body)
    seat = seat_in(by, body)
    if seat.organisation_id is None:
        raise ValidationError(_("Je zetel in deze netwerkgroep hoort bij geen organisatie; vraag de regisseur dat vast te leggen."))
    unknown = set(fields) - set(CASE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    fields["bouwstenen"] = _clean_bouwstenen(fields.get("bouwstenen", []))
    case = Case(
        body=body,
        code=new_case_code(body),
        inbrenger=by,
        inbrenger_org=seat.organisation,
        inbrenger_side=side_of(by, body) if seat.role != Seat.Role.NETWERKREGISSEUR else seat.organisation.kind,
        **fields,
    )
    errors = _clean(case, exclude=["code"])
    consent_record = _consent(by=by, case=case, data=consent or {}, errors=errors)
    if errors:
        raise ValidationError(errors)
    case.save()
    consent_record.case = case
    consent_record.save()
    audit.record("case.brought_in", actor=by, target=case, urgency=case.urgency, inbrenger_side=case.inbrenger_side)
    if case.urgency == Case.Urgency.SPOED:
        _spoed(case)
    return case


def _spoed(case: Case) -> None:
    """Direct danger: the regisseur hears at once (a link only) and the case leads the next agenda (DECISIONS 11)."""
    from netwerkgroep import tasks

    _on_commit(tasks.notify_spoed, case.pk)
    next_meeting = upcoming_meeting(case.body)
    if next_meeting is not None:
        _add_item(next_meeting, case, AgendaItem.Kind.SPOED)


def _consent(*, by, case: Case, data: dict[str, Any], errors: dict) -> Consent:
    """A consent record; a case without one is refused (issue 6, bad input)."""
    record = Consent(
        case=case, recorded_by=by, given_on=data.get("given_on"),
        **{k: data.get(k) or "" for k in ("form", "scope", "household_wishes")},
    )
    if not data.get("given_on"):
        errors.setdefault("consent_given_on", []).append(
            _("Leg vast wanneer het huishouden toestemming gaf; zonder toestemming brengen we niets in.")
        )
    elif not isinstance(data["given_on"], datetime.date):
        errors.setdefault("consent_given_on", []).append(_("De datum van de toestemming is geen geldige datum."))
    elif data["given_on"] > timezone.localdate():
        errors.setdefault("consent_given_on", []).append(_("De datum van de toestemming ligt in de toekomst."))
    for field, messages in _clean(record, exclude=["case", "given_on"], prefix="consent_").items():
        errors.setdefault(field, []).extend(messages)
    return record


@transaction.atomic
def record_consent(*, by, case: Case, consent: dict[str, Any]) -> Consent:
    """A new consent record (e.g. the scope changed); the earlier ones stay."""
    locked = _lock(case)
    rights.require(by, "netwerkgroep.record_consent", locked)
    errors: dict = {}
    record = _consent(by=by, case=locked, data=consent or {}, errors=errors)
    if errors:
        raise ValidationError(errors)
    record.save()
    audit.record("case.consent_recorded", actor=by, target=locked, form=record.form)
    return record


@transaction.atomic
def update_case(*, by, case: Case, version: int, changes: dict[str, Any]) -> Case:
    locked = _lock(case)
    rights.require(by, "netwerkgroep.edit_case", locked)
    if locked.version != version:
        raise ValidationError(_("Iemand anders heeft deze casus intussen gewijzigd. Laad de pagina opnieuw."), code="concurrent_edit")
    unknown = set(changes) - set(CASE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if "bouwstenen" in changes:
        changes["bouwstenen"] = _clean_bouwstenen(changes["bouwstenen"])
    became_spoed = changes.get("urgency") == Case.Urgency.SPOED and locked.urgency != Case.Urgency.SPOED
    for name, value in changes.items():
        setattr(locked, name, value)
    errors = _clean(locked)
    if errors:
        raise ValidationError(errors)
    locked.version += 1
    locked.updated_at = timezone.now()
    locked.save()
    audit.record("case.updated", actor=by, target=locked, fields=sorted(changes))
    if became_spoed:
        _spoed(locked)
    return locked


@transaction.atomic
def set_waiting(*, by, case: Case, waiting: bool) -> Case:
    """'Wacht op huishouden' keeps a case open without action (DECISIONS 10); the household sets the pace."""
    locked = _lock(case)
    rights.require(by, "netwerkgroep.edit_case", locked)
    if waiting and locked.status == Case.Status.WACHT:
        raise ValidationError(_("Deze casus wacht al op het huishouden."))
    if not waiting and locked.status != Case.Status.WACHT:
        raise ValidationError(_("Deze casus wacht niet op het huishouden."))
    # Resuming returns a transferred case to "overgedragen" (the transfer stays), any other case to follow-up.
    resumed = Case.Status.OVERGEDRAGEN if locked.transferred_to_id else Case.Status.OPVOLGEN
    locked.status = Case.Status.WACHT if waiting else resumed
    locked.save(update_fields=["status"])
    audit.record("case.waiting" if waiting else "case.resumed", actor=by, target=locked)
    return locked


# --- notes and what each seat sees ---------------------------------------------------------------

@transaction.atomic
def add_note(*, by, case: Case, text: str, visibility: str = Note.Visibility.TAFEL) -> Note:
    """A note with its visibility. Only formal partners and the regisseur write formal-level notes."""
    rights.require(by, "netwerkgroep.add_note", case)
    if visibility not in Note.Visibility.values:
        raise ValidationError({"visibility": _("Kies wie deze notitie mag zien.")})
    if visibility == Note.Visibility.FORMEEL and side_of(by, case.body) != Seat.Side.FORMEEL:
        raise ValidationError({"visibility": _("Alleen formele partners en de regisseur schrijven een notitie op formeel niveau.")})
    seat = seat_in(by, case.body)
    note = Note(case=case, author=by, author_org=seat.organisation if seat else None, visibility=visibility, text=(text or "").strip())
    errors = _clean(note)
    if errors:
        raise ValidationError(errors)
    note.save()
    audit.record("case.note_added", actor=by, target=case, note=note.pk, visibility=visibility)
    return note


def visible_notes(user, case: Case) -> list[Note]:
    """Table notes for every member; formal notes for formal partners and the regisseur; restricted notes
    for their author, the case's inbrenger and the regisseur; one's own notes always."""
    if not rights.can(user, "netwerkgroep.view_case", case):
        return []
    notes = list(case.notes.select_related("author_org"))
    if rights.ng_regisseur(user, case):
        return notes
    formal = side_of(user, case.body) == Seat.Side.FORMEEL
    shown = []
    for note in notes:
        own = note.author_id == user.pk
        restricted_for_inbrenger = note.visibility == Note.Visibility.BEPERKT and case.inbrenger_id == user.pk
        if own or note.visibility == Note.Visibility.TAFEL or restricted_for_inbrenger or (note.visibility == Note.Visibility.FORMEEL and formal):
            shown.append(note)
    return shown


@transaction.atomic
def redact_note(*, by, note: Note, fragments: Iterable[str] = ()) -> Note:
    """The regisseur removes personal data the guard could not catch, such as names (issue 6, item 4).

    ``fragments`` are the words to take out (e.g. a name); each occurrence becomes "[verwijderd]". Without
    fragments, or when none occurs, the whole text is replaced. The original is not kept anywhere: not in
    the note, not in a history table, not in the audit row (which records only that it happened).
    """
    note = Note.objects.select_for_update().select_related("case__body").get(pk=note.pk)
    rights.require(by, "netwerkgroep.redact", note.case)
    redacted = pii.redact(note.text, pii.find_personal_data(note.text))
    for fragment in (f.strip() for f in fragments):
        if fragment:
            redacted = redacted.replace(fragment, "[verwijderd]")
    if redacted == note.text:
        with translation.override("nl"):  # stored text: always Dutch, like the guard's markers
            redacted = _("[tekst geschoond door de regisseur]")
    note.text = redacted
    note.redacted_at = timezone.now()
    note.redacted_by = by
    note.save(update_fields=["text", "redacted_at", "redacted_by"])
    audit.record("case.note_redacted", actor=by, target=note.case, note=note.pk)
    return note


# --- meetings and the agenda ---------------------------------------------------------------------

def upcoming_meeting(body: Body, *, after: datetime.date | None = None) -> Meeting | None:
    after = after or timezone.localdate()
    return (
        Meeting.objects.filter(body=body, date__gte=after, status__in=[Meeting.Status.GEPLAND, Meeting.Status.BEZIG])
        .order_by("date", "starts_at")
        .first()
    )


@transaction.atomic
def ensure_meetings(*, today: datetime.date | None = None) -> int:
    """Create the coming weekly meetings of every netwerkgroep with a schedule; idempotent (one per slot)."""
    today = today or timezone.localdate()
    created = 0
    for schedule in Schedule.objects.select_related("body").filter(body__is_active=True, body__kind=Body.Kind.NETWERKGROEP):
        first = today + datetime.timedelta(days=(schedule.weekday - today.weekday()) % 7)
        for week in range(schedule.weeks_ahead):
            slot = first + datetime.timedelta(weeks=week)
            _meeting, made = Meeting.objects.get_or_create(
                body=schedule.body,
                slot=slot,
                defaults={"date": slot, "starts_at": schedule.starts_at, "ends_at": schedule.ends_at, "location": schedule.location},
            )
            created += made
    if created:
        audit.record("meetings.scheduled", created=created)
    return created


@transaction.atomic
def move_meeting(*, by, meeting: Meeting, date: datetime.date, reason: str) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    rights.require(by, "netwerkgroep.manage_meetings", meeting)
    if meeting.status != Meeting.Status.GEPLAND:
        raise ValidationError(_("Alleen een geplande bijeenkomst kan worden verplaatst."))
    if date < timezone.localdate():
        raise ValidationError({"date": _("Een bijeenkomst kan niet naar het verleden worden verplaatst.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Geef een reden voor het verplaatsen.")})
    meeting.date = date
    meeting.change_reason = reason.strip()[:300]
    meeting.save(update_fields=["date", "change_reason"])
    audit.record("meeting.moved", actor=by, target=meeting, date=date.isoformat())
    return meeting


@transaction.atomic
def cancel_meeting(*, by, meeting: Meeting, reason: str) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    rights.require(by, "netwerkgroep.manage_meetings", meeting)
    if meeting.status != Meeting.Status.GEPLAND:
        raise ValidationError(_("Alleen een geplande bijeenkomst kan worden geannuleerd."))
    if not reason.strip():
        raise ValidationError({"reason": _("Geef een reden voor het annuleren.")})
    meeting.status = Meeting.Status.GEANNULEERD
    meeting.change_reason = reason.strip()[:300]
    meeting.save(update_fields=["status", "change_reason"])
    audit.record("meeting.cancelled", actor=by, target=meeting)
    return meeting


KIND_ORDER = [AgendaItem.Kind.SPOED, AgendaItem.Kind.VERLOPEN, AgendaItem.Kind.NIEUW, AgendaItem.Kind.OPVOLGEN, AgendaItem.Kind.TERUGBLIK]


def _add_item(meeting: Meeting, case: Case, kind: str) -> AgendaItem | None:
    # A spoed item goes to the top (order 0) even on an agenda the regisseur already ordered.
    order = 0 if kind == AgendaItem.Kind.SPOED else meeting.items.count() + 1
    item, created = AgendaItem.objects.get_or_create(meeting=meeting, case=case, defaults={"kind": kind, "order": order})
    if created and case.status == Case.Status.AANGEMELD:
        Case.objects.filter(pk=case.pk).update(status=Case.Status.GEAGENDEERD)
    return item if created else None


def agenda_candidates(meeting: Meeting) -> list[tuple[Case, str]]:
    """Cases due on this agenda, urgent first: spoed, overdue agreements, new, follow-up, terugblik."""
    cases = list(Case.objects.filter(body=meeting.body).prefetch_related("agreements", "agenda_items"))
    due = []
    for case in cases:
        if case.closed_on is not None:
            had_terugblik = any(i.kind == AgendaItem.Kind.TERUGBLIK for i in case.agenda_items.all())
            if case.terugblik_on and case.terugblik_on <= meeting.date and not had_terugblik:
                due.append((case, AgendaItem.Kind.TERUGBLIK))
            continue
        if case.status == Case.Status.WACHT:
            continue
        if case.urgency == Case.Urgency.SPOED:
            due.append((case, AgendaItem.Kind.SPOED))
        elif any(a.status in (Agreement.Status.OPEN, Agreement.Status.VOORGESTELD) and a.deadline < meeting.date for a in case.agreements.all()):
            due.append((case, AgendaItem.Kind.VERLOPEN))
        elif case.status in (Case.Status.AANGEMELD, Case.Status.GEAGENDEERD) and not any(i.discussed for i in case.agenda_items.all()):
            due.append((case, AgendaItem.Kind.NIEUW))
        elif case.review_on is None or case.review_on <= meeting.date:
            due.append((case, AgendaItem.Kind.OPVOLGEN))
    due.sort(key=lambda pair: (KIND_ORDER.index(pair[1]), pair[0].brought_in_on, pair[0].code))
    return due


def _agenda_open(meeting: Meeting) -> None:
    if meeting.status not in (Meeting.Status.GEPLAND, Meeting.Status.BEZIG):
        raise ValidationError(_("De agenda van een gehouden of geannuleerde bijeenkomst verandert niet meer."))


@transaction.atomic
def build_agenda(*, by, meeting: Meeting) -> list[AgendaItem]:
    """Add every due case not yet on the agenda (items the regisseur removed stay removed)."""
    rights.require(by, "netwerkgroep.manage_agenda", meeting)
    _agenda_open(meeting)
    added = [item for case, kind in agenda_candidates(meeting) if (item := _add_item(meeting, case, kind))]
    audit.record("agenda.built", actor=by, target=meeting, added=[i.case.code for i in added])
    return added


@transaction.atomic
def add_to_agenda(*, by, meeting: Meeting, case: Case) -> AgendaItem:
    rights.require(by, "netwerkgroep.manage_agenda", meeting)
    if case.body_id != meeting.body_id:
        raise ValidationError(_("Deze casus hoort bij een andere netwerkgroep."))
    _agenda_open(meeting)
    item = AgendaItem.objects.filter(meeting=meeting, case=case).first()
    if item is not None:
        if item.removed_at is None:
            raise ValidationError(_("Deze casus staat al op de agenda."))
        item.removed_at = None
        item.save(update_fields=["removed_at"])
    else:
        kind = AgendaItem.Kind.SPOED if case.urgency == Case.Urgency.SPOED else AgendaItem.Kind.OPVOLGEN
        item = _add_item(meeting, case, kind)
    audit.record("agenda.item_added", actor=by, target=meeting, case=case.code)
    return item


@transaction.atomic
def remove_from_agenda(*, by, item: AgendaItem) -> AgendaItem:
    rights.require(by, "netwerkgroep.manage_agenda", item.meeting)
    _agenda_open(item.meeting)
    if item.discussed:
        raise ValidationError(_("Een besproken punt blijft op de agenda."))
    item.removed_at = timezone.now()
    item.save(update_fields=["removed_at"])
    audit.record("agenda.item_removed", actor=by, target=item.meeting, case=item.case.code)
    return item


@transaction.atomic
def reorder_agenda(*, by, meeting: Meeting, order: list[int]) -> None:
    """``order`` lists agenda item ids in the new order; every current item exactly once."""
    rights.require(by, "netwerkgroep.manage_agenda", meeting)
    _agenda_open(meeting)
    items = {i.pk: i for i in meeting.items.filter(removed_at__isnull=True)}
    if sorted(order) != sorted(items):
        raise ValidationError(_("De nieuwe volgorde moet elk agendapunt precies één keer bevatten."))
    for position, pk in enumerate(order, start=1):
        items[pk].order = position
    AgendaItem.objects.bulk_update(items.values(), ["order"])
    audit.record("agenda.reordered", actor=by, target=meeting)


@transaction.atomic
def start_meeting(*, by, meeting: Meeting, present_seats: Iterable[int]) -> Meeting:
    """The regisseur opens the meeting; those present confirm the confidentiality statement (DECISIONS 13b)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    rights.require(by, "netwerkgroep.run_meeting", meeting)
    if meeting.status not in (Meeting.Status.GEPLAND, Meeting.Status.BEZIG):
        raise ValidationError(_("Deze bijeenkomst is al gehouden of geannuleerd."))
    seats = {s.pk: s for s in Seat.objects.active(meeting.date).filter(body=meeting.body)}
    present = set(present_seats)
    if not present or present - set(seats):
        raise ValidationError(_("Kies wie er aan tafel zitten; alleen leden van deze netwerkgroep."))
    now = timezone.now()
    for pk in seats:
        Attendance.objects.update_or_create(
            meeting=meeting, seat_id=pk, defaults={"present": pk in present, "confirmed_at": now if pk in present else None}
        )
    meeting.status = Meeting.Status.BEZIG
    meeting.save(update_fields=["status"])
    audit.record("meeting.started", actor=by, target=meeting, present=len(present), confidentiality_confirmed=len(present))
    return meeting


@transaction.atomic
def record_discussion(*, by, item: AgendaItem, summary: str, review_on: datetime.date | None = None) -> AgendaItem:
    item = AgendaItem.objects.select_for_update().select_related("meeting", "case").get(pk=item.pk)
    rights.require(by, "netwerkgroep.run_meeting", item.meeting)
    if item.meeting.status != Meeting.Status.BEZIG:
        raise ValidationError(_("Open eerst de bijeenkomst."))
    if item.removed_at is not None:
        raise ValidationError(_("Dit punt is van de agenda gehaald; zet het eerst terug."))
    if review_on is not None and review_on < item.meeting.date:
        raise ValidationError({"review_on": _("De volgende bespreking kan niet vóór deze bijeenkomst liggen.")})
    item.summary = (summary or "").strip()
    item.discussed = True
    errors = _clean(item)
    if errors:
        raise ValidationError(errors)
    item.save()
    case = _lock(item.case)
    if case.closed_on is None:
        case.status = Case.Status.OPVOLGEN if case.status not in (Case.Status.WACHT, Case.Status.OVERGEDRAGEN) else case.status
        case.review_on = review_on
        case.save(update_fields=["status", "review_on"])
    audit.record("agenda.discussed", actor=by, target=case, meeting=item.meeting_id)
    return item


@transaction.atomic
def end_meeting(*, by, meeting: Meeting) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    rights.require(by, "netwerkgroep.run_meeting", meeting)
    if meeting.status != Meeting.Status.BEZIG:
        raise ValidationError(_("Deze bijeenkomst is niet geopend."))
    meeting.status = Meeting.Status.GEHOUDEN
    meeting.save(update_fields=["status"])
    audit.record("meeting.ended", actor=by, target=meeting)
    return meeting


# --- agreements ----------------------------------------------------------------------------------

@transaction.atomic
def add_agreement(
    *, by, case: Case, text: str, owner_org: Organisation, deadline: datetime.date, owner=None,
    item: AgendaItem | None = None, household: str = Agreement.Household.NVT,
) -> Agreement:
    """Who does what by when. An agreement for an informal partner waits for its acceptance (DECISIONS 12)."""
    locked = _lock(case)
    rights.require(by, "netwerkgroep.add_agreement", locked)
    errors: dict[str, list] = {}
    if owner_org is None:
        errors["owner_org"] = [_("Kies de organisatie die de afspraak uitvoert.")]
    elif not Seat.objects.active().filter(body=locked.body, organisation=owner_org).exists():
        errors["owner_org"] = [_("%(org)s zit niet aan tafel in deze netwerkgroep.") % {"org": owner_org.name}]
    if deadline is None:
        errors["deadline"] = [_("Geef een datum waarop de afspraak uiterlijk is uitgevoerd.")]
    elif deadline < timezone.localdate():
        errors["deadline"] = [_("De uiterste datum ligt in het verleden.")]
    if owner is not None and owner_org is not None and not Seat.objects.active().filter(body=locked.body, user=owner, organisation=owner_org).exists():
        errors["owner"] = [_("Deze persoon zit niet namens %(org)s aan tafel.") % {"org": owner_org.name}]
    if item is not None and item.case_id != locked.pk:
        errors["item"] = [_("Dit agendapunt hoort bij een andere casus.")]
    agreement = Agreement(
        case=locked, agenda_item=item, text=(text or "").strip(), owner_org=owner_org, owner=owner, deadline=deadline,
        discussed_with_household=household, created_by=by,
    )
    for field, messages in _clean(agreement, exclude=["owner_org", "deadline"] if errors else ()).items():
        errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    # What counts is the organisation's seat at this table (DECISIONS 2), not only its kind elsewhere.
    sides = set(Seat.objects.active().filter(body=locked.body, organisation=owner_org).values_list("side", flat=True))
    informal = Seat.Side.INFORMEEL in sides or (not sides - {""} and owner_org.kind == Organisation.Kind.INFORMEEL)
    agreement.status = Agreement.Status.VOORGESTELD if informal else Agreement.Status.OPEN
    agreement.save()
    audit.record("agreement.added", actor=by, target=locked, agreement=agreement.pk, owner_org=owner_org.slug)
    from netwerkgroep import tasks

    _on_commit(tasks.notify_agreement, agreement.pk)
    return agreement


@transaction.atomic
def accept_agreement(*, by, agreement: Agreement, accept: bool, reason: str = "") -> Agreement:
    agreement = Agreement.objects.select_for_update().select_related("case__body").get(pk=agreement.pk)
    if agreement.status != Agreement.Status.VOORGESTELD:
        raise ValidationError(_("Over deze afspraak is al beslist."))
    rights.require(by, "netwerkgroep.accept_agreement", agreement)
    if not accept and not reason.strip():
        raise ValidationError({"reason": _("Zeg waarom je de afspraak niet aanneemt, zodat de tafel een ander kan vragen.")})
    agreement.status = Agreement.Status.OPEN if accept else Agreement.Status.AFGEWEZEN
    agreement.accepted_at = timezone.now() if accept else None
    if not accept:
        agreement.outcome = reason.strip()
    errors = _clean(agreement)
    if errors:
        raise ValidationError(errors)
    agreement.save()
    audit.record("agreement.accepted" if accept else "agreement.declined", actor=by, target=agreement.case, agreement=agreement.pk)
    return agreement


@transaction.atomic
def finish_agreement(*, by, agreement: Agreement, done: bool, outcome: str = "") -> Agreement:
    agreement = Agreement.objects.select_for_update().select_related("case__body").get(pk=agreement.pk)
    rights.require(by, "netwerkgroep.update_agreement", agreement)
    if agreement.status != Agreement.Status.OPEN:
        raise ValidationError(_("Alleen een open afspraak kan worden afgerond."))
    if not done and not outcome.strip():
        raise ValidationError({"outcome": _("Schrijf wat er niet lukte, zodat de tafel verder kan.")})
    agreement.status = Agreement.Status.GEDAAN if done else Agreement.Status.NIET_GELUKT
    agreement.outcome = (outcome or "").strip()
    agreement.done_at = timezone.now()
    errors = _clean(agreement)
    if errors:
        raise ValidationError(errors)
    agreement.save()
    audit.record("agreement.finished", actor=by, target=agreement.case, agreement=agreement.pk, done=done)
    return agreement


def load_per_organisation(body: Body) -> list[dict]:
    """Open agreements per organisation, for the regisseur (DECISIONS 12: not everything on informal partners)."""
    from django.db.models import Count, Q

    rows = (
        Agreement.objects.filter(case__body=body, status__in=[Agreement.Status.OPEN, Agreement.Status.VOORGESTELD])
        .values("owner_org__name", "owner_org__kind")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(deadline__lt=timezone.localdate())))
        .order_by("-open", "owner_org__name")
    )
    return list(rows)


# --- transfer, closing, terugblik ----------------------------------------------------------------

@transaction.atomic
def transfer_case(*, by, case: Case, to: Organisation, reason: str) -> Case:
    """A formal partner takes over: the inbrenger stays linked, keeps table access, and is told (000:18)."""
    locked = _lock(case)
    rights.require(by, "netwerkgroep.transfer_case", locked)
    if to is None or to.kind != Organisation.Kind.FORMEEL:
        raise ValidationError({"to": _("Een casus wordt overgedragen aan een formele partner.")})
    if not Seat.objects.active().filter(body=locked.body, organisation=to).exists():
        raise ValidationError({"to": _("%(org)s zit niet aan tafel in deze netwerkgroep.") % {"org": to.name}})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Geef een reden voor de overdracht.")})
    try:
        pii.check_text(reason, field_label=_("Reden van de overdracht"))
    except ValidationError as exc:
        raise ValidationError({"reason": exc.messages}) from exc
    locked.transferred_to = to
    locked.status = Case.Status.OVERGEDRAGEN
    locked.save(update_fields=["transferred_to", "status"])
    seat = seat_in(by, locked.body)
    with translation.override("nl"):  # a stored text of the table: Dutch
        text = _("Overgedragen aan %(org)s. Reden: %(reason)s. Ingebracht door %(inbrenger)s, die betrokken blijft.") % {
            "org": to.name, "reason": reason, "inbrenger": locked.inbrenger_org.name,
        }
    note = Note(case=locked, author=by, author_org=seat.organisation if seat else None, visibility=Note.Visibility.TAFEL, text=text)
    note.full_clean()
    note.save()
    audit.record("case.transferred", actor=by, target=locked, to=to.slug)
    from netwerkgroep import tasks

    _on_commit(tasks.notify_transfer, locked.pk)
    return locked


@transaction.atomic
def close_case(*, by, case: Case, reason: str, terugblik_on: datetime.date, lesson: str = "", new_route: bool = False) -> Case:
    """Close with a reason and a terugblik date (001:365; DECISIONS 13); the lesson survives the purge."""
    locked = _lock(case)
    rights.require(by, "netwerkgroep.close_case", locked)
    errors: dict[str, list] = {}
    if reason not in Case.CloseReason.values:
        errors["reason"] = [_("Kies waarom de casus wordt gesloten.")]
    if terugblik_on is None or terugblik_on <= timezone.localdate():
        errors["terugblik_on"] = [_("Kies een datum in de toekomst voor de terugblik.")]
    record = None
    if (lesson or "").strip():
        record = Lesson(
            body=locked.body, text=lesson.strip(), bouwstenen=locked.bouwstenen, close_reason=reason, new_route=new_route,
            terugblik_on=terugblik_on,
        )
        lesson_errors = [m for msgs in _clean(record, exclude=["close_reason"]).values() for m in msgs]
        if lesson_errors:
            errors["lesson"] = lesson_errors
    if errors:
        raise ValidationError(errors)
    locked.closed_on = timezone.localdate()
    locked.close_reason = reason
    locked.terugblik_on = terugblik_on
    locked.status = {
        Case.CloseReason.DOORBRAAK: Case.Status.DOORBRAAK,
        Case.CloseReason.OVERGEDRAGEN: Case.Status.OVERGEDRAGEN,
    }.get(reason, Case.Status.AFGESLOTEN)
    locked.review_on = None
    locked.full_clean()
    locked.save()
    if record is not None:
        record.save()
    audit.record("case.closed", actor=by, target=locked, reason=reason)
    return locked


# --- retention -----------------------------------------------------------------------------------

def purge_due(*, today: datetime.date | None = None):
    today = today or timezone.localdate()
    return Case.objects.filter(closed_on__lte=today - datetime.timedelta(days=RETENTION_DAYS)).exclude(
        held_back_until__gte=today
    )


@transaction.atomic
def hold_back(*, by, case: Case, reason: str) -> Case:
    """The regisseur keeps a case past its term once, with a reason (DECISIONS 13c)."""
    locked = _lock(case)
    rights.require(by, "netwerkgroep.manage_retention", locked)
    if locked.closed_on is None:
        raise ValidationError(_("Alleen een gesloten casus heeft een bewaartermijn."))
    if locked.hold_back_reason:
        raise ValidationError(_("Deze casus is al eenmaal langer bewaard; een tweede keer kan niet."))
    if not reason.strip():
        raise ValidationError({"reason": _("Geef een reden om deze casus langer te bewaren.")})
    try:
        pii.check_text(reason, field_label=_("Reden om langer te bewaren"))
    except ValidationError as exc:
        raise ValidationError({"reason": exc.messages}) from exc
    locked.hold_back_reason = reason.strip()[:300]
    locked.held_back_until = timezone.localdate() + datetime.timedelta(days=HOLD_BACK_DAYS)
    locked.purge_announced_on = None
    locked.save(update_fields=["hold_back_reason", "held_back_until", "purge_announced_on"])
    audit.record("case.held_back", actor=by, target=locked, until=locked.held_back_until.isoformat())
    return locked


@transaction.atomic
def run_retention(*, today: datetime.date | None = None) -> dict:
    """Announce cases due for purging; purge those announced at least a week ago. Idempotent.

    A purge deletes the case with its texts, consent, notes, agreements and agenda items, and keeps a
    tombstone (code, dates, reason, run) and anonymous counts (month, bouwsteen, outcome, inbrenger kind).
    Logs codes only.
    """
    today = today or timezone.localdate()
    run = f"{today.isoformat()}-{uuid.uuid4().hex[:8]}"
    due = list(purge_due(today=today).select_for_update())
    announced, purged = [], []
    for case in due:
        if case.purge_announced_on is None:
            case.purge_announced_on = today
            case.save(update_fields=["purge_announced_on"])
            announced.append(case.code)
        elif case.purge_announced_on <= today - datetime.timedelta(days=ANNOUNCE_DAYS):
            _count(case)
            Tombstone.objects.create(
                code=case.code, body=case.body, brought_in_on=case.brought_in_on, closed_on=case.closed_on,
                close_reason=case.close_reason, run=run,
            )
            purged.append(case.code)
            case.delete()
    if announced or purged:
        audit.record("retention.run", run=run, announced=announced, purged=purged)
    return {"run": run, "announced": announced, "purged": purged}


def _count(case: Case) -> None:
    month = case.brought_in_on.replace(day=1)
    # One row with bouwsteen "" counts the case once; one row per bouwsteen counts it per bouwsteen.
    for bouwsteen in ["", *case.bouwstenen]:
        stat, _created = CaseStat.objects.get_or_create(
            body=case.body, month=month, bouwsteen=bouwsteen, outcome=case.close_reason, inbrenger_side=case.inbrenger_side
        )
        CaseStat.objects.filter(pk=stat.pk).update(count=F("count") + 1)
