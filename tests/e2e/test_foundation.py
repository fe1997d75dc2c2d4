"""A resident opens the portal, sees the five domains and CWB in Dutch, switches to English, opens a domain."""

from __future__ import annotations

import pytest

DOMAINS = [
    ("eigenaarschap-inclusie-en-democratie", "Eigenaarschap, inclusie en democratie", "Ownership, inclusion and democracy"),
    ("veiligheid", "Veiligheid", "Safety"),
    ("werk-en-bestaanszekerheid", "Werk en bestaanszekerheid", "Work and livelihood security"),
    ("wonen-en-leefomgeving", "Wonen en leefomgeving", "Housing and living environment"),
    ("kansen-voor-de-jeugd", "Kansen voor de jeugd", "Opportunities for young people"),
    ("community-wealth-building", "Community wealth building", "Community wealth building"),
]


@pytest.fixture
def domains(transactional_db):
    from domains.models import Domain

    for slug, nl, en in DOMAINS:
        Domain.objects.create(
            slug=slug, name=nl, name_en=en,
            kind=Domain.Kind.PROGRAMMA if slug == "community-wealth-building" else Domain.Kind.DOMEIN,
        )


def test_resident_switches_language_and_opens_a_domain(page, live_server, domains):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "nl"
    for _slug, nl, _en in DOMAINS:
        assert page.get_by_role("link", name=nl).first.is_visible()

    page.get_by_role("button", name="English").click()
    page.wait_for_url(live_server.url + "/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="Safety").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Safety"
    assert "/en/" in page.url


def test_skip_link_is_first_and_reaches_main(page, live_server, domains):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
