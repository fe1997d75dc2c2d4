"""Fund and budget pages through the test client: who may see and edit them, bad input, and an overdrawn
fund-year shown as "overschreden" with its override."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from financiering import services
from financiering.models import BudgetOverride, Fund, FundYear
from tests.financiering.conftest import GOOD_SCORES

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(f"financiering:{name}", kwargs=kwargs or None)


FUND_POST = {
    "slug": "vliegwielmiddelen", "name": "Vliegwielmiddelen", "source": "Gemeente Amsterdam", "scope": "Nieuw-West",
    "first_year": "2025", "last_year": "2027", "total_text": "", "rules": "Tijdelijk.", "notes": "", "source_ref": "003:1953",
    "is_temporary": "on", "is_active": "on",
}


def test_budget_and_fund_pages_follow_the_rights_table(client, people, funds):
    pages = [url("budget"), url("funds"), url("fund", slug="preventie-met-gezag")]
    for page in pages:
        assert client.get(page).status_code == 302
    for role, status in [("bewoner", 403), ("otlid", 403), ("informeel", 403), ("programmateam", 200), ("fondsbeheerder", 200), ("bestuur", 200)]:
        client.force_login(people[role])
        for page in pages:
            assert client.get(page).status_code == status, (role, page)
    client.force_login(people["programmateam"])
    assert client.get(url("fund", slug="bestaat-niet")).status_code == 404


def test_editing_funds_is_for_programme_team_and_guardians(client, people, funds):
    for role, status in [("bestuur", 403), ("otlid", 403), ("programmateam", 200), ("fondsbeheerder", 200)]:
        client.force_login(people[role])
        assert client.get(url("fund_create")).status_code == status, role
        assert client.get(url("fund_edit", slug="spuk-kansrijke-wijk")).status_code == status, role
        assert client.get(url("fund_year", slug="spuk-kansrijke-wijk")).status_code == status, role
    client.force_login(people["bestuur"])
    assert client.post(url("fund_create"), FUND_POST).status_code == 403
    assert not Fund.objects.filter(slug="vliegwielmiddelen").exists()


def test_create_and_edit_a_fund(client, people):
    client.force_login(people["programmateam"])
    response = client.post(url("fund_create"), FUND_POST)
    assert response.status_code == 302
    fund = Fund.objects.get(slug="vliegwielmiddelen")
    assert (fund.first_year, fund.last_year, fund.is_temporary) == (2025, 2027, True)
    response = client.post(url("fund_edit", slug=fund.slug), {**FUND_POST, "name": "Vliegwielmiddelen NW", "slug": "anders"})
    assert response.status_code == 302
    fund.refresh_from_db()
    assert (fund.name, fund.slug) == ("Vliegwielmiddelen NW", "vliegwielmiddelen")
    page = client.get(url("fund", slug=fund.slug)).content.decode()
    assert "Vliegwielmiddelen NW" in page and "2025–2027" in page and "Tijdelijk." in page


def test_bad_fund_input_shows_dutch_errors_and_saves_nothing(client, people, funds):
    client.force_login(people["programmateam"])
    response = client.post(url("fund_create"), {**FUND_POST, "first_year": "2027", "last_year": "2025"})
    assert response.status_code == 400 and "Het laatste jaar ligt vóór het eerste jaar." in response.content.decode()
    response = client.post(url("fund_create"), {**FUND_POST, "name": "", "first_year": "twintig"})
    page = response.content.decode()
    assert response.status_code == 400 and "Geef het fonds een naam." in page and "Vul een jaar in cijfers in" in page
    response = client.post(url("fund_create"), {**FUND_POST, "slug": "preventie-met-gezag"})
    assert response.status_code == 400
    assert not Fund.objects.filter(name="Vliegwielmiddelen").exists()
    # Shrinking the period past a year with a budget is refused by the service.
    response = client.post(url("fund_edit", slug="spuk-kansrijke-wijk"), {**FUND_POST, "first_year": "2027", "last_year": "2027"})
    assert response.status_code == 400 and "Er zijn budgetten buiten deze periode" in response.content.decode()
    assert Fund.objects.get(slug="spuk-kansrijke-wijk").first_year == 2025


def test_fund_year_is_set_and_bad_years_or_amounts_are_refused(client, people, funds):
    client.force_login(people["fondsbeheerder"])
    slug = "spuk-kansrijke-wijk"
    for data, message in [
        ({"year": "2030", "available": "1000"}, "2030 valt buiten de looptijd van SPUK Kansrijke wijk (2025–2027)."),
        ({"year": "2027", "available": "-5"}, "Het beschikbare bedrag kan niet negatief zijn."),
        ({"year": "2027", "available": "veel"}, "Vul een bedrag in cijfers in"),
        ({"year": "", "available": "1000"}, "Vul een jaar in."),
    ]:
        response = client.post(url("fund_year", slug=slug), data)
        assert response.status_code == 400 and message in response.content.decode(), data
    assert not FundYear.objects.filter(fund__slug=slug, year__in=[2027, 2030]).exists()
    assert client.post(url("fund_year", slug=slug), {"year": "2027", "available": "1.250.000,00", "note": "Besluit AB"}).status_code == 302
    assert FundYear.objects.get(fund__slug=slug, year=2027).available == Decimal("1250000")


def test_budget_shows_overdrawn_fund_year_with_its_override(client, people, proposal, funds, meeting, ab_voorzitter):
    services.set_lines(by=people["otlid"], proposal=proposal, lines=[{"fund": funds["spuk"], "year": 2026, "amount": Decimal("60000")}])
    services.submit(by=people["otlid"], proposal=proposal, over_budget_reason="Start van de stichtingen kost meer.")
    services.move(by=people["programmateam"], proposal=proposal, to="in-behandeling")
    services.record_check(by=people["programmateam"], proposal=proposal, kind="volledigheid", outcome="akkoord")
    services.record_check(by=people["otvoorzitter"], proposal=proposal, kind="team-akkoord", outcome="akkoord")
    services.record_check(by=people["fondsbeheerder"], proposal=proposal, kind="financieel", outcome="akkoord", fund=funds["spuk"])
    review = services.assign_reviewer(by=people["programmateam"], proposal=proposal, reviewer=people["regisseur"])
    services.move(by=people["programmateam"], proposal=proposal, to="advies")
    services.submit_review(by=people["regisseur"], review=review, recommendation="positief", text="Doen.", scores=GOOD_SCORES)
    services.put_on_agenda(by=people["programmateam"], proposal=proposal, meeting=meeting)
    services.record_decision(
        by=ab_voorzitter, meeting=meeting, proposal=proposal, outcome="toegekend", over_budget_reason="Bestuur kiest hiervoor.",
        lines=[{"fund": funds["spuk"], "year": 2026, "amount": Decimal("60000")}],
    )
    assert BudgetOverride.objects.filter(stage="besluit").exists()
    client.force_login(people["bestuur"])
    page = client.get(url("budget") + "?jaar=2026").content.decode()
    assert "overschreden" in page and "Bestuur kiest hiervoor." in page
    assert "10.000,00" in page  # remaining −€ 10.000,00
    assert "Veiligheid" in page  # per-domain table
    page = client.get(url("budget") + "?jaar=2026&domein=veiligheid").content.decode()
    assert "60.000,00" in page


def test_guardians_are_given_and_taken_on_the_fund_page(client, people, funds, make_person):
    from financiering.models import FundUserObjectPermission

    pmg = funds["pmg"]
    client.force_login(people["programmateam"])
    url = reverse("financiering:fund_guardian", kwargs={"slug": pmg.slug})
    # Someone without a guardian's seat is refused, with the reason, and nothing is granted.
    response = client.post(url, {"user": people["otlid"].pk}, follow=True)
    assert "geen zetel als bewaker" in response.content.decode()
    assert not FundUserObjectPermission.objects.filter(content_object=pmg, user=people["otlid"]).exists()
    # The guardian is taken off and put back.
    client.post(url, {"user": people["fondsbeheerder"].pk, "action": "remove"})
    assert not FundUserObjectPermission.objects.filter(content_object=pmg, user=people["fondsbeheerder"]).exists()
    page = client.get(reverse("financiering:fund", kwargs={"slug": pmg.slug})).content.decode()
    assert "Bewaker toevoegen" in page
    client.post(url, {"user": people["fondsbeheerder"].pk})
    assert FundUserObjectPermission.objects.filter(content_object=pmg, user=people["fondsbeheerder"]).exists()
    # A resident gets a 403.
    client.force_login(people["bewoner"])
    assert client.post(url, {"user": people["fondsbeheerder"].pk, "action": "remove"}).status_code == 403
