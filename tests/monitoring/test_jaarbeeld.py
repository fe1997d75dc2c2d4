"""Jaarbeeld editions (issue 7, item 2; DECISIONS 15-17, 19): rights, periods, concurrency, story rules,
opt-in blocks with source and as-of date, funding figures from the board's decisions, netwerkgroep figures
only after the regisseur's sign-off, and never a query on the case tables."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from monitoring import jaarbeeld as service
from monitoring import services as story_services
from monitoring.models import Edition, EditionBlock, Verhaal
from netwerkgroep import views_figures
from samennw.models import AuditEvent
from tests.financiering.conftest import GOOD_SCORES, ab_voorzitter, funds, meeting, proposal, to_advice
from tests.netwerkgroep.conftest import bring

__all__ = ["ab_voorzitter", "funds", "meeting", "proposal"]

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


def new_edition(people, year: int = YEAR, **changes) -> Edition:
    data = {
        "report_year": year, "publication_year": year + 1, "period_start": datetime.date(year, 1, 1),
        "period_end": datetime.date(year, 12, 31), "as_of": datetime.date(year + 1, 1, 15), "title": f"Jaarbeeld {year}",
    }
    data.update(changes)
    return service.create_edition(by=people["programmateam"], **data)


def published_story(people, structure, slug="confuciusbuurt", **fields) -> Verhaal:
    values = {
        "title_nl": "Confuciusbuurt: bouwen aan vertrouwen", "body_nl": "Tekst.", "story_date": datetime.date(YEAR, 5, 1),
        "domain": structure["domain"], **fields,
    }
    story = story_services.create_story(by=people["programmateam"], slug=slug, persons=[], **values)
    return story_services.publish_story(by=people["programmateam"], story=story)


def enable(people, edition, kind, approve=True):
    service.set_block(by=people["programmateam"], edition=edition, kind=kind, enabled=True)
    if approve:
        service.set_block(by=people["programmateam"], edition=edition, kind=kind, approve=True)


# --- creation, rights, periods ------------------------------------------------------------------

def test_create_edition_with_blocks_off_and_audit(people):
    edition = new_edition(people)
    assert edition.status == Edition.Status.CONCEPT
    assert set(edition.blocks.values_list("kind", flat=True)) == set(EditionBlock.Kind.values)
    assert not edition.blocks.filter(enabled=True).exists()
    assert service.document_blocks(edition) == []
    assert AuditEvent.objects.filter(event="jaarbeeld.created").exists()
    with pytest.raises(ValidationError):
        new_edition(people)


@pytest.mark.parametrize("kind", ["bewoner", "formeel", "regisseur", "bestuur", "fondsbeheerder"])
def test_only_programme_team_creates(people, kind):
    with pytest.raises(ValidationError):
        new_edition({"programmateam": people[kind]})
    assert not Edition.objects.exists()


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"period_end": datetime.date(YEAR - 1, 12, 31)}, "period_end"),
        ({"as_of": datetime.date(YEAR, 6, 30)}, "as_of"),
        ({"publication_year": YEAR - 1}, "publication_year"),
    ],
)
def test_periods_are_checked(people, changes, field):
    with pytest.raises(ValidationError) as exc:
        new_edition(people, **changes)
    assert field in exc.value.error_dict
    assert not Edition.objects.exists()


def test_pages_for_programme_team_only(client, people):
    edition = new_edition(people)
    list_url = reverse("monitoring:editions")
    urls = [
        reverse("monitoring:edition", kwargs={"year": edition.report_year}),
        reverse("monitoring:edition_preview", kwargs={"year": edition.report_year}),
    ]
    assert client.get(list_url).status_code == 302  # anonymous: to the login page
    client.force_login(people["bewoner"])
    assert client.get(list_url).status_code == 403
    for url in urls:
        assert client.get(url).status_code == 404
    assert client.post(reverse("monitoring:edition_block", kwargs={"year": YEAR, "kind": "partners"}), {"actie": "aan"}).status_code == 404
    client.force_login(people["programmateam"])
    assert client.get(list_url).status_code == 200
    for url in urls:
        assert client.get(url).status_code == 200
    assert client.get(reverse("monitoring:edition", kwargs={"year": 1999})).status_code == 404


def test_create_through_the_page(client, people):
    client.force_login(people["programmateam"])
    data = {"report_year": 2025, "publication_year": 2026, "period_start": "2025-01-01", "period_end": "2025-12-31",
            "as_of": "2025-06-01", "title_nl": "Jaarbeeld 2025"}
    response = client.post(reverse("monitoring:editions"), data)
    assert response.status_code == 400
    assert not Edition.objects.exists()
    response = client.post(reverse("monitoring:editions"), {**data, "as_of": "2026-03-01"})
    assert response.status_code == 302
    assert Edition.objects.get().title_nl == "Jaarbeeld 2025"


# --- editorial texts and concurrency ----------------------------------------------------------------

def test_editorial_update_and_stale_version(people):
    edition = new_edition(people)
    saved = service.update_editorial(
        by=people["programmateam"], edition=edition, version=1,
        changes={"voorwoord_nl": "Wat het vooral vraagt: dat we het samen doen.", "voorwoord_en": "What it asks: doing it together.",
                 "voorwoord_author": "Annerieke Coenraads", "voorwoord_author_role_nl": "Directeur"},
    )
    assert saved.version == 2
    with pytest.raises(ValidationError) as exc:
        service.update_editorial(by=people["programmateam"], edition=edition, version=1, changes={"voorwoord_nl": "Overschreven"})
    assert exc.value.code == "stale"
    edition.refresh_from_db()
    assert edition.voorwoord_nl.startswith("Wat het vooral")
    with pytest.raises(ValidationError):
        service.update_editorial(by=people["bewoner"], edition=edition, version=2, changes={"voorwoord_nl": "x"})


def test_editor_page_keeps_input_on_stale_save(client, people):
    edition = new_edition(people)
    client.force_login(people["programmateam"])
    url = reverse("monitoring:edition", kwargs={"year": edition.report_year})
    form = {"version": 1, "publication_year": YEAR + 1, "period_start": f"{YEAR}-01-01", "period_end": f"{YEAR}-12-31",
            "as_of": f"{YEAR + 1}-01-15", "status": "concept", "title_nl": "Jaarbeeld", "voorwoord_nl": "Eerste versie"}
    assert client.post(url, form).status_code == 302
    response = client.post(url, {**form, "voorwoord_nl": "Tweede tab"})
    assert response.status_code == 400
    assert "Tweede tab" in response.content.decode()
    edition.refresh_from_db()
    assert edition.voorwoord_nl == "Eerste versie"


# --- stories -------------------------------------------------------------------------------------

def test_story_selection_order_and_title_variants(people, structure):
    first = published_story(people, structure, title_variants="DRAAG: verkenning van draagkracht in Nieuw-West")
    second = published_story(people, structure, slug="wijkrechter", title_nl="De wijkrechter")
    edition = new_edition(people)
    service.set_story_selection(
        by=people["programmateam"], edition=edition, stories=[(second, ""), (first, "DRAAG: verkenning van draagkracht in Nieuw-West")]
    )
    chosen = list(edition.stories.order_by("order"))
    assert [c.story for c in chosen] == [second, first]
    assert chosen[1].shown_title == "DRAAG: verkenning van draagkracht in Nieuw-West"
    with pytest.raises(ValidationError):
        service.set_story_selection(by=people["programmateam"], edition=edition, stories=[(first, "Een verzonnen titel")])


def test_unpublished_story_refused(people, structure):
    concept = story_services.create_story(
        by=people["programmateam"], slug="concept", persons=[], title_nl="Concept", body_nl="x", story_date=datetime.date(YEAR, 1, 2)
    )
    edition = new_edition(people)
    with pytest.raises(ValidationError) as exc:
        service.set_story_selection(by=people["programmateam"], edition=edition, stories=[(concept, "")])
    assert "niet gepubliceerd" in exc.value.messages[0]
    assert not edition.stories.exists()


def test_story_without_alt_text_refused(people, structure):
    story = published_story(people, structure)
    # A photo without alt text cannot be published through the services; imported data can still lack it.
    Verhaal.objects.filter(pk=story.pk).update(image="verhalen/foto.png", image_alt_nl="")
    story.refresh_from_db()
    edition = new_edition(people)
    with pytest.raises(ValidationError) as exc:
        service.set_story_selection(by=people["programmateam"], edition=edition, stories=[(story, "")])
    assert "alt-tekst" in exc.value.messages[0]


def test_story_picker_moves_without_javascript(client, people, structure):
    a = published_story(people, structure, slug="a", title_nl="Verhaal A")
    b = published_story(people, structure, slug="b", title_nl="Verhaal B")
    edition = new_edition(people)
    client.force_login(people["programmateam"])
    url = reverse("monitoring:edition_stories", kwargs={"year": edition.report_year})
    client.post(url, {"actie": "toevoegen", "verhaal": "a"})
    client.post(url, {"actie": "toevoegen", "verhaal": "b"})
    client.post(url, {"actie": "omhoog", "verhaal": "b"})
    assert [c.story for c in edition.stories.order_by("order")] == [b, a]
    client.post(url, {"actie": "weghalen", "verhaal": "a"})
    assert [c.story for c in edition.stories.all()] == [b]


# --- generated blocks ------------------------------------------------------------------------------

def test_block_must_be_on_to_approve_and_change_withdraws_approval(people):
    edition = new_edition(people)
    with pytest.raises(ValidationError):
        service.set_block(by=people["programmateam"], edition=edition, kind="partners", approve=True)
    enable(people, edition, "partners")
    block = edition.blocks.get(kind="partners")
    assert block.is_approved
    service.set_block(by=people["programmateam"], edition=edition, kind="partners", note="Andere telling")
    assert not edition.blocks.get(kind="partners").is_approved
    with pytest.raises(ValidationError):
        service.set_block(by=people["bewoner"], edition=edition, kind="partners", enabled=True)


def test_partners_block_shows_data_with_source_and_as_of(client, people, structure):
    edition = new_edition(people)
    enable(people, edition, "partners")
    ((block, data),) = service.document_blocks(edition)
    assert data.available
    assert data.data["formeel"] == 2 and data.data["informeel"] == 1
    assert data.as_of == edition.as_of
    client.force_login(people["programmateam"])
    html = client.get(reverse("monitoring:edition_preview", kwargs={"year": YEAR}) + "?taal=nl").content.decode()
    assert "Bron:" in html and "Peildatum" in html


def test_enabled_but_unapproved_block_is_not_in_the_built_document(people):
    edition = new_edition(people)
    enable(people, edition, "partners", approve=False)
    assert service.document_blocks(edition, preview=False) == []
    assert service.document_blocks(edition, preview=True)[0][1] is None


def test_missing_source_shows_a_note(client, people):
    edition = new_edition(people)
    enable(people, edition, "financiering")
    enable(people, edition, "indicatoren")
    client.force_login(people["programmateam"])
    html = client.get(reverse("monitoring:edition_preview", kwargs={"year": YEAR}) + "?taal=nl").content.decode()
    assert html.count("Bron nog niet beschikbaar") == 2


def test_funding_block_matches_decision_lines(request, people, ab_voorzitter, proposal, meeting):
    from financiering import services as funding
    from financiering.models import DecisionLine, Fund

    (review,) = to_advice(people, proposal, reviewers=[people["regisseur"]])
    funding.submit_review(by=people["regisseur"], review=review, recommendation="positief", text="Doen.", scores=GOOD_SCORES)
    funding.put_on_agenda(by=people["programmateam"], proposal=proposal, meeting=meeting)
    funding.record_decision(
        by=people["programmateam"], meeting=meeting, proposal=proposal, outcome="toegekend",
        lines=[{"fund": Fund.objects.get(slug="preventie-met-gezag"), "year": YEAR, "amount": Decimal("30000")}],
    )
    edition = new_edition(people)
    enable(people, edition, "financiering")
    data = service.block_data(edition, "financiering")
    lines = DecisionLine.objects.filter(decision__outcome="toegekend")
    assert data.available
    assert data.data["total"] == sum(line.amount for line in lines) == Decimal("30000")
    assert data.data["per_fund"] == [(lines[0].fund.name, Decimal("30000"))]
    assert data.data["per_domain"] == [(proposal.domain.name, Decimal("30000"))]
    # A year in which nothing was decided has no figures, not zeros.
    earlier = new_edition(people, year=YEAR - 3)
    assert not service.block_data(earlier, "financiering").available


def test_netwerkgroep_block_only_after_sign_off_and_only_nieuw_west(client, people, structure):
    for _n in range(2):
        bring(people, structure, who="informeel")
    for _n in range(6):
        bring(people, structure, who="regisseur_zo", group="ng_zo")
    edition = new_edition(people)
    enable(people, edition, "netwerkgroep")
    assert service.block_data(edition, "netwerkgroep").note == service.NOT_AVAILABLE
    zo = views_figures.generate_figures(by=people["regisseur_zo"], body=structure["bodies"]["ng_zo"], year=YEAR)
    views_figures.sign_off_figures(by=people["regisseur_zo"], figures=zo, confirmed=True)
    nw = views_figures.generate_figures(by=people["regisseur"], body=structure["bodies"]["ng_nw"], year=YEAR)
    data = service.block_data(edition, "netwerkgroep")
    assert not data.available and data.note == service.NOT_SIGNED_OFF
    client.force_login(people["programmateam"])
    url = reverse("monitoring:edition_preview", kwargs={"year": YEAR}) + "?taal=nl"
    assert "Nog niet vrijgegeven door de regisseur" in client.get(url).content.decode()
    views_figures.sign_off_figures(by=people["regisseur"], figures=nw, confirmed=True)
    data = service.block_data(edition, "netwerkgroep")
    assert data.available
    assert data.data["body"] == "netwerkgroep-hgkm-nieuw-west"
    assert data.data["brought_in"] == "<5"
    html = client.get(url).content.decode()
    assert "&lt;5" in html
    assert "Zuidoost" not in html
    # Recomputing clears the sign-off: the block is empty again until she signs off anew.
    views_figures.generate_figures(by=people["regisseur"], body=structure["bodies"]["ng_nw"], year=YEAR)
    assert service.block_data(edition, "netwerkgroep").note == service.NOT_SIGNED_OFF


def test_jaarbeeld_never_queries_case_tables(client, people, structure):
    bring(people, structure, who="informeel")
    nw = views_figures.generate_figures(by=people["regisseur"], body=structure["bodies"]["ng_nw"], year=YEAR)
    views_figures.sign_off_figures(by=people["regisseur"], figures=nw, confirmed=True)
    edition = new_edition(people)
    for kind in EditionBlock.Kind.values:
        enable(people, edition, kind)
    client.force_login(people["programmateam"])
    with CaptureQueriesContext(connection) as queries:
        for kind in EditionBlock.Kind.values:
            service.block_data(edition, kind)
        assert client.get(reverse("monitoring:edition_preview", kwargs={"year": YEAR})).status_code == 200
        assert client.get(reverse("monitoring:edition", kwargs={"year": YEAR})).status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    assert any('"netwerkgroep_yearlyfigures"' in s for s in sql)
    assert not [s for s in sql if '"netwerkgroep_case"' in s or '"netwerkgroep_casestat"' in s or '"netwerkgroep_agreement"' in s]


# --- preview in both languages ----------------------------------------------------------------------

def test_preview_renders_in_dutch_and_english(client, people, structure):
    story = published_story(people, structure, title_en="Confucius neighbourhood: building trust", body_en="Text.")
    edition = new_edition(people)
    service.update_editorial(
        by=people["programmateam"], edition=edition, version=1,
        changes={"title_en": f"Annual review {YEAR}", "voorwoord_nl": "Samen doen.", "voorwoord_en": "Doing it together.",
                 "introduction_nl": "Wie we zijn.", "introduction_en": "Who we are.", "money_text_nl": "Geld.", "money_text_en": "Money."},
    )
    service.set_story_selection(by=people["programmateam"], edition=edition, stories=[(story, "")])
    client.force_login(people["programmateam"])
    url = reverse("monitoring:edition_preview", kwargs={"year": YEAR})
    nl = client.get(url + "?taal=nl").content.decode()
    assert "Samen doen." in nl and "Voorwoord" in nl and "Uit de praktijk" in nl and 'id="jb-voorwoord"' in nl
    assert "Confuciusbuurt: bouwen aan vertrouwen" in nl
    en = client.get(url + "?taal=en").content.decode()
    assert "Doing it together." in en and f"Annual review {YEAR}" in en
    assert "Confucius neighbourhood: building trust" in en
    with translation.override("nl"):
        assert edition.title == f"Jaarbeeld {YEAR}"
