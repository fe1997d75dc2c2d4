"""Bringing in a case, consent, the case code, spoed, and what each seat sees of the notes (issue 6, items 3, 4, 7)."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from netwerkgroep import services
from netwerkgroep.models import AgendaItem, Case, Consent, Note
from samennw.models import AuditEvent
from tests.netwerkgroep.conftest import QUESTION, bring, consent, in_days

pytestmark = pytest.mark.django_db


def test_bring_in_records_inbrenger_consent_and_audit(people, structure, nw, orgs):
    case = bring(people, structure, who="informeel", bouwstenen=["samenwerking", "time-out"])
    assert case.inbrenger == people["informeel"]
    assert case.inbrenger_org == orgs["informeel"]
    assert case.inbrenger_side == "informeel"
    assert case.status == Case.Status.AANGEMELD
    record = case.consents.get()
    assert record.recorded_by == people["informeel"] and record.form == "mondeling"
    event = AuditEvent.objects.get(event="case.brought_in")
    assert event.target_id == case.code and event.actor == people["informeel"]
    assert QUESTION not in str(event.details)
    formal = bring(people, structure, who="formeel")
    assert (formal.inbrenger_org, formal.inbrenger_side) == (orgs["formeel"], "formeel")


def test_case_code_is_random_unique_and_meaningless(people, structure):
    codes = {bring(people, structure).code for _ in range(8)}
    assert len(codes) == 8
    for code in codes:
        assert code.startswith("NW-") and len(code) == 10
        assert "informeel" not in code.lower() and "nisa" not in code.lower()
    zo = bring(people, structure, who="regisseur_zo", group="ng_zo")
    assert zo.code.startswith("ZO-")


@pytest.mark.parametrize(
    "change,field",
    [
        ({"given_on": None}, "consent_given_on"),
        ({"given_on": in_days(3)}, "consent_given_on"),
        ({"scope": "Bel haar op 06-12345678 als het niet goed gaat."}, "consent_scope"),
    ],
)
def test_bring_in_refused_on_bad_consent(people, nw, change, field):
    with pytest.raises(ValidationError) as exc:
        services.bring_in(by=people["informeel"], body=nw, consent=consent(**change), question=QUESTION)
    assert field in exc.value.message_dict
    assert not Case.objects.exists() and not Consent.objects.exists()
    assert not AuditEvent.objects.filter(event="case.brought_in").exists()


@pytest.mark.parametrize(
    "field,text,label,kind",
    [
        ("question", "Moeder is bereikbaar op 06-12345678, wie belt haar?", "Vraag aan de tafel", "telefoonnummer"),
        ("tried", "Buurtteam mailde naar moeder.test@example.nl zonder antwoord.", "Wat is al geprobeerd", "e-mailadres"),
        ("question", "Het BSN van vader is 111222333, kan iemand dat nagaan?", "Vraag aan de tafel", "BSN"),
    ],
)
def test_personal_data_refused_with_dutch_message_naming_the_field(people, nw, field, text, label, kind):
    fields = {"question": QUESTION, field: text}
    with pytest.raises(ValidationError) as exc:
        services.bring_in(by=people["informeel"], body=nw, consent=consent(), **fields)
    messages = exc.value.message_dict[field]
    assert any(message.startswith(label) and "persoonsgegeven" in message for message in messages), messages
    assert any(kind.lower() in message.lower() for message in messages), messages
    assert not Case.objects.exists() and not Consent.objects.exists()


def test_outsiders_cannot_bring_in(people, nw):
    for who in ("regisseur_zo", "programmateam", "beheerder", "privacy", "bestuur"):
        with pytest.raises(PermissionDenied):
            services.bring_in(by=people[who], body=nw, consent=consent(), question=QUESTION)
    assert not Case.objects.exists()


def test_spoed_notifies_regisseur_with_link_only_and_leads_next_agenda(mailable, structure, meetings, django_capture_on_commit_callbacks):
    people = mailable
    normal = bring(people, structure)
    services.build_agenda(by=people["regisseur"], meeting=meetings[0])
    with django_capture_on_commit_callbacks(execute=True):
        case = bring(people, structure, urgency="spoed", tried="Gesprek met moeder bij de moskee, geen vervolg.")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["regisseur@example.org"]
    for secret in (QUESTION, "moskee", "moeder", "Moeder"):
        assert secret not in message.body and secret not in message.subject
    assert "http" in message.body
    items = list(meetings[0].items.all())
    assert items[0].case == case and items[0].kind == AgendaItem.Kind.SPOED
    assert items[1].case == normal
    case.refresh_from_db()
    assert case.status == Case.Status.GEAGENDEERD
    assert AuditEvent.objects.filter(event="mail.case_spoed", target_id=case.code).exists()


def test_update_to_spoed_notifies_once(mailable, structure, meetings, django_capture_on_commit_callbacks):
    people = mailable
    case = bring(people, structure)
    with django_capture_on_commit_callbacks(execute=True):
        case = services.update_case(by=people["informeel"], case=case, version=case.version, changes={"urgency": "spoed"})
    assert len(mail.outbox) == 1
    with pytest.raises(ValidationError):  # stale version
        services.update_case(by=people["informeel"], case=case, version=1, changes={"adults": 2})


def test_waiting_keeps_case_open(people, structure):
    case = bring(people, structure)
    case = services.set_waiting(by=people["informeel"], case=case, waiting=True)
    assert case.status == Case.Status.WACHT and not case.is_closed
    assert AuditEvent.objects.filter(event="case.waiting", target_id=case.code).exists()


@pytest.fixture
def noted(people, structure):
    """A case brought in by informeel with a note of each visibility by formeel, plus own notes."""
    case = bring(people, structure)
    notes = {
        "tafel": services.add_note(by=people["formeel"], case=case, text="Er is een plek in de time-out woning.", visibility="tafel"),
        "formeel": services.add_note(by=people["formeel"], case=case, text="Er loopt een tijdelijk huisverbod.", visibility="formeel"),
        "beperkt": services.add_note(by=people["formeel"], case=case, text="Zorgmelding in behandeling.", visibility="beperkt"),
        "informeel_eigen": services.add_note(by=people["informeel"], case=case, text="Ik spreek moeder vrijdag.", visibility="beperkt"),
    }
    return case, notes


@pytest.mark.parametrize(
    "who,visible",
    [
        ("informeel", {"tafel", "beperkt", "informeel_eigen"}),  # inbrenger: restricted notes too
        ("formeel", {"tafel", "formeel", "beperkt"}),  # author of the restricted note; not informeel's own
        ("regisseur", {"tafel", "formeel", "beperkt", "informeel_eigen"}),
        ("regisseur_zo", set()),
        ("beheerder", set()),
        ("privacy", set()),
        ("programmateam", set()),
    ],
)
def test_visible_notes_matrix(people, noted, who, visible):
    case, notes = noted
    shown = {key for key, note in notes.items() if note in services.visible_notes(people[who], case)}
    assert shown == visible


def test_restricted_note_of_another_member_is_hidden_from_non_inbrenger(people, structure):
    case = bring(people, structure, who="formeel")  # formeel is the inbrenger here
    note = services.add_note(by=people["regisseur"], case=case, text="Alleen voor de inbrenger.", visibility="beperkt")
    assert note in services.visible_notes(people["formeel"], case)
    assert note not in services.visible_notes(people["informeel"], case)


def test_informal_member_cannot_write_formal_note(people, structure):
    case = bring(people, structure)
    with pytest.raises(ValidationError) as exc:
        services.add_note(by=people["informeel"], case=case, text="Iets formeels.", visibility="formeel")
    assert "visibility" in exc.value.message_dict
    assert not Note.objects.exists()


def test_note_with_personal_data_is_refused(people, structure):
    case = bring(people, structure)
    with pytest.raises(ValidationError) as exc:
        services.add_note(by=people["formeel"], case=case, text="Adres: Osdorpplein 12, 1068 EL Amsterdam.")
    assert exc.value.message_dict["text"][0].startswith("Notitie")
    assert not Note.objects.exists()


def test_redact_note_keeps_no_original(people, structure):
    case = bring(people, structure)
    note = services.add_note(by=people["formeel"], case=case, text="Gesprek met mevrouw Yilmaz over de kinderen.")
    with pytest.raises(PermissionDenied):
        services.redact_note(by=people["formeel"], note=note)
    services.redact_note(by=people["regisseur"], note=note, fragments=["Yilmaz"])
    note.refresh_from_db()
    assert "Yilmaz" not in note.text and "[verwijderd]" in note.text
    assert note.redacted_by == people["regisseur"] and note.redacted_at is not None
    event = AuditEvent.objects.get(event="case.note_redacted")
    assert "Yilmaz" not in str(event.details) and "Gesprek" not in str(event.details)
    assert not AuditEvent.objects.filter(details__icontains="Yilmaz").exists()
    other = services.add_note(by=people["formeel"], case=case, text="Iets dat weg moet.")
    services.redact_note(by=people["regisseur"], note=other)
    other.refresh_from_db()
    assert other.text == "[tekst geschoond door de regisseur]"


def test_record_consent_adds_a_record(people, structure):
    case = bring(people, structure)
    services.record_consent(by=people["regisseur"], case=case, consent=consent(scope="Ook met de school van de kinderen."))
    assert case.consents.count() == 2
    with pytest.raises(PermissionDenied):
        services.record_consent(by=people["formeel"], case=case, consent=consent())
    assert isinstance(case.brought_in_on, datetime.date)


def test_transfer_goes_only_to_a_formal_partner_at_this_table(people, structure, nw):
    from domains.models import Organisation

    case = bring(people, structure)
    police = Organisation.objects.create(slug="politie-x", name="Politie", kind=Organisation.Kind.FORMEEL, sector="veiligheid")
    with pytest.raises(ValidationError, match="zit niet aan tafel"):
        services.transfer_case(by=people["regisseur"], case=case, to=police, reason="Politie neemt het over.")
    case.refresh_from_db()
    assert case.transferred_to is None


def test_resuming_a_transferred_case_keeps_it_transferred(people, structure, orgs):
    case = bring(people, structure)
    services.transfer_case(by=people["regisseur"], case=case, to=orgs["formeel"], reason="Veilig Thuis neemt het over.")
    services.set_waiting(by=people["regisseur"], case=case, waiting=True)
    with pytest.raises(ValidationError, match="wacht al"):
        services.set_waiting(by=people["regisseur"], case=case, waiting=True)
    services.set_waiting(by=people["regisseur"], case=case, waiting=False)
    case.refresh_from_db()
    assert case.status == Case.Status.OVERGEDRAGEN and case.transferred_to == orgs["formeel"]
