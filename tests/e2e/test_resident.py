"""The "done when" journey of issue 4: a resident, with the real demo content, goes from the home page to a
domain, opens a published action line, goes to a neighbourhood, opens a story there, searches with the header
search, and switches to English on the page they are on (the switch keeps the page)."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect


@pytest.fixture
def demo(transactional_db):
    from actielijnen.fixtures_loader import load_actielijnen
    from actielijnen.models import Actielijn, Status
    from domains.fixtures_loader import load_fixtures
    from domains.models import Domain
    from monitoring.fixtures_loader import load_verhalen
    from monitoring.models import Verhaal

    load_fixtures(with_users=False)
    load_actielijnen(with_users=False)
    load_verhalen()
    domain = Domain.objects.get(slug="veiligheid")
    card = Actielijn.objects.filter(domain=domain, status=Status.GEPUBLICEERD).order_by("code").first()
    story = (
        Verhaal.objects.filter(status=Verhaal.Status.GEPUBLICEERD, focusbuurt__isnull=False).order_by("slug").first()
    )
    assert card is not None and story is not None, "the demo content lacks a published card or a story in a buurt"
    with translation.override("nl"):
        names = {"domain": domain.name, "card": card.title, "story": story.title, "buurt": story.focusbuurt.name}
    with translation.override("en"):
        names.update(domain_en=domain.name, story_en=story.title)
    return names


def h1(page):
    return page.get_by_role("heading", level=1)


def test_resident_journey(page, live_server, demo):
    base = live_server.url

    # Home: the portal's own heading, the domains as links.
    page.goto(base + "/")
    expect(h1(page)).to_be_visible()
    main = page.locator("main")

    # A domain.
    main.get_by_role("link", name=demo["domain"], exact=True).first.click()
    expect(h1(page)).to_have_text(demo["domain"])

    # A published action line of that domain.
    page.locator("main").get_by_role("link", name=demo["card"], exact=True).first.click()
    expect(h1(page)).to_have_text(demo["card"])
    assert "/actielijnen/" in page.url

    # The neighbourhoods, then one of them.
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Buurten").click()
    expect(h1(page)).to_be_visible()
    page.locator("main").get_by_role("link", name=demo["buurt"], exact=True).first.click()
    expect(h1(page)).to_have_text(demo["buurt"])

    # A story told in that neighbourhood.
    page.locator("main").get_by_role("link", name=demo["story"]).first.click()
    expect(h1(page)).to_have_text(demo["story"])
    story_url = page.url

    # The header search finds something.
    page.locator("#snw-header-search").fill("veiligheid")
    page.locator("#snw-header-search").press("Enter")
    expect(page).to_have_url(re.compile(r"/zoeken/\?q=veiligheid"))
    expect(h1(page)).to_be_visible()
    expect(page.locator("main").get_by_role("link", name=demo["domain"]).first).to_be_visible()

    # Back on the story, English keeps the page.
    page.goto(story_url)
    page.get_by_role("button", name="English").click()
    expect(page).to_have_url(re.compile(r"/en/"))
    assert page.locator("html").get_attribute("lang") == "en"
    expect(h1(page)).to_have_text(demo["story_en"])
    assert page.url.rstrip("/").rsplit("/", 1)[-1] == story_url.rstrip("/").rsplit("/", 1)[-1]
