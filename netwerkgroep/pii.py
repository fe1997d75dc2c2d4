"""The PII guard: personal data is kept out of the free texts of an anonymised netwerkgroep case.

A case is brought in anonymously and in agreement with the household (issue 6, seeds 000 and 004):
the texts describe a situation in categories ("moeder (30-40)", "drie kinderen (0-4, 4-12)"), never a
person. Every free-text field is checked with ``check_text`` (or the form validator
``no_personal_data``) before it is saved, and refused with a message that points at the fragment
(its kind, position and a masked copy) without echoing the data back in full.

What is detected (``Finding.kind``):

* ``bsn``: nine digits (also written 123.456.782 or 1234 56 782) that pass the elfproef; eight digits
  only after a cue ("BSN", "burgerservicenummer", "sofinummer"), read with the leading zero the
  official specification allows. Nine-digit numbers that fail the check, amounts ("€ 123.456.789")
  and numbers right after a reference cue ("zaaknummer", "kenmerk", "KvK-nummer") are not flagged.
* ``telefoon``: Dutch numbers of ten digits starting with 0 (06-12345678, 020 123 45 67,
  (020) 1234567) or +31 / 0031 with nine digits. Years, ranges (2025-2026), age bands (0-4),
  dates (05-03-2026 14:00), times and case codes do not have that shape or are filtered out. Service
  numbers (0800, 0900, 0906, 0909) belong to organisations, such as Veilig Thuis, and are allowed.
* ``email``: every e-mail address, functional ones included: a case text never needs one.
* ``postcode``: a postcode with or without a house number (1063 AB, 1063AB 12-2, "1063 AB, nr 12");
  lower-case letters only when written against the digits ("1063ab"), as "2026 en" is ordinary text.
  A six-character postcode alone pins a street or part of one, so it is flagged. Exception: a year
  followed by a common abbreviation ("sinds 2025 VT betrokken", "in 2026 OM") is not a postcode
  unless a house number follows; letter pairs that no postcode uses (SA, SD, SS) are never flagged.
* ``adres``: a capitalised street name ending in a Dutch street suffix (straat, laan, weg, plein,
  gracht, kade, dijk, singel, hof, pad, dreef, park, plantsoen, steeg, erf, markt, baan, wal, sluis)
  followed by a house number ("Osdorpplein 100", "Pieter Calandlaan 3-II", "Slotermeerlaan 80 huis"),
  and the Nieuw-West streets without such a suffix listed in ``UNSUFFIXED_STREETS`` ("Meer en Vaart
  12"). A street without a house number is not an address and is allowed ("bij het Osdorpplein");
  so is a count after a street ("op het Osdorpplein 3 keer per week").
* ``iban``: an IBAN of any country that passes the mod-97 check and has the country's length.
* ``geboortedatum``: a full date (12-03-1985, 12 maart 1985, 1985-03-12) with a birth cue ("geboren",
  "geb.", "geboortedatum", "d.o.b.") at most 20 characters before it or 15 after it in the same
  clause, and a year right after such a cue ("geboren in 1985": write an age band instead). Dates
  without a cue nearby are meeting dates and deadlines ("op 5 maart 2026 besproken") and are allowed.
  A rule that flags every date once the text says "geboren" or "leeftijd" anywhere was considered and
  rejected: these texts put a meeting date next to the children's age bands in one paragraph.
* ``kenteken``: Dutch licence plates in the fourteen sidecodes, written with hyphens (12-ABC-3,
  AB-123-C, 1-ABC-23, XX-99-99). Case codes ("NW-26-7K3Q", "HGKM-2026-014") do not fit a sidecode.

What is not detected, and why:

* Whose data it is. An office address or a counsellor's e-mail address is refused like a household's:
  the guard cannot tell them apart, and a case text does not need them ("het stadsdeelkantoor" will do).
* Names. A name has no shape a pattern can check, and Dutch texts are full of capitalised
  organisations, places and languages. ``name_warning`` returns a warning when a text probably
  contains a name (a title such as "mevrouw" or "dhr." followed by a capitalised word, or a
  capitalised word inside a sentence that is not in ``NAME_STOPLIST``). It never blocks: the
  regisseur can flag and ``redact`` a text.
* Plates without hyphens or in lower case, phone numbers of other countries, addresses abroad and
  e-mail addresses written around the "@" ("jan [at] ..."): too close to ordinary codes and words.
* Quasi-identifiers (a rare profession, a school's name): only a reader can judge those.

Every pattern is compiled once at import and opens with a character the engine can skip ahead to;
a 10,000-character text is checked in about 3 ms (``scripts/bench_pii.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

__all__ = [
    "KINDS",
    "Finding",
    "check_text",
    "find_personal_data",
    "is_valid_bsn",
    "is_valid_iban",
    "mask",
    "name_warning",
    "no_personal_data",
    "redact",
]

KINDS = {
    "bsn": _("burgerservicenummer (BSN)"),
    "telefoon": _("telefoonnummer"),
    "email": _("e-mailadres"),
    "postcode": _("postcode"),
    "adres": _("adres"),
    "iban": _("rekeningnummer (IBAN)"),
    "geboortedatum": _("geboortedatum"),
    "kenteken": _("kenteken"),
}


@dataclass(frozen=True)
class Finding:
    """One fragment of personal data: its kind, a Dutch label and its place in the text."""

    kind: str
    label: object
    start: int
    end: int
    fragment: str


_SP = "[ \u00a0]"  # a space or a non-breaking space, never a line break
# What people put between the digit groups of a phone number: a space, a dot or a hyphen, the last
# two with spaces around them or not ("06-12345678", "06 - 12345678", "020 123 45 67").
_SEP = "(?:" + _SP + "?[.-]" + _SP + "?|" + _SP + ")"

# --- check digits ---------------------------------------------------------------------------------


def is_valid_bsn(value: str) -> bool:
    """The elfproef of the burgerservicenummer; eight digits are read with a leading zero."""
    digits = re.sub(r"\D", "", value)
    if len(digits) == 8:
        digits = "0" + digits
    if len(digits) != 9 or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - int(digits[8])
    return total % 11 == 0


# Lengths of IBANs per country (ISO 13616 registry); an unknown country is checked on mod-97 alone.
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24,
    "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21,
    "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28,
    "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MA": 28, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27,
    "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24,
    "RS": 22, "SA": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28, "TL": 23,
    "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}


def is_valid_iban(value: str) -> bool:
    """The mod-97 check of ISO 13616, with the country's length where it is known."""
    iban = re.sub(r"[\s\u00a0]", "", value).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", iban):
        return False
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected is not None and len(iban) != expected:
        return False
    rearranged = iban[4:] + iban[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1


# --- patterns ------------------------------------------------------------------------------------

# Python's regex engine skips ahead fast only to a pattern's first character, so each pattern opens
# with a character and checks what stands before it with a lookbehind after it: "0(?<![\w]0)" rather
# than "(?<![\w])0". This makes a 10,000-character text about forty times faster to scan.
_BSN = re.compile(
    r"\d(?<![\w.,+/€-]\d)(?<!€ \d)"
    r"(?:\d{8}|\d{2}[. ]\d{3}[. ]\d{3}|\d{3}[. ]\d{2}[. ]\d{3}|\d[. ]\d{2}[. ]\d{2}[. ]\d{3})"
    r"(?![\w]|[.,-]\d|" + _SP + r"*(?:euro|EUR)\b)"
)
# A reference number is no BSN even when it passes the elfproef (one in eleven numbers does).
_REFERENCE_CUE = re.compile(
    r"(?i)(?:zaak|dossier|factuur|klant|order|registratie|pv|proces-verbaal|kvk|relatie|contract)-?nummer|"
    r"kenmerk|referentie|ons nummer|uw nummer"
)
_BSN_CUED = re.compile(r"(?i)\b(?:bsn|burgerservicenummer|sofi-?nummer)\b[^\d\n]{0,20}(?<!\d)(\d{8})(?![\w]|[.,-]\d)")

_PHONE_NATIONAL = re.compile(r"0(?<![\w+/,-]0)[1-9](?:" + _SEP + r"?\d){8}(?!\d|[:.,]\d)")
_PHONE_PARENS = re.compile(
    r"\((?<![\w+]\()0[1-9]\d{0,2}\)" + _SP + r"?\d(?:" + _SEP + r"?\d){5,7}(?!\d|[:.,]\d)"
)
_PHONE_INTERNATIONAL = re.compile(
    r"(?:\+(?<![\w+]\+)|0(?<![\w+]0)0)" + _SP + r"?31" + _SEP + r"?(?:\(0\)" + _SEP + r"?)?"
    r"[1-9](?:" + _SEP + r"?\d){8}(?!\d|[:.,]\d)"
)
_SERVICE_NUMBER = re.compile(r"^\(?0(?:800|900|906|909)")
# A date with a four-digit year followed by a time ("05-03-2026 14:00") has ten digits too.
_DATE_SHAPE = re.compile(r"^\d{1,2} ?([-./]) ?\d{1,2} ?\1 ?(?:19|20)\d{2}(?!\d)")

# Found from its "@" (rare in text); the local part is then read backwards from there.
_EMAIL_DOMAIN = re.compile(r"@(?<=[\w.+-]@)[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")
_EMAIL_LOCAL = re.compile(r"[\w.+-]+$")

_HOUSE_NUMBER = (
    r"\d{1,5}(?:-?[A-Za-z](?![\w'])|-(?:\d{1,3}|I{1,3}|IV|hs|h)(?![\w'])|"
    + _SP
    + r"?(?:hs|huis|bis|I{1,3}|IV)(?![\w']))?"
)
_NOT_A_HOUSE_NUMBER = (
    r"(?!\d|[:.,/]\d|" + _SP + r"*(?:%|procent|keer|x\b|maal|uur|jaar|weken|dagen|maanden|minuten|"
    r"personen|kinderen|mensen|deelnemers|gezinnen|plekken|woningen|ochtenden|middagen|avonden|dagdelen|"
    r"euro|km|meter|m2|m²|min\b))"
)
_POSTCODE = re.compile(
    r"(?P<digits>[1-9](?<![\w€-][1-9])(?<!€ [1-9])\d{3})(?:" + _SP + r"?(?P<letters>[A-Z]{2})|(?P<lower>[a-z]{2}))(?![\w-])"
    r"(?P<number>" + _SP + r"*,?" + _SP + r"*(?:(?:nr|no|nummer|huisnummer)\.?" + _SP + r"*)?"
    + _HOUSE_NUMBER + _NOT_A_HOUSE_NUMBER + r")?"
)
# Letter pairs no Dutch postcode uses, and abbreviations that follow a year in these texts.
_POSTCODE_NEVER = {"SA", "SD", "SS"}
_ABBREVIATIONS_AFTER_YEAR = {
    "VT", "OM", "BT", "WT", "JB", "ZO", "NW", "NL", "EU", "OK", "TV", "HR", "IT", "PR", "QR", "ID", "RK",
    "GG", "JZ", "HV", "VN", "KB",
}

STREET_SUFFIXES = (
    "straat", "laan", "weg", "plein", "gracht", "kade", "dijk", "singel", "hof", "pad", "dreef", "park",
    "plantsoen", "steeg", "erf", "markt", "baan", "wal", "sluis",
)
# Streets of Nieuw-West whose names carry no street suffix; a short list of the common ones.
UNSUFFIXED_STREETS = ("Meer en Vaart", "Tussen Meer", "Osdorper Ban", "Vrouwenakker", "Ookmeer")
# Capitalised words that open a sentence rather than a street's name; trimmed off the front of a match.
_NOT_STREET_WORDS = frozenset(
    ("De", "Het", "Een", "In", "Op", "Aan", "Naar", "Bij", "Via", "Zij", "Hij", "Ze", "Moeder", "Vader", "Kind")
    + ("Woont", "Wonen", "Adres", "Bezoek")
)
_ADDRESS = re.compile(
    r"[A-Z](?<![\w-][A-Z])(?:[\w'’.-]*" + _SP + r"+(?:(?:van|de|der|den|het|ten|ter|'t|op|aan|en)" + _SP + r"+){0,2}"
    r"[A-Z]){0,3}[\w'’-]*?(?:" + "|".join(STREET_SUFFIXES) + r")"
    + _SP + r"+(?:(?:nr|no|nummer)\.?" + _SP + r"*)?" + _HOUSE_NUMBER + _NOT_A_HOUSE_NUMBER
)
_UNSUFFIXED_FIRST = "[" + "".join(sorted({n[0].upper() + n[0].lower() for n in UNSUFFIXED_STREETS})) + "]"
_ADDRESS_UNSUFFIXED = re.compile(
    _UNSUFFIXED_FIRST
    + r"(?<![\w-]" + _UNSUFFIXED_FIRST + ")"
    + "(?i:"
    + "|".join(f"(?<={n[0].lower()})" + re.escape(n[1:]).replace(r"\ ", _SP + "+") for n in UNSUFFIXED_STREETS)
    + ")"
    + _SP + r"+(?:(?:nr|no|nummer)\.?" + _SP + r"*)?" + _HOUSE_NUMBER + _NOT_A_HOUSE_NUMBER
)

# Found from its check digits: the match starts at the first of them, two characters into the IBAN.
_IBAN_CANDIDATE = re.compile(r"\d(?<=(?<![A-Za-z0-9])[A-Za-z]{2}\d)\d(?:" + _SP + r"?[A-Za-z0-9]){11,34}")

_MONTHS = (
    r"januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
    r"jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec"
)
_DATE = re.compile(
    r"\d(?<![\w-]\d)(?:\d?([-./])\d{1,2}\1(?:(?:19|20)\d{2}|\d{2})"
    r"|\d?" + _SP + r"+(?:" + _MONTHS + r")\.?" + _SP + r"+(?:19|20)\d{2}"
    r"|(?:(?<=1)9|(?<=2)0)\d{2}-\d{2}-\d{2})(?![\w-]|[./]\d)",
    re.IGNORECASE,
)
_BIRTH_CUE = re.compile(
    r"(?i)(?:\bgeboren\b|\bgeb\.|\bgeboortedatum\b|\bgeboortedag\b|\bgeboortejaar\b|\bd\.o\.b\b\.?|\bdob\b|"
    r"\bdate of birth\b|\bborn\b)"
)
_BIRTH_CUE_WORDS = ("geb", "d.o.b", "dob", "date of birth", "born")
_BIRTH_YEAR = re.compile(
    r"(?i)(?:\bgeboren(?:" + _SP + r"+(?:in|op))?|\bgeb\.|\bgeboortejaar:?)" + _SP + r"*\(?((?:19|20)\d{2})(?![\w-])"
)
# A cue counts within 20 characters before the date ("geboren in Marokko op 12-03-1985") or 15 after
# ("12-03-1985 (geboortedatum)"), and not across the end of a clause.
_CUE_BEFORE, _CUE_AFTER = 20, 15
_CLAUSE_END = re.compile(r"[;!?]|\.\s|\n")

# The fourteen Dutch sidecodes: L a letter, D a digit.
_SIDECODES = (
    "LL-DD-DD", "DD-DD-LL", "DD-LL-DD", "LL-DD-LL", "LL-LL-DD", "DD-LL-LL", "DD-LLL-D", "D-LLL-DD",
    "LL-DDD-L", "L-DDD-LL", "LLL-DD-L", "L-DD-LLL", "D-LL-DDD", "DDD-LL-D",
)
_PLATE = re.compile("|".join(code.replace("L", "[A-Z]").replace("D", r"\d") for code in _SIDECODES))
# Found from its first hyphen; the first group (one to three characters) is read backwards from there.
_PLATE_TAIL = re.compile(r"-(?<=[A-Z\d]-)[A-Z\d]{2,3}-[A-Z\d]{1,3}(?![\w-])")
_PLATE_HEAD = re.compile(r"(?<![\w-])[A-Z\d]{1,3}$")
# Prefixes of the portal's own codes; "NW-26-12" would otherwise read as a sidecode-1 plate.
_CODE_PREFIXES = ("NW-", "ZO-", "NG-")

# Ties on the same span go to the kind listed first.
_PRIORITY = ("iban", "email", "telefoon", "bsn", "geboortedatum", "kenteken", "postcode", "adres")


# --- detection -----------------------------------------------------------------------------------


def _finding(kind: str, text: str, start: int, end: int) -> Finding:
    return Finding(kind=kind, label=KINDS[kind], start=start, end=end, fragment=text[start:end])


def _phones(text: str):
    for pattern in (_PHONE_NATIONAL, _PHONE_PARENS):
        for m in pattern.finditer(text):
            fragment = m.group()
            digits = re.sub(r"\D", "", fragment)
            groups = re.findall(r"\d+", fragment)
            if len(digits) != 10 or _SERVICE_NUMBER.match(fragment) or _DATE_SHAPE.match(fragment):
                continue
            if pattern is _PHONE_NATIONAL and min(len(g) for g in groups) < 2:
                continue  # "0-4 4-12 12-18" are age bands, not a number
            yield m.start(), m.end()
    for m in _PHONE_INTERNATIONAL.finditer(text):
        yield m.start(), m.end()


def _ibans(text: str):
    # A candidate may run on into the next words or the next IBAN, so the search resumes right after
    # each IBAN found, or one character into a candidate that held none.
    position = 0
    while (m := _IBAN_CANDIDATE.search(text, position)) is not None:
        position = m.start() + 1
        begin = m.start() - 2
        candidate = text[begin : m.end()]
        compact = re.sub(r"[ \u00a0]", "", candidate).upper()
        known = IBAN_LENGTHS.get(compact[:2])
        for length in [known] if known else range(min(len(compact), 34), 14, -1):
            if length > len(compact) or not is_valid_iban(compact[:length]):
                continue
            seen, end = 0, begin
            for offset, ch in enumerate(candidate):
                if ch not in " \u00a0":
                    seen += 1
                if seen == length:
                    end = begin + offset + 1
                    break
            if end < len(text) and text[end].isalnum():
                break  # the digits run on without a space: a longer code, not this IBAN
            yield begin, end
            position = end
            break


def _postcodes(text: str):
    for m in _POSTCODE.finditer(text):
        letters = m.group("letters") or m.group("lower").upper()
        if letters in _POSTCODE_NEVER:
            continue
        year_like = 1900 <= int(m.group("digits")) <= 2099
        if year_like and not m.group("number") and (m.group("lower") or letters in _ABBREVIATIONS_AFTER_YEAR):
            continue
        yield m.start(), m.end()


def _births(text: str):
    lowered = text.lower()
    if not any(word in lowered for word in _BIRTH_CUE_WORDS):
        return
    for m in _DATE.finditer(text):
        before = text[max(0, m.start() - _CUE_BEFORE - 15) : m.start()]
        cues = list(_BIRTH_CUE.finditer(before))
        if cues and len(before) - cues[-1].end() <= _CUE_BEFORE and not _CLAUSE_END.search(before[cues[-1].end() :]):
            yield m.start(), m.end()
            continue
        after = text[m.end() : m.end() + _CUE_AFTER]
        cue = _BIRTH_CUE.search(after)
        if cue and not _CLAUSE_END.search(after[: cue.start()]):
            yield m.start(), m.end()
    for m in _BIRTH_YEAR.finditer(text):
        yield m.start(1), m.end(1)


def _bsns(text: str):
    for m in _BSN.finditer(text):
        if _REFERENCE_CUE.search(text[max(0, m.start() - 40) : m.start()]):
            continue
        if is_valid_bsn(m.group()):
            yield m.start(), m.end()
    lowered = text.lower()
    if "bsn" not in lowered and "burgerservice" not in lowered and "sofi" not in lowered:
        return
    for m in _BSN_CUED.finditer(text):
        if is_valid_bsn(m.group(1)):
            yield m.start(1), m.end(1)


def _plates(text: str):
    for m in _PLATE_TAIL.finditer(text):
        head = _PLATE_HEAD.search(text, max(0, m.start() - 3), m.start())
        if head is None:
            continue
        plate = text[head.start() : m.end()]
        if _PLATE.fullmatch(plate) and not plate.startswith(_CODE_PREFIXES):
            yield head.start(), m.end()


def _emails(text: str):
    for m in _EMAIL_DOMAIN.finditer(text):
        local = _EMAIL_LOCAL.search(text, max(0, m.start() - 64), m.start())
        yield local.start(), m.end()


def _addresses(text: str):
    for m in _ADDRESS.finditer(text):
        start = m.start()
        # "Bezoek Osdorpplein 100", "Zie Hoofdweg 12": a capitalised word that opens the sentence is no
        # part of the street's name when another capitalised word follows it.
        while (space := text.find(" ", start, m.end())) != -1 and text[space + 1 : space + 2].isupper():
            word = text[start:space]
            if word not in _NOT_STREET_WORDS and word.lower() not in NAME_STOPLIST:
                break
            start = space + 1
        yield start, m.end()
    for m in _ADDRESS_UNSUFFIXED.finditer(text):
        yield m.start(), m.end()


_FINDERS = {
    "iban": _ibans,
    "email": _emails,
    "telefoon": _phones,
    "bsn": _bsns,
    "geboortedatum": _births,
    "kenteken": _plates,
    "postcode": _postcodes,
    "adres": _addresses,
}


def find_personal_data(text: str) -> list[Finding]:
    """Every fragment of personal data in ``text``, in order, without overlaps.

    Where two patterns claim overlapping text, the earlier and then the longer fragment gives the kind,
    on the same span the kind listed first in ``_PRIORITY`` (an IBAN holds digits that could read as a
    BSN), and the finding covers both fragments.
    """
    if not text:
        return []
    candidates = []
    for rank, kind in enumerate(_PRIORITY):
        for start, end in _FINDERS[kind](text):
            end = _trim(text, start, end)
            if end > start:
                candidates.append((start, -(end - start), rank, kind, end))
    candidates.sort()
    findings: list[Finding] = []
    for start, _length, _rank, kind, end in candidates:
        if not findings or start >= findings[-1].end:
            findings.append(_finding(kind, text, start, end))
        elif end > findings[-1].end:
            # A fragment that runs on past the one kept is joined to it, so nothing escapes redaction.
            kept = findings[-1]
            findings[-1] = _finding(kept.kind, text, kept.start, end)
    return findings


def _trim(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in " \u00a0,.-":
        end -= 1
    return end


# --- messages, redaction and the validator -------------------------------------------------------


def mask(fragment: str) -> str:
    """The fragment with its middle letters and digits replaced by dots, so a reader can find it in the
    text without the message repeating the data: "06-12345678" becomes "06-1•••••78"."""
    n = len(fragment)
    head, tail = (4, 2) if n >= 10 else (2, 1) if n >= 5 else (1, 0)
    middle = "".join("•" if ch.isalnum() else ch for ch in fragment[head : n - tail])
    return fragment[:head] + middle + fragment[n - tail :] if tail else fragment[:head] + middle


def check_text(text: str, *, field_label: str = "") -> None:
    """Refuse a text that holds personal data: one ``ValidationError`` (code ``personal_data``) per
    finding, naming its kind, the position of its first character and a masked copy."""
    findings = find_personal_data(text or "")
    if not findings:
        return
    errors = []
    for finding in findings:
        params = {
            "kind": finding.kind,
            "label": finding.label,
            "position": finding.start + 1,
            "masked": mask(finding.fragment),
            "field": field_label,
        }
        if field_label:
            message = _(
                "%(field)s bevat een persoonsgegeven (%(label)s) bij teken %(position)s (“%(masked)s”). "
                "Een casus is anoniem: haal dit gegeven weg of beschrijf het zonder persoonsgegevens."
            )
        else:
            message = _(
                "De tekst bevat een persoonsgegeven (%(label)s) bij teken %(position)s (“%(masked)s”). "
                "Een casus is anoniem: haal dit gegeven weg of beschrijf het zonder persoonsgegevens."
            )
        errors.append(ValidationError(message, code="personal_data", params=params))
    raise ValidationError(errors)


def no_personal_data(value) -> None:
    """Validator for form and model fields: ``validators=[no_personal_data]``."""
    if isinstance(value, str):
        check_text(value)


def redact(text: str, findings: list[Finding]) -> str:
    """``text`` with every finding replaced by "[verwijderd: <label>]".

    The marker is stored with the text, so it is always written in Dutch, whatever the reader's language.
    """
    with translation.override("nl"):
        parts = []
        position = 0
        for finding in sorted(findings, key=lambda f: f.start):
            if finding.start < position:
                continue
            parts.append(text[position : finding.start])
            parts.append(f"[verwijderd: {finding.label}]")
            position = finding.end
        parts.append(text[position:])
    return "".join(parts)


# --- names: a warning, never a block -------------------------------------------------------------

_TITLE = re.compile(
    r"(?<![\w])(?i:meneer|mevrouw|mevr\.|mw\.|mvr\.|dhr\.|de heer|juffrouw|juf|meester|dokter|dr\.|tante|oom|"
    r"opa|oma|moeder|vader|zoon|dochter|broer|zus|buurvrouw|buurman|neef|nicht)" + _SP + r"+(?P<name>[A-Z][a-zà-ÿ'’-]+)"
)
_WORD = re.compile(r"[A-Za-zÀ-ÿ][\w'’-]*")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;•*\n\"“‘'(\[]|\s-\s|^\s*[-–]|\d\))\s*$")
_STREET_WORD = re.compile(r"(?:" + "|".join(STREET_SUFFIXES) + r")$")

# Capitalised words that are no names: places, organisations and programmes at the table, languages
# and origins (capitalised in Dutch), religious feasts and a few words that often open a clause.
_STOPLIST_WORDS = """
    Nieuw-West Nieuw West Osdorp Slotervaart Geuzenveld Slotermeer Sloten Zuidoost Amsterdam Nederland
    Bos Lommer Aker Overtoomse Veld Middelveldsche Akerpolder Oostoever Westoever Noord Zuid Oost
    Overtoomse Sloterplas Westpoort Badhoevedorp Amstelveen Haarlem Diemen Zaandam Bijlmer Holendrecht
    Veilig Thuis Politie Blijf Groep Jeugdbescherming OKT Buurtteam Buurtteams Wijkteam Wijkteams
    Reclassering Sipi Waag Openbaar Ministerie Raad Kinderbescherming GGD Ouder Kind Kinderen Teams Team
    Samen Netwerkgroep Netwerkregisseur Nisa ProFor Human Empowerment Stichting St Hogeschool HvA
    Gemeente Stadsdeel Programma Nationaal Alliantie Opgaveteam Veiligheid Actielijn Bouwsteen
    Bouwstenen Tijdelijk Huisverbod Time-out Plegeraanpak Data-analyse Bewustwording Dialoog
    Samenwerking Informeel Formeel HGKM DJI Wibautleerstoel Masterplan Handboek Sterker Huiselijk Geweld
    Kindermishandeling Vaderschap Youtube WhatsApp Instagram Facebook Wmo Jeugdwet Participatiewet
    Zorg Jeugd Jeugdzorg Moskee Kerk Mosk Schuldhulp Schuldhulpverlening Voedselbank Buurthuis
    Sociale Wijkzorg Leger Heils Salvation Army Fier Arkin Levvel Spirit Altra Cordaan Lucertis Mentrum
    Marokkaans Marokkaanse Turks Turkse Surinaams Surinaamse Antilliaans Antilliaanse Nederlands Nederlandse
    Arabisch Berbers Tamazight Koerdisch Pools Poolse Syrisch Syrische Eritrees Eritrese Ghanees Ghanese
    Somalisch Somalische Afghaans Afghaanse Engels Engelse Frans Franse Duits Duitse Tigrinya Farsi Dari
    Islam Islamitisch Islamitische Christelijk Christelijke Ramadan Suikerfeest Offerfeest Kerst Kerstmis
    Pasen God Allah Koran Bijbel Europa Europese Marokko Turkije Suriname Syrië Eritrea Ghana Somalië
    Afghanistan Polen Curaçao Aruba Bonaire
    BW Sr Sv Art Artikel Bijlage Agenda Afspraak Afspraken Casus Casussen Vraag Inbrenger Regisseur
    Slachtoffer Pleger Omstander Moeder Vader Zoon Dochter Oma Opa Tante Oom Broer Zus
    Maandag Dinsdag Woensdag Donderdag Vrijdag Zaterdag Zondag Q1 Q2 Q3 Q4 Zie Noot NB PS
    Wet Wetboek Burgerlijk Strafrecht Rijk Rijksoverheid Ministerie Rechtbank Planetarium Meeting Center
    Ik Wij Zij Hij Ze Je Jij U
"""
NAME_STOPLIST = frozenset(word.lower() for word in _STOPLIST_WORDS.split())


def _capitalised_inside_sentence(text: str):
    words = list(_WORD.finditer(text))
    for index, m in enumerate(words):
        word = m.group()
        if not word[0].isupper() or word.isupper() or not any(ch.islower() for ch in word[1:]):
            continue
        first = word.split("-")[0]
        if word.lower() in NAME_STOPLIST or first.lower() in NAME_STOPLIST or first.isupper():
            continue  # "HvA-evaluatie", "Nieuw-West", "GGD-arts"
        if _STREET_WORD.search(word):
            continue  # a street without a house number is no personal data
        following = words[index + 1].group() if index + 1 < len(words) else ""
        if following[:1].isupper() and _STREET_WORD.search(following):
            continue  # "Pieter Calandlaan": the first word of a street's name
        if m.start() == 0 or _SENTENCE_START.search(text[max(0, m.start() - 4) : m.start()]):
            continue
        yield word


def name_warning(text: str) -> str | None:
    """A Dutch warning when ``text`` probably holds a name, or ``None``.

    Names cannot be recognised reliably, so this only warns: a title or a family word followed by a
    capitalised word ("mevrouw Jansen", "dhr. Bakker", "moeder Fatima") is a strong cue, a capitalised
    word inside a sentence that is not a known place, organisation or language a weaker one.
    """
    if not text:
        return None
    names = [m.group("name") for m in _TITLE.finditer(text) if m.group("name").lower() not in NAME_STOPLIST]
    names += [w for w in _capitalised_inside_sentence(text) if w not in names]
    if not names:
        return None
    message = gettext(
        "Deze tekst bevat mogelijk een naam (%(names)s). Namen worden niet automatisch herkend: "
        "controleer de tekst en schrijf een rol, zoals ‘moeder’ of ‘de inbrenger’, in plaats van een naam."
    )
    return message % {"names": ", ".join(mask(name) for name in dict.fromkeys(names))}
