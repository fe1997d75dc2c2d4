"""The public pages residents read (issue 4): domain, focusbuurt, team, action line and home.

What each page shows to anonymous visitors, that the programme's internal parts stay internal, that
every page costs the same number of queries for little and for much content, that anonymous visitors
are served from the cache and see a change at once, and that bad input never gives a server error.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from actielijnen import services as card_services
from actielijnen.models import Status
from domains import services
from domains.models import Focusbuurt
from monitoring import services as story_services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    """Fragments are keyed by primary keys, which SQLite reuses between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def buurt(structure):
    return Focusbuurt.objects.create(
        slug="geuzenveld", name="Geuzenveld", gebied="Geuzenveld-Slotermeer", cluster="A",
        inhabitants=12345, cluster_inhabitants=45678, description="Een groene buurt aan de rand van de stad.",
    )


def publish(card, people):
    card_services.move_card(card=card, to=Status.TER_REVIEW, by=people["programmateam"])
    return card_services.move_card(card=card, to=Status.GEPUBLICEERD, by=people["programmateam"])


def make_cards(n: int, *, people, structure, opbrengsten, buurt=None, prefix="kaart"):
    cards = []
    for i in range(n):
        card = card_services.create_card(
            by=people["programmateam"], domain=structure["domain"], code=f"{prefix}-{i}", title=f"Kaart {prefix} {i}",
            opgaveteam=structure["bodies"]["ot"], aanvoerder=people["aanvoerder"],
            opbrengsten=[opbrengsten[i % 2]] if i % 3 else [], focusbuurten=[buurt] if buurt else [],
            partners=[structure["orgs"]["informeel"]],
        )
        card_services.add_status_update(by=people["programmateam"], card=card, text=f"Update {i}")
        cards.append(publish(card, people))
    return cards


def add_report(body, i: int, *, publish: bool = True):
    return services.add_meeting_report(
        by=None, body=body, held_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=i), title=f"Verslag {i}",
        text=f"Besproken punt {i}.", slug=f"verslag-{i}", publish=publish,
    )


def add_story(i: int, *, buurt=None, publish: bool = True):
    story = story_services.create_story(
        by=None, slug=f"verhaal-{i}", title=f"Verhaal {i}", body="Een verhaal uit de praktijk.",
        summary=f"Samenvatting {i}", story_date=datetime.date(2026, 2, 1) + datetime.timedelta(days=i), focusbuurt=buurt,
    )
    return story_services.publish_story(by=None, story=story) if publish else story


def count_queries(client, url: str) -> int:
    cache.clear()  # measure the work of a cache miss, the expensive case
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def domain_url():
    return reverse("domains:domain", kwargs={"slug": "veiligheid"})


def buurt_url(slug="geuzenveld"):
    return reverse("domains:buurt", kwargs={"slug": slug})


def team_url():
    return reverse("domains:body", kwargs={"slug": "opgaveteam-veiligheid"})


# --- what the pages show ------------------------------------------------------------------------

def test_domain_page_groups_published_lines_under_their_opbrengst(client, people, structure, opbrengsten, card):
    publish(card, people)
    card_services.add_status_update(by=people["programmateam"], card=card, text="Eerste bijeenkomst gehouden.")
    both = card_services.create_card(
        by=people["programmateam"], domain=structure["domain"], code="beide", title="Levert twee opbrengsten",
        opbrengsten=opbrengsten,
    )
    publish(both, people)
    loose = card_services.create_card(by=people["programmateam"], domain=structure["domain"], code="los", title="Zonder opbrengst")
    publish(loose, people)
    card_services.create_card(by=people["programmateam"], domain=structure["domain"], code="concept", title="Geheim concept")

    html = client.get(domain_url()).content.decode()

    assert "Geheim concept" not in html
    first, second = html.index("Opbrengst 1"), html.index("Opbrengst 2")
    overige = html.index("Overige actielijnen")
    assert first < html.index(card.title) < second  # under the opbrengst it delivers
    assert html.count("Levert twee opbrengsten") == 2  # under each opbrengst it delivers
    assert overige < html.index("Zonder opbrengst")
    assert card.get_absolute_url() in html
    assert "Gepubliceerd" in html
    assert "Laatste update" in html
    assert "Opgaveteam Veiligheid" in html


def test_domain_page_shows_recent_published_reports_only(client, structure):
    add_report(structure["bodies"]["ot"], 1)
    add_report(structure["bodies"]["ot"], 2, publish=False)
    html = client.get(domain_url()).content.decode()
    assert "Verslag 1" in html
    assert "Verslag 2" not in html


def test_public_card_hides_the_internal_parts(client, people, card):
    card_services.update_card(
        by=people["programmateam"], card=card, version=card.version,
        changes={"money": "GELDMARKER", "risks": "RISICOMARKER", "smart": "SMARTMARKER", "problem": "PROBLEEMMARKER"},
    )
    card.refresh_from_db()
    publish(card, people)
    card_services.add_status_update(by=people["programmateam"], card=card, text="UPDATEMARKER")

    html = client.get(card.get_absolute_url()).content.decode()
    assert "PROBLEEMMARKER" in html and "UPDATEMARKER" in html and "Nisa 4 Nisa" in html
    for hidden in ("GELDMARKER", "RISICOMARKER", "SMARTMARKER", "Demo Aanvoerder", "Demo Programmateam"):
        assert hidden not in html

    client.force_login(people["programmateam"])
    html = client.get(card.get_absolute_url()).content.decode()
    for shown in ("GELDMARKER", "RISICOMARKER", "SMARTMARKER", "Demo Aanvoerder"):
        assert shown in html


def test_public_card_for_a_signed_in_resident_is_public_too(client, people, card):
    card_services.update_card(by=people["programmateam"], card=card, version=card.version, changes={"money": "GELDMARKER"})
    card.refresh_from_db()
    publish(card, people)
    client.force_login(people["bewoner"])
    html = client.get(card.get_absolute_url()).content.decode()
    assert "GELDMARKER" not in html


def test_buurt_page_shows_facts_lines_teams_and_stories(client, people, structure, opbrengsten, buurt):
    make_cards(1, people=people, structure=structure, opbrengsten=opbrengsten, buurt=buurt)
    concept = card_services.create_card(
        by=people["programmateam"], domain=structure["domain"], code="concept", title="Geheim concept", focusbuurten=[buurt]
    )
    assert concept.status == Status.CONCEPT
    structure["bodies"]["ot"].focusbuurten.add(buurt)
    add_story(1, buurt=buurt)
    add_story(2, buurt=buurt, publish=False)
    add_story(3)

    html = client.get(buurt_url()).content.decode()
    for shown in ("Geuzenveld-Slotermeer", "12345", "45678", "Een groene buurt", "Kaart kaart 0", "Opgaveteam Veiligheid", "Verhaal 1"):
        assert shown in html
    for hidden in ("Geheim concept", "Verhaal 2", "Verhaal 3"):
        assert hidden not in html


def test_buurten_list_links_each_buurt(client, buurt):
    html = client.get(reverse("domains:buurten")).content.decode()
    assert buurt_url() in html
    assert "Geuzenveld" in html


def test_team_page_lists_published_reports_and_lines(client, people, structure, opbrengsten):
    make_cards(1, people=people, structure=structure, opbrengsten=opbrengsten)
    add_report(structure["bodies"]["ot"], 1)
    html = client.get(team_url()).content.decode()
    assert "Verslag 1" in html and "Besproken punt 1." in html and "2 januari 2026" in html
    assert "Kaart kaart 0" in html


def test_home_shows_latest_stories_and_links(client, structure):
    for i in range(5):
        add_story(i)
    html = client.get(reverse("home")).content.decode()
    assert "Laatste verhalen" in html
    assert [f"Verhaal {i}" in html for i in range(5)] == [False, False, True, True, True]
    assert reverse("domains:buurten") in html
    assert reverse("monitoring:doe_mee") in html
    assert "Veiligheid" in html  # the existing content stays


# --- constant queries ---------------------------------------------------------------------------

def test_every_public_page_costs_the_same_queries_for_little_and_much(client, people, structure, opbrengsten, buurt):
    structure["bodies"]["ot"].focusbuurten.add(buurt)
    cards = make_cards(5, people=people, structure=structure, opbrengsten=opbrengsten, buurt=buurt, prefix="a")
    for i in range(5):
        add_report(structure["bodies"]["ot"], i)
        add_story(i, buurt=buurt)
    urls = [reverse("home"), domain_url(), buurt_url(), reverse("domains:buurten"), team_url(), cards[0].get_absolute_url()]
    small = [count_queries(client, u) for u in urls]

    make_cards(45, people=people, structure=structure, opbrengsten=opbrengsten, buurt=buurt, prefix="b")
    for i in range(5, 50):
        add_report(structure["bodies"]["ot"], i)
        add_story(i, buurt=buurt)
    large = [count_queries(client, u) for u in urls]

    assert small == large
    html = client.get(domain_url()).content.decode()
    assert "Kaart b 44" in html  # the large case really shows the 50 cards


# --- caching and invalidation -------------------------------------------------------------------

def test_anonymous_pages_are_served_from_the_cache(client, people, structure, opbrengsten, buurt):
    make_cards(3, people=people, structure=structure, opbrengsten=opbrengsten, buurt=buurt)
    for url in [reverse("home"), domain_url(), buurt_url(), reverse("domains:buurten"), team_url()]:
        first = count_queries(client, url)
        with CaptureQueriesContext(connection) as ctx:
            second = client.get(url)
        assert second.status_code == 200
        # at most the page's own lookup (for its 404) and the menu's domains
        assert len(ctx.captured_queries) <= 2, url
        assert len(ctx.captured_queries) < first, url


def test_cached_fragment_carries_no_csrf_token(client, people, card):
    """The language form's token sits in the header, outside the fragment, rendered for each visitor."""
    publish(card, people)
    for url in [reverse("home"), domain_url(), team_url(), card.get_absolute_url()]:
        client.get(url)
        other = client.__class__()
        html = other.get(url).content.decode()
        assert html.count("csrfmiddlewaretoken") == 1, url


def test_publishing_and_status_updates_show_at_once(client, people, structure, opbrengsten, card, buurt, django_capture_on_commit_callbacks):
    card.focusbuurten.add(buurt)
    client.get(domain_url())
    client.get(buurt_url())
    assert card.title not in client.get(domain_url()).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        publish(card, people)
    assert card.title in client.get(domain_url()).content.decode()
    assert card.title in client.get(buurt_url()).content.decode()
    client.get(card.get_absolute_url())

    with django_capture_on_commit_callbacks(execute=True):
        card_services.add_status_update(by=people["programmateam"], card=card, text="Nieuwe stand van zaken")
    assert "Nieuwe stand van zaken" in client.get(card.get_absolute_url()).content.decode()

    client.get(team_url())
    with django_capture_on_commit_callbacks(execute=True):
        add_report(structure["bodies"]["ot"], 7)
    assert "Verslag 7" in client.get(team_url()).content.decode()


def test_signed_in_visitors_never_get_the_anonymous_fragment(client, people, structure):
    add_report(structure["bodies"]["ot"], 1, publish=False)
    assert "Verslag 1" not in client.get(team_url()).content.decode()  # anonymous: cached without the draft
    client.force_login(people["otlid"])
    html = client.get(team_url()).content.decode()
    assert "Verslag 1" in html and "Demo Otlid" in html
    client.logout()
    assert "Demo Otlid" not in client.get(team_url()).content.decode()


# --- bad input ----------------------------------------------------------------------------------

@pytest.mark.parametrize("language,text", [("nl", "Pagina niet gevonden"), ("en", "Page not found")])
def test_unknown_slugs_give_a_friendly_404_in_the_language(client, structure, language, text):
    with translation.override(language):
        urls = [buurt_url("bestaat-niet"), reverse("domains:domain", kwargs={"slug": "bestaat-niet"}),
                reverse("domains:body", kwargs={"slug": "bestaat-niet"})]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404
        assert text in response.content.decode()


def test_english_buurt_page_has_an_english_path(client, buurt):
    with translation.override("en"):
        url = buurt_url()
    assert url.startswith("/en/")
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("query", ["?page=99999999999999999999", "?page=-1&page=abc", "?%ZZ=%%&x", "?sort=\x00", "?page=1e9"])
def test_bad_query_strings_never_give_a_server_error(client, people, card, buurt, query):
    publish(card, people)
    for url in [reverse("home"), domain_url(), buurt_url(), reverse("domains:buurten"), team_url(), card.get_absolute_url()]:
        assert client.get(url + query).status_code == 200, url


# --- opgaven (convenant, 003:417-423) ------------------------------------------------------------

@pytest.fixture
def opgaven(structure):
    """An own opgave of Veiligheid, one of Werk that touches Veiligheid, and one of Werk that does not."""
    from domains.models import Domain, Opgave

    jeugd = Domain.objects.create(slug="kansen-voor-de-jeugd", name="Kansen voor de jeugd", name_en="Opportunities for young people")
    wonen = Domain.objects.create(slug="wonen-en-leefomgeving", name="Wonen en leefomgeving", name_en="Housing and living environment")
    werk = Domain.objects.create(slug="werk-en-bestaanszekerheid", name="Werk en bestaanszekerheid", name_en="Work and livelihood security")
    own = Opgave.objects.create(
        domain=structure["domain"], code="adequaat", title="Adequaat, proportioneel en zorgvuldig",
        title_nl="Adequaat, proportioneel en zorgvuldig", title_en="Adequate, proportionate and careful",
    )
    own.touches.set([jeugd, wonen])
    other = Opgave.objects.create(
        domain=werk, code="nabijheid", title="Nabijheid en begeleiding",
        title_nl="Nabijheid en begeleiding", title_en="Proximity and guidance",
    )
    other.touches.set([jeugd, structure["domain"]])
    Opgave.objects.create(domain=werk, code="banenplannen", title="Banenplannen", title_nl="Banenplannen", title_en="Job plans")
    return {"jeugd": jeugd, "wonen": wonen, "werk": werk}


def _opgaven_section(html: str) -> str:
    start = html.index('id="opgaven-title"')
    return html[start:html.index("</section>", start)]


def test_domain_page_shows_its_opgaven_and_what_else_they_touch(client, opgaven):
    html = client.get(domain_url()).content.decode()
    section = _opgaven_section(html)

    assert "Opgaven waar dit domein aan bijdraagt" in html
    assert html.index("Opgaven waar dit domein aan bijdraagt") < html.index("Opdrachten en opbrengsten")
    # its own opgave first, with the other domains it touches as links
    own = section[section.index("Adequaat, proportioneel en zorgvuldig"):section.index("Nabijheid en begeleiding")]
    assert "raakt ook:" in own
    assert f'href="{opgaven["jeugd"].get_absolute_url()}">Kansen voor de jeugd</a>' in own
    assert f'href="{opgaven["wonen"].get_absolute_url()}">Wonen en leefomgeving</a>' in own
    assert "Veiligheid</a>" not in own  # never "touches itself"
    # another domain's opgave that touches Veiligheid, with its own domain
    other = section[section.index("Nabijheid en begeleiding"):]
    assert f'Opgave van <a class="utrecht-link" href="{opgaven["werk"].get_absolute_url()}">Werk en bestaanszekerheid</a>' in other
    assert f'href="{opgaven["jeugd"].get_absolute_url()}">Kansen voor de jeugd</a>' in other
    # an opgave that does not touch Veiligheid is not listed
    assert "Banenplannen" not in html


def test_domain_page_without_opgaven_has_no_empty_section(client, structure):
    html = client.get(domain_url()).content.decode()
    assert "Opgaven waar dit domein aan bijdraagt" not in html


def test_english_domain_page_shows_the_opgaven_in_english(client, opgaven):
    with translation.override("en"):
        url = domain_url()
        jeugd_url, werk_url = opgaven["jeugd"].get_absolute_url(), opgaven["werk"].get_absolute_url()
    assert url.startswith("/en/") and jeugd_url.startswith("/en/")
    section = _opgaven_section(client.get(url).content.decode())
    assert "Adequate, proportionate and careful" in section
    assert "Proximity and guidance" in section
    assert "Adequaat, proportioneel" not in section
    assert f'href="{jeugd_url}">Opportunities for young people</a>' in section
    assert f'href="{werk_url}">Work and livelihood security</a>' in section


def test_domain_page_costs_the_same_queries_for_few_and_many_opgaven(client, structure, opgaven):
    from domains.models import Opgave

    few = count_queries(client, domain_url())
    for i in range(20):
        opgave = Opgave.objects.create(domain=opgaven["werk"], code=f"extra-{i}", title=f"Extra opgave {i}")
        opgave.touches.set([structure["domain"], opgaven["jeugd"], opgaven["wonen"]])
    many = count_queries(client, domain_url())
    assert few == many
    assert "Extra opgave 19" in client.get(domain_url()).content.decode()
    # served from the cache, the page costs what it did before (its own lookup and the menu's domains)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(domain_url()).status_code == 200
    assert len(ctx.captured_queries) <= 2
