"""The PII guard on the corpus of case texts, and its parts: check digits, messages, redaction, names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from netwerkgroep import pii

CORPUS = json.loads((Path(__file__).parent / "pii_corpus.json").read_text(encoding="utf-8"))
WITHOUT = CORPUS["zonder"]
WITH = CORPUS["met"]

# Zero false positives on the ordinary texts: a netwerkgroep partner who is refused on a meeting date or
# an amount stops trusting the guard, and every negative in the corpus is a pattern such texts use.
MAX_FALSE_POSITIVES = 0


def test_corpus_is_big_enough():
    assert len(WITHOUT) >= 60
    assert len(WITH) >= 40
    assert {kind for entry in WITH for kind in entry["kinds"]} == set(pii.KINDS)


def test_false_positive_rate_on_texts_without_personal_data():
    flagged = {text: [(f.kind, f.fragment) for f in pii.find_personal_data(text)] for text in WITHOUT}
    flagged = {text: found for text, found in flagged.items() if found}
    assert len(flagged) <= MAX_FALSE_POSITIVES, flagged


@pytest.mark.parametrize("entry", WITH, ids=lambda entry: entry["text"][:40])
def test_every_personal_datum_is_found_with_its_kind(entry):
    found = [f.kind for f in pii.find_personal_data(entry["text"])]
    assert sorted(found) == sorted(entry["kinds"])


def test_recall_on_the_corpus_is_complete():
    expected = sum(len(entry["kinds"]) for entry in WITH)
    hits = 0
    for entry in WITH:
        remaining = list(entry["kinds"])
        for finding in pii.find_personal_data(entry["text"]):
            if finding.kind in remaining:
                remaining.remove(finding.kind)
                hits += 1
    assert hits / expected == 1.0


def test_findings_point_at_their_fragment():
    text = "Moeder (06-87654321) woont op Osdorpplein 100, 1068 CS."
    findings = pii.find_personal_data(text)
    assert [(f.kind, f.fragment) for f in findings] == [
        ("telefoon", "06-87654321"),
        ("adres", "Osdorpplein 100"),
        ("postcode", "1068 CS"),
    ]
    for finding in findings:
        assert text[finding.start : finding.end] == finding.fragment
        assert str(finding.label) == str(pii.KINDS[finding.kind])
    with pytest.raises(AttributeError):
        findings[0].kind = "email"


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("111222333", True),
        ("123456782", True),
        ("123.456.782", True),
        ("11222335", True),  # eight digits, read as 011222335
        ("123456789", False),
        ("111222334", False),
        ("000000000", False),
        ("12345678", False),
        ("1234567", False),
    ],
)
def test_bsn_elfproef(number, valid):
    assert pii.is_valid_bsn(number) is valid


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Nummer 123456782 staat op de brief.", True),
        ("Nummer 123456789 staat op de brief.", False),  # nine digits, fails the elfproef
        ("Nummer 111222334 staat op de brief.", False),
        ("BSN 11222335 staat op de brief.", True),
        ("Nummer 11222335 staat op de brief.", False),  # eight digits need a BSN cue
        ("Zaaknummer 123456782 bij de rechtbank.", False),
        ("Een bedrag van € 123.456.782 is niet realistisch.", False),
    ],
)
def test_bsn_in_text(text, found):
    assert any(f.kind == "bsn" for f in pii.find_personal_data(text)) is found


@pytest.mark.parametrize(
    ("iban", "valid"),
    [
        ("NL91 ABNA 0417 1643 00", True),
        ("NL91ABNA0417164300", True),
        ("DE89 3704 0044 0532 0130 00", True),
        ("BE68 5390 0754 7034", True),
        ("GB82 WEST 1234 5698 7654 32", True),
        ("NL92 ABNA 0417 1643 00", False),  # check digits off by one
        ("NL91 ABNA 0417 1643 01", False),
        ("NL91 ABNA 0417 1643 0", False),  # too short for NL
        ("DE89 3704 0044 0532 0130 01", False),
    ],
)
def test_iban_mod_97(iban, valid):
    assert pii.is_valid_iban(iban) is valid
    assert any(f.kind == "iban" for f in pii.find_personal_data(f"Rekening {iban} graag.")) is valid


@pytest.mark.parametrize(
    "text",
    [
        "Besproken op 5 maart 2026; leeftijd kinderen 0-4 en 4-12.",
        "Casus NW-26-7K3Q en HGKM-2026-014 en NG-2026-0042 staan op de agenda.",
        "Van 2025-2026 ging 1 op de 3 gezinnen naar het buurtteam.",
        "Om 13:30-15:00 op woensdag, bedrag € 1.250, art. 1:255 BW.",
        "Op 05-03-2026 14:00 uur bij de politie.",
    ],
)
def test_ordinary_numbers_are_not_personal_data(text):
    assert pii.find_personal_data(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tel:0612345678", [("telefoon", "0612345678")]),
        ("bel 06 - 12345678 vandaag", [("telefoon", "06 - 12345678")]),
        ("Veilig Thuis 0800-2000 of 0900-1234567", []),  # service numbers belong to organisations
        ("op 05 - 03 - 2026 14:00 uur", []),
        ("rekening nl91abna0417164300 graag", [("iban", "nl91abna0417164300")]),
        ("kenteken XAB-123-C bestaat niet", []),  # LLL-DDD-L is no sidecode
        ("casus NW-26-12 en ZO-26-7K3Q", []),
        ("in 1063 ab wonen", []),  # lower-case letters only against the digits
        ("in 1063ab wonen", [("postcode", "1063ab")]),
        ("sinds 2025 VT 12 keer", []),
        ("sinds 2025 VT 12", [("postcode", "2025 VT 12")]),
        ("De Clercqstraat 12 is te klein", [("adres", "Clercqstraat 12")]),
        ("meer en vaart 7", [("adres", "meer en vaart 7")]),
        ("Moeder is geboren in Marokko; op 12 maart 2015 kwam zij hier.", []),
        ("12-03-1985 (geboortedatum volgens de school)", [("geboortedatum", "12-03-1985")]),
    ],
)
def test_edges(text, expected):
    assert [(f.kind, f.fragment) for f in pii.find_personal_data(text)] == expected


def test_overlapping_fragments_are_joined_so_redaction_misses_nothing():
    # "Hoofdweg 1063" reads as a street with a house number, "1063 AB 12" as a postcode with one.
    text = "Zie Hoofdweg 1063 AB 12 nu."
    findings = pii.find_personal_data(text)
    assert [(f.kind, f.fragment) for f in findings] == [("adres", "Hoofdweg 1063 AB 12")]
    assert pii.redact(text, findings) == "Zie [verwijderd: adres] nu."


def test_names_warn_but_never_block():
    text = "Het gesprek met mevrouw Jansen was goed."
    assert pii.check_text(text) is None
    assert pii.find_personal_data(text) == []
    assert pii.name_warning(text)


def test_check_text_passes_clean_text():
    assert pii.check_text(WITHOUT[0]) is None
    assert pii.check_text("") is None


def test_check_text_refuses_with_a_message_per_finding():
    text = "Bel moeder op 06-12345678 of mail moeder@example.nl."
    with pytest.raises(ValidationError) as caught, translation.override("nl"):
        pii.check_text(text, field_label="Vraag aan tafel")
    errors = caught.value.error_list
    assert [e.code for e in errors] == ["personal_data", "personal_data"]
    assert [e.params["kind"] for e in errors] == ["telefoon", "email"]
    with translation.override("nl"):
        messages = caught.value.messages
    assert messages[0].startswith("Vraag aan tafel bevat een persoonsgegeven (telefoonnummer) bij teken 15")
    assert "06-1•••••78" in messages[0]
    assert "06-12345678" not in messages[0]
    assert "moeder@example.nl" not in messages[1]
    assert errors[1].params["position"] == text.index("moeder@") + 1


@pytest.mark.parametrize("entry", WITH, ids=lambda entry: entry["text"][:40])
def test_messages_never_repeat_the_data(entry):
    with pytest.raises(ValidationError) as caught:
        pii.check_text(entry["text"])
    findings = pii.find_personal_data(entry["text"])
    for finding, message in zip(findings, caught.value.messages, strict=True):
        assert finding.fragment not in message
        assert pii.mask(finding.fragment) in message


def test_mask_keeps_only_the_edges():
    assert pii.mask("06-12345678") == "06-1•••••78"
    assert pii.mask("1063 AB") == "10•• •B"
    assert pii.mask("1985") == "1•••"


@pytest.mark.parametrize("entry", WITH, ids=lambda entry: entry["text"][:40])
def test_redact_removes_every_finding(entry):
    findings = pii.find_personal_data(entry["text"])
    redacted = pii.redact(entry["text"], findings)
    assert pii.find_personal_data(redacted) == []
    for finding in findings:
        assert finding.fragment not in redacted
        assert f"[verwijderd: {finding.label}]" in redacted


def test_redact_writes_dutch_whatever_the_language():
    text = "Bel 06-12345678."
    with translation.override("en"):
        redacted = pii.redact(text, pii.find_personal_data(text))
    assert redacted == "Bel [verwijderd: telefoonnummer]."


def test_form_validator_refuses_personal_data():
    class CaseForm(forms.Form):
        vraag = forms.CharField(validators=[pii.no_personal_data])

    assert CaseForm(data={"vraag": WITHOUT[0]}).is_valid()
    form = CaseForm(data={"vraag": "Moeder woont Meer en Vaart 12."})
    assert not form.is_valid()
    assert form.errors.as_data()["vraag"][0].code == "personal_data"


@pytest.mark.parametrize(
    "text",
    [
        "Ik heb gisteren gesproken met mevrouw Jansen over de situatie.",
        "Dhr. Bakker wil niet in gesprek.",
        "Het gesprek met mw. El Amrani was goed.",
        "De inbrenger sprak met Fatima en haar zus over de kinderen.",
        "Moeder Fatima wil niet dat haar familie het weet.",
    ],
)
def test_name_warning_fires_on_likely_names(text):
    warning = pii.name_warning(text)
    assert warning is not None
    assert "naam" in warning


@pytest.mark.parametrize(
    "text",
    [
        "Veilig Thuis en de politie in Osdorp",
        "Moeder is bekend bij Veilig Thuis en de politie in Osdorp; het OKT en het Buurtteam Slotervaart zijn betrokken.",
        "De Blijf Groep, Jeugdbescherming en het Wijkteam Geuzenveld zitten aan tafel in Nieuw-West.",
        "Moeder spreekt Arabisch en Nederlands; de familie viert het Suikerfeest.",
        "",
    ],
)
def test_name_warning_stays_quiet_on_organisations_and_places(text):
    assert pii.name_warning(text) is None


def test_name_warning_masks_the_name():
    warning = pii.name_warning("Ik sprak met mevrouw Jansen.")
    assert "Jansen" not in warning
    assert "Ja•••n" in warning


def test_name_warning_quiet_on_most_of_the_corpus():
    warned = [text for text in WITHOUT if pii.name_warning(text)]
    assert len(warned) <= len(WITHOUT) // 20, warned


def test_a_long_clean_text_has_no_findings():
    """Speed is measured by scripts/bench_pii.py; here only that a long clean text stays clean."""
    text = " ".join(WITHOUT) * (10_000 // len(" ".join(WITHOUT)) + 1)
    assert pii.find_personal_data(text[: text.rfind(" ", 0, 10_000)]) == []
