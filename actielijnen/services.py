"""State changes of action-line cards. Each is one transaction with its audit row and a history record."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, get_users_with_perms, remove_perm

from actielijnen import workflow
from actielijnen.models import Actielijn, Comment, Mijlpaal, Status, Statusupdate, Transition
from samennw import audit, public_cache, rights

M2M_FIELDS = ("opbrengsten", "partners", "trekker_organisations", "focusbuurten", "trekkers")


class ConcurrentEdit(ValidationError):
    """Somebody else saved the card after this form was opened; nothing was saved."""

    def __init__(self, card: Actielijn):
        self.card = card
        super().__init__(
            _("Iemand anders heeft deze kaart intussen opgeslagen (versie %(version)s). Je wijzigingen zijn niet "
              "opgeslagen: bekijk hieronder wat er veranderd is en voer je wijziging opnieuw in.")
            % {"version": card.version},
            code="concurrent_edit",
        )


@contextmanager
def _one_history_record(card: Actielijn):
    """Link changes do not each write a version: the save after them writes one, links included."""
    card.skip_history_when_saving = True
    try:
        yield
    finally:
        del card.skip_history_when_saving


def _lock(card: Actielijn) -> Actielijn:
    return Actielijn.objects.select_for_update().get(pk=card.pk)


def _touch(card: Actielijn, *, by, reason: str) -> None:
    card.version += 1
    card.updated_at = timezone.now()
    card._change_reason = reason
    card._history_user = by if getattr(by, "is_authenticated", False) else None


def sync_card_leads(*, card: Actielijn) -> None:
    """The aanvoerder and the trekkers hold the guardian grant ``edit_card`` on this card, nobody else."""
    wanted = {u for u in card.trekkers.all() if u.is_active}
    if card.aanvoerder_id and card.aanvoerder.is_active:
        wanted.add(card.aanvoerder)
    current = set(get_users_with_perms(card, only_with_perms_in=["edit_card"], with_superusers=False))
    for user in current - wanted:
        remove_perm("actielijnen.edit_card", user, card)
        rights.forget(user)
    for user in wanted - current:
        assign_perm("actielijnen.edit_card", user, card)
        rights.forget(user)


@transaction.atomic
def create_card(*, by, domain, code: str, title: str, **fields: Any) -> Actielijn:
    """A new card starts as concept; only the programme team creates cards."""
    m2m = {name: fields.pop(name) for name in M2M_FIELDS if name in fields}
    card = Actielijn(domain=domain, code=code, title=title, status=Status.CONCEPT, **fields)
    card.full_clean()
    card._change_reason = "aangemaakt"
    card._history_user = by if getattr(by, "is_authenticated", False) else None
    with _one_history_record(card):
        card.save()
        for name, values in m2m.items():
            getattr(card, name).set(values)
    card.save(update_fields=["updated_at"])  # the first version, links included
    sync_card_leads(card=card)
    audit.record("card.created", actor=by, target=card, code=card.code)
    public_cache.bump_on_commit()
    return card


@transaction.atomic
def update_card(*, by, card: Actielijn, version: int, changes: dict[str, Any], reason: str = "") -> Actielijn:
    """Save a section of a card, refusing a stale version (two people editing at once).

    Rule: nothing is silently overwritten (issue 3). ``changes`` holds field values and m2m lists.
    """
    locked = _lock(card)
    if locked.version != version:
        raise ConcurrentEdit(locked)
    m2m = {name: changes.pop(name) for name in list(changes) if name in M2M_FIELDS}
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.full_clean()
    changed_fields = sorted(set(changes) | set(m2m))
    _touch(locked, by=by, reason=reason or _("bewerkt: %(fields)s") % {"fields": ", ".join(changed_fields)})
    with _one_history_record(locked):
        for name, values in m2m.items():
            getattr(locked, name).set(values)
    locked.save()
    if {"aanvoerder", "trekkers"} & set(changed_fields):
        sync_card_leads(card=locked)
    audit.record("card.updated", actor=by, target=locked, fields=changed_fields, version=locked.version)
    public_cache.bump_on_commit()
    return locked


@transaction.atomic
def move_card(*, card: Actielijn, to: str, by, reason: str = "") -> Actielijn:
    """Move a card along one edge of ``workflow.EDGES``; refuse any other move. Appends a Transition."""
    locked = _lock(card)
    edge = workflow.edge(locked.status, to)
    if edge is None:
        raise ValidationError(
            _("Een kaart met status '%(source)s' kan niet naar '%(target)s'.")
            % {"source": Status(locked.status).label, "target": Status(to).label if to in Status.values else to},
            code="illegal_transition",
        )
    if not rights.can(by, edge.action, locked):
        raise ValidationError(rights.why_not(by, edge.action, locked), code="forbidden")
    if edge.reason_required and not reason.strip():
        raise ValidationError({"reason": _("Geef een toelichting bij '%(label)s'.") % {"label": edge.label}})
    source = locked.status
    locked.status = to
    if to == Status.GEPUBLICEERD:
        locked.published_at = timezone.now()
        locked.published_by = by
    _touch(locked, by=by, reason=f"{source} → {to}")
    locked.save()
    Transition.objects.create(actielijn=locked, from_status=source, to_status=to, by=by, reason=reason.strip())
    audit.record("card.moved", actor=by, target=locked, source=source, target_status=to)
    public_cache.bump_on_commit()
    return locked


@transaction.atomic
def add_status_update(*, by, card: Actielijn, text: str, propose: bool = False, text_en: str = "") -> Statusupdate:
    """Add to "Huidige stand van zaken"; team members' additions are proposals until accepted."""
    if not text.strip():
        raise ValidationError({"text": _("Schrijf wat de stand van zaken is.")})
    update = Statusupdate(
        actielijn=card,
        text_nl=text.strip(),
        text_en=text_en.strip() or None,
        author=by,
        state=Statusupdate.State.VOORGESTELD if propose else Statusupdate.State.GEPLAATST,
    )
    update.full_clean()
    update.save()
    if not propose:
        Actielijn.objects.filter(pk=card.pk).update(last_status_update_at=update.created_at)
        card.last_status_update_at = update.created_at
    audit.record("card.status_update", actor=by, target=card, proposed=propose)
    public_cache.bump_on_commit()
    return update


@transaction.atomic
def decide_proposed_update(*, by, update: Statusupdate, accept: bool) -> Statusupdate:
    if update.state != Statusupdate.State.VOORGESTELD:
        raise ValidationError(_("Deze update is al behandeld."))
    update.state = Statusupdate.State.GEPLAATST if accept else Statusupdate.State.AFGEWEZEN
    if accept:
        update.created_at = timezone.now()
    update.save()
    if accept:
        Actielijn.objects.filter(pk=update.actielijn_id).update(last_status_update_at=update.created_at)
    audit.record("card.status_update_decided", actor=by, target=update.actielijn, accepted=accept)
    public_cache.bump_on_commit()
    return update


@transaction.atomic
def save_milestone(*, by, card: Actielijn, milestone: Mijlpaal | None = None, **fields: Any) -> Mijlpaal:
    milestone = milestone or Mijlpaal(actielijn=card)
    for name, value in fields.items():
        setattr(milestone, name, value)
    milestone.full_clean()
    milestone._history_user = by if getattr(by, "is_authenticated", False) else None
    milestone.save()
    audit.record("card.milestone_saved", actor=by, target=card, milestone=milestone.pk)
    public_cache.bump_on_commit()
    return milestone


@transaction.atomic
def delete_milestone(*, by, milestone: Mijlpaal) -> None:
    card = milestone.actielijn
    pk = milestone.pk
    milestone.delete()
    audit.record("card.milestone_deleted", actor=by, target=card, milestone=pk)
    public_cache.bump_on_commit()


@transaction.atomic
def add_comment(*, by, card: Actielijn, text: str) -> Comment:
    if not text.strip():
        raise ValidationError({"text": _("Een lege reactie kan niet worden geplaatst.")})
    comment = Comment(actielijn=card, author=by, text=text.strip())
    comment.full_clean()
    comment.save()
    audit.record("card.comment", actor=by, target=card)
    return comment


@transaction.atomic
def restore_version(*, by, card: Actielijn, history_id: int) -> Actielijn:
    """Put the card's fields and links back as they were in an earlier version (a new version)."""
    locked = _lock(card)
    record = locked.history.filter(history_id=history_id).first()
    if record is None:
        raise ValidationError(_("Deze versie bestaat niet (meer)."))
    old = record.instance
    skip = {"id", "version", "status", "published_at", "published_by", "created_at", "last_status_update_at"}
    for field in Actielijn._meta.concrete_fields:
        if field.name not in skip:
            setattr(locked, field.attname, getattr(old, field.attname))
    locked.full_clean()
    _touch(locked, by=by, reason=_("versie van %(date)s teruggezet") % {"date": f"{record.history_date:%Y-%m-%d %H:%M}"})
    with _one_history_record(locked):
        for name in M2M_FIELDS:
            through = getattr(record, name).all()
            target_field = Actielijn._meta.get_field(name).related_model._meta.model_name
            ids = [getattr(row, f"{target_field}_id") for row in through]
            getattr(locked, name).set(ids)
    locked.save()
    sync_card_leads(card=locked)
    audit.record("card.restored", actor=by, target=locked, history_id=history_id)
    public_cache.bump_on_commit()
    return locked


def card_leads(card: Actielijn) -> Iterable:
    return [card.aanvoerder, *card.trekkers.all()]


def send_stale_reminders(*, weeks: int | None = None) -> int:
    """One e-mail per aanvoerder listing their stale cards (issue 3, item 7). Idempotent per week:
    a reminder for the same card set is not sent twice within six days (audit rows tell)."""
    import datetime

    from django.conf import settings
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.utils import translation

    from actielijnen import selectors
    from samennw.models import AuditEvent

    weeks = weeks or selectors.STALE_WEEKS
    sent = 0
    since = timezone.now() - datetime.timedelta(days=6)
    for user, cards in selectors.stale_cards_by_aanvoerder(weeks).items():
        codes = sorted(card.code for card in cards)
        if AuditEvent.objects.filter(
            event="cards.stale_reminder", target_type="samennw.user", target_id=str(user.pk), at__gte=since,
            details__codes=codes,
        ).exists():
            continue
        if not user.email:
            continue
        with translation.override(user.preferred_language or "nl"):
            body = render_to_string(
                "actielijnen/email/stale_reminder.txt",
                {"user": user, "cards": cards, "weeks": weeks, "site_url": settings.SAMENNW_SITE_URL},
            )
            subject = _("Herinnering: actielijnen zonder recente stand van zaken")
        send_mail(subject, body, None, [user.email])
        audit.record("cards.stale_reminder", actor=None, target=user, codes=codes)
        sent += 1
    return sent
