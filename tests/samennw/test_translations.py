"""Every interface string has an English translation (Dutch is the source language)."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

PO_FILE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
TEMPLATES = Path(settings.BASE_DIR) / "templates"


def _unquote(lines: list[str]) -> str:
    text = "".join(
        re.match(r'^(?:msgid|msgid_plural|msgstr(?:\[\d+\])?)?\s*"(.*)"\s*$', line).group(1) for line in lines
    )
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(0)), text)


def _entries() -> list[dict]:
    """A small .po reader: msgid, msgid_plural, msgstr / msgstr[n] and the fuzzy flag of each entry."""
    entries = []
    for block in PO_FILE.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if line.strip()]
        flags = " ".join(line for line in lines if line.startswith("#,"))
        entry: dict = {"fuzzy": "fuzzy" in flags, "msgstr": []}
        current: list[str] | None = None
        key = None
        for line in lines:
            if line.startswith("#"):
                continue
            match = re.match(r"^(msgid_plural|msgid|msgstr(?:\[\d+\])?|msgctxt)\s", line)
            if match:
                if current is not None:
                    _store(entry, key, current)
                key, current = match.group(1), [line[len(match.group(1)) :].strip()]
            elif current is not None:
                current.append(line)
        if current is not None:
            _store(entry, key, current)
        if "msgid" in entry:
            entries.append(entry)
    return entries


def _store(entry: dict, key: str, lines: list[str]) -> None:
    value = _unquote(lines)
    if key.startswith("msgstr"):
        entry["msgstr"].append(value)
    else:
        entry[key] = value


def test_po_file_has_no_empty_or_fuzzy_translations():
    entries = [e for e in _entries() if e["msgid"]]  # the header has an empty msgid
    assert entries, "no translations found"
    empty = [e["msgid"] for e in entries if not all(e["msgstr"])]
    fuzzy = [e["msgid"] for e in entries if e["fuzzy"]]
    assert not empty, f"untranslated: {empty[:10]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:10]}"


def test_every_template_string_is_translated():
    translated = {e["msgid"] for e in _entries() if e["msgid"] and all(e["msgstr"]) and not e["fuzzy"]}
    pattern = re.compile(r"""\{%\s*(?:trans|translate)\s+(["'])(.+?)\1""")
    missing = []
    for template in TEMPLATES.rglob("*.html"):
        for _quote, text in pattern.findall(template.read_text(encoding="utf-8")):
            if text not in translated:
                missing.append(f"{template.relative_to(TEMPLATES)}: {text}")
    assert not missing, "\n".join(missing)


def test_english_is_served_from_the_catalogue():
    from django.utils import translation

    with translation.override("en"):
        assert translation.gettext("Naar de inhoud") == "Skip to content"
        assert translation.gettext("Inloggen") == "Log in"
