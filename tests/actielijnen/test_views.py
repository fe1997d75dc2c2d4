"""The pages of the action-line cards: who sees what, what each form refuses, and the overview's query budget."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from actielijnen import forms, services
from actielijnen.models import Actielijn, Mijlpaal, Status, Statusupdate

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name: str, card: Actielijn | None = None, **kwargs) -> str:
    if card is not None:
        kwargs["code"] = card.code
    return reverse(f"actielijnen:{name}", kwargs=kwargs)


def login(client, people, kind: str):
    if kind != "anoniem":
        client.force_login(people[kind])
    return client


def publish(card: Actielijn, people) -> Actielijn:
    services.move_card(card=card, to=Status.TER_REVIEW, by=people["aanvoerder"])
    return services.move_card(card=card, to=Status.GEPUBLICEERD, by=people["programmateam"])


def section_data(card: Actielijn, section: str, **values) -> dict:
    """The section form's POST data as the page would send it, filled from the card."""
    data = {"version": card.version}
    for name in forms.form_fields(section):
        value = getattr(card, name)
        data[name] = "" if value is None else value
    data.update(values)
    return data


# --- the card page ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("kind", "status"),
    [("anoniem", 404), ("bewoner", 404), ("informeel", 404), ("otlid", 200), ("aanvoerder", 200), ("programmateam", 200),
     ("bestuur", 200)],
)
def test_concept_card_is_visible_to_its_team_only(client, people, card, kind, status):
    response = login(client, people, kind).get(url("card", card))
    assert response.status_code == status


def test_card_reads_like_the_format(client, people, card):
    response = login(client, people, "aanvoerder").get(url("card", card))
    html = response.content.decode()
    assert "<h1" in html and card.title in html
    order = [
        'id="sectie-doel"', 'id="sectie-opbrengsten"', 'id="sectie-smart"', 'id="sectie-trekkers"',
        'id="sectie-contactpersoon"', 'id="sectie-partijen"', 'id="sectie-eigenaarschap"', 'id="sectie-probleem"',
        'id="sectie-werkwijze"', 'id="sectie-resultaat"', 'id="sectie-voorwaarden"', 'id="planning"',
        'id="stand-van-zaken"',
    ]
    positions = [html.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert "Opbrengst 1" in html and "Verbondenheid, veerkracht en verdraagzaamheid" in html
    assert "Nog niet ingevuld" in html  # empty fields say so, nothing invented
    assert url("edit_section", card, section="werkwijze") in html
    assert "Concept" in html


def test_published_card_is_public_without_edit_links(client, people, card):
    publish(card, people)
    response = client.get(url("card", card))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bewerken" not in html
    assert url("edit_section", card, section="werkwijze") not in html
    assert 'action="' + url("add_update", card) not in html
    assert url("move", card) not in html


def test_translations_missing_notice(client, people, card):
    login(client, people, "aanvoerder")
    html = client.get(url("card", card)).content.decode()
    assert "Nog niet vertaald naar het Engels" in html
    assert "Actielijn</li>" in html
    services.update_card(
        by=people["programmateam"], card=card, version=card.version,
        changes={"title_en": "Countering domestic violence", "goal_en": "Cooperation."},
    )
    assert "Nog niet vertaald naar het Engels" not in client.get(url("card", card)).content.decode()


# --- editing a section -------------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "status"), [("aanvoerder", 200), ("programmateam", 200), ("otlid", 403), ("anoniem", 302)])
def test_edit_section_rights(client, people, card, kind, status):
    assert login(client, people, kind).get(url("edit_section", card, section="werkwijze")).status_code == status


def test_edit_section_of_a_card_one_does_not_see_is_404(client, people, other_card):
    assert login(client, people, "aanvoerder").get(url("edit_section", other_card, section="werkwijze")).status_code == 404


def test_edit_section_of_a_visible_card_one_does_not_lead_is_403(client, people, card, other_card):
    publish(card, people)
    otherwise = services.create_card(by=people["programmateam"], domain=other_card.domain, code="openbaar", title="Openbaar")
    services.move_card(card=otherwise, to=Status.TER_REVIEW, by=people["programmateam"])
    services.move_card(card=otherwise, to=Status.GEPUBLICEERD, by=people["programmateam"])
    assert login(client, people, "aanvoerder").get(url("edit_section", otherwise, section="werkwijze")).status_code == 403


@pytest.mark.parametrize("section", list(forms.SECTIONS))
def test_every_section_form_renders(client, people, card, section):
    response = login(client, people, "programmateam").get(url("edit_section", card, section=section))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'name="version" value="{card.version}"' in html
    assert escape(str(forms.SECTIONS[section][0])) in html


def test_unknown_section_is_404(client, people, card):
    assert login(client, people, "aanvoerder").get(url("edit_section", card, section="bestaat-niet")).status_code == 404


def test_aanvoerder_saves_a_section(client, people, card):
    login(client, people, "aanvoerder")
    response = client.post(url("edit_section", card, section="werkwijze"), section_data(card, "werkwijze", way_of_working_nl="Samen met de buurt."))
    assert response.status_code == 302
    assert response["Location"].endswith("#sectie-werkwijze")
    card.refresh_from_db()
    assert card.way_of_working_nl == "Samen met de buurt."
    assert card.version == 2


def test_empty_title_is_refused_next_to_the_field(client, people, card):
    login(client, people, "aanvoerder")
    response = client.post(url("edit_section", card, section="doel"), section_data(card, "doel", title_nl="", opbrengsten=[]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Een actielijn heeft een titel." in html
    assert 'aria-invalid="true"' in html
    card.refresh_from_db()
    assert card.title_nl == "Tegengaan huiselijk geweld en kindermishandeling"
    assert card.version == 1


def test_concurrent_edit_shows_the_other_change_and_keeps_it(client, people, card):
    login(client, people, "aanvoerder")
    opened = client.get(url("edit_section", card, section="werkwijze"))
    assert 'name="version" value="1"' in opened.content.decode()
    services.update_card(by=people["programmateam"], card=card, version=1, changes={"way_of_working_nl": "Werkwijze van de ander"})

    response = client.post(url("edit_section", card, section="werkwijze"), {"version": 1, "way_of_working_nl": "Mijn werkwijze", "way_of_working_en": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Iemand anders heeft deze kaart intussen opgeslagen" in html
    card.refresh_from_db()
    assert card.way_of_working_nl == "Werkwijze van de ander"
    # Having seen the other change, saving again is a deliberate choice and goes through.
    assert 'name="version" value="2"' in html
    again = client.post(url("edit_section", card, section="werkwijze"), {"version": 2, "way_of_working_nl": "Mijn werkwijze", "way_of_working_en": ""})
    assert again.status_code == 302
    card.refresh_from_db()
    assert card.way_of_working_nl == "Mijn werkwijze"


def test_concurrent_edit_shows_what_the_other_changed(client, people, card):
    login(client, people, "aanvoerder")
    services.update_card(by=people["programmateam"], card=card, version=1, changes={"way_of_working_nl": "Werkwijze van de ander"})
    response = client.post(url("edit_section", card, section="werkwijze"), {"version": 1, "way_of_working_nl": "Mijn werkwijze", "way_of_working_en": ""})
    html = response.content.decode()
    assert "Wat de ander heeft gewijzigd" in html
    assert "Werkwijze van de ander" in html


# --- history and restore ------------------------------------------------------------------------------

def test_history_shows_the_per_field_diff(client, people, card):
    services.update_card(by=people["aanvoerder"], card=card, version=1, changes={"way_of_working_nl": "Eerste aanpak"})
    services.update_card(by=people["aanvoerder"], card=card, version=2, changes={"way_of_working_nl": "Tweede aanpak"})
    response = login(client, people, "otlid").get(url("history", card))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Werkwijze" in html
    assert "Eerste aanpak" in html and "Tweede aanpak" in html
    assert "Deze versie terugzetten" not in html  # only the programme team restores


@pytest.mark.parametrize(("kind", "status"), [("otlid", 200), ("aanvoerder", 200), ("programmateam", 200), ("bewoner", 404)])
def test_history_rights(client, people, card, kind, status):
    assert login(client, people, kind).get(url("history", card)).status_code == status


def test_restore_is_for_the_programme_team(client, people, card):
    first = card.history.order_by("history_id").first()
    services.update_card(by=people["aanvoerder"], card=card, version=1, changes={"way_of_working_nl": "Later"})

    assert login(client, people, "aanvoerder").post(url("restore", card, history_id=first.history_id)).status_code == 403
    html = login(client, people, "programmateam").get(url("history", card)).content.decode()
    assert "Deze versie terugzetten" in html
    response = client.post(url("restore", card, history_id=first.history_id))
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.way_of_working_nl in ("", None)
    assert card.version == 3


# --- workflow ----------------------------------------------------------------------------------------

def test_aanvoerder_submits_but_does_not_publish(client, people, card):
    login(client, people, "aanvoerder")
    html = client.get(url("card", card)).content.decode()
    assert "Indienen voor review" in html and "Publiceren" not in html
    assert client.post(url("move", card), {"to": Status.TER_REVIEW}).status_code == 302
    card.refresh_from_db()
    assert card.status == Status.TER_REVIEW
    assert client.post(url("move", card), {"to": Status.GEPUBLICEERD}).status_code == 403
    card.refresh_from_db()
    assert card.status == Status.TER_REVIEW


def test_programme_team_publishes(client, people, card):
    services.move_card(card=card, to=Status.TER_REVIEW, by=people["aanvoerder"])
    login(client, people, "programmateam")
    assert "Publiceren" in client.get(url("card", card)).content.decode()
    assert client.post(url("move", card), {"to": Status.GEPUBLICEERD}).status_code == 302
    card.refresh_from_db()
    assert card.status == Status.GEPUBLICEERD
    assert card.published_at is not None
    assert card.published_by == people["programmateam"]


def test_send_back_needs_a_reason(client, people, card):
    services.move_card(card=card, to=Status.TER_REVIEW, by=people["aanvoerder"])
    login(client, people, "programmateam")
    client.post(url("move", card), {"to": Status.CONCEPT, "reason": ""})
    card.refresh_from_db()
    assert card.status == Status.TER_REVIEW
    client.post(url("move", card), {"to": Status.CONCEPT, "reason": "De SMART-doelen ontbreken."})
    card.refresh_from_db()
    assert card.status == Status.CONCEPT


# --- status updates ------------------------------------------------------------------------------------

def test_aanvoerder_posts_a_status_update(client, people, card):
    login(client, people, "aanvoerder")
    assert "Statusupdate plaatsen" in client.get(url("card", card)).content.decode()
    response = client.post(url("add_update", card), {"text": "Eerste bijeenkomst gehouden.", "text_en": ""})
    assert response.status_code == 302
    assert response["Location"].endswith("#stand-van-zaken")
    update = card.statusupdates.get()
    assert update.state == Statusupdate.State.GEPLAATST
    assert "Eerste bijeenkomst gehouden." in client.get(url("card", card)).content.decode()


def test_team_member_proposes_and_aanvoerder_accepts(client, people, card):
    login(client, people, "otlid")
    html = client.get(url("card", card)).content.decode()
    assert "Statusupdate voorstellen" in html and "Statusupdate plaatsen" not in html
    assert client.post(url("add_update", card), {"text": "Voorstel uit het opgaveteam."}).status_code == 302
    proposal = card.statusupdates.get()
    assert proposal.state == Statusupdate.State.VOORGESTELD
    assert client.post(url("decide_update", card, pk=proposal.pk), {"besluit": "plaatsen"}).status_code == 403

    login(client, people, "aanvoerder")
    html = client.get(url("card", card)).content.decode()
    assert "Voorgestelde updates" in html and "Voorstel uit het opgaveteam." in html
    assert 'value="plaatsen"' in html and 'value="afwijzen"' in html
    assert client.post(url("decide_update", card, pk=proposal.pk), {"besluit": "plaatsen"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == Statusupdate.State.GEPLAATST


def test_empty_status_update_is_refused(client, people, card):
    response = login(client, people, "aanvoerder").post(url("add_update", card), {"text": "  "})
    assert response.status_code == 400
    assert "Schrijf wat de stand van zaken is." in response.content.decode()
    assert not card.statusupdates.exists()


def test_comment(client, people, card):
    login(client, people, "otlid")
    assert client.post(url("comment", card), {"text": ""}).status_code == 400
    assert client.post(url("comment", card), {"text": "Goed plan."}).status_code == 302
    assert "Goed plan." in client.get(url("card", card)).content.decode()


# --- milestones -----------------------------------------------------------------------------------------

MILESTONE = {"title_nl": "Eerste netwerkbijeenkomst", "title_en": "", "starts_on": "2026-02-01", "due_on": "2026-03-01", "state": "gepland", "progress": "0"}


def test_milestone_add_edit_delete_without_javascript(client, people, card):
    login(client, people, "aanvoerder")
    response = client.post(url("milestone_add", card), MILESTONE)
    assert response.status_code == 302 and response["Location"].endswith("#planning")
    item = card.mijlpalen.get()
    html = client.get(url("card", card)).content.decode()
    assert f'id="mijlpaal-{item.pk}"' in html and "<progress" in html

    assert client.get(url("milestone_edit", card, pk=item.pk)).status_code == 200
    assert client.get(url("milestone_add", card)).status_code == 200
    response = client.post(url("milestone_edit", card, pk=item.pk), {**MILESTONE, "state": "bezig", "progress": "40"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.state, item.progress) == ("bezig", 40)

    assert client.post(url("milestone_delete", card, pk=item.pk)).status_code == 302
    assert not card.mijlpalen.exists()


def test_milestone_add_edit_delete_with_htmx(client, people, card):
    login(client, people, "aanvoerder")
    response = client.post(url("milestone_add", card), MILESTONE, **HTMX)
    assert response.status_code == 200
    item = card.mijlpalen.get()
    html = response.content.decode()
    assert html.lstrip().startswith("<tr") and f'id="mijlpaal-{item.pk}"' in html and "<html" not in html

    form = client.get(url("milestone_edit", card, pk=item.pk), **HTMX).content.decode()
    assert form.lstrip().startswith("<tr") and "<form" in form and 'hx-post="' in form and "<html" not in form
    assert url("milestone_row", card, pk=item.pk) in form

    response = client.post(url("milestone_edit", card, pk=item.pk), {**MILESTONE, "progress": "60"}, **HTMX)
    assert response.status_code == 200 and "60%" in response.content.decode()

    row = client.get(url("milestone_row", card, pk=item.pk), **HTMX).content.decode()
    assert row.lstrip().startswith("<tr") and "Wijzigen" in row

    response = client.post(url("milestone_delete", card, pk=item.pk), **HTMX)
    assert response.status_code == 200 and response.content.decode().strip() == ""
    assert not Mijlpaal.objects.filter(pk=item.pk).exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"starts_on": "2026-05-01", "due_on": "2026-04-01"}, "De einddatum ligt vóór de startdatum."),
        ({"starts_on": "", "due_on": "2050-01-01"}, "buiten de looptijd van het programma"),
        ({"progress": "150"}, "Voortgang is een percentage van 0 tot 100."),
        ({"title_nl": ""}, "Geef de mijlpaal een naam."),
    ],
)
def test_bad_milestones_are_refused(client, people, card, changes, message):
    login(client, people, "aanvoerder")
    response = client.post(url("milestone_add", card), {**MILESTONE, **changes})
    assert response.status_code == 400
    assert message in response.content.decode()
    response = client.post(url("milestone_add", card), {**MILESTONE, **changes}, **HTMX)
    assert response.status_code == 200 and message in response.content.decode()
    assert response.content.decode().lstrip().startswith("<tr")
    assert not card.mijlpalen.exists()


def test_milestones_are_edited_by_the_leads_only(client, people, card):
    item = services.save_milestone(by=people["aanvoerder"], card=card, title_nl="M", due_on=datetime.date(2026, 6, 1))
    login(client, people, "otlid")
    assert client.get(url("milestone_edit", card, pk=item.pk)).status_code == 403
    assert client.post(url("milestone_delete", card, pk=item.pk)).status_code == 403
    assert url("milestone_edit", card, pk=item.pk) not in client.get(url("card", card)).content.decode()


# --- overview and create --------------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "status"), [("anoniem", 302), ("bewoner", 403), ("informeel", 403), ("otlid", 200), ("programmateam", 200)])
def test_overview_rights(client, people, card, kind, status):
    response = login(client, people, kind).get(url("overview"))
    assert response.status_code == status
    if kind == "anoniem":
        assert reverse("login") in response["Location"]


def test_overview_filters_counts_and_links(client, people, card, other_card):
    publish(card, people)
    login(client, people, "programmateam")
    html = client.get(url("overview")).content.decode()
    assert card.title in html and other_card.title in html
    assert url("create") in html
    response = client.get(url("overview"), {"domein": "veiligheid", "status": "", "stil": "", "sorteer": "titel"})
    html = response.content.decode()
    assert card.title in html and other_card.title not in html
    assert "1 actielijn<" in html
    html = client.get(url("overview"), {"status": Status.CONCEPT}).content.decode()
    assert other_card.title in html and card.title not in html
    html = login(client, people, "otlid").get(url("overview")).content.decode()
    assert url("create") not in html


def test_overview_marks_stale_cards(client, people, card):
    Actielijn.objects.filter(pk=card.pk).update(created_at=card.created_at - datetime.timedelta(weeks=10))
    html = login(client, people, "programmateam").get(url("overview"), {"stil": "6"}).content.decode()
    assert card.title in html and "snw-badge--stale" in html


def test_overview_pagination_keeps_filters(client, people, structure):
    for i in range(55):
        services.create_card(by=people["programmateam"], domain=structure["domain"], code=f"kaart-{i:02d}", title=f"Kaart {i:02d}")
    html = login(client, people, "programmateam").get(url("overview"), {"domein": "veiligheid"}).content.decode()
    assert "pagina=2" in html and "domein=veiligheid" in html


def _overview_queries(client, people, structure, n: int, start: int) -> int:
    for i in range(start, start + n):
        services.create_card(
            by=people["programmateam"], domain=structure["domain"], code=f"kaart-{i:03d}", title=f"Kaart {i:03d}",
            aanvoerder=people["aanvoerder"], partners=[structure["orgs"]["formeel"]],
        )
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("overview")).status_code == 200
    return len(queries)


def test_overview_query_count_does_not_grow(client, people, structure):
    login(client, people, "programmateam")
    at_10 = _overview_queries(client, people, structure, 10, 0)
    at_60 = _overview_queries(client, people, structure, 50, 10)
    assert at_10 == at_60


def test_create_card(client, people, structure):
    login(client, people, "programmateam")
    assert client.get(url("create")).status_code == 200
    response = client.post(url("create"), {"domain": structure["domain"].pk, "title": "", "code": "Geen Slug!"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Een actielijn heeft een titel." in html and "Gebruik alleen kleine letters" in html
    response = client.post(url("create"), {"domain": structure["domain"].pk, "title": "Nieuwe lijn", "code": "nieuwe-lijn"})
    assert response.status_code == 302
    assert Actielijn.objects.get(code="nieuwe-lijn").status == Status.CONCEPT
    assert login(client, people, "aanvoerder").get(url("create")).status_code == 403
