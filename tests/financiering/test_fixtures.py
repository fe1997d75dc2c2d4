"""The demo's funds and example proposals (``fixtures/funds.json``, ``fixtures/voorstellen.json``)."""

from __future__ import annotations

import datetime
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from actielijnen.models import Actielijn
from domains.fixtures_loader import DEFAULT_DIRECTORY, FixtureError
from domains.models import Domain
from financiering import selectors
from financiering.fixtures_loader import load_financiering, meeting_date
from financiering.models import (
    Attendance,
    Check,
    CoFinancing,
    Conflict,
    Decision,
    Fund,
    FundYear,
    Meeting,
    Party,
    Proposal,
    Review,
    State,
    Transition,
)
from samennw import rights
from tests.otp_session import verify_session

pytestmark = pytest.mark.django_db

MODELS = (Fund, FundYear, Proposal, Transition, Check, Review, Conflict, Meeting, Attendance, Decision, CoFinancing, Party)


@pytest.fixture
def loaded(db):
    call_command("load_demo")


def _by_state() -> dict[str, Proposal]:
    return {p.state: p for p in Proposal.objects.all()}


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_funds_take_the_documents_amounts(loaded):
    pmg = Fund.objects.get(slug="preventie-met-gezag")
    assert "36 miljoen" in pmg.total_text and "Zuidoost" in pmg.scope and (pmg.first_year, pmg.last_year) == (2023, 2026)
    assert "coördinator PMG" in pmg.rules and pmg.source_ref.startswith("002:")
    spuk = Fund.objects.get(slug="spuk-kansrijke-wijk")
    assert "12 miljoen" in spuk.total_text and "36 miljoen voor de komende drie jaar" in spuk.total_text
    assert "001:795" in spuk.notes_nl and "002:1513" in spuk.notes_nl
    # Two different "36 miljoen" (DECISIONS 9): two funds, not one.
    assert set(Fund.objects.filter(total_text__contains="36 miljoen").values_list("slug", flat=True)) == {pmg.slug, spuk.slug}
    vliegwiel = Fund.objects.get(slug="vliegwielmiddelen-gemeente")
    assert "60 miljoen" in vliegwiel.total_text and "Noord" in vliegwiel.scope and vliegwiel.is_temporary
    assert "heringerichte" in vliegwiel.rules
    assert FundYear.objects.get(fund__slug="programmaorganisatie-nplv", year=2025).available == Decimal("500000")
    assert Fund.objects.get(slug="europese-subsidie-kansen-voor-de-jeugd").total_text.endswith("€ 150.000 in 2023 en 2024.")
    for slug in ("volkshuisvestingsfonds", "woningbouwimpuls", "energiefixers", "isolatie", "school-en-omgeving"):
        assert Fund.objects.get(slug=slug).total_text
    # A yearly amount without a document figure says it is a demo allocation (DECISIONS 3).
    for fund_year in FundYear.objects.exclude(fund__slug="programmaorganisatie-nplv"):
        assert "geen bedrag uit de documenten" in fund_year.note, fund_year
    assert set(FundYear.objects.values_list("year", flat=True)) <= {2025, 2026, 2027}
    for fund in Fund.objects.all():
        assert fund.name_en and fund.notes_en, fund.slug
        assert rights.can(_user("fondsbeheerder"), "financiering.financial_check", fund)


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def test_example_proposals_in_their_states(loaded):
    proposals = list(Proposal.objects.all())
    assert len(proposals) == 6 and all(p.is_example for p in proposals)
    cards = {c["code"] for c in json.loads((DEFAULT_DIRECTORY / "actielijnen.json").read_text(encoding="utf-8"))["actielijnen"]}
    for p in proposals:
        assert p.purpose.startswith("Voorbeeld:"), p.title
        codes = set(p.actielijnen.values_list("code", flat=True))
        assert codes and codes <= cards and Actielijn.objects.filter(code__in=codes).count() == len(codes)
        assert p.body.kind in ("opgaveteam", "werkgroep") and p.domain_id == p.body.domain_id
    states = _by_state()
    assert set(states) == {
        State.CONCEPT, State.INGEDIEND, State.ADVIES, State.GEAGENDEERD, State.TOEGEKEND, State.AFGEWEZEN,
    }
    assert CoFinancing.objects.filter(kind=CoFinancing.Kind.CASH).exists() and CoFinancing.objects.filter(kind=CoFinancing.Kind.IN_KIND).exists()
    assert Party.objects.filter(role=Party.Role.AANVRAGER).exists() and Party.objects.filter(role=Party.Role.BEGUNSTIGDE).exists()

    advies = states[State.ADVIES]
    assert [r.is_submitted for r in advies.reviews.all()] == [True]

    today = timezone.localdate()
    agenda = states[State.GEAGENDEERD]
    upcoming = agenda.agenda_items.get().meeting
    assert upcoming.date > today and upcoming.date.weekday() == 2 and upcoming.date.day <= 7
    assert upcoming.status == Meeting.Status.GEPLAND
    # The board member for Stadgenoot (a co-financier) gets a suggested conflict for the chair to decide.
    assert agenda.conflicts.get().status == Conflict.Status.OPEN

    granted, rejected = states[State.TOEGEKEND], states[State.AFGEWEZEN]
    past = granted.decisions.get().meeting
    assert past == rejected.decisions.get().meeting
    assert past.date < today and past.date.weekday() == 2 and past.status == Meeting.Status.VASTGESTELD
    assert past.minutes_adopted_at and {a.presence for a in past.attendance.all()} == {Attendance.Presence.AANWEZIG}
    decision = granted.decisions.get()
    assert decision.conditions and decision.granted_total < sum(line.amount for line in granted.lines.all())
    assert granted.decided_at.date() == past.date and granted.submitted_at < granted.decided_at
    assert granted.conflicts.get().status == Conflict.Status.DISMISSED
    assert rejected.decisions.get().reason and rejected.decisions.get().outcome == Decision.Outcome.AFGEWEZEN

    # The budget overview and the public summary show the grant.
    rows = {(r["fund"].slug, r["year"]): r for r in selectors.budget_overview()}
    assert rows[("preventie-met-gezag", 2026)]["granted"] == Decimal("50000")
    assert rows[("spuk-kansrijke-wijk", 2027)]["granted"] == Decimal("30000")
    assert rows[("preventie-met-gezag", 2026)]["remaining"] == Decimal("700000")
    # Requested counts what is in process (ingediend and geagendeerd here), never the concept.
    assert rows[("preventie-met-gezag", 2026)]["requested"] == Decimal("125000")
    assert list(selectors.public_grants()) == [granted]


def test_loading_twice_changes_nothing(loaded, capsys):
    before = _counts()
    versions = dict(Proposal.objects.values_list("pk", "version"))
    capsys.readouterr()
    call_command("load_demo")
    assert "Financiering: Niets gewijzigd." in capsys.readouterr().out
    assert _counts() == before
    assert dict(Proposal.objects.values_list("pk", "version")) == versions
    again = load_financiering()
    assert not again.changed


def test_broken_entry_is_named_and_loads_nothing(db, tmp_path):
    directory = tmp_path / "fixtures"
    shutil.copytree(DEFAULT_DIRECTORY, directory)
    path = directory / "voorstellen.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["voorstellen"][2]["lines"][0]["fund"] = "bestaat-niet"
    path.write_text(json.dumps(data), encoding="utf-8")
    key = data["voorstellen"][2]["key"]
    with pytest.raises(CommandError, match=rf"voorstellen.json, voorstel '{key}', lines 1: onbekend fonds 'bestaat-niet'"):
        call_command("load_demo", "--dir", str(directory))
    assert not Fund.objects.exists() and not Proposal.objects.exists() and not Domain.objects.exists()


def test_broken_fund_is_named(db, tmp_path):
    directory = tmp_path / "fixtures"
    shutil.copytree(DEFAULT_DIRECTORY, directory)
    path = directory / "funds.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["funds"][0]["years"][0]["year"] = 2030
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(FixtureError, match=r"funds.json, fonds 'vliegwielmiddelen-gemeente', jaar 1: 2030 valt buiten de looptijd"):
        load_financiering(directory=Path(directory))
    assert not Fund.objects.exists()


@pytest.mark.parametrize(
    ("today", "past", "upcoming"),
    [
        (datetime.date(2026, 11, 23), datetime.date(2026, 11, 4), datetime.date(2026, 12, 2)),
        (datetime.date(2026, 11, 4), datetime.date(2026, 10, 7), datetime.date(2026, 12, 2)),
        (datetime.date(2026, 12, 1), datetime.date(2026, 11, 4), datetime.date(2027, 1, 6)),
        (datetime.date(2027, 1, 1), datetime.date(2026, 12, 2), datetime.date(2027, 2, 3)),
    ],
)
def test_meeting_dates_relative_to_today(today, past, upcoming):
    assert meeting_date("vorige", today) == past
    assert meeting_date("volgende", today) == upcoming


def test_admin_shows_the_demo_to_the_beheerder(loaded, client):
    verify_session(client, _user("beheerder"))
    fund = Fund.objects.get(slug="preventie-met-gezag")
    proposal = _by_state()[State.TOEGEKEND]
    meeting, decision = proposal.decisions.get().meeting, proposal.decisions.get()
    for url in (
        "/beheer/financiering/fund/", f"/beheer/financiering/fund/{fund.pk}/change/",
        "/beheer/financiering/proposal/", f"/beheer/financiering/proposal/{proposal.pk}/change/",
        "/beheer/financiering/meeting/", f"/beheer/financiering/meeting/{meeting.pk}/change/",
        "/beheer/financiering/decision/", f"/beheer/financiering/decision/{decision.pk}/change/",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get("/beheer/financiering/proposal/add/").status_code == 403
    # A fund-year's budget cannot go below what was granted from it (same rule as services.set_fund_year).
    fund_year = FundYear.objects.get(fund=fund, year=2026)
    from financiering.admin import FundYearForm

    form = FundYearForm(data={"year": 2026, "available": "10000", "note": ""}, instance=fund_year)
    assert not form.is_valid() and "al € 50.000,00 toegekend" in str(form.errors)
