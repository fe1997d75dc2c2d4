"""Load the action-line cards of the demo (``fixtures/actielijnen.json``) after the alliance's structure.

The file holds every actielijn that the uitvoeringsprogramma 2024-2027 (seed 002) names, plus the
Veiligheid lines that the OT Veiligheid report of 5 March 2026 (seed 000) names, with the documents'
own words and a ``source`` per card. ``read_actielijnen`` parses and validates the whole file against
the structure files (domains, opbrengsten, organisations, focusbuurten, demo users) before the
database is touched; ``load_actielijnen`` then upserts the cards, matched on ``code`` (never on a
primary key), in one transaction. ``manage.py load_demo`` calls it inside the same transaction as
``domains.fixtures_loader.load_fixtures``, so a broken file leaves the database as it was.

Cards are written through ``actielijnen.services``: ``create_card`` for a new card and ``update_card``
only when a value differs, so every change has its history row and audit event, and a second run
changes nothing. Status updates are written like ``add_status_update`` does (history row, audit event) but
dated with the document that reports the progress and attributed to nobody (author None); the service
itself cannot do that (it demands an author and stamps the current time).

Status: a new card starts as concept (``create_card``). The workflow moves a card to "gepubliceerd"
only through concept → ter review → gepubliceerd by a programme-team member (``services.move_card``,
with rights checks on a real user). The fixture has no such user: the documents themselves are the
decision that these lines run. So, once, right after creation, a card that the documents describe as
running gets ``status``/``published_at`` by a queryset update, with ``published_by`` left empty (no
person published it) and no Transition row (no one moved it). On later runs the status is never
touched again: from then on only the workflow moves it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation

from actielijnen import services
from actielijnen.models import Actielijn, Status, Statusupdate
from domains.fixtures_loader import (
    DEFAULT_DIRECTORY,
    USER_FILE,
    FixtureError,
    LoadResult,
    _Entry,
    _read_json,
    _same,
    entries,
    read_fixtures,
)
from domains.models import Domain, Focusbuurt, Opbrengst, Organisation
from samennw import audit

FILENAME = "actielijnen.json"
# Card text fields in the file (Dutch; the untranslated column follows the default language).
TEXT_FIELDS = (
    "title_nl", "goal_nl", "smart_nl", "resident_ownership_nl", "problem_nl", "must_change_nl", "current_state_nl",
    "way_of_working_nl", "result_nl", "learning_nl", "monitoring_nl", "risks_nl", "money_nl", "people_needed_nl",
    "time_needed_nl", "policy_changes_nl",
)
KNOWN_KEYS = {
    "code", "domain", "status", "opbrengsten", "focusbuurten", "partners", "aanvoerder", "source", "contact",
    "statusupdates", *TEXT_FIELDS,
}
ALLOWED_STATUS = (Status.CONCEPT, Status.GEPUBLICEERD)
UPDATE_HOUR = datetime.time(12, 0)  # a document gives a day, not a time


@dataclass
class CardSpec:
    code: str
    domain: str
    status: str
    values: dict[str, Any]
    opbrengsten: list[tuple[str, str]]
    focusbuurten: list[str]
    partners: list[str]
    aanvoerder: str | None
    updates: list[dict[str, Any]] = field(default_factory=list)


def read_actielijnen(*, directory: Path | None = None) -> list[CardSpec]:
    """Parse and validate ``actielijnen.json``; raise ``FixtureError`` naming file and entry on the first fault."""
    directory = Path(directory or DEFAULT_DIRECTORY)
    structure = read_fixtures(directory=directory, with_users=False)
    domains = {d["slug"] for d in structure.domains}
    opbrengsten = {
        (d["slug"], op["code"], ob["code"])
        for d in structure.domains
        for op in d["opdrachten"]
        for ob in op["opbrengsten"]
    }
    organisations = {o["slug"] for o in structure.organisations}
    buurten = {f["slug"] for f in structure.focusbuurten}
    users_path = directory / USER_FILE
    usernames = {u.get("username") for u in _read_json(users_path).get("users", [])} if users_path.is_file() else set()

    data = _read_json(directory / FILENAME)
    specs: list[CardSpec] = []
    for e, code in entries(
        data, filename=FILENAME, list_key="actielijnen", noun="actielijn", key_field="code", known_keys=KNOWN_KEYS
    ):
        domain = e.slug("domain")
        if domain not in domains:
            raise e.fail(f"onbekend domein '{domain}'.")
        status = e.choice("status", Status)
        if status not in ALLOWED_STATUS:
            raise e.fail(f"status '{status}' kan niet uit een fixture komen (alleen concept of gepubliceerd).")
        links: list[tuple[str, str]] = []
        for ref in e.items("opbrengsten"):
            opdracht, _slash, opbrengst = ref.partition("/") if isinstance(ref, str) else ("", "", "")
            if (domain, opdracht, opbrengst) not in opbrengsten:
                raise e.fail(
                    f"onbekende opbrengst '{ref}' in domein '{domain}' (verwacht 'opdracht-code/opbrengst-code' uit domains.json)."
                )
            links.append((opdracht, opbrengst))
        for slug in e.items("partners"):
            if slug not in organisations:
                raise e.fail(f"onbekende organisatie '{slug}' in 'partners'.")
        for slug in e.items("focusbuurten"):
            if slug not in buurten:
                raise e.fail(f"onbekende focusbuurt '{slug}'.")
        aanvoerder = e.text("aanvoerder", required=False) or None
        if aanvoerder and aanvoerder not in usernames:
            raise e.fail(f"onbekende demo-gebruiker '{aanvoerder}' als aanvoerder (zie {USER_FILE}).")
        values: dict[str, Any] = {name: e.text(name, required=name == "title_nl") for name in TEXT_FIELDS}
        values["source"] = e.text("source")
        values["contact"] = e.text("contact", required=False)
        updates = []
        for j, raw in enumerate(e.items("statusupdates"), 1):
            ue = _Entry(FILENAME, raw, f"{e.label}, statusupdate {j}")
            updates.append({"date": ue.date("date"), "text": ue.text("text_nl"), "source": ue.text("source")})
        specs.append(
            CardSpec(
                code=code,
                domain=domain,
                status=status,
                values=values,
                opbrengsten=links,
                focusbuurten=sorted(e.items("focusbuurten")),
                partners=sorted(e.items("partners")),
                aanvoerder=aanvoerder,
                updates=updates,
            )
        )
    return specs


def _as_datetime(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, UPDATE_HOUR))


def load_actielijnen(*, directory: Path | None = None, with_users: bool = True) -> LoadResult:
    """Validate ``actielijnen.json``, then upsert the cards in one transaction. Raises ``FixtureError``.

    Needs the structure (domains, opbrengsten, organisations, focusbuurten) loaded first; with
    ``with_users=False`` the demo aanvoerder is not set (the account does not exist).
    """
    specs = read_actielijnen(directory=directory)
    result = LoadResult()
    User = get_user_model()
    with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE), transaction.atomic():
        for spec in specs:
            label = f"{FILENAME}, actielijn '{spec.code}'"
            domain = Domain.objects.filter(slug=spec.domain).first()
            if domain is None:
                raise FixtureError(f"{label}: domein '{spec.domain}' staat niet in de database; laad eerst de structuur.")
            m2m: dict[str, list[Any]] = {
                "opbrengsten": [
                    Opbrengst.objects.get(opdracht__domain=domain, opdracht__code=opdracht, code=code)
                    for opdracht, code in spec.opbrengsten
                ],
                "partners": list(Organisation.objects.filter(slug__in=spec.partners)),
                "focusbuurten": list(Focusbuurt.objects.filter(slug__in=spec.focusbuurten)),
            }
            aanvoerder = None
            if spec.aanvoerder and with_users:
                aanvoerder = User.objects.filter(username=spec.aanvoerder).first()
                if aanvoerder is None:
                    raise FixtureError(f"{label}: demo-gebruiker '{spec.aanvoerder}' bestaat niet.")
            fields = {**spec.values, "aanvoerder": aanvoerder}
            card = Actielijn.objects.filter(code=spec.code).first()
            try:
                if card is None:
                    card = _create(spec=spec, domain=domain, fields=fields, m2m=m2m)
                    result.created("Actielijn")
                else:
                    changes: dict[str, Any] = {
                        name: value for name, value in fields.items() if not _same(getattr(card, name), value)
                    }
                    if card.domain_id != domain.pk:
                        changes["domain"] = domain
                    for name, wanted in m2m.items():
                        if {o.pk for o in getattr(card, name).all()} != {o.pk for o in wanted}:
                            changes[name] = wanted
                    if changes:
                        card = services.update_card(
                            by=None, card=card, version=card.version, changes=changes, reason="bijgewerkt uit fixtures (load_demo)"
                        )
                        result.updated("Actielijn")
                _load_updates(card=card, spec=spec, result=result)
            except ValidationError as exc:
                raise FixtureError(f"{label}: ongeldige waarde: {exc}") from exc
    return result


def _create(*, spec: CardSpec, domain: Domain, fields: dict[str, Any], m2m: dict[str, list[Any]]) -> Actielijn:
    values = dict(fields)
    title = values.pop("title_nl")
    card = services.create_card(by=None, domain=domain, code=spec.code, title=title, **values, **m2m)
    if spec.status == Status.GEPUBLICEERD:
        # Once, at creation: see the module docstring for why this bypasses move_card.
        published_at = timezone.now()
        Actielijn.objects.filter(pk=card.pk).update(status=spec.status, published_at=published_at, published_by=None)
        card.status, card.published_at, card.published_by = spec.status, published_at, None
    return card


def _load_updates(*, card: Actielijn, spec: CardSpec, result: LoadResult) -> None:
    """Add each dated status update once (matched on date and text), dated with its document's date."""
    added = False
    for u in spec.updates:
        at = _as_datetime(u["date"])
        if Statusupdate.objects.filter(actielijn=card, created_at=at, text_nl=u["text"]).exists():
            continue
        # Not ``services.add_status_update``: its full_clean requires an author (the field is not
        # blank=True), while a document's report has none, and it stamps "now". Same steps otherwise.
        update = Statusupdate(
            actielijn=card, text_nl=u["text"], author=None, state=Statusupdate.State.GEPLAATST, created_at=at
        )
        update.full_clean(exclude=["author"])
        update._change_reason = f"uit fixtures ({u['source']})"
        update.save()
        audit.record("card.status_update", actor=None, target=card, proposed=False, source=u["source"])
        result.created("Statusupdate")
        added = True
    if added:
        latest = card.statusupdates.filter(state=Statusupdate.State.GEPLAATST).order_by("-created_at").first()
        Actielijn.objects.filter(pk=card.pk).update(last_status_update_at=latest.created_at if latest else None)
