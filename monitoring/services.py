"""State changes of stories ("Uit de praktijk") and of messages from the "Doe mee" form.

Each story service is one transaction with its audit row (``samennw.audit.record``). The publication
rules live in ``publication_problems`` and are checked by ``publish_story`` (and again when a published
story is edited): DECISIONS 18 and seed-notes §1.7. Stories are never linked to netwerkgroep cases.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring.models import ContactBericht, Verhaal, VerhaalPersoon
from samennw import audit, public_cache, rights
from samennw.rights import Role
from samennw.uploads import check_image, without_metadata

# Editing these on an HGKM story voids the netwerkregisseur's sign-off: she approved a text, not a slot.
SIGNED_OFF_FIELDS = {
    "title_nl", "title_en", "summary_nl", "summary_en", "body_nl", "body_en", "image", "image_alt_nl", "image_alt_en",
    "is_hgkm", "domain", "focusbuurt", "neighbourhood_text",
}
PERSON_FIELDS = (
    "role_nl", "role_en", "display_name", "organisation", "anonymity", "is_under_16", "consent_on", "consent_by",
    "consent_form", "consent_scope",
)


def _person_label(person: VerhaalPersoon, number: int) -> str:
    """How a refusal names a person: by role, never by a name an anonymous person must not carry."""
    role = (person.role_nl or person.role or "").strip()
    return role or _("Persoon %(number)s") % {"number": number}


def publication_problems(story: Verhaal, persons: list[VerhaalPersoon] | None = None) -> list[str]:
    """Every reason ``story`` may not be public, in Dutch; an empty list means it may be published.

    Rules (DECISIONS 18): each person has a consent record (date, by whom, form); a child under 16 needs
    consent from a parent or guardian (UAVG art. 5, seed-notes §1.7); "anoniem" carries no name and no
    organisation, "voornaam" one word only; a photo needs Dutch alt text and a credit; a story about
    huiselijk geweld or kindermishandeling needs the netwerkregisseur's sign-off (seed-notes §1.7).
    """
    persons = list(story.personen.all()) if persons is None else persons
    problems: list[str] = []
    for number, person in enumerate(persons, 1):
        label = _person_label(person, number)
        if not (person.consent_on and person.consent_by and person.consent_form.strip()):
            problems.append(
                _("%(person)s: de toestemming ontbreekt. Vul de datum, door wie en de vorm van de toestemming in.")
                % {"person": label}
            )
        if person.is_under_16 and person.consent_by != VerhaalPersoon.ConsentBy.OUDER:
            problems.append(
                _("%(person)s is jonger dan 16: de toestemming moet gegeven zijn door een ouder of voogd.") % {"person": label}
            )
        if person.anonymity == VerhaalPersoon.Anonymity.ANONIEM and (person.display_name.strip() or person.organisation_id):
            problems.append(
                _("%(person)s is anoniem: haal de naam en de organisatie weg.") % {"person": label}
            )
        if person.anonymity == VerhaalPersoon.Anonymity.VOORNAAM and len(person.display_name.split()) != 1:
            problems.append(
                _("%(person)s: bij 'alleen voornaam' staat er precies één woord als naam.") % {"person": label}
            )
    if story.image:
        if not (story.image_alt_nl or "").strip():
            problems.append(_("De foto heeft geen alt-tekst in het Nederlands."))
        if not story.image_credit.strip():
            problems.append(_("Bij de foto staat geen fotograaf of bron."))
    if story.is_hgkm and not story.hgkm_signed_off_by_id:
        problems.append(
            _("Dit verhaal gaat over huiselijk geweld of kindermishandeling: de netwerkregisseur moet eerst akkoord geven.")
        )
    return problems


def _lock(story: Verhaal) -> Verhaal:
    return Verhaal.objects.select_for_update().get(pk=story.pk)


def _history_user(story: Verhaal, by, reason: str) -> None:
    story._history_user = by if getattr(by, "is_authenticated", False) else None
    story._change_reason = reason


def _store_image(story: Verhaal, image) -> None:
    """Judge an upload by its bytes and store it under a generated name (DECISIONS 23)."""
    check_image(image)
    story.image = without_metadata(image)


def _apply_persons(*, story: Verhaal, persons: list[dict[str, Any]]) -> bool:
    """Create, change or delete the persons of ``story``; each dict holds PERSON_FIELDS, an optional
    ``id`` of an existing person of this story and an optional ``DELETE``. Returns whether anything changed."""
    existing = {p.pk: p for p in story.personen.all()}
    changed = False
    for data in persons:
        pk = data.get("id")
        pk = getattr(pk, "pk", pk)
        person = existing.get(pk) if pk else None
        if pk and person is None:
            raise ValidationError(_("Deze persoon hoort niet bij dit verhaal."), code="foreign_person")
        if data.get("DELETE"):
            if person is not None:
                person.delete()
                changed = True
            continue
        person = person or VerhaalPersoon(verhaal=story)
        values = {name: data[name] for name in PERSON_FIELDS if name in data}
        if person.pk and all(getattr(person, name) == value for name, value in values.items()):
            continue
        for name, value in values.items():
            setattr(person, name, value)
        person.full_clean(exclude=["verhaal"])
        person.save()
        changed = True
    return changed


@transaction.atomic
def create_story(*, by, slug: str, persons: list[dict[str, Any]] | None = None, **fields: Any) -> Verhaal:
    """A new story starts as concept; only the programme team writes stories (issue 4)."""
    image = fields.pop("image", None)
    story = Verhaal(slug=slug, status=Verhaal.Status.CONCEPT, **fields)
    if image:
        _store_image(story, image)
    story.full_clean()
    _history_user(story, by, "aangemaakt")
    story.save()
    _apply_persons(story=story, persons=persons or [])
    audit.record("story.created", actor=by, target=story, slug=story.slug)
    return story


@transaction.atomic
def update_story(*, by, story: Verhaal, changes: dict[str, Any], persons: list[dict[str, Any]] | None = None) -> Verhaal:
    """Save changes to a story and its persons.

    A published story must still meet every publication rule after the change, else nothing is saved.
    On an HGKM story, a change of its text, photo or persons voids the netwerkregisseur's sign-off.
    """
    locked = _lock(story)
    changes = dict(changes)
    image = changes.pop("image", None)
    changed_fields = sorted(name for name, value in changes.items() if getattr(locked, name) != value)
    for name in changed_fields:
        setattr(locked, name, changes[name])
    if image is False:  # cleared in the form
        locked.image = ""
        changed_fields.append("image")
    elif image:
        _store_image(locked, image)
        changed_fields.append("image")
    persons_changed = _apply_persons(story=locked, persons=persons or [])
    if persons_changed:
        changed_fields.append("personen")
    if locked.is_hgkm and locked.hgkm_signed_off_by_id and (set(changed_fields) & SIGNED_OFF_FIELDS or persons_changed):
        locked.hgkm_signed_off_by = None
        locked.hgkm_signed_off_at = None
        changed_fields.append("hgkm_signed_off_by")
    locked.full_clean()
    if locked.status == Verhaal.Status.GEPUBLICEERD:
        problems = publication_problems(locked)
        if problems:
            raise ValidationError(
                [_("Dit verhaal is gepubliceerd en zou na deze wijziging niet meer aan de regels voldoen. Er is niets opgeslagen.")]
                + problems,
                code="published_rules",
            )
    _history_user(locked, by, "bewerkt: " + ", ".join(changed_fields))
    locked.save()
    audit.record("story.updated", actor=by, target=locked, fields=changed_fields)
    public_cache.bump_on_commit()
    return locked


@transaction.atomic
def sign_off_hgkm_story(*, by, story: Verhaal) -> Verhaal:
    """The netwerkregisseur approves a story about HGKM before it may be published (seed-notes §1.7)."""
    if not rights.can(by, "monitoring.sign_off_hgkm_story"):
        raise ValidationError(rights.why_not(by, "monitoring.sign_off_hgkm_story"), code="forbidden")
    locked = _lock(story)
    if not locked.is_hgkm:
        raise ValidationError(_("Dit verhaal gaat niet over huiselijk geweld of kindermishandeling; akkoord is niet nodig."))
    locked.hgkm_signed_off_by = by
    locked.hgkm_signed_off_at = timezone.now()
    _history_user(locked, by, "akkoord netwerkregisseur")
    locked.save()
    audit.record("story.hgkm_signed_off", actor=by, target=locked)
    return locked


@transaction.atomic
def publish_story(*, by, story: Verhaal) -> Verhaal:
    """Publish a concept (or withdrawn) story after every rule in ``publication_problems`` holds.

    Refused with the Dutch reasons, nothing changed, when a rule fails (DECISIONS 18).
    """
    if by is not None and not rights.can(by, "monitoring.publish_story"):
        raise ValidationError(rights.why_not(by, "monitoring.publish_story"), code="forbidden")
    locked = _lock(story)
    if locked.status == Verhaal.Status.GEPUBLICEERD:
        raise ValidationError(_("Dit verhaal is al gepubliceerd."), code="already_published")
    problems = publication_problems(locked)
    if problems:
        raise ValidationError(problems, code="publication_rules")
    locked.status = Verhaal.Status.GEPUBLICEERD
    locked.published_at = timezone.now()
    locked.published_by = by if getattr(by, "is_authenticated", False) else None
    _history_user(locked, by, "gepubliceerd")
    locked.save()
    audit.record("story.published", actor=by, target=locked)
    public_cache.bump_on_commit()
    return locked


@transaction.atomic
def withdraw_story(*, by, story: Verhaal, reason: str = "") -> Verhaal:
    """Take a published story off the public pages (for instance when a person withdraws consent)."""
    if by is not None and not rights.can(by, "monitoring.publish_story"):
        raise ValidationError(rights.why_not(by, "monitoring.publish_story"), code="forbidden")
    locked = _lock(story)
    if locked.status != Verhaal.Status.GEPUBLICEERD:
        raise ValidationError(_("Alleen een gepubliceerd verhaal kan worden ingetrokken."), code="not_published")
    locked.status = Verhaal.Status.INGETROKKEN
    _history_user(locked, by, f"ingetrokken: {reason.strip()}" if reason.strip() else "ingetrokken")
    locked.save()
    audit.record("story.withdrawn", actor=by, target=locked, has_reason=bool(reason.strip()))
    public_cache.bump_on_commit()
    return locked


# --- Doe mee ---------------------------------------------------------------------------------------

def programme_team_addresses() -> list[str]:
    """E-mail addresses of every active programme-team member (role groups come from active seats)."""
    User = get_user_model()
    return sorted(
        set(
            User.objects.filter(is_active=True, groups__name=Role.PROGRAMMATEAM.value)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


def _mail_programme_team(message_id: int) -> None:
    message = ContactBericht.objects.filter(pk=message_id).first()
    recipients = programme_team_addresses()
    if message is None or not recipients:
        return
    body = _(
        "Er is een nieuw bericht binnengekomen via het Doe mee-formulier.\n\n"
        "Naam: %(name)s\nE-mailadres: %(email)s\nOrganisatie: %(organisation)s\n\n%(message)s\n\n"
        "Alle berichten staan in het portaal onder Doe mee > Berichten."
    ) % {
        "name": message.name,
        "email": message.email,
        "organisation": message.organisation or "-",
        "message": message.message,
    }
    send_mail(_("Nieuw bericht via Doe mee"), body, None, recipients)


@transaction.atomic
def receive_contact_message(
    *, name: str, email: str, message: str, organisation: str = "", ip_address: str | None = None
) -> ContactBericht:
    """Store a message from the "Doe mee" form and mail the programme team after commit
    ("Wil je meedoen, maar weet je niet hoe? Laat het ons weten", 002:1595)."""
    bericht = ContactBericht(name=name.strip(), email=email.strip(), organisation=organisation.strip(), message=message.strip())
    bericht.full_clean()
    bericht.save()
    audit.record("contact.received", target=bericht, ip_address=ip_address)
    transaction.on_commit(lambda: _mail_programme_team(bericht.pk))
    return bericht


@transaction.atomic
def mark_contact_message_handled(*, by, message: ContactBericht, handled: bool = True) -> ContactBericht:
    """The programme team marks a message as handled (or open again)."""
    if not rights.can(by, "monitoring.view_contact_messages"):
        raise ValidationError(rights.why_not(by, "monitoring.view_contact_messages"), code="forbidden")
    locked = ContactBericht.objects.select_for_update().get(pk=message.pk)
    locked.handled = handled
    locked.handled_by = by if handled else None
    locked.handled_at = timezone.now() if handled else None
    locked.save()
    audit.record("contact.handled" if handled else "contact.reopened", actor=by, target=locked)
    return locked
