"""Load the demo fixtures (``fixtures/*.json``): real structure from the documents, fictional people.

The files are hand-written structured data, matched on slug/code and never on primary keys.
``read_fixtures`` parses and validates every file before the database is touched; ``load_fixtures``
then upserts everything inside one transaction, so a broken file changes nothing. A second run
with the same files changes nothing either (idempotent): existing rows are only saved when a value
differs, seats are given (through ``services.assign_seat``) only when missing, an organisation's kind
is decided (through ``services.decide_organisation_kind``) only when it has no decision yet, and an
existing account never gets a new password.
"""

from __future__ import annotations

import datetime
import json
import os
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import translation

from domains import services
from domains.models import (
    Body,
    Domain,
    Focusbuurt,
    MeetingReport,
    Opbrengst,
    Opdracht,
    Opgave,
    Organisation,
    OrganisationKindDecision,
    Seat,
)
from samennw.rights import Role

DEFAULT_DIRECTORY = Path(settings.BASE_DIR) / "fixtures"
PASSWORD_ENV = "SAMENNW_DEMO_PASSWORD"  # noqa: S105 - the name of an environment variable

# File name → top-level key holding the list of entries. Loaded in this order.
FILES: dict[str, str] = {
    "focusbuurten.json": "focusbuurten",
    "domains.json": "domains",
    "organisations.json": "organisations",
    "bodies.json": "bodies",
    "reports.json": "reports",
    "users.json": "users",
}
USER_FILE = "users.json"
SLUG_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-")


class FixtureError(Exception):
    """A fixture file is missing, not valid JSON, or has a wrong or unknown value. The message is Dutch."""


@dataclass
class LoadResult:
    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: {"created": 0, "updated": 0})
    )
    new_users: list[tuple[str, str, str]] = field(default_factory=list)  # (username, role, password)

    def created(self, label: str) -> None:
        self.counts[label]["created"] += 1

    def updated(self, label: str) -> None:
        self.counts[label]["updated"] += 1

    @property
    def changed(self) -> bool:
        return any(c["created"] or c["updated"] for c in self.counts.values())

    def lines(self) -> list[str]:
        if not self.changed:
            return ["Niets gewijzigd."]
        return [
            f"{label}: {c['created']} nieuw, {c['updated']} bijgewerkt"
            for label, c in sorted(self.counts.items())
            if c["created"] or c["updated"]
        ]


# --- reading and validating (no database) ------------------------------------------------------


def entries(data: Any, *, filename: str, list_key: str, noun: str, key_field: str, known_keys: set[str]):
    """Yield ``(entry, key)`` for each object in ``data[list_key]``, checking the shape every loader needs:
    the list exists, each entry is an object with a valid, unique ``key_field`` and no unknown fields
    (fields starting with "_" are notes for editors and are skipped)."""
    if not isinstance(data, dict) or not isinstance(data.get(list_key), list):
        raise FixtureError(f"{filename}: de lijst '{list_key}' ontbreekt.")
    seen: set[str] = set()
    for i, item in enumerate(data[list_key], 1):
        entry = _Entry(filename, item, f"{noun} {i}")
        key = entry.slug(key_field)
        entry.label = f"{noun} '{key}'"
        if key in seen:
            raise entry.fail(f"{key_field} '{key}' komt twee keer voor.")
        seen.add(key)
        unknown = sorted(k for k in item if k not in known_keys and not k.startswith("_"))
        if unknown:
            raise entry.fail(f"onbekend veld '{unknown[0]}'.")
        yield entry, key


class _Entry:
    """One entry of a file, for clear error messages: ``bodies.json, entry 'opgaveteam-veiligheid'``."""

    def __init__(self, filename: str, data: Any, label: str):
        if not isinstance(data, dict):
            raise FixtureError(f"{filename}: {label} is geen object.")
        self.filename = filename
        self.data = data
        self.label = label

    def fail(self, message: str) -> FixtureError:
        return FixtureError(f"{self.filename}, {self.label}: {message}")

    def text(self, key: str, *, required: bool = True, default: str = "") -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.fail(f"veld '{key}' ontbreekt.")
            return default
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = "\n\n".join(value)
        if not isinstance(value, str):
            raise self.fail(f"veld '{key}' moet tekst zijn.")
        if required and not value.strip():
            raise self.fail(f"veld '{key}' is leeg.")
        return value

    def slug(self, key: str, *, required: bool = True) -> str:
        value = self.text(key, required=required)
        if value and not set(value) <= SLUG_CHARS:
            raise self.fail(
                f"'{value}' in veld '{key}' is geen geldige slug (kleine letters, cijfers en '-')."
            )
        return value

    def choice(self, key: str, choices: type[models.TextChoices], *, required: bool = True) -> str:
        value = self.text(key, required=required)
        if value and value not in choices.values:
            allowed = ", ".join(choices.values)
            raise self.fail(f"onbekende waarde '{value}' voor '{key}' (toegestaan: {allowed}).")
        return value

    def integer(self, key: str, *, required: bool = True) -> int | None:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.fail(f"veld '{key}' ontbreekt.")
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise self.fail(f"veld '{key}' moet een geheel getal zijn.")
        return value

    def boolean(self, key: str, *, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(f"veld '{key}' moet true of false zijn.")
        return value

    def date(self, key: str) -> datetime.date:
        value = self.text(key)
        try:
            return datetime.date.fromisoformat(value)
        except ValueError as exc:
            raise self.fail(f"'{value}' in veld '{key}' is geen datum (JJJJ-MM-DD).") from exc

    def items(self, key: str) -> list[Any]:
        value = self.data.get(key, [])
        if not isinstance(value, list):
            raise self.fail(f"veld '{key}' moet een lijst zijn.")
        return value


def _read_json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise FixtureError(f"Bestand {path.name} ontbreekt in {path.parent}.")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise FixtureError(f"{path.name}: het bestand is geen UTF-8-tekst.") from exc
    except json.JSONDecodeError as exc:
        raise FixtureError(
            f"{path.name}: ongeldige JSON op regel {exc.lineno}, kolom {exc.colno}: {exc.msg}."
        ) from exc
    if not isinstance(data, dict):
        raise FixtureError(f"{path.name}: het bestand moet een JSON-object zijn.")
    return data


def _unique(filename: str, seen: set[str], value: str, what: str) -> None:
    if value in seen:
        raise FixtureError(f"{filename}: {what} '{value}' komt twee keer voor.")
    seen.add(value)


@dataclass
class FixtureSet:
    """All fixture files, parsed and validated; plain Python values, ready to load."""

    focusbuurten: list[dict[str, Any]]
    domains: list[dict[str, Any]]
    organisations: list[dict[str, Any]]
    decided_on: datetime.date
    decided_by_body: str
    bodies: list[dict[str, Any]]
    reports: list[dict[str, Any]]
    users: list[dict[str, Any]]
    seats_start: datetime.date | None


def read_fixtures(*, directory: Path | None = None, with_users: bool = True) -> FixtureSet:
    """Parse and validate every fixture file; raise ``FixtureError`` naming file and entry on the first fault."""
    directory = Path(directory or DEFAULT_DIRECTORY)
    raw: dict[str, dict[str, Any]] = {}
    for filename, key in FILES.items():
        if filename == USER_FILE and not with_users:
            continue
        data = _read_json(directory / filename)
        if not isinstance(data.get(key), list):
            raise FixtureError(f"{filename}: de lijst '{key}' ontbreekt.")
        raw[filename] = data

    # focusbuurten
    focus: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, item in enumerate(raw["focusbuurten.json"]["focusbuurten"], 1):
        e = _Entry("focusbuurten.json", item, f"buurt {i}")
        slug = e.slug("slug")
        e.label = f"buurt '{slug}'"
        _unique(e.filename, seen, slug, "slug")
        focus.append(
            {
                "slug": slug,
                "values": {
                    "name": e.text("name"),
                    "gebied": e.text("gebied"),
                    "cluster": e.text("cluster"),
                    "inhabitants": e.integer("inhabitants", required=False),
                    "cluster_inhabitants": e.integer("cluster_inhabitants", required=False),
                    "description_nl": e.text("description_nl", required=False),
                    "description_en": e.text("description_en", required=False),
                    "source": e.text("source", required=False),
                },
            }
        )
    focus_slugs = {f["slug"] for f in focus}

    # domains, opdrachten, opbrengsten, opgaven
    domains: list[dict[str, Any]] = []
    seen = set()
    for i, item in enumerate(raw["domains.json"]["domains"], 1):
        e = _Entry("domains.json", item, f"domein {i}")
        slug = e.slug("slug")
        e.label = f"domein '{slug}'"
        _unique(e.filename, seen, slug, "domein")
        domain = {
            "slug": slug,
            "values": {
                "kind": e.choice("kind", Domain.Kind),
                "name_nl": e.text("name_nl"),
                "name_en": e.text("name_en", required=False),
                "tagline_nl": e.text("tagline_nl", required=False),
                "tagline_en": e.text("tagline_en", required=False),
                "waardeperspectief_nl": e.text("waardeperspectief_nl", required=False),
                "waardeperspectief_en": e.text("waardeperspectief_en", required=False),
                "summary_nl": e.text("summary_nl", required=False),
                "summary_en": e.text("summary_en", required=False),
                "source": e.text("source"),
            },
            "opdrachten": [],
            "opgaven": [],
        }
        codes: set[str] = set()
        for j, op in enumerate(e.items("opdrachten"), 1):
            oe = _Entry(e.filename, op, f"{e.label}, opdracht {j}")
            code = oe.slug("code")
            oe.label = f"{e.label}, opdracht '{code}'"
            _unique(e.filename, codes, code, f"{e.label}: opdracht")
            opdracht = {
                "code": code,
                "values": {
                    "number": oe.integer("number"),
                    "title_nl": oe.text("title_nl"),
                    "title_en": oe.text("title_en", required=False),
                    "body_nl": oe.text("body_nl", required=False),
                    "body_en": oe.text("body_en", required=False),
                },
                "opbrengsten": [],
            }
            ob_codes: set[str] = set()
            for k, ob in enumerate(oe.items("opbrengsten"), 1):
                be = _Entry(e.filename, ob, f"{oe.label}, opbrengst {k}")
                ob_code = be.slug("code")
                _unique(e.filename, ob_codes, ob_code, f"{oe.label}: opbrengst")
                opdracht["opbrengsten"].append(
                    {
                        "code": ob_code,
                        "values": {
                            "number": be.integer("number"),
                            "title_nl": be.text("title_nl"),
                            "title_en": be.text("title_en", required=False),
                            "body_nl": be.text("body_nl", required=False),
                            "body_en": be.text("body_en", required=False),
                        },
                    }
                )
            domain["opdrachten"].append(opdracht)
        og_codes: set[str] = set()
        for j, og in enumerate(e.items("opgaven"), 1):
            ge = _Entry(e.filename, og, f"{e.label}, opgave {j}")
            code = ge.slug("code")
            _unique(e.filename, og_codes, code, f"{e.label}: opgave")
            touches = ge.items("touches")
            domain["opgaven"].append(
                {
                    "code": code,
                    "touches": touches,
                    "entry": ge,
                    "values": {
                        "sort": ge.integer("sort", required=False) or j,
                        "title_nl": ge.text("title_nl"),
                        "title_en": ge.text("title_en", required=False),
                        "body_nl": ge.text("body_nl", required=False),
                        "body_en": ge.text("body_en", required=False),
                    },
                }
            )
        domains.append(domain)
    domain_slugs = {d["slug"] for d in domains}
    for d in domains:
        for og in d["opgaven"]:
            for t in og["touches"]:
                if t not in domain_slugs:
                    raise og.pop("entry").fail(f"onbekend domein '{t}' in 'touches'.")
            og.pop("entry", None)

    # organisations
    org_data = raw["organisations.json"]
    head = _Entry("organisations.json", org_data, "kop")
    decided_on = head.date("decided_on")
    decided_by_body = head.text("decided_by_body")
    organisations: list[dict[str, Any]] = []
    seen = set()
    for i, item in enumerate(org_data["organisations"], 1):
        e = _Entry("organisations.json", item, f"organisatie {i}")
        slug = e.slug("slug")
        e.label = f"organisatie '{slug}'"
        _unique(e.filename, seen, slug, "organisatie")
        organisations.append(
            {
                "slug": slug,
                "kind": e.choice("kind", Organisation.Kind),
                "reason": e.text("reason"),
                "values": {
                    "name": e.text("name"),
                    "sector": e.choice("sector", Organisation.Sector),
                    "description_nl": e.text("description_nl", required=False),
                    "description_en": e.text("description_en", required=False),
                    "website": e.text("website", required=False),
                    "is_alliance_partner": e.boolean("is_alliance_partner", default=True),
                    "source": e.text("source"),
                },
            }
        )
    org_slugs = {o["slug"] for o in organisations}

    # bodies (a parent must come earlier in the list)
    bodies: list[dict[str, Any]] = []
    seen = set()
    for i, item in enumerate(raw["bodies.json"]["bodies"], 1):
        e = _Entry("bodies.json", item, f"orgaan {i}")
        slug = e.slug("slug")
        e.label = f"orgaan '{slug}'"
        _unique(e.filename, seen, slug, "orgaan")
        kind = e.choice("kind", Body.Kind)
        domain = e.slug("domain", required=False)
        if domain and domain not in domain_slugs:
            raise e.fail(f"onbekend domein '{domain}'.")
        if kind == Body.Kind.OPGAVETEAM and not domain:
            raise e.fail("een opgaveteam hoort bij een domein (veld 'domain').")
        parent = e.slug("parent", required=False)
        if parent and parent not in {b["slug"] for b in bodies}:
            raise e.fail(f"onbekend of later genoemd bovenliggend orgaan '{parent}'.")
        buurten = e.items("focusbuurten")
        for b in buurten:
            if b not in focus_slugs:
                raise e.fail(f"onbekende focusbuurt '{b}'.")
        bodies.append(
            {
                "slug": slug,
                "domain": domain,
                "parent": parent,
                "focusbuurten": sorted(buurten),
                "values": {
                    "kind": kind,
                    "name_nl": e.text("name_nl"),
                    "name_en": e.text("name_en", required=False),
                    "description_nl": e.text("description_nl", required=False),
                    "description_en": e.text("description_en", required=False),
                    "rhythm_nl": e.text("rhythm_nl", required=False),
                    "rhythm_en": e.text("rhythm_en", required=False),
                    "source": e.text("source", required=False),
                },
            }
        )
    body_slugs = {b["slug"] for b in bodies}
    body_kinds = {b["slug"]: b["values"]["kind"] for b in bodies}

    # meeting reports
    reports: list[dict[str, Any]] = []
    seen = set()
    for i, item in enumerate(raw["reports.json"]["reports"], 1):
        e = _Entry("reports.json", item, f"verslag {i}")
        slug = e.slug("slug")
        body = e.slug("body")
        e.label = f"verslag '{slug}'"
        _unique(e.filename, seen, f"{body}/{slug}", "verslag")
        if body not in body_slugs:
            raise e.fail(f"onbekend orgaan '{body}'.")
        reports.append(
            {
                "slug": slug,
                "body": body,
                "values": {
                    "held_on": e.date("held_on"),
                    "title_nl": e.text("title_nl"),
                    "title_en": e.text("title_en", required=False),
                    "text_nl": e.text("text_nl"),
                    "text_en": e.text("text_en", required=False),
                    "is_published": e.boolean("is_published", default=False),
                    "source": e.text("source", required=False),
                },
            }
        )

    # demo users and their seats
    users: list[dict[str, Any]] = []
    seats_start: datetime.date | None = None
    if with_users:
        user_data = raw[USER_FILE]
        seats_start = _Entry(USER_FILE, user_data, "kop").date("seats_start")
        seen = set()
        for i, item in enumerate(user_data["users"], 1):
            e = _Entry(USER_FILE, item, f"gebruiker {i}")
            username = e.slug("username")
            e.label = f"gebruiker '{username}'"
            _unique(e.filename, seen, username, "gebruikersnaam")
            role = e.text("role")
            if role not in {r.value for r in Role}:
                raise e.fail(f"onbekende rol '{role}'.")
            display_name = e.text("display_name")
            if not display_name.startswith("Demo "):
                raise e.fail("een demo-account heet 'Demo …' (alleen verzonnen personen, DECISIONS 3).")
            seats = []
            for j, seat in enumerate(e.items("seats"), 1):
                se = _Entry(USER_FILE, seat, f"{e.label}, zetel {j}")
                body = se.slug("body")
                if body not in body_slugs:
                    raise se.fail(f"onbekend orgaan '{body}'.")
                organisation = se.slug("organisation", required=False)
                if organisation and organisation not in org_slugs:
                    raise se.fail(f"onbekende organisatie '{organisation}'.")
                seat_role = se.choice("role", Seat.Role)
                board_seat = se.choice("board_seat", Seat.BoardSeat, required=False)
                if (seat_role == Seat.Role.BESTUURSLID or board_seat) and body_kinds[
                    body
                ] != Body.Kind.ALLIANTIEBESTUUR:
                    raise se.fail("een bestuurszetel hoort bij het alliantiebestuur.")
                if seat_role == Seat.Role.NETWERKREGISSEUR and body_kinds[body] != Body.Kind.NETWERKGROEP:
                    raise se.fail("een netwerkregisseur hoort bij een netwerkgroep.")
                seats.append(
                    {"body": body, "organisation": organisation, "role": seat_role, "board_seat": board_seat}
                )
            users.append(
                {
                    "username": username,
                    "role": role,
                    "seats": seats,
                    "values": {
                        "display_name": display_name,
                        "first_name": "Demo",
                        "last_name": display_name.removeprefix("Demo ").strip(),
                        "email": f"{username}@demo.invalid",
                        "is_staff": e.boolean("is_staff", default=False),
                        "is_superuser": e.boolean("is_superuser", default=False),
                    },
                }
            )

    return FixtureSet(
        focusbuurten=focus,
        domains=domains,
        organisations=organisations,
        decided_on=decided_on,
        decided_by_body=decided_by_body,
        bodies=bodies,
        reports=reports,
        users=users,
        seats_start=seats_start,
    )


# --- writing (one transaction) ---------------------------------------------------------------


def _same(current: Any, wanted: Any) -> bool:
    # Translation columns are nullable: an empty value may come back as None.
    if isinstance(wanted, str) and current is None:
        return wanted == ""
    return current == wanted


def _upsert(
    model: type[models.Model],
    *,
    lookup: dict[str, Any],
    values: dict[str, Any],
    result: LoadResult,
    label: str,
) -> models.Model:
    obj = model.objects.filter(**lookup).first()
    try:
        if obj is None:
            obj = model(**lookup, **values)
            obj.full_clean()
            obj.save()
            result.created(model.__name__)
            return obj
        changed = [name for name, value in values.items() if not _same(getattr(obj, name), value)]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.full_clean()
            obj.save()
            result.updated(model.__name__)
        return obj
    except ValidationError as exc:
        raise FixtureError(f"{label}: ongeldige waarde: {exc}") from exc


def _sync_m2m(obj: models.Model, attr: str, wanted: list[models.Model], result: LoadResult) -> None:
    manager = getattr(obj, attr)
    if {o.pk for o in manager.all()} != {o.pk for o in wanted}:
        manager.set(wanted)
        result.updated(type(obj).__name__)


def load_fixtures(
    *, directory: Path | None = None, with_users: bool = True, password: str | None = None
) -> LoadResult:
    """Validate all files, then upsert everything in one transaction. Raises ``FixtureError``."""
    data = read_fixtures(directory=directory, with_users=with_users)
    result = LoadResult()
    password = password or os.environ.get(PASSWORD_ENV) or None
    with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE), transaction.atomic():
        buurten = {
            f["slug"]: _upsert(
                Focusbuurt,
                lookup={"slug": f["slug"]},
                values=f["values"],
                result=result,
                label=f"focusbuurten.json, buurt '{f['slug']}'",
            )
            for f in data.focusbuurten
        }
        domains: dict[str, Domain] = {}
        for d in data.domains:
            label = f"domains.json, domein '{d['slug']}'"
            domain = _upsert(
                Domain, lookup={"slug": d["slug"]}, values=d["values"], result=result, label=label
            )
            domains[d["slug"]] = domain
            for op in d["opdrachten"]:
                opdracht = _upsert(
                    Opdracht,
                    lookup={"domain": domain, "code": op["code"]},
                    values=op["values"],
                    result=result,
                    label=f"{label}, opdracht '{op['code']}'",
                )
                for ob in op["opbrengsten"]:
                    _upsert(
                        Opbrengst,
                        lookup={"opdracht": opdracht, "code": ob["code"]},
                        values=ob["values"],
                        result=result,
                        label=f"{label}, opbrengst '{ob['code']}'",
                    )
        for d in data.domains:
            for og in d["opgaven"]:
                opgave = _upsert(
                    Opgave,
                    lookup={"domain": domains[d["slug"]], "code": og["code"]},
                    values=og["values"],
                    result=result,
                    label=f"domains.json, opgave '{og['code']}'",
                )
                _sync_m2m(opgave, "touches", [domains[t] for t in og["touches"]], result)

        organisations: dict[str, Organisation] = {}
        for o in data.organisations:
            label = f"organisations.json, organisatie '{o['slug']}'"
            existing = Organisation.objects.filter(slug=o["slug"]).first()
            # The kind is set on creation only; afterwards it changes through recorded decisions.
            values = o["values"] if existing else {**o["values"], "kind": o["kind"]}
            org = _upsert(Organisation, lookup={"slug": o["slug"]}, values=values, result=result, label=label)
            organisations[o["slug"]] = org
            if not OrganisationKindDecision.objects.filter(organisation=org).exists():
                services.decide_organisation_kind(
                    by=None,
                    organisation=org,
                    kind=o["kind"],
                    reason=o["reason"],
                    decided_on=data.decided_on,
                    body=data.decided_by_body,
                )
                result.created(OrganisationKindDecision.__name__)

        bodies: dict[str, Body] = {}
        for b in data.bodies:
            values = {
                **b["values"],
                "domain": domains[b["domain"]] if b["domain"] else None,
                "parent": bodies[b["parent"]] if b["parent"] else None,
            }
            body = _upsert(
                Body,
                lookup={"slug": b["slug"]},
                values=values,
                result=result,
                label=f"bodies.json, orgaan '{b['slug']}'",
            )
            bodies[b["slug"]] = body
            _sync_m2m(body, "focusbuurten", [buurten[s] for s in b["focusbuurten"]], result)

        for r in data.reports:
            _upsert(
                MeetingReport,
                lookup={"body": bodies[r["body"]], "slug": r["slug"]},
                values=r["values"],
                result=result,
                label=f"reports.json, verslag '{r['slug']}'",
            )

        if with_users:
            _load_users(
                data=data, bodies=bodies, organisations=organisations, password=password, result=result
            )
    return result


def _load_users(
    *,
    data: FixtureSet,
    bodies: dict[str, Body],
    organisations: dict[str, Organisation],
    password: str | None,
    result: LoadResult,
) -> None:
    User = get_user_model()
    assert data.seats_start is not None
    for u in data.users:
        user = User.objects.filter(username=u["username"]).first()
        if user is None:
            secret = password or secrets.token_urlsafe(12)
            user = User(username=u["username"], **u["values"])
            user.set_password(secret)
            user.full_clean()
            user.save()
            result.created("User")
            result.new_users.append((u["username"], u["role"], secret))
        else:
            changed = [name for name, value in u["values"].items() if getattr(user, name) != value]
            if changed:  # never the password
                for name in changed:
                    setattr(user, name, u["values"][name])
                user.save(update_fields=changed)
                result.updated("User")
        for s in u["seats"]:
            body = bodies[s["body"]]
            organisation = organisations[s["organisation"]] if s["organisation"] else None
            exists = Seat.objects.filter(
                user=user, body=body, role=s["role"], organisation=organisation, board_seat=s["board_seat"]
            ).exists()
            if exists:
                continue
            try:
                services.assign_seat(
                    by=None,
                    user=user,
                    body=body,
                    role=s["role"],
                    organisation=organisation,
                    starts_on=data.seats_start,
                    board_seat=s["board_seat"],
                    note="Demo-zetel (load_demo)",
                )
            except ValidationError as exc:
                raise FixtureError(
                    f"{USER_FILE}, gebruiker '{u['username']}': zetel in '{s['body']}' ongeldig: {exc}"
                ) from exc
            result.created("Seat")
