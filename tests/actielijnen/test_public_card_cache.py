"""The published card's cached content (samennw.public_cache, actielijnen.views.card).

An anonymous visitor with the content in the cache costs two queries: the card's own row with its
domain (the page around the content, and the 404 for a card that is not public) and the menu's
domains. The card's sections, people, milestones, status updates and indicators are read only when the
fragment is rendered. A change through a service shows at once, a withdrawn card is a 404 whatever the
cache still holds, and each language has its own fragment.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from actielijnen import services
from actielijnen.models import Status
from samennw import public_cache

pytestmark = pytest.mark.django_db

WARM_QUERIES = 2  # the card's row with its domain, and the menu's domains


def card_url(card, language: str = "nl") -> str:
    with translation.override(language):
        return reverse("actielijnen:card", kwargs={"code": card.code})


def fragment_key(card, language: str = "nl") -> str:
    """The key of the content fragment (card.html names it with its quotes, as the cache tag keeps them)."""
    return make_template_fragment_key('"card"', [language, f"v{public_cache.content_version()}", card.pk])


@pytest.fixture
def published(people, card, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.move_card(card=card, to=Status.TER_REVIEW, by=people["aanvoerder"])
        card = services.move_card(card=card, to=Status.GEPUBLICEERD, by=people["programmateam"])
    services.save_milestone(by=people["programmateam"], card=card, title="Eerste bijeenkomst", due_on="2027-03-01")
    services.add_status_update(by=people["programmateam"], card=card, text="De eerste partners zijn aangesloten.")
    return card


def get(client, path: str):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return response, len(queries)


def test_warm_anonymous_page_reads_only_the_card_row(client, published):
    cold, cold_queries = get(client, card_url(published))
    warm, warm_queries = get(client, card_url(published))

    assert cold.status_code == warm.status_code == 200
    assert cache.get(fragment_key(published)) is not None
    assert warm_queries == WARM_QUERIES
    assert cold_queries >= WARM_QUERIES + 8  # sections, people, milestones, updates and indicators
    for html in (cold.content.decode(), warm.content.decode()):
        assert "<title>Tegengaan huiselijk geweld en kindermishandeling" in html
        assert "Samenwerking tussen informele en formele partners." in html
        assert "Eerste bijeenkomst" in html and "De eerste partners zijn aangesloten." in html
        assert "Opbrengst 1" in html


def test_signed_in_visitor_reads_the_whole_card_every_time(client, people, published):
    client.force_login(people["aanvoerder"])
    first, _ = get(client, card_url(published))
    second, second_queries = get(client, card_url(published))

    assert second_queries > WARM_QUERIES + 8
    assert "Statusupdate plaatsen" in second.content.decode()  # the team's form, never from a shared fragment
    assert cache.get(fragment_key(published)) is None


def test_change_through_the_service_shows_once_committed(client, people, published, django_capture_on_commit_callbacks):
    client.get(card_url(published))
    with django_capture_on_commit_callbacks() as bumps:
        services.update_card(
            by=people["programmateam"], card=published, version=published.version,
            changes={"goal_nl": "Elke school in Nieuw-West heeft een aandachtsfunctionaris."},
        )

    # Until the transaction commits the fragment of before it is still what anonymous visitors get.
    assert "Samenwerking tussen informele en formele partners." in client.get(card_url(published)).content.decode()
    for bump in bumps:
        bump()

    html = client.get(card_url(published)).content.decode()
    assert "Elke school in Nieuw-West heeft een aandachtsfunctionaris." in html
    assert "Samenwerking tussen informele en formele partners." not in html


@pytest.mark.parametrize("bumped", [True, False], ids=["bumped", "bump-lost"])
def test_withdrawn_card_is_gone_even_with_its_fragment_cached(client, people, published, django_capture_on_commit_callbacks,
                                                               bumped):
    assert client.get(card_url(published)).status_code == 200
    assert client.get(card_url(published, "en")).status_code == 200
    with django_capture_on_commit_callbacks(execute=bumped):
        services.move_card(card=published, to=Status.CONCEPT, by=people["programmateam"], reason="Foutje in de tekst")
    if not bumped:  # e.g. Redis was unreachable at the bump: the fragments are still current
        assert cache.get(fragment_key(published)) is not None

    for language in ("nl", "en"):
        response = client.get(card_url(published, language))
        assert response.status_code == 404
        assert "Samenwerking tussen informele en formele partners." not in response.content.decode()
    client.force_login(people["aanvoerder"])
    assert client.get(card_url(published)).status_code == 200  # its team still works on it


def test_english_page_has_its_own_fragment(client, people, published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        published = services.update_card(
            by=people["programmateam"], card=published, version=published.version,
            changes={"title_en": "Tackling domestic violence and child abuse",
                     "goal_en": "Cooperation between informal and formal partners."},
        )
    dutch = client.get(card_url(published)).content.decode()  # the Dutch fragment is cached first
    english, _ = get(client, card_url(published, "en"))
    english_warm, english_queries = get(client, card_url(published, "en"))
    dutch_warm = client.get(card_url(published)).content.decode()

    assert card_url(published, "en").startswith("/en/")
    for html in (english.content.decode(), english_warm.content.decode()):
        assert "Cooperation between informal and formal partners." in html
        assert "<title>Tackling domestic violence and child abuse" in html  # the head, outside the fragment
        assert "Samenwerking tussen informele en formele partners." not in html
    for html in (dutch, dutch_warm):
        assert "Samenwerking tussen informele en formele partners." in html
        assert "Cooperation between informal and formal partners." not in html
    assert english_queries == WARM_QUERIES
    assert cache.get(fragment_key(published, "en")) is not None
