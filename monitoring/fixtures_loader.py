"""Load the nine stories of the Jaarbeeld 2025 (``fixtures/verhalen.json``) after the alliance's structure.

``read_verhalen`` parses and validates the whole file (domains and focusbuurten against the structure
files) before the database is touched; ``load_verhalen`` then upserts the stories, matched on ``slug``
(never on a primary key), in one transaction, so a fault leaves the database as it was. Stories are
written through ``monitoring.services``: ``create_story`` and, for a story the file marks as published,
``publish_story`` (with ``by=None``: the jaarbeeld itself is the publication decision), which checks every
publication rule; ``update_story`` only when a value differs, so a second run changes nothing. The HGKM
story stays concept until a netwerkregisseur signs it off. Keys starting with ``_`` are notes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation

from domains.fixtures_loader import (
    DEFAULT_DIRECTORY,
    FixtureError,
    LoadResult,
    _Entry,
    _read_json,
    _same,
    entries,
    read_fixtures,
)
from domains.models import Domain, Focusbuurt
from monitoring import services
from monitoring.models import Verhaal, VerhaalPersoon

FILENAME = "verhalen.json"
KNOWN_KEYS = {
    "slug", "title", "title_variants", "domain", "focusbuurt", "neighbourhood_text", "story_date", "summary", "body",
    "source", "status", "is_hgkm", "personen",
}
PERSON_KEYS = {"role", "display_name", "anonymity", "is_under_16", "consent_on", "consent_by", "consent_form", "consent_scope"}
ALLOWED_STATUS = (Verhaal.Status.CONCEPT, Verhaal.Status.GEPUBLICEERD)


@dataclass
class StorySpec:
    slug: str
    status: str
    domain: str
    focusbuurt: str
    values: dict[str, Any]
    persons: list[dict[str, Any]]


def read_verhalen(*, directory: Path | None = None) -> list[StorySpec]:
    """Parse and validate ``verhalen.json``; raise ``FixtureError`` naming file and entry on the first fault."""
    directory = Path(directory or DEFAULT_DIRECTORY)
    structure = read_fixtures(directory=directory, with_users=False)
    domains = {d["slug"] for d in structure.domains}
    buurten = {f["slug"] for f in structure.focusbuurten}
    data = _read_json(directory / FILENAME)
    specs: list[StorySpec] = []
    for e, slug in entries(
        data, filename=FILENAME, list_key="verhalen", noun="verhaal", key_field="slug", known_keys=KNOWN_KEYS
    ):
        domain = e.slug("domain", required=False)
        if domain and domain not in domains:
            raise e.fail(f"onbekend domein '{domain}'.")
        buurt = e.slug("focusbuurt", required=False)
        if buurt and buurt not in buurten:
            raise e.fail(f"onbekende focusbuurt '{buurt}'.")
        status = e.choice("status", Verhaal.Status)
        if status not in ALLOWED_STATUS:
            raise e.fail(f"status '{status}' kan niet uit een fixture komen (alleen concept of gepubliceerd).")
        variants = e.items("title_variants")
        if not all(isinstance(v, str) for v in variants):
            raise e.fail("'title_variants' moet een lijst met teksten zijn.")
        values = {
            "title_nl": e.text("title"),
            "title_variants": "\n".join(v.strip() for v in variants),
            "summary_nl": e.text("summary"),
            "body_nl": e.text("body"),
            "neighbourhood_text": e.text("neighbourhood_text", required=False),
            "story_date": e.date("story_date"),
            "source": e.text("source"),
            "is_hgkm": e.boolean("is_hgkm", default=False),
        }
        persons = []
        for j, raw in enumerate(e.items("personen"), 1):
            pe = _Entry(FILENAME, raw, f"{e.label}, persoon {j}")
            unknown = sorted(k for k in raw if k not in PERSON_KEYS and not k.startswith("_"))
            if unknown:
                raise pe.fail(f"onbekend veld '{unknown[0]}'.")
            persons.append(
                {
                    "role_nl": pe.text("role"),
                    "display_name": pe.text("display_name", required=False),
                    "anonymity": pe.choice("anonymity", VerhaalPersoon.Anonymity),
                    "is_under_16": pe.boolean("is_under_16", default=False),
                    "consent_on": pe.date("consent_on"),
                    "consent_by": pe.choice("consent_by", VerhaalPersoon.ConsentBy),
                    "consent_form": pe.text("consent_form"),
                    "consent_scope": pe.text("consent_scope", required=False),
                    "organisation": None,
                }
            )
        specs.append(StorySpec(slug=slug, status=status, domain=domain, focusbuurt=buurt, values=values, persons=persons))
    return specs


def _person_changes(story: Verhaal, wanted: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Persons to write, matched on role and name within the story; unchanged ones are left out."""
    existing = {(p.role_nl, p.display_name): p for p in story.personen.all()}
    out = []
    for data in wanted:
        person = existing.get((data["role_nl"], data["display_name"]))
        if person is not None and all(_same(getattr(person, k), v) for k, v in data.items() if k != "organisation"):
            continue
        out.append({**data, "id": person.pk if person else None})
    return out


def load_verhalen(*, directory: Path | None = None) -> LoadResult:
    """Validate ``verhalen.json``, then upsert the stories in one transaction. Raises ``FixtureError``."""
    specs = read_verhalen(directory=directory)
    result = LoadResult()
    with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE), transaction.atomic():
        for spec in specs:
            label = f"{FILENAME}, verhaal '{spec.slug}'"
            fields: dict[str, Any] = dict(spec.values)
            fields["domain"] = Domain.objects.filter(slug=spec.domain).first() if spec.domain else None
            fields["focusbuurt"] = Focusbuurt.objects.filter(slug=spec.focusbuurt).first() if spec.focusbuurt else None
            if spec.domain and fields["domain"] is None:
                raise FixtureError(f"{label}: domein '{spec.domain}' staat niet in de database; laad eerst de structuur.")
            if spec.focusbuurt and fields["focusbuurt"] is None:
                raise FixtureError(f"{label}: focusbuurt '{spec.focusbuurt}' staat niet in de database.")
            story = Verhaal.objects.filter(slug=spec.slug).first()
            try:
                if story is None:
                    story = services.create_story(by=None, slug=spec.slug, persons=spec.persons, **fields)
                    result.created("Verhaal")
                    if spec.status == Verhaal.Status.GEPUBLICEERD:
                        services.publish_story(by=None, story=story)
                else:
                    changes = {k: v for k, v in fields.items() if not _same(getattr(story, k), v)}
                    persons = _person_changes(story, spec.persons)
                    if changes or persons:
                        services.update_story(by=None, story=story, changes=changes, persons=persons)
                        result.updated("Verhaal")
            except ValidationError as exc:
                raise FixtureError(f"{label}: ongeldige waarde: {'; '.join(exc.messages)}") from exc
    return result

