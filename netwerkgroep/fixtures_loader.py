"""Load the netwerkgroepen's meeting schedules and the demo's example cases (``fixtures/netwerkgroep.json``).

A schedule is matched on its netwerkgroep and written only when something differs; then
``services.ensure_meetings`` plans the coming weeks (idempotent: one meeting per slot). The meeting day
comes from the documents ("Iedere woensdag", 000:6); the times and places are a demo choice, and the
file says so.

Example cases are clearly fictional and fully anonymised: each question starts with "Voorbeeld:", every
text passes the PII guard while the file is read, and a case is made only through the services as the
demo users of ``users.json`` (bring in, notes, agreements, acceptance, agenda, waiting, closing). A case
is matched on netwerkgroep and question; an existing one is never touched again, so what a demo visitor
did with it stays. Nobody is mailed about the demo's history: the notification callbacks the services
queue while the examples are made are dropped again.

Everything is validated against the other fixture files before the database is touched; errors are Dutch
and name file and entry (``domains.fixtures_loader.entries``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from domains.fixtures_loader import (
    DEFAULT_DIRECTORY,
    USER_FILE,
    FixtureError,
    LoadResult,
    _Entry,
    _read_json,
    entries,
    read_fixtures,
)
from domains.models import Body, Organisation
from netwerkgroep import pii, services
from netwerkgroep.models import Agreement, Bouwsteen, Case, Consent, Note, Schedule
from samennw import rights

NETWERKGROEP_FILE = "netwerkgroep.json"
SCHEDULE_KEYS = {"body", "weekday", "starts_at", "ends_at", "location", "weeks_ahead", "confidentiality"}
CASE_KEYS = {
    "key", "body", "by", "question", "tried", "stuck_on", "involved", "bouwstenen", "urgency", "roles", "adults",
    "children_0_4", "children_4_12", "children_12_18", "consent", "notes", "agreements", "agenda", "waiting", "close",
}
CONSENT_KEYS = {"days_ago", "form", "scope", "household_wishes"}
NOTE_KEYS = {"by", "visibility", "text"}
AGREEMENT_KEYS = {"org", "text", "deadline_days", "household", "accept_by"}
CLOSE_KEYS = {"reason", "terugblik_days", "lesson", "new_route"}
ROLES = ("slachtoffer", "pleger", "kind", "omstander")
WEEKDAYS = {str(label): value for value, label in Schedule.Weekday.choices}
EXAMPLE_PREFIX = "Voorbeeld:"


@dataclass
class ScheduleSpec:
    body: str
    values: dict[str, Any]


@dataclass
class CaseSpec:
    key: str
    body: str
    by: str
    fields: dict[str, Any]
    consent: dict[str, Any]
    notes: list[dict[str, Any]] = field(default_factory=list)
    agreements: list[dict[str, Any]] = field(default_factory=list)
    agenda: bool = False
    waiting: bool = False
    close: dict[str, Any] | None = None


@dataclass
class NetwerkgroepFixtures:
    schedules: list[ScheduleSpec]
    cases: list[CaseSpec]


def _time(entry: _Entry, key: str) -> datetime.time:
    value = entry.text(key)
    try:
        return datetime.time.fromisoformat(value)
    except ValueError as exc:
        raise entry.fail(f"'{value}' in veld '{key}' is geen tijd (UU:MM).") from exc


def _clean_text(entry: _Entry, key: str, value: str, *, example: bool = True) -> str:
    """Demo texts are anonymous and say they are examples (seed notes §3.5; DECISIONS 3)."""
    if example and not value.startswith(EXAMPLE_PREFIX):
        raise entry.fail(f"veld '{key}' moet beginnen met '{EXAMPLE_PREFIX}'.")
    findings = pii.find_personal_data(value)
    if findings:
        raise entry.fail(f"veld '{key}' bevat een persoonsgegeven ({findings[0].label}).")
    return value


def _days(entry: _Entry, key: str, *, minimum: int) -> int:
    value = entry.integer(key)
    if value < minimum:
        raise entry.fail(f"veld '{key}' moet minstens {minimum} zijn.")
    return value


def read_netwerkgroep(*, directory: Path | None = None) -> NetwerkgroepFixtures:
    """Parse and validate the file against the other fixtures; ``FixtureError`` names file and entry."""
    directory = Path(directory or DEFAULT_DIRECTORY)
    structure = read_fixtures(directory=directory, with_users=False)
    groups = {b["slug"] for b in structure.bodies if b["values"]["kind"] == Body.Kind.NETWERKGROEP}
    organisations = {o["slug"] for o in structure.organisations}
    users_path = directory / USER_FILE
    usernames = {u.get("username") for u in _read_json(users_path).get("users", [])} if users_path.is_file() else set()

    data = _read_json(directory / NETWERKGROEP_FILE)
    head = _Entry(NETWERKGROEP_FILE, data, "kop")
    default_statement = _clean_text(head, "confidentiality", head.text("confidentiality"), example=False)

    schedules = []
    for e, slug in entries(data, filename=NETWERKGROEP_FILE, list_key="schedules", noun="vergaderritme", key_field="body", known_keys=SCHEDULE_KEYS):
        if slug not in groups:
            raise e.fail(f"'{slug}' is geen netwerkgroep in bodies.json.")
        weekday = e.text("weekday")
        if weekday not in WEEKDAYS:
            raise e.fail(f"onbekende dag '{weekday}' (toegestaan: {', '.join(WEEKDAYS)}).")
        starts_at, ends_at = _time(e, "starts_at"), _time(e, "ends_at")
        if ends_at <= starts_at:
            raise e.fail("'ends_at' ligt niet na 'starts_at'.")
        weeks = e.integer("weeks_ahead", required=False)
        if weeks is not None and not 1 <= weeks <= 12:
            raise e.fail("'weeks_ahead' moet tussen 1 en 12 liggen.")
        statement = e.text("confidentiality", required=False) or default_statement
        schedules.append(
            ScheduleSpec(
                body=slug,
                values={
                    "weekday": WEEKDAYS[weekday], "starts_at": starts_at, "ends_at": ends_at,
                    "location": e.text("location", required=False), "weeks_ahead": weeks or 4,
                    "confidentiality": _clean_text(e, "confidentiality", statement, example=False),
                },
            )
        )

    cases = []
    for e, key in entries(data, filename=NETWERKGROEP_FILE, list_key="cases", noun="voorbeeldcasus", key_field="key", known_keys=CASE_KEYS):
        body = e.slug("body")
        if body not in groups:
            raise e.fail(f"'{body}' is geen netwerkgroep in bodies.json.")
        by = e.text("by")
        if usernames and by not in usernames:
            raise e.fail(f"onbekende demo-gebruiker '{by}' (zie {USER_FILE}).")
        fields: dict[str, Any] = {"question": _clean_text(e, "question", e.text("question"))}
        for name in ("tried", "stuck_on", "involved"):
            value = e.text(name, required=False)
            if value:
                fields[name] = _clean_text(e, name, value)
        for name in ("adults", "children_0_4", "children_4_12", "children_12_18"):
            value = e.integer(name, required=False)
            if value is not None:
                fields[name] = value
        fields["urgency"] = e.choice("urgency", Case.Urgency, required=False) or Case.Urgency.NORMAAL
        if fields["urgency"] == Case.Urgency.SPOED:
            raise e.fail("een voorbeeldcasus is geen spoedcasus (dat zou de regisseur een bericht sturen).")
        bouwstenen = e.items("bouwstenen")
        unknown = [b for b in bouwstenen if b not in Bouwsteen.values]
        if unknown:
            raise e.fail(f"onbekende bouwsteen '{unknown[0]}' (toegestaan: {', '.join(Bouwsteen.values)}).")
        fields["bouwstenen"] = bouwstenen
        roles = e.items("roles")
        if any(role not in ROLES for role in roles):
            raise e.fail(f"onbekende rol in 'roles' (toegestaan: {', '.join(ROLES)}).")
        fields.update({f"has_{role}": role in roles for role in ROLES})

        ce = _Entry(NETWERKGROEP_FILE, e.data.get("consent"), f"{e.label}, toestemming")
        _known(ce, CONSENT_KEYS)
        consent = {
            "days_ago": _days(ce, "days_ago", minimum=0),
            "form": ce.choice("form", Consent.Form),
            "scope": _clean_text(ce, "scope", ce.text("scope")),
            "household_wishes": _clean_text(ce, "household_wishes", ce.text("household_wishes", required=False) or EXAMPLE_PREFIX),
        }
        notes = []
        for j, raw in enumerate(e.items("notes"), 1):
            ne = _Entry(NETWERKGROEP_FILE, raw, f"{e.label}, notitie {j}")
            _known(ne, NOTE_KEYS)
            author = ne.text("by")
            if usernames and author not in usernames:
                raise ne.fail(f"onbekende demo-gebruiker '{author}' (zie {USER_FILE}).")
            notes.append({"by": author, "visibility": ne.choice("visibility", Note.Visibility), "text": _clean_text(ne, "text", ne.text("text"))})
        agreements = []
        for j, raw in enumerate(e.items("agreements"), 1):
            ae = _Entry(NETWERKGROEP_FILE, raw, f"{e.label}, afspraak {j}")
            _known(ae, AGREEMENT_KEYS)
            org = ae.slug("org")
            if org not in organisations:
                raise ae.fail(f"onbekende organisatie '{org}' (zie organisations.json).")
            accept_by = ae.text("accept_by", required=False)
            if accept_by and usernames and accept_by not in usernames:
                raise ae.fail(f"onbekende demo-gebruiker '{accept_by}' (zie {USER_FILE}).")
            agreements.append({
                "org": org, "text": _clean_text(ae, "text", ae.text("text")), "deadline_days": _days(ae, "deadline_days", minimum=1),
                "household": ae.choice("household", Agreement.Household, required=False) or Agreement.Household.NVT,
                "accept_by": accept_by,
            })
        close = None
        if e.data.get("close") is not None:
            cl = _Entry(NETWERKGROEP_FILE, e.data["close"], f"{e.label}, sluiten")
            _known(cl, CLOSE_KEYS)
            lesson = cl.text("lesson", required=False)
            close = {
                "reason": cl.choice("reason", Case.CloseReason), "terugblik_days": _days(cl, "terugblik_days", minimum=1),
                "lesson": _clean_text(cl, "lesson", lesson) if lesson else "", "new_route": cl.boolean("new_route", default=False),
            }
        cases.append(
            CaseSpec(
                key=key, body=body, by=by, fields=fields, consent=consent, notes=notes, agreements=agreements,
                agenda=e.boolean("agenda", default=False), waiting=e.boolean("waiting", default=False), close=close,
            )
        )
    return NetwerkgroepFixtures(schedules=schedules, cases=cases)


def _known(entry: _Entry, keys: set[str]) -> None:
    unknown = sorted(k for k in entry.data if k not in keys and not k.startswith("_"))
    if unknown:
        raise entry.fail(f"onbekend veld '{unknown[0]}'.")


# --- loading -----------------------------------------------------------------------------------


def load_netwerkgroep(*, directory: Path | None = None, with_users: bool = True) -> LoadResult:
    """Validate the file, then upsert the schedules, plan the meetings and make new example cases.

    Needs the structure (and, for the examples, the demo users) loaded first; ``manage.py load_demo``
    calls this after them. Without users there is nobody to act, so only schedules and meetings load.
    """
    data = read_netwerkgroep(directory=directory)
    result = LoadResult()
    with transaction.atomic():
        bodies = {b.slug: b for b in Body.objects.filter(kind=Body.Kind.NETWERKGROEP)}
        for spec in data.schedules:
            _load_schedule(spec, bodies, result)
        for _i in range(services.ensure_meetings()):
            result.created("Meeting")
        if not with_users:
            return result
        todo = [spec for spec in data.cases if not Case.objects.filter(body__slug=spec.body, question=spec.fields["question"]).exists()]
        if todo:
            queued = len(connection.run_on_commit)
            for spec in todo:
                _make_case(spec, bodies, result)
            # See the module docstring: no mail about the demo's history.
            del connection.run_on_commit[queued:]
    return result


def _load_schedule(spec: ScheduleSpec, bodies: dict[str, Body], result: LoadResult) -> None:
    label = f"{NETWERKGROEP_FILE}, vergaderritme '{spec.body}'"
    body = bodies.get(spec.body)
    if body is None:
        raise FixtureError(f"{label}: de netwerkgroep bestaat niet; laad eerst de structuur.")
    schedule = Schedule.objects.filter(body=body).first()
    if schedule is not None and all(getattr(schedule, name) == value for name, value in spec.values.items()):
        return
    created = schedule is None
    schedule = schedule or Schedule(body=body)
    for name, value in spec.values.items():
        setattr(schedule, name, value)
    try:
        schedule.full_clean()
    except ValidationError as exc:
        raise FixtureError(f"{label}: ongeldige waarde: {exc}") from exc
    schedule.save()
    if created:
        result.created("Schedule")
    else:
        result.updated("Schedule")


def _make_case(spec: CaseSpec, bodies: dict[str, Body], result: LoadResult) -> None:
    label = f"{NETWERKGROEP_FILE}, voorbeeldcasus '{spec.key}'"
    users = _Users(label)
    body = bodies[spec.body]
    today = timezone.localdate()
    try:
        consent = {**spec.consent, "given_on": today - datetime.timedelta(days=spec.consent["days_ago"])}
        del consent["days_ago"]
        case = services.bring_in(by=users[spec.by], body=body, consent=consent, **spec.fields)
        result.created("Case")
        for note in spec.notes:
            services.add_note(by=users[note["by"]], case=case, text=note["text"], visibility=note["visibility"])
            result.created("Note")
        regisseur = users.regisseur(body)
        for item in spec.agreements:
            org = Organisation.objects.get(slug=item["org"])
            agreement = services.add_agreement(
                by=regisseur, case=case, text=item["text"], owner_org=org,
                deadline=today + datetime.timedelta(days=item["deadline_days"]), household=item["household"],
            )
            result.created("Agreement")
            if item["accept_by"]:
                services.accept_agreement(by=users[item["accept_by"]], agreement=agreement, accept=True)
        if spec.agenda:
            meeting = services.upcoming_meeting(body)
            if meeting is None:
                raise FixtureError(f"{label}: er is geen komende bijeenkomst; geef de netwerkgroep een vergaderritme.")
            services.add_to_agenda(by=regisseur, meeting=meeting, case=case)
            result.created("AgendaItem")
        if spec.waiting:
            services.set_waiting(by=users[spec.by], case=case, waiting=True)
        if spec.close:
            services.close_case(
                by=regisseur, case=case, reason=spec.close["reason"],
                terugblik_on=today + datetime.timedelta(days=spec.close["terugblik_days"]),
                lesson=spec.close["lesson"], new_route=spec.close["new_route"],
            )
            if spec.close["lesson"]:
                result.created("Lesson")
    except (ValidationError, PermissionDenied) as exc:
        raise FixtureError(f"{label}: {exc}") from exc


class _Users:
    """Demo users by username, fetched fresh (their seats were given earlier in this run)."""

    def __init__(self, label: str):
        self.label = label
        self.cache: dict[str, Any] = {}

    def __getitem__(self, username: str):
        if username not in self.cache:
            user = get_user_model().objects.filter(username=username, is_active=True).first()
            if user is None:
                raise FixtureError(f"{self.label}: demo-gebruiker '{username}' bestaat niet; laad eerst {USER_FILE}.")
            rights.forget(user)
            self.cache[username] = user
        return self.cache[username]

    def regisseur(self, body: Body):
        from domains.models import Seat

        seat = Seat.objects.active().filter(body=body, role=Seat.Role.NETWERKREGISSEUR).select_related("user").order_by("pk").first()
        if seat is None:
            raise FixtureError(f"{self.label}: {body.name} heeft geen netwerkregisseur; laad eerst {USER_FILE}.")
        return self[seat.user.username]
