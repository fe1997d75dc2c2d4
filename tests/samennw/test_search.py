"""Search over published content: what it finds, its filters, bad input, its query budget and privacy.

Runs on SQLite and on PostgreSQL (full text, Dutch configuration); expectations branch on
``connection.vendor`` only where the behaviour legitimately differs (stemming).
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from actielijnen import services as card_services
from actielijnen.models import Status
from domains import services as domain_services
from domains.models import Focusbuurt
from monitoring.models import Verhaal
from samennw import search as search_module
from samennw.search import search


@pytest.fixture(autouse=True)
def _dutch():
    with translation.override("nl"):
        yield


def publish(card, by):
    card = card_services.move_card(card=card, to=Status.TER_REVIEW, by=by)
    return card_services.move_card(card=card, to=Status.GEPUBLICEERD, by=by)


@pytest.fixture
def buurt(db):
    return Focusbuurt.objects.create(slug="slotermeer-noordoost", name="Slotermeer-Noordoost", gebied="Geuzenveld-Slotermeer", cluster="1")


@pytest.fixture
def content(people, structure, card, other_card, buurt):
    """A published card in a focusbuurt, a published story, a published report; one concept card."""
    pt = people["programmateam"]
    card = card_services.update_card(
        by=pt, card=card, version=card.version, changes={"focusbuurten": [buurt], "goal": "Meer veiligheid in de wijk Slotermeer."}
    )
    card = publish(card, pt)
    card_services.add_status_update(by=pt, card=card, text="Eerste bijeenkomst met bewoners gehouden.")
    story = Verhaal.objects.create(
        slug="kerngroep",
        title="De Kerngroep van jongeren",
        summary="Jongeren praten over veiligheid in hun wijk.",
        body="Een verhaal over jongeren en hun buurt.",
        domain=structure["domain"],
        focusbuurt=buurt,
        story_date=datetime.date(2026, 3, 1),
        status=Verhaal.Status.GEPUBLICEERD,
    )
    report = domain_services.add_meeting_report(
        by=pt,
        body=structure["bodies"]["ot"],
        held_on=datetime.date(2026, 2, 1),
        title="Verslag opgaveteam februari",
        text="Het opgaveteam besprak de aanpak van woninginbraak.",
        slug="februari",
        publish=True,
    )
    return {"card": card, "story": story, "report": report, "concept": other_card}


def kinds(results):
    return {(r.kind, r.title) for r in results}


@pytest.mark.django_db
def test_finds_each_kind_of_published_content(content):
    assert ("actielijn", content["card"].title) in kinds(search("huiselijk geweld"))
    assert ("verhaal", "De Kerngroep van jongeren") in kinds(search("Kerngroep"))
    assert ("verslag", "Verslag opgaveteam februari") in kinds(search("woninginbraak"))
    assert ("organisatie", "Nisa 4 Nisa") in kinds(search("Nisa"))
    result = next(r for r in search("woninginbraak") if r.kind == "verslag")
    assert result.url.startswith(reverse("domains:body", kwargs={"slug": "opgaveteam-veiligheid"}))
    assert "woninginbraak" in result.snippet
    assert result.date == datetime.date(2026, 2, 1)
    card_result = next(r for r in search("huiselijk geweld") if r.kind == "actielijn")
    assert card_result.url == content["card"].get_absolute_url()


@pytest.mark.django_db
def test_story_title_variants_are_found(content):
    """The documents use different titles for the same story (DECISIONS 19); each one finds it."""
    Verhaal.objects.filter(pk=content["story"].pk).update(title_variants="Praatgroep jongeren\nKerngroep West")
    assert ("verhaal", "De Kerngroep van jongeren") in kinds(search("praatgroep"))


@pytest.mark.django_db
def test_concept_card_is_not_found(content):
    assert not [r for r in search("Andere kaart") if r.kind == "actielijn"]


@pytest.mark.django_db
def test_dutch_stemming_on_postgresql(content):
    """"wijken" finds "wijk" with the Dutch configuration; SQLite only matches the literal text."""
    found = kinds(search("wijken"))
    if connection.vendor == "postgresql":
        assert ("verhaal", "De Kerngroep van jongeren") in found
    else:
        assert found == set()
    assert ("verhaal", "De Kerngroep van jongeren") in kinds(search("wijk"))


@pytest.mark.django_db
def test_filters_by_domain_and_buurt(content):
    assert {r.kind for r in search("veiligheid", domain="veiligheid")} == {"actielijn", "verhaal"}
    assert search("veiligheid", domain="wonen-en-leefomgeving") == []
    assert {r.kind for r in search("veiligheid", buurt="slotermeer-noordoost")} == {"actielijn", "verhaal"}
    assert search("woninginbraak", buurt="slotermeer-noordoost") == []
    assert search("veiligheid", buurt="onbekend") == []


@pytest.mark.django_db
def test_english_falls_back_to_dutch_text(content):
    assert ("verslag", "Verslag opgaveteam februari") in kinds(search("woninginbraak", language="en"))


@pytest.mark.django_db
def test_page_shows_results_with_kind_labels(client, content):
    response = client.get(reverse("search"), {"q": "veiligheid"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'for="zoek-q"' in html and 'name="domein"' in html and 'name="buurt"' in html
    assert "De Kerngroep van jongeren" in html
    assert ">Verhaal<" in html and ">Actielijn<" in html


@pytest.mark.django_db
def test_page_in_english(client, content):
    with translation.override("en"):
        url = reverse("search")
    assert url.startswith("/en/")
    response = client.get(url, {"q": "Kerngroep"})
    assert response.status_code == 200
    assert "De Kerngroep van jongeren" in response.content.decode()


@pytest.mark.django_db
def test_empty_query_shows_only_the_form(client, content):
    response = client.get(reverse("search"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="q"' in html
    assert "resultaten-titel" not in html


@pytest.mark.django_db
def test_no_results_message(client, content):
    html = client.get(reverse("search"), {"q": "xyzzyonvindbaar"}).content.decode()
    assert "Geen resultaten" in html


@pytest.mark.django_db
def test_long_query_is_cut_with_a_notice(client, content):
    response = client.get(reverse("search"), {"q": "veiligheid " + "a" * 500})
    assert response.status_code == 200
    assert "langer dan 200 tekens" in response.content.decode()
    assert search_module.clean_query("x" * 300) == ("x" * 200, True)


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["abc", "-3", "0", "99999999999999999999", "1e400", "NaN", ""])
def test_odd_page_numbers_give_a_page(client, content, page):
    response = client.get(reverse("search"), {"q": "veiligheid", "pagina": page})
    assert response.status_code == 200
    assert "De Kerngroep van jongeren" in response.content.decode()


@pytest.mark.django_db
def test_script_is_escaped(client, content):
    html = client.get(reverse("search"), {"q": '<script>alert("x")</script>', "domein": "<script>"}).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["veilig\x00heid", "\x00", "🙂 wijk", "e\u0301", "\u202ewijk", "'\"&|!:*()<>", "a & b | !c", '"open', "-", "OR"],
)
def test_odd_input_does_not_break(client, content, query):
    response = client.get(reverse("search"), {"q": query, "buurt": "\x00", "domein": "é"})
    assert response.status_code == 200
    assert isinstance(search(query), list)


@pytest.mark.django_db
def test_broken_encoding_does_not_break(client, content):
    assert search("\ud800veiligheid\udfff") == search("veiligheid")
    response = client.get(reverse("search") + "?q=%ff%fe%00veiligheid&pagina=%ff")
    assert response.status_code == 200


@pytest.mark.django_db
def test_query_count_does_not_grow_with_content(client, people, structure, buurt):
    pt = people["programmateam"]

    def add(n: int, start: int):
        for i in range(start, start + n):
            c = card_services.create_card(by=pt, domain=structure["domain"], code=f"kaart-{i}", title=f"Veiligheid kaart {i}")
            publish(c, pt)
            Verhaal.objects.create(
                slug=f"verhaal-{i}", title=f"Veiligheid verhaal {i}", body="Over veiligheid.", story_date=datetime.date(2026, 1, 1),
                status=Verhaal.Status.GEPUBLICEERD, domain=structure["domain"],
            )
            domain_services.add_meeting_report(
                by=pt, body=structure["bodies"]["ot"], held_on=datetime.date(2026, 1, 1), title=f"Veiligheid verslag {i}",
                text="Over veiligheid.", slug=f"verslag-{i}", publish=True,
            )

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("search"), {"q": "veiligheid"})
        assert response.status_code == 200
        return len(ctx.captured_queries)

    add(5, 0)
    small = count()
    add(45, 5)
    assert len(search("veiligheid")) >= 150
    assert count() == small


@pytest.mark.django_db
def test_privacy_nothing_unpublished_is_found(client, people, structure, other_card, content, django_user_model):
    """Markers in every text field of unpublished content never appear in the results."""
    pt = people["programmateam"]
    marker = "geheimwoord"
    from actielijnen.translation import CARD_TEXT_FIELDS

    concept = card_services.update_card(
        by=pt,
        card=other_card,
        version=other_card.version,
        changes={f: f"{marker}{f} tekst" for f in CARD_TEXT_FIELDS} | {"contact": f"{marker}contact", "source": f"{marker}source"},
    )
    card_services.add_comment(by=pt, card=concept, text=f"{marker}comment")
    card_services.add_status_update(by=pt, card=content["card"], text=f"{marker}voorstel", propose=True)
    # Money and risks of a *published* card are not public either.
    card_services.update_card(
        by=pt, card=content["card"], version=content["card"].version,
        changes={"money": f"{marker}money", "risks": f"{marker}risks", "people_needed": f"{marker}people"},
    )
    domain_services.add_meeting_report(
        by=pt, body=structure["bodies"]["ot"], held_on=datetime.date(2026, 3, 1), title=f"{marker}verslag",
        text=f"{marker}verslagtekst", slug="concept-verslag",
    )
    Verhaal.objects.create(
        slug="concept-verhaal", title=f"{marker}verhaal", summary=f"{marker}samenvatting", body=f"{marker}body",
        story_date=datetime.date(2026, 1, 1), status=Verhaal.Status.CONCEPT,
    )
    django_user_model.objects.create_user(username=f"{marker}user", email=f"{marker}@example.org", display_name=f"{marker}naam")
    queries = [marker, f"{marker}*", f"{marker}title", f"{marker}money", f"{marker}verslag", f"{marker}verhaal",
               f"{marker}voorstel", f"{marker}comment", f"{marker}user", f"{marker}@example.org", "geheimwoordtitle tekst"]
    for language in ("nl", "en"):
        for query in queries:
            for result in search(query, language=language):
                assert marker not in f"{result.title} {result.snippet} {result.url}"
    html = client.get(reverse("search"), {"q": marker}).content.decode()
    assert "Geen resultaten" in html
    assert "snw-search-result__title" not in html
