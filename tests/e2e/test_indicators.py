"""The indicator pages of issue 7, walked in a real browser.

The programme team opens the monitoring dashboard, opens an indicator, adds a measurement through the form
and finds the new value in the data table and in the chart; a resident finds the public indicator on its
domain page and not the non-public one; axe-core finds nothing on the dashboard and the indicator page.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.test_accessibility import audit, report
from tests.e2e.test_cards import log_in

PUBLIC = "Extra toezichthouders in de buurt"
HIDDEN = "Interne wachtlijst hulpverlening"


@pytest.fixture
def indicator_data(transactional_db, people, structure):
    from monitoring import indicators

    team = people["programmateam"]
    public = indicators.create_indicator(
        by=team, slug="extra-toezichthouders", domain=structure["domain"], name=PUBLIC, name_nl=PUBLIC,
        definition="Aantal toezichthouders dat in Nieuw-West op straat werkt.", unit="aantal", unit_label="toezichthouders",
        source="Eigen registratie van de alliantie", baseline_value=Decimal(10), baseline_year=2023,
        target_value=Decimal(20), target_year=2027, is_public=True,
    )
    hidden = indicators.create_indicator(
        by=team, slug="interne-wachtlijst", domain=structure["domain"], name=HIDDEN, name_nl=HIDDEN, is_public=False,
    )
    for year, value in ((2023, "10"), (2024, "12")):
        indicators.add_measurement(by=team, indicator=public, period_start=datetime.date(year, 1, 1), granularity="jaar", value=Decimal(value))
    indicators.add_measurement(by=team, indicator=hidden, period_start=datetime.date(2024, 1, 1), granularity="jaar", value=Decimal(7))
    return {"public": public, "hidden": hidden, "user": team, "domain": structure["domain"]}


@pytest.fixture
def team_page(browser, live_server, indicator_data):
    """The programme team's page; the context bypasses the CSP only so that axe can be injected."""
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, live_server.url, indicator_data["user"].username)
    yield page
    context.close()


def test_programme_team_adds_a_measurement_and_a_resident_sees_only_the_public_indicator(team_page, page, live_server, indicator_data):
    base, team = live_server.url, team_page

    # The dashboard lists both indicators of the domain, the non-public one marked as such.
    team.goto(base + reverse("monitoring:indicators"))
    expect(team.get_by_role("heading", level=1)).to_have_text("Monitoring: indicatoren")
    dashboard = team.get_by_role("table", name="Indicatoren van Veiligheid")
    expect(dashboard.get_by_role("row", name=re.compile(HIDDEN))).to_contain_text("nee")
    expect(dashboard.get_by_role("row", name=re.compile(PUBLIC))).to_contain_text("12")
    assert not (violations := audit(team)), "dashboard\n" + report(violations)

    # The indicator's own page: chart and data table, without the value that is about to be added.
    dashboard.get_by_role("link", name=PUBLIC).click()
    expect(team.get_by_role("heading", level=1)).to_have_text(PUBLIC)
    table = team.get_by_role("table", name=f"Metingen van {PUBLIC}")
    expect(table.get_by_role("row")).to_have_count(1 + 2 + 2)  # header, two measurements, baseline and target
    expect(table).not_to_contain_text("2025")
    chart = team.get_by_role("img", name=PUBLIC)
    expect(chart).to_be_visible()
    assert not (violations := audit(team)), "indicator page\n" + report(violations)

    # A measurement through the form, in Dutch notation.
    team.get_by_role("link", name="Meting toevoegen").click()
    team.get_by_label("Periode").fill("2025")
    team.get_by_label("Waarde").fill("15,5")
    team.get_by_label("Toelichting bij de bron").fill("Telling van december")
    team.get_by_role("button", name="Opslaan").click()
    expect(team.locator(".snw-messages")).to_contain_text("Meting opgeslagen.")

    # Back on the indicator page: the new value in the data table and in the chart (its description says
    # it in words and it has one more point).
    expect(team.get_by_role("heading", level=1)).to_have_text(PUBLIC)
    row = team.get_by_role("table", name=f"Metingen van {PUBLIC}").get_by_role("row", name=re.compile("^2025"))
    expect(row).to_contain_text("15,5")
    expect(row).to_contain_text("Telling van december")
    chart = team.get_by_role("img", name=PUBLIC)
    expect(chart.locator("desc")).to_contain_text("3 metingen van 2023 tot 2025; de laatste is 15,5 toezichthouders in 2025.")
    expect(chart.locator("text", has_text="2025")).to_have_count(1)
    assert chart.locator("rect[fill='#0b4f8a'], circle").count() == 3

    # A resident (not logged in) sees the public indicator on the domain page, with the new value, and not
    # the other one; its own page is the same 404 as a missing one.
    page.goto(base + indicator_data["domain"].get_absolute_url())
    panel = page.locator("main .snw-indicators")
    expect(panel.get_by_role("heading", name=PUBLIC)).to_be_visible()
    expect(panel.get_by_role("table", name=f"Metingen van {PUBLIC}")).to_contain_text("15,5")
    expect(page.locator("main")).not_to_contain_text(HIDDEN)
    response = page.goto(base + reverse("monitoring:indicator", kwargs={"slug": indicator_data["hidden"].slug}))
    assert response is not None and response.status == 404
