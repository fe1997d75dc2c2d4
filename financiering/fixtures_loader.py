"""Load the demo's money streams (``fixtures/funds.json``) and example proposals (``fixtures/voorstellen.json``).

Funds carry the documents' own amounts, periods and scopes (seed notes §2.3, DECISIONS 9); a yearly
budget is a document figure where the document gives one per year and otherwise a demo allocation
whose note says so (DECISIONS 3). Funds are matched on ``slug`` and written through
``services.save_fund`` / ``set_fund_year`` / ``set_fund_guardian`` only when something differs, so a
second run changes nothing.

Example proposals (``is_example``) are matched on title and submitting body. A new one is driven
through the real services as the demo users of ``users.json`` would do it (create, lines,
co-financing, parties, submit, checks, reviewers, advice, agenda, decision, minutes); an existing one
is never touched again, so what a demo visitor did with it stays.

Two things the services cannot do for a fixture, done here on purpose:

* **A decided proposal needs a meeting in the past**, but ``put_on_agenda`` refuses a past meeting and
  ``record_decision`` a future one. The past meeting is therefore created for *today*, the proposals are
  put on its agenda and decided there through the services, the minutes are adopted, and only then are
  the meeting's date and the domain timestamps of those proposals (created, submitted, checks, advice,
  transitions, decision) moved back by queryset updates to the meeting's place in the calendar. The
  audit log is left as it is: it truthfully records when the loader ran.
* **Nobody is mailed about the demo's history.** The services queue a notification task after commit
  for every transition and assignment; those callbacks, registered while the examples are driven, are
  dropped again (the public-cache bump is queued once instead), so ``load_demo`` does not send dozens of
  mails to demo accounts about things that "happened" weeks ago.

Meeting dates are relative to today: ``vorige`` is the first Wednesday of this month (or of the previous
month when this month's is still to come or is today), ``volgende`` the first Wednesday of next month.
Everything is validated against the other fixture files before the database is touched; errors are
Dutch and name file and entry (``domains.fixtures_loader.entries``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation
from guardian.shortcuts import get_user_perms

from actielijnen.models import Actielijn
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
from domains.models import Body, Organisation
from financiering import services
from financiering.models import (
    CRITERIA,
    Check,
    CoFinancing,
    Conflict,
    Decision,
    Fund,
    Meeting,
    Proposal,
    Review,
    State,
    Transition,
)
from samennw import public_cache

FUNDS_FILE = "funds.json"
PROPOSALS_FILE = "voorstellen.json"
ACTIELIJNEN_FILE = "actielijnen.json"

FUND_KEYS = {
    "slug", "name_nl", "name_en", "source", "scope", "first_year", "last_year", "total_text", "source_ref", "rules",
    "notes_nl", "notes_en", "is_temporary", "is_active", "years",
}
PROPOSAL_KEYS = {
    "key", "title", "body", "created_by", "state", "meeting", "team_akkoord", "actielijnen", "purpose",
    "existing_means", "contribution", "changes_the_rule", "resident_ownership", "learning", "exit_route", "lines",
    "cofinancing", "applicants", "beneficiaries", "reviews", "board_conflicts", "decision",
}
MEETING_KEYS = {"key", "when", "location", "minutes_note"}
TEXT_FIELDS = ("purpose", "existing_means", "contribution", "changes_the_rule", "resident_ownership", "learning", "exit_route")
# The states a fixture can ask for, in the order the workflow reaches them.
STATES = (State.CONCEPT, State.INGEDIEND, State.IN_BEHANDELING, State.ADVIES, State.GEAGENDEERD)
DECIDED = (State.TOEGEKEND, State.AFGEWEZEN, State.AANGEHOUDEN)
PAST, NEXT = "vorige", "volgende"
BOARD = "alliantiebestuur"


# --- reading and validating (no database) ------------------------------------------------------


@dataclass
class FundSpec:
    slug: str
    values: dict[str, Any]
    years: list[dict[str, Any]]


@dataclass
class MeetingSpec:
    key: str
    when: str
    location: str
    minutes_note: str


@dataclass
class ProposalSpec:
    key: str
    title: str
    body: str
    created_by: str
    state: str
    texts: dict[str, str]
    actielijnen: list[str]
    lines: list[dict[str, Any]]
    cofinancing: list[dict[str, Any]]
    applicants: list[str]
    beneficiaries: list[str]
    meeting: str = ""
    team_akkoord: str = ""
    reviews: list[dict[str, Any]] = field(default_factory=list)
    board_conflicts: list[dict[str, Any]] = field(default_factory=list)
    decision: dict[str, Any] | None = None


@dataclass
class FinancieringFixtures:
    guardian: str
    funds: list[FundSpec]
    meetings: dict[str, MeetingSpec]
    proposals: list[ProposalSpec]


def _amount(entry: _Entry, value: Any, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise entry.fail(f"{what} moet een bedrag zijn (bijvoorbeeld \"45000.00\").")
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise entry.fail(f"'{value}' in {what} is geen bedrag.") from exc
    if amount != amount.quantize(Decimal("0.01")) or not amount.is_finite():
        raise entry.fail(f"'{value}' in {what} heeft meer dan twee decimalen.")
    return amount


def _year(entry: _Entry, value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 2000 <= value <= 2100:
        raise entry.fail(f"{what} moet een jaartal zijn.")
    return value


def _strings(entry: _Entry, key: str, known: set[str], noun: str, *, other: str) -> list[str]:
    values = entry.items(key)
    for value in values:
        if not isinstance(value, str) or value not in known:
            raise entry.fail(f"onbekende {noun} '{value}' in '{key}' (zie {other}).")
    return list(values)


def read_financiering(*, directory: Path | None = None) -> FinancieringFixtures:
    """Parse and validate both files against the other fixtures; ``FixtureError`` names file and entry."""
    directory = Path(directory or DEFAULT_DIRECTORY)
    structure = read_fixtures(directory=directory, with_users=False)
    bodies = {b["slug"]: b["values"]["kind"] for b in structure.bodies}
    organisations = {o["slug"] for o in structure.organisations}
    cards = {c.get("code") for c in _read_json(directory / ACTIELIJNEN_FILE).get("actielijnen", []) if isinstance(c, dict)}
    users_path = directory / USER_FILE
    usernames = {u.get("username") for u in _read_json(users_path).get("users", [])} if users_path.is_file() else set()

    data = _read_json(directory / FUNDS_FILE)
    head = _Entry(FUNDS_FILE, data, "kop")
    guardian = head.slug("guardian", required=False)
    if guardian and usernames and guardian not in usernames:
        raise head.fail(f"onbekende demo-gebruiker '{guardian}' als bewaker (zie {USER_FILE}).")
    funds: list[FundSpec] = []
    periods: dict[str, tuple[int, int, bool]] = {}
    for e, slug in entries(data, filename=FUNDS_FILE, list_key="funds", noun="fonds", key_field="slug", known_keys=FUND_KEYS):
        first, last = _year(e, e.data.get("first_year"), "'first_year'"), _year(e, e.data.get("last_year"), "'last_year'")
        if last < first:
            raise e.fail("'last_year' ligt voor 'first_year'.")
        is_active = e.boolean("is_active", default=True)
        years = []
        seen: set[int] = set()
        for j, raw in enumerate(e.items("years"), 1):
            ye = _Entry(FUNDS_FILE, raw, f"{e.label}, jaar {j}")
            year = _year(ye, ye.data.get("year"), "'year'")
            if not first <= year <= last:
                raise ye.fail(f"{year} valt buiten de looptijd {first}-{last}.")
            if year in seen:
                raise ye.fail(f"{year} komt twee keer voor.")
            seen.add(year)
            years.append({"year": year, "available": _amount(ye, ye.data.get("available"), "'available'"), "note": ye.text("note")})
        funds.append(
            FundSpec(
                slug=slug,
                values={
                    "name_nl": e.text("name_nl"),
                    "name_en": e.text("name_en"),
                    "source": e.text("source"),
                    "scope": e.text("scope", required=False),
                    "first_year": first,
                    "last_year": last,
                    "total_text": e.text("total_text"),
                    "source_ref": e.text("source_ref"),
                    "rules": e.text("rules", required=False),
                    "notes_nl": e.text("notes_nl", required=False),
                    "notes_en": e.text("notes_en", required=False),
                    "is_temporary": e.boolean("is_temporary", default=True),
                    "is_active": is_active,
                },
                years=years,
            )
        )
        periods[slug] = (first, last, is_active)

    data = _read_json(directory / PROPOSALS_FILE)
    meetings: dict[str, MeetingSpec] = {}
    for e, key in entries(data, filename=PROPOSALS_FILE, list_key="meetings", noun="vergadering", key_field="key", known_keys=MEETING_KEYS):
        when = e.text("when")
        if when not in (PAST, NEXT):
            raise e.fail(f"onbekende waarde '{when}' voor 'when' (toegestaan: {PAST}, {NEXT}).")
        meetings[key] = MeetingSpec(key=key, when=when, location=e.text("location", required=False), minutes_note=e.text("minutes_note", required=False))

    def lines_of(entry: _Entry, key: str) -> list[dict[str, Any]]:
        lines = []
        for j, raw in enumerate(entry.items(key), 1):
            le = _Entry(PROPOSALS_FILE, raw, f"{entry.label}, {key} {j}")
            fund = le.slug("fund")
            if fund not in periods:
                raise le.fail(f"onbekend fonds '{fund}' (zie {FUNDS_FILE}).")
            year = _year(le, le.data.get("year"), "'year'")
            first, last, active = periods[fund]
            if not first <= year <= last:
                raise le.fail(f"{year} valt buiten de looptijd van '{fund}' ({first}-{last}).")
            if not active:
                raise le.fail(f"fonds '{fund}' is niet actief.")
            lines.append({"fund": fund, "year": year, "amount": _amount(le, le.data.get("amount"), "'amount'")})
        return lines

    proposals: list[ProposalSpec] = []
    for e, key in entries(data, filename=PROPOSALS_FILE, list_key="voorstellen", noun="voorstel", key_field="key", known_keys=PROPOSAL_KEYS):
        body = e.slug("body")
        if bodies.get(body) not in (Body.Kind.OPGAVETEAM, Body.Kind.WERKGROEP):
            raise e.fail(f"'{body}' is geen opgaveteam of werkgroep uit bodies.json.")
        state = e.choice("state", State)
        if state not in (*STATES, *DECIDED):
            raise e.fail(f"status '{state}' kan niet uit een fixture komen.")
        people = [e.slug("created_by"), e.slug("team_akkoord", required=False)]
        reviews = []
        for j, raw in enumerate(e.items("reviews"), 1):
            re_ = _Entry(PROPOSALS_FILE, raw, f"{e.label}, advies {j}")
            recommendation = re_.choice("recommendation", Review.Recommendation)
            scores = re_.data.get("scores")
            if not isinstance(scores, dict) or set(scores) != {code for code, _label in CRITERIA}:
                raise re_.fail(f"'scores' moet elk criterium noemen: {', '.join(code for code, _label in CRITERIA)}.")
            parsed = {}
            for code, value in scores.items():
                if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], int) and 1 <= value[0] <= 5 and isinstance(value[1], str)):
                    raise re_.fail(f"score '{code}' moet [1-5, \"toelichting\"] zijn.")
                parsed[code] = {"score": value[0], "text": value[1]}
            reviews.append({"reviewer": re_.slug("reviewer"), "recommendation": recommendation, "text": re_.text("text"), "scores": parsed})
            people.append(reviews[-1]["reviewer"])
        conflicts = []
        for j, raw in enumerate(e.items("board_conflicts"), 1):
            ce = _Entry(PROPOSALS_FILE, raw, f"{e.label}, belangenconflict {j}")
            conflicts.append({"user": ce.slug("user"), "confirmed": ce.boolean("confirmed", default=False), "reason": ce.text("reason")})
            people.append(conflicts[-1]["user"])
        for username in filter(None, people):
            if usernames and username not in usernames:
                raise e.fail(f"onbekende demo-gebruiker '{username}' (zie {USER_FILE}).")
        lines = lines_of(e, "lines")
        cofinancing = []
        for j, raw in enumerate(e.items("cofinancing"), 1):
            ce = _Entry(PROPOSALS_FILE, raw, f"{e.label}, cofinanciering {j}")
            organisation = ce.slug("organisation")
            if organisation not in organisations:
                raise ce.fail(f"onbekende organisatie '{organisation}' (zie organisations.json).")
            cofinancing.append({
                "organisation": organisation, "kind": ce.choice("kind", CoFinancing.Kind),
                "amount": _amount(ce, ce.data.get("amount"), "'amount'"), "description": ce.text("description", required=False),
            })
        meeting = e.slug("meeting", required=False)
        decision = None
        reached = STATES.index(state) if state in STATES else len(STATES)
        if state == State.GEAGENDEERD and getattr(meetings.get(meeting), "when", "") != NEXT:
            raise e.fail(f"een geagendeerd voorstel hoort bij een vergadering met when '{NEXT}' (veld 'meeting').")
        if state in DECIDED:
            if getattr(meetings.get(meeting), "when", "") != PAST:
                raise e.fail(f"een besloten voorstel hoort bij een vergadering met when '{PAST}' (veld 'meeting').")
            raw = e.data.get("decision")
            de = _Entry(PROPOSALS_FILE, raw, f"{e.label}, besluit")
            if de.text("outcome") != state:
                raise de.fail(f"'outcome' moet gelijk zijn aan de status '{state}'.")
            granted = lines_of(de, "lines")
            asked = {(line["fund"], line["year"]): line["amount"] for line in lines}
            for line in granted:
                if line["amount"] > asked.get((line["fund"], line["year"]), Decimal("0")):
                    raise de.fail(f"{line['fund']} {line['year']}: meer toegekend dan gevraagd.")
            if state == State.TOEGEKEND and not granted:
                raise de.fail("een toekenning noemt minstens één toegekend bedrag ('lines').")
            decision = {
                "outcome": state, "lines": granted, "reason": de.text("reason", required=state == State.AFGEWEZEN),
                "conditions": de.text("conditions", required=False), "questions": de.text("questions", required=state == State.AANGEHOUDEN),
            }
        elif "decision" in e.data:
            raise e.fail("alleen een besloten voorstel heeft een 'decision'.")
        if reached >= STATES.index(State.GEAGENDEERD) and not e.text("team_akkoord", required=False):
            raise e.fail("een geagendeerd of besloten voorstel heeft het akkoord van het team nodig ('team_akkoord').")
        if reached >= STATES.index(State.GEAGENDEERD) and not reviews:
            raise e.fail("een geagendeerd of besloten voorstel heeft minstens één advies nodig ('reviews').")
        proposals.append(
            ProposalSpec(
                key=key, title=e.text("title"), body=body, created_by=people[0], state=state,
                texts={name: e.text(name, required=False) for name in TEXT_FIELDS},
                actielijnen=_strings(e, "actielijnen", cards, "actielijn", other=ACTIELIJNEN_FILE),
                lines=lines, cofinancing=cofinancing,
                applicants=_strings(e, "applicants", organisations, "organisatie", other="organisations.json"),
                beneficiaries=_strings(e, "beneficiaries", organisations, "organisatie", other="organisations.json"),
                meeting=meeting, team_akkoord=people[1], reviews=reviews, board_conflicts=conflicts, decision=decision,
            )
        )
    return FinancieringFixtures(guardian=guardian, funds=funds, meetings=meetings, proposals=proposals)


# --- meeting dates -----------------------------------------------------------------------------


def first_wednesday(year: int, month: int) -> datetime.date:
    day = datetime.date(year, month, 1)
    return day + datetime.timedelta(days=(2 - day.weekday()) % 7)


def meeting_date(when: str, today: datetime.date) -> datetime.date:
    """``vorige``: the latest first Wednesday before today; ``volgende``: the first Wednesday of next month."""
    if when == NEXT:
        return first_wednesday(today.year + today.month // 12, today.month % 12 + 1)
    this_month = first_wednesday(today.year, today.month)
    if this_month < today:
        return this_month
    previous = today.replace(day=1) - datetime.timedelta(days=1)
    return first_wednesday(previous.year, previous.month)


# --- writing (one transaction) -----------------------------------------------------------------


def load_financiering(*, directory: Path | None = None, with_users: bool = True) -> LoadResult:
    """Validate both files, then upsert funds and drive new example proposals, in one transaction.

    Needs the structure, the demo users and the action lines loaded first (``manage.py load_demo`` calls
    this last). Without users there is no guardian and nobody to act, so only the funds are loaded.
    """
    data = read_financiering(directory=directory)
    result = LoadResult()
    with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE), transaction.atomic():
        funds = {spec.slug: _load_fund(spec, result) for spec in data.funds}
        if not with_users:
            return result
        users = _users(data)
        if data.guardian:
            for fund in funds.values():
                if "guard_fund" not in get_user_perms(users[data.guardian], fund).values_list("codename", flat=True):
                    services.set_fund_guardian(by=None, fund=fund, user=users[data.guardian])
                    result.created("FundGuardian")
        todo = [spec for spec in data.proposals if not _existing(spec)]
        if todo:
            queued = len(connection.run_on_commit)
            _Driver(data=data, funds=funds, users=users, result=result).run(todo)
            # See the module docstring: no mail about the demo's history; the public cache still bumps.
            del connection.run_on_commit[queued:]
            public_cache.bump_on_commit()
    return result


def _load_fund(spec: FundSpec, result: LoadResult) -> Fund:
    label = f"{FUNDS_FILE}, fonds '{spec.slug}'"
    fund = Fund.objects.filter(slug=spec.slug).first()
    try:
        if fund is None:
            fund = services.save_fund(by=None, slug=spec.slug, **spec.values)
            result.created("Fund")
        else:
            changed = {name: value for name, value in spec.values.items() if not _same(getattr(fund, name), value)}
            if changed:
                fund = services.save_fund(by=None, fund=fund, **changed)
                result.updated("Fund")
        current = {fy.year: fy for fy in fund.years.all()}
        for year in spec.years:
            existing = current.get(year["year"])
            if existing is not None and existing.available == year["available"] and existing.note == year["note"]:
                continue
            services.set_fund_year(by=None, fund=fund, year=year["year"], available=year["available"], note=year["note"])
            if existing is None:
                result.created("FundYear")
            else:
                result.updated("FundYear")
    except ValidationError as exc:
        raise FixtureError(f"{label}: ongeldige waarde: {exc}") from exc
    return fund


def _users(data: FinancieringFixtures) -> dict[str, Any]:
    wanted = {data.guardian} if data.guardian else set()
    for spec in data.proposals:
        wanted |= {spec.created_by, spec.team_akkoord, *(r["reviewer"] for r in spec.reviews), *(c["user"] for c in spec.board_conflicts)}
    wanted |= {"programmateam", "voorzitter"}
    wanted.discard("")
    found = {u.username: u for u in get_user_model().objects.filter(username__in=wanted)}
    missing = sorted(wanted - set(found))
    if missing:
        raise FixtureError(f"{PROPOSALS_FILE}: demo-gebruiker '{missing[0]}' bestaat niet; laad eerst {USER_FILE}.")
    return found


def _existing(spec: ProposalSpec) -> bool:
    return Proposal.objects.filter(title=spec.title.strip(), body__slug=spec.body).exists()


class _Driver:
    """Walks new example proposals through the services, as the demo users."""

    def __init__(self, *, data: FinancieringFixtures, funds: dict[str, Fund], users: dict[str, Any], result: LoadResult):
        self.data, self.funds, self.users, self.result = data, funds, users, result
        self.team = users["programmateam"]
        self.chair = users["voorzitter"]
        self.today = timezone.localdate()
        self.meetings: dict[str, Meeting] = {}

    def run(self, specs: list[ProposalSpec]) -> None:
        decided: list[tuple[ProposalSpec, Proposal]] = []
        for spec in specs:
            label = f"{PROPOSALS_FILE}, voorstel '{spec.key}'"
            try:
                proposal = self._drive(spec)
            except (ValidationError, PermissionDenied) as exc:
                raise FixtureError(f"{label}: {_message(exc)}") from exc
            self.result.created("Proposal")
            if spec.decision:
                decided.append((spec, proposal))
        if decided:
            self._decide(decided)

    def _meeting(self, key: str) -> Meeting:
        if key in self.meetings:
            return self.meetings[key]
        spec = self.data.meetings[key]
        body = Body.objects.get(slug=BOARD)
        # A past meeting is held today and moved back afterwards (module docstring).
        day = self.today if spec.when == PAST else meeting_date(spec.when, self.today)
        meeting = Meeting.objects.filter(body=body, date=day).first()
        if meeting is not None and (spec.when == PAST or meeting.status in (Meeting.Status.GEHOUDEN, Meeting.Status.VASTGESTELD)):
            raise FixtureError(
                f"{PROPOSALS_FILE}, vergadering '{key}': op {day:%d-%m-%Y} staat al een vergadering van het alliantiebestuur."
            )
        if meeting is None:
            meeting = services.create_meeting(by=self.team, body=body, date=day, location=spec.location)
            self.result.created("Meeting")
        self.meetings[key] = meeting
        return meeting

    def _drive(self, spec: ProposalSpec) -> Proposal:
        author = self.users[spec.created_by]
        proposal = services.create_proposal(
            by=author, body=Body.objects.get(slug=spec.body), title=spec.title, is_example=True,
            actielijnen=list(Actielijn.objects.filter(code__in=spec.actielijnen)), **spec.texts,
        )
        services.set_lines(by=author, proposal=proposal, lines=[
            {"fund": self.funds[line["fund"]], "year": line["year"], "amount": line["amount"]} for line in spec.lines
        ])
        orgs = {o.slug: o for o in Organisation.objects.filter(slug__in={
            *spec.applicants, *spec.beneficiaries, *(row["organisation"] for row in spec.cofinancing)})}
        services.set_cofinancing(by=author, proposal=proposal, rows=[{**row, "organisation": orgs[row["organisation"]]} for row in spec.cofinancing])
        services.set_parties(
            by=author, proposal=proposal, applicants=[orgs[s] for s in spec.applicants], beneficiaries=[orgs[s] for s in spec.beneficiaries]
        )
        reached = STATES.index(spec.state) if spec.state in STATES else len(STATES)
        if reached < 1:
            return proposal
        services.submit(by=author, proposal=proposal)
        if reached < 2:
            return proposal
        services.move(by=self.team, proposal=proposal, to=State.IN_BEHANDELING)
        services.record_check(by=self.team, proposal=proposal, kind=Check.Kind.VOLLEDIG, outcome=Check.Outcome.AKKOORD)
        if spec.team_akkoord:
            services.record_check(by=self.users[spec.team_akkoord], proposal=proposal, kind=Check.Kind.TEAM, outcome=Check.Outcome.AKKOORD)
        if reached >= STATES.index(State.GEAGENDEERD):
            guardian = self.users[self.data.guardian]
            for fund in {self.funds[line["fund"]] for line in spec.lines}:
                services.record_check(by=guardian, proposal=proposal, kind=Check.Kind.FINANCIEEL, outcome=Check.Outcome.AKKOORD, fund=fund)
        if reached < 3:
            return proposal
        reviews = [
            (services.assign_reviewer(by=self.team, proposal=proposal, reviewer=self.users[r["reviewer"]]), r) for r in spec.reviews
        ]
        services.move(by=self.team, proposal=proposal, to=State.ADVIES)
        for review, r in reviews:
            services.submit_review(
                by=self.users[r["reviewer"]], review=review, recommendation=r["recommendation"], text=r["text"], scores=r["scores"]
            )
        if reached < 4:
            return proposal
        services.put_on_agenda(by=self.team, proposal=proposal, meeting=self._meeting(spec.meeting))
        for c in spec.board_conflicts:
            conflict = Conflict.objects.filter(proposal=proposal, user=self.users[c["user"]], context=Conflict.Context.BOARD).first()
            if conflict is None:
                raise ValidationError(f"er is geen mogelijk belangenconflict van '{c['user']}' om over te beslissen.")
            services.decide_conflict(by=self.chair, conflict=conflict, confirmed=c["confirmed"], reason=c["reason"])
        proposal.refresh_from_db()
        return proposal

    def _decide(self, decided: list[tuple[ProposalSpec, Proposal]]) -> None:
        """Hold the past meeting (today), decide, adopt the minutes, then move it back in the calendar."""
        by_meeting: dict[str, list[tuple[ProposalSpec, Proposal]]] = {}
        for spec, proposal in decided:
            by_meeting.setdefault(spec.meeting, []).append((spec, proposal))
        for key, items in by_meeting.items():
            meeting = self._meeting(key)
            label = f"{PROPOSALS_FILE}, vergadering '{key}'"
            try:
                services.set_attendance(by=self.chair, meeting=meeting, presence={a.seat_id: "aanwezig" for a in meeting.attendance.all()})
                for spec, proposal in items:
                    d = spec.decision
                    try:
                        services.record_decision(
                            by=self.chair, meeting=meeting, proposal=proposal, outcome=d["outcome"], reason=d["reason"],
                            conditions=d["conditions"], questions=d["questions"],
                            lines=[{"fund": self.funds[x["fund"]], "year": x["year"], "amount": x["amount"]} for x in d["lines"]],
                        )
                    except ValidationError as exc:
                        raise FixtureError(f"{PROPOSALS_FILE}, voorstel '{spec.key}', besluit: {_message(exc)}") from exc
                services.adopt_minutes(by=self.chair, meeting=meeting, note=self.data.meetings[key].minutes_note)
            except (ValidationError, PermissionDenied) as exc:
                raise FixtureError(f"{label}: {_message(exc)}") from exc
            self._move_back(meeting, meeting_date(PAST, self.today), [p for _s, p in items])

    def _move_back(self, meeting: Meeting, day: datetime.date, proposals: list[Proposal]) -> None:
        """Give the held meeting and its decided proposals their place in the calendar (module docstring)."""
        if Meeting.objects.filter(body=meeting.body, date=day).exclude(pk=meeting.pk).exists():
            raise FixtureError(f"{PROPOSALS_FILE}: op {day:%d-%m-%Y} staat al een vergadering van het alliantiebestuur.")

        def at(days_before: int, hour: int = 10) -> datetime.datetime:
            return timezone.make_aware(datetime.datetime.combine(day - datetime.timedelta(days=days_before), datetime.time(hour)))

        Meeting.objects.filter(pk=meeting.pk).update(date=day, minutes_adopted_at=at(0, 17))
        # Days before the meeting at which each step happened.
        reached_at = {State.INGEDIEND: 35, State.IN_BEHANDELING: 33, State.ADVIES: 28, State.GEAGENDEERD: 14}
        for proposal in proposals:
            Proposal.objects.filter(pk=proposal.pk).update(
                created_at=at(42), submitted_at=at(35), decided_at=at(0, 12), updated_at=at(0, 12)
            )
            for transition in Transition.objects.filter(proposal=proposal):
                days = reached_at.get(transition.target, 0)
                Transition.objects.filter(pk=transition.pk).update(at=at(days, 12 if days == 0 else 10))
            proposal.checks.update(at=at(30))
            proposal.reviews.update(assigned_at=at(29), submitted_at=at(18))
            proposal.conflicts.filter(decided_at__isnull=False).update(created_at=at(14), decided_at=at(0, 9))
            Decision.objects.filter(proposal=proposal, meeting=meeting).update(recorded_at=at(0, 12))


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(str(m) for m in exc.messages)
    return str(exc)

