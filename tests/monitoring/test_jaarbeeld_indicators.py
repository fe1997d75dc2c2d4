"""The jaarbeeld's indicators block: the year's change and its direction, the period's limits, what is left
out (non-public indicators, demo values, years without data), the query budget and byte-identical output."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from domains.models import Domain
from monitoring import indicators
from monitoring import jaarbeeld as editions
from monitoring.jaarbeeld import NOT_AVAILABLE
from monitoring.jaarbeeld_indicators import indicators_block

pytestmark = pytest.mark.django_db

YEAR = 2025


@pytest.fixture
def edition(people):
    return editions.create_edition(
        by=people["programmateam"], report_year=YEAR, publication_year=YEAR + 1, period_start=datetime.date(YEAR, 1, 1),
        period_end=datetime.date(YEAR, 12, 31), as_of=datetime.date(YEAR + 1, 1, 15), title=f"Jaarbeeld {YEAR}",
    )


def make(people, structure, slug="toezichthouders", domain=None, **values):
    values.setdefault("is_public", True)
    return indicators.create_indicator(
        by=people["programmateam"], slug=slug, domain=domain or structure["domain"], name=f"Indicator {slug}", **values
    )


def measure(people, indicator, start: datetime.date, value: str, granularity: str = "jaar", **kwargs):
    return indicators.add_measurement(
        by=people["programmateam"], indicator=indicator, period_start=start, granularity=granularity, value=Decimal(value), **kwargs
    )


def items(block) -> dict[str, dict]:
    return {item["slug"]: item for domain in block.data["domains"] for item in domain["items"]}


def render(block) -> str:
    return render_to_string("monitoring/jaarbeeld/_indicators.html", {"data": block.data})


# --- the change over the year and its direction -----------------------------------------------------

def test_rise_from_last_years_value_is_good_when_higher_is_better(people, structure, edition):
    indicator = make(people, structure, baseline_value=Decimal(10), baseline_year=2023, target_value=Decimal(20), target_year=2027)
    measure(people, indicator, datetime.date(2023, 1, 1), "10")
    measure(people, indicator, datetime.date(2024, 1, 1), "12")
    measure(people, indicator, datetime.date(2025, 1, 1), "15")

    item = items(indicators_block(edition))["toezichthouders"]
    assert (item["start"]["label"], item["start"]["value"], item["start"]["before_period"]) == ("2024", "12", True)
    assert (item["end"]["label"], item["end"]["value"]) == ("2025", "15")
    assert item["change"]["absolute"] == "+3"
    assert item["change"]["relative"] == "+25%"
    assert item["change"]["verdict"] == "goed"
    assert item["change"]["text"] == "gestegen van 12 naar 15 (+3; +25%); hoger is beter: goede richting"
    assert [row["label"] for row in item["rows"]] == ["2024", "2025"]  # 2023 is not part of this year's story
    assert (item["baseline"], item["target"]) == ("10 (2023)", "20 (2027)")
    html = render(indicators_block(edition))
    assert "gestegen van 12 naar 15 (+3; +25%); hoger is beter: goede richting" in html
    assert "startpunt, vóór de periode" in html


def test_percentage_changes_in_points_and_falling_is_good_when_lower_is_better(people, structure, edition):
    indicator = make(people, structure, unit="procent", direction="lager")
    for year, month, value in ((2024, 10, "30"), (YEAR, 1, "28"), (YEAR, 4, "27"), (YEAR, 7, "25.5"), (YEAR, 10, "25")):
        measure(people, indicator, datetime.date(year, month, 1), value, "kwartaal")

    item = items(indicators_block(edition))["toezichthouders"]
    assert [row["label"] for row in item["rows"]] == ["2024-K4", "2025-K1", "2025-K2", "2025-K3", "2025-K4"]
    assert item["change"]["absolute"] == "\u22125 procentpunt"
    assert item["change"]["relative"] == ""  # no "-16.7%" of a percentage
    assert item["change"]["verdict"] == "goed"
    assert item["change"]["text"].startswith("gedaald van 30% naar 25% (")
    assert item["change"]["text"].endswith("lager is beter: goede richting")


def test_rise_is_the_wrong_direction_when_lower_is_better_and_unchanged_is_neither(people, structure, edition):
    worse = make(people, structure, slug="meldingen", direction="lager")
    measure(people, worse, datetime.date(2024, 1, 1), "40")
    measure(people, worse, datetime.date(2025, 1, 1), "50", qualifier="ruim")
    same = make(people, structure, slug="gelijk")
    measure(people, same, datetime.date(2024, 1, 1), "7")
    measure(people, same, datetime.date(2025, 1, 1), "7")

    shown = items(indicators_block(edition))
    assert shown["meldingen"]["change"]["verdict"] == "slecht"
    assert shown["meldingen"]["change"]["text"] == "gestegen van 40 naar ruim 50 (+10; +25%); lager is beter: verkeerde richting"
    assert shown["gelijk"]["change"]["verdict"] == "gelijk"
    assert "geen verandering" in shown["gelijk"]["change"]["text"]


def test_a_single_measurement_has_no_change(people, structure, edition):
    indicator = make(people, structure)
    measure(people, indicator, datetime.date(2025, 1, 1), "9")
    item = items(indicators_block(edition))["toezichthouders"]
    assert item["change"] is None
    assert "geen eerdere meting om mee te vergelijken" in render(indicators_block(edition))


# --- the period's limits ----------------------------------------------------------------------------

def test_measurements_after_the_period_are_not_used(people, structure, edition):
    indicator = make(people, structure)
    measure(people, indicator, datetime.date(2024, 12, 1), "10", "maand")
    measure(people, indicator, datetime.date(2025, 6, 1), "12", "maand")
    measure(people, indicator, datetime.date(2025, 12, 1), "14", "maand")
    measure(people, indicator, datetime.date(2026, 1, 1), "99", "maand")
    measure(people, indicator, datetime.date(2026, 1, 1), "98", "jaar")

    block = indicators_block(edition)
    item = items(block)["toezichthouders"]
    assert [row["label"] for row in item["rows"]] == ["2024-12", "2025-06", "2025-12"]
    assert item["end"]["value"] == "14"
    assert "99" not in item["chart"] and "2026" not in render(block)


def test_a_year_that_runs_past_the_period_end_is_left_out(people, structure):
    edition = editions.create_edition(
        by=people["programmateam"], report_year=YEAR, publication_year=YEAR + 1, period_start=datetime.date(YEAR, 7, 1),
        period_end=datetime.date(YEAR + 1, 3, 31), as_of=datetime.date(YEAR + 1, 4, 15), title="Schooljaar",
    )
    indicator = make(people, structure)
    measure(people, indicator, datetime.date(YEAR, 1, 1), "5")  # the whole of 2025 is not inside Jul 2025 - Mar 2026
    measure(people, indicator, datetime.date(YEAR + 1, 1, 1), "6", "kwartaal")
    item = items(indicators_block(edition))["toezichthouders"]
    assert [row["label"] for row in item["rows"]] == ["2026-K1"]


# --- what is left out -------------------------------------------------------------------------------

def test_no_public_indicator_means_not_available(people, structure, edition):
    assert indicators_block(edition).available is False
    hidden = make(people, structure, slug="intern", is_public=False)
    measure(people, hidden, datetime.date(2025, 1, 1), "3")
    block = indicators_block(edition)
    assert (block.available, block.note) == (False, NOT_AVAILABLE)


def test_non_public_indicators_are_excluded(people, structure, edition):
    public = make(people, structure, slug="openbaar")
    hidden = make(people, structure, slug="intern", is_public=False)
    for indicator in (public, hidden):
        measure(people, indicator, datetime.date(2025, 1, 1), "3")
    block = indicators_block(edition)
    assert set(items(block)) == {"openbaar"}
    assert block.data["count"] == 1
    assert "Indicator intern" not in render(block)


def test_indicators_without_measurements_in_the_period_are_listed_separately(people, structure, edition):
    old = make(people, structure, slug="oud")
    measure(people, old, datetime.date(2023, 1, 1), "4")
    make(people, structure, slug="nooit-gemeten", target_note="drie tot zes")
    demo = make(people, structure, slug="alleen-demo")
    measure(people, demo, datetime.date(2025, 1, 1), "8", is_demo=True)  # a demo value is not a figure

    block = indicators_block(edition)
    assert block.available and block.data["domains"] == []
    assert [row["slug"] for row in block.data["without"]] == ["alleen-demo", "nooit-gemeten", "oud"]
    html = render(block)
    assert "Geen metingen in deze periode" in html
    assert "<svg" not in html


def test_grouped_by_domain_in_the_indicators_order(people, structure, edition):
    wonen = Domain.objects.create(slug="wonen", name="Wonen")
    for slug, domain, order in (("b", structure["domain"], 2), ("a", structure["domain"], 5), ("w", wonen, 1)):
        indicator = make(people, structure, slug=slug, domain=domain, order=order)
        measure(people, indicator, datetime.date(2025, 1, 1), "1")
    block = indicators_block(edition)
    assert [(d["name"], [i["slug"] for i in d["items"]]) for d in block.data["domains"]] == [("Veiligheid", ["b", "a"]), ("Wonen", ["w"])]


# --- queries and reproducibility --------------------------------------------------------------------

def _queries(people, structure, edition, count: int) -> int:
    for i in range(count):
        indicator = make(people, structure, slug=f"i-{count}-{i}", is_public=i % 3 != 0)
        measure(people, indicator, datetime.date(2024, 1, 1), str(i))
        measure(people, indicator, datetime.date(2025, 1, 1), str(i + 1))
        measure(people, indicator, datetime.date(2025, 1, 1), str(i + 2), "kwartaal")
    with CaptureQueriesContext(connection) as queries:
        render(indicators_block(edition))
    indicators.Indicator.objects.all().delete()
    return len(queries)


def test_query_count_is_the_same_for_3_and_30_indicators(people, structure, edition):
    assert _queries(people, structure, edition, 3) == _queries(people, structure, edition, 30) == 2


def test_rendering_twice_is_byte_identical(people, structure, edition):
    for n, unit in enumerate(("aantal", "procent", "euro")):
        indicator = make(people, structure, slug=f"i{n}", unit=unit, baseline_value=Decimal(1), baseline_year=2020)
        measure(people, indicator, datetime.date(2024, 1, 1), "10", "kwartaal", source_note="OIS")
        measure(people, indicator, datetime.date(2025, 4, 1), "12.5", "kwartaal")
    first = render(indicators_block(edition))
    second = render(indicators_block(edition))
    assert first == second
    assert first.count("<svg") == 3 and first.count("<table") == 3
    assert 'aria-labelledby="grafiek-i0-title grafiek-i0-desc"' in first
