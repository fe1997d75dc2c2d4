"""Open data (JSON, CSV), feeds and sitemap: content, formula neutralisation, query budget, privacy."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from actielijnen import services as card_services
from actielijnen.models import Status
from actielijnen.translation import CARD_TEXT_FIELDS
from domains import services as domain_services
from domains.models import Focusbuurt, Organisation
from monitoring.models import Verhaal

MARKER = "geheimwoord"


@pytest.fixture(autouse=True)
def _dutch():
    with translation.override("nl"):
        yield


def publish(card, by):
    card = card_services.move_card(card=card, to=Status.TER_REVIEW, by=by)
    return card_services.move_card(card=card, to=Status.GEPUBLICEERD, by=by)


def data_url(dataset: str, fmt: str) -> str:
    return reverse("open_data_file", kwargs={"dataset": dataset, "fmt": fmt})


def csv_rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def content(people, structure, card, other_card):
    pt = people["programmateam"]
    buurt = Focusbuurt.objects.create(slug="slotermeer-noordoost", name="Slotermeer-Noordoost", gebied="Slotermeer", cluster="1")
    card = card_services.update_card(by=pt, card=card, version=card.version, changes={"focusbuurten": [buurt]})
    card = publish(card, pt)
    update = card_services.add_status_update(by=pt, card=card, text="Eerste bijeenkomst met bewoners gehouden.")
    story = Verhaal.objects.create(
        slug="kerngroep", title="De Kerngroep van jongeren", summary="Jongeren praten over veiligheid.",
        body="Een verhaal.", domain=structure["domain"], story_date=datetime.date(2026, 3, 1),
        status=Verhaal.Status.GEPUBLICEERD,
    )
    return {"card": card, "update": update, "story": story, "concept": other_card}


@pytest.fixture
def private(people, structure, content, django_user_model):
    """Unpublished things with the marker in every text field they have."""
    pt = people["programmateam"]
    concept = content["concept"]
    card_services.update_card(
        by=pt, card=concept, version=concept.version,
        changes={f: f"{MARKER}{f}" for f in CARD_TEXT_FIELDS} | {"contact": f"{MARKER}contact", "source": f"{MARKER}source"},
    )
    card_services.add_comment(by=pt, card=content["card"], text=f"{MARKER}comment")
    card_services.add_status_update(by=pt, card=content["card"], text=f"{MARKER}voorstel", propose=True)
    card_services.add_status_update(by=pt, card=concept, text=f"{MARKER}conceptupdate")
    published = content["card"]
    published.refresh_from_db()
    card_services.update_card(
        by=pt, card=published, version=published.version,
        changes={"money": f"{MARKER}money", "risks": f"{MARKER}risks", "people_needed": f"{MARKER}people",
                 "aanvoerder": people["aanvoerder"]},
    )
    domain_services.add_meeting_report(
        by=pt, body=structure["bodies"]["ot"], held_on=datetime.date(2026, 3, 1), title=f"{MARKER}verslag",
        text=f"{MARKER}verslagtekst", slug="concept-verslag",
    )
    Verhaal.objects.create(
        slug=f"{MARKER}-verhaal", title=f"{MARKER}verhaal", summary=f"{MARKER}samenvatting", body=f"{MARKER}body",
        story_date=datetime.date(2026, 1, 1), status=Verhaal.Status.CONCEPT,
    )
    django_user_model.objects.create_user(username=f"{MARKER}user", email=f"{MARKER}@example.org", display_name=f"{MARKER}naam")
    return MARKER


PUBLIC_URLS = [
    ("actielijnen", "json"), ("actielijnen", "csv"), ("organisaties", "json"), ("organisaties", "csv"),
    ("domeinen", "json"), ("domeinen", "csv"),
]


# --- open data ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_cards_json_has_public_parts_only(client, content, people):
    response = client.get(data_url("actielijnen", "json"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    assert data["dataset"] == "actielijnen"
    assert data["licence"] == "CC-BY-4.0"
    assert data["generated_at"]
    assert [item["code"] for item in data["items"]] == ["tegengaan-hgkm"]
    item = data["items"][0]
    assert item["domain"] == "veiligheid"
    assert item["status"] == "gepubliceerd"
    assert item["opbrengsten"] == ["1-1"]
    assert item["partners"] == ["nisa-4-nisa"]
    assert item["focusbuurten"] == ["slotermeer-noordoost"]
    assert item["last_status_update"] == content["update"].created_at.date().isoformat()
    assert item["url"] == "http://testserver" + content["card"].get_absolute_url()
    assert set(item) == {
        "code", "title", "title_en", "domain", "status", "goal", "goal_en", "opbrengsten", "partners",
        "focusbuurten", "last_status_update", "url",
    }
    assert people["aanvoerder"].username not in response.content.decode()


@pytest.mark.django_db
def test_cards_csv(client, content):
    response = client.get(data_url("actielijnen", "csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="samen-nieuw-west-actielijnen.csv"' in response["Content-Disposition"]
    rows = csv_rows(response)
    assert [r["code"] for r in rows] == ["tegengaan-hgkm"]
    assert rows[0]["partners"] == "nisa-4-nisa"


@pytest.mark.django_db
def test_csv_neutralises_formulas(client, structure):
    Organisation.objects.create(slug="formule", name='=HYPERLINK("http://x","klik")', kind="formeel", sector="overheid")
    Organisation.objects.create(slug="plus", name="+31 20 123", kind="informeel", sector="overheid")
    rows = {r["slug"]: r for r in csv_rows(client.get(data_url("organisaties", "csv")))}
    assert rows["formule"]["name"] == '\'=HYPERLINK("http://x","klik")'
    assert rows["plus"]["name"] == "'+31 20 123"
    data = json.loads(client.get(data_url("organisaties", "json")).content)
    assert {"slug": "formule", "name": '=HYPERLINK("http://x","klik")', "kind": "formeel", "sector": "overheid"} in data["items"]


@pytest.mark.django_db
def test_organisations_have_no_people(client, people, structure):
    data = json.loads(client.get(data_url("organisaties", "json")).content)
    assert {item["slug"] for item in data["items"]} == {"nisa-4-nisa", "veilig-thuis", "blijf-groep"}
    assert all(set(item) == {"slug", "name", "kind", "sector"} for item in data["items"])


@pytest.mark.django_db
def test_domains_with_opdrachten_and_opbrengsten(client, opbrengsten):
    data = json.loads(client.get(data_url("domeinen", "json")).content)
    veiligheid = next(d for d in data["items"] if d["slug"] == "veiligheid")
    assert veiligheid["name_en"] == "Safety"
    assert [o["code"] for o in veiligheid["opdrachten"]] == ["1"]
    assert [b["code"] for b in veiligheid["opdrachten"][0]["opbrengsten"]] == ["1-1", "1-2"]
    rows = csv_rows(client.get(data_url("domeinen", "csv")))
    assert [(r["slug"], r["opbrengst_code"]) for r in rows] == [("veiligheid", "1-1"), ("veiligheid", "1-2")]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/open-data/geheim.json", "/open-data/actielijnen.xml", "/open-data/actielijnen.JSON"])
def test_unknown_dataset_or_format_is_404(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_open_data_page_documents_each_dataset(client, content):
    response = client.get(reverse("open_data"))
    html = response.content.decode()
    assert response.status_code == 200
    for dataset, fmt in PUBLIC_URLS:
        assert f'href="{data_url(dataset, fmt)}"' in html
    assert "CC-BY-4.0" in html and "last_status_update" in html
    with translation.override("en"):
        assert client.get(reverse("open_data")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("dataset", ["actielijnen", "organisaties", "domeinen"])
def test_open_data_query_count_does_not_grow(client, people, structure, opbrengsten, dataset):
    pt = people["programmateam"]
    buurt = Focusbuurt.objects.create(slug="b", name="B", gebied="G", cluster="1")

    def add(n: int, start: int):
        for i in range(start, start + n):
            org = Organisation.objects.create(slug=f"org-{i}", name=f"Org {i}", kind="formeel", sector="overheid")
            c = card_services.create_card(
                by=pt, domain=structure["domain"], code=f"kaart-{i}", title=f"Kaart {i}",
                partners=[org], focusbuurten=[buurt], opbrengsten=opbrengsten,
            )
            publish(c, pt)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            for fmt in ("json", "csv"):
                assert client.get(data_url(dataset, fmt)).status_code == 200
        return len(ctx.captured_queries)

    add(5, 0)
    small = count()
    add(45, 5)
    assert count() == small


# --- feeds and sitemap --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["feed_stories_rss", "feed_stories_atom"])
def test_story_feeds(client, content, name):
    response = client.get(reverse(name))
    body = response.content.decode()
    assert response.status_code == 200
    assert "De Kerngroep van jongeren" in body
    assert ("<rss" in body) == name.endswith("rss")
    assert ("http://www.w3.org/2005/Atom" in body)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["feed_updates_rss", "feed_updates_atom"])
def test_status_update_feeds(client, content, name):
    response = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Eerste bijeenkomst met bewoners gehouden." in body
    assert "http://testserver" + content["card"].get_absolute_url() in body
    assert "stand van zaken" in body


@pytest.mark.django_db
def test_feed_urls_are_not_translated():
    with translation.override("en"):
        assert reverse("feed_stories_rss") == "/feeds/verhalen.rss"
        assert reverse("sitemap") == "/sitemap.xml"
        assert reverse("open_data_file", kwargs={"dataset": "actielijnen", "fmt": "json"}) == "/open-data/actielijnen.json"


@pytest.mark.django_db
def test_sitemap_lists_public_pages_in_both_languages(client, content):
    response = client.get(reverse("sitemap"))
    body = response.content.decode()
    assert response.status_code == 200
    card_path = content["card"].get_absolute_url()
    with translation.override("en"):
        card_path_en = content["card"].get_absolute_url()
    assert f"<loc>http://testserver{card_path}</loc>" in body
    assert f"<loc>http://testserver{card_path_en}</loc>" in body
    assert 'hreflang="x-default"' in body and 'hreflang="en"' in body
    assert "/teams/opgaveteam-veiligheid/" in body
    assert "netwerkgroep" not in body
    assert "andere-kaart" not in body
    assert "<loc>http://testserver/</loc>" in body
    assert reverse("domains:domain", kwargs={"slug": "veiligheid"}) in body


# --- privacy ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_nothing_unpublished_in_open_data_feeds_or_sitemap(client, private, people):
    urls = [data_url(d, f) for d, f in PUBLIC_URLS] + [
        reverse(n) for n in ("feed_stories_rss", "feed_stories_atom", "feed_updates_rss", "feed_updates_atom", "sitemap")
    ] + [reverse("open_data")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode("utf-8-sig")
        assert private not in body, url
        assert "andere-kaart" not in body, url
        assert people["aanvoerder"].username not in body.replace("aanvoerder actielijn", ""), url
        assert "@example.org" not in body, url
