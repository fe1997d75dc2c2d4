"""Indicators and measurements: validation, pages with rights, panels, fixtures and the dashboard's query budget."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actielijnen.models import Actielijn
from domains.fixtures_loader import load_fixtures
from monitoring import indicators
from monitoring.indicator_fixtures import load_indicators
from monitoring.models import Indicator, Measurement
from monitoring.models.indicators import parse_period
from samennw.audit import AuditEvent

pytestmark = pytest.mark.django_db


def make(people, structure, slug="extra-toezichthouders", **values):
    values.setdefault("is_public", True)
    return indicators.create_indicator(by=people["programmateam"], slug=slug, domain=structure["domain"], name=f"Indicator {slug}", **values)


def measure(people, indicator, year, value, **kwargs):
    return indicators.add_measurement(
        by=people["programmateam"], indicator=indicator, period_start=datetime.date(year, 1, 1), granularity="jaar",
        value=Decimal(value), **kwargs,
    )


# --- models and services ----------------------------------------------------------------------------

def test_create_writes_audit_row(people, structure):
    indicator = make(people, structure)
    assert AuditEvent.objects.filter(event="indicator.created", target_id=str(indicator.pk)).exists()
    measure(people, indicator, 2025, "40")
    assert AuditEvent.objects.filter(event="indicator.measurement_added").count() == 1


def test_percent_must_be_between_0_and_100(people, structure):
    indicator = make(people, structure, unit="procent")
    with pytest.raises(ValidationError) as exc:
        measure(people, indicator, 2025, "140")
    assert "tussen 0 en 100" in str(exc.value)
    with pytest.raises(ValidationError):
        make(people, structure, slug="b", unit="procent", target_value=Decimal("120"), target_year=2030)


def test_years_must_be_sensible(people, structure):
    with pytest.raises(ValidationError) as exc:
        make(people, structure, baseline_value=Decimal(1), baseline_year=2025, target_value=Decimal(2), target_year=2020)
    assert "target_year" in exc.value.message_dict
    with pytest.raises(ValidationError):
        make(people, structure, slug="c", baseline_value=Decimal(1))  # a baseline needs its year
    with pytest.raises(ValidationError):
        make(people, structure, slug="d", target_value=Decimal(1), target_year=1850)


def test_count_cannot_be_negative_and_other_unit_needs_label(people, structure):
    indicator = make(people, structure)
    with pytest.raises(ValidationError):
        measure(people, indicator, 2025, "-1")
    with pytest.raises(ValidationError):
        make(people, structure, slug="e", unit="anders")


def test_one_measurement_per_period(people, structure):
    indicator = make(people, structure)
    measure(people, indicator, 2025, "40")
    with pytest.raises(ValidationError):
        measure(people, indicator, 2025, "41")
    assert Measurement.objects.count() == 1


def test_period_must_start_on_its_first_day(people, structure):
    indicator = make(people, structure)
    with pytest.raises(ValidationError):
        indicators.add_measurement(
            by=None, indicator=indicator, period_start=datetime.date(2025, 2, 1), granularity="kwartaal", value=Decimal(1)
        )


@pytest.mark.parametrize("text,expected", [
    ("2025", (datetime.date(2025, 1, 1), "jaar")),
    ("2025-K2", (datetime.date(2025, 4, 1), "kwartaal")),
    ("2025-Q4", (datetime.date(2025, 10, 1), "kwartaal")),
    ("2025-03", (datetime.date(2025, 3, 1), "maand")),
])
def test_parse_period(text, expected):
    assert parse_period(text) == expected


@pytest.mark.parametrize("text", ["25", "2025-13", "2025-K5", "volgend jaar", "1850"])
def test_parse_period_refuses(text):
    with pytest.raises(ValueError, match="geen periode"):
        parse_period(text)


def test_actielijn_must_belong_to_domain(people, structure, other_card):
    with pytest.raises(ValidationError):
        make(people, structure, actielijn=other_card)


# --- pages and rights -------------------------------------------------------------------------------

def login(client, people, kind):
    if kind != "anoniem":
        client.force_login(people[kind])
    return client


@pytest.mark.parametrize("kind,status", [("programmateam", 200), ("bewoner", 403), ("otlid", 403)])
def test_dashboard_rights(client, people, structure, kind, status):
    make(people, structure)
    assert login(client, people, kind).get(reverse("monitoring:indicators")).status_code == status


def test_dashboard_anonymous_is_sent_to_login(client, people, structure):
    response = client.get(reverse("monitoring:indicators"))
    assert response.status_code == 302


@pytest.mark.parametrize("kind,public,status", [
    ("anoniem", True, 200), ("bewoner", True, 200), ("programmateam", True, 200),
    ("anoniem", False, 404), ("bewoner", False, 404), ("otlid", False, 404), ("programmateam", False, 200),
])
def test_detail_visibility(client, people, structure, kind, public, status):
    indicator = make(people, structure, is_public=public)
    measure(people, indicator, 2024, "30")
    measure(people, indicator, 2025, "40")
    response = login(client, people, kind).get(indicator.get_absolute_url())
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert 'role="img"' in body and "<caption" in body and 'scope="row"' in body


def test_missing_indicator_is_404(client, people, structure):
    assert login(client, people, "programmateam").get(reverse("monitoring:indicator", args=["bestaat-niet"])).status_code == 404


def test_add_measurement_through_the_form(client, people, structure):
    indicator = make(people, structure, unit="procent")
    login(client, people, "programmateam")
    url = reverse("monitoring:measurement_add", args=[indicator.slug])
    response = client.post(url, {"periode": "2025-K1", "waarde": "140", "aanduiding": "exact"})
    assert response.status_code == 400
    assert "tussen 0 en 100" in response.content.decode()
    response = client.post(url, {"periode": "2025-K1", "waarde": "30,5", "aanduiding": "ongeveer", "toelichting": "eigen telling"})
    assert response.status_code == 302
    m = Measurement.objects.get()
    assert (m.value, m.granularity, m.period_start) == (Decimal("30.5"), "kwartaal", datetime.date(2025, 1, 1))
    response = client.post(url, {"periode": "2025-K1", "waarde": "31", "aanduiding": "exact"})
    assert response.status_code == 400
    assert Measurement.objects.count() == 1


def test_add_measurement_refused_for_resident(client, people, structure):
    indicator = make(people, structure)
    response = login(client, people, "bewoner").post(
        reverse("monitoring:measurement_add", args=[indicator.slug]), {"periode": "2025", "waarde": "1", "aanduiding": "exact"}
    )
    assert response.status_code == 403
    assert not Measurement.objects.exists()


def test_create_and_edit_indicator_through_the_form(client, people, structure):
    login(client, people, "programmateam")
    data = {
        "slug": "nieuwe-indicator", "domain": structure["domain"].pk, "name_nl": "Nieuwe indicator", "unit": "aantal",
        "source_kind": "eigen", "direction": "hoger", "order": 0, "target_value": "5", "target_year": "2028",
    }
    response = client.post(reverse("monitoring:indicator_create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    indicator = Indicator.objects.get(slug="nieuwe-indicator")
    response = client.post(reverse("monitoring:indicator_edit", args=[indicator.slug]), {**data, "name_nl": "Andere naam", "is_public": "on"})
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.name_nl == "Andere naam" and indicator.is_public


def test_domain_page_shows_public_indicators_only(client, people, structure):
    public = make(people, structure, slug="openbaar")
    measure(people, public, 2025, "40")
    make(people, structure, slug="intern", is_public=False)
    body = client.get(structure["domain"].get_absolute_url()).content.decode()
    assert "Indicator openbaar" in body and "Indicator intern" not in body
    assert 'role="img"' in body and "Metingen van Indicator openbaar" in body


def test_card_page_shows_its_public_indicators(client, people, structure, card):
    Actielijn.objects.filter(pk=card.pk).update(status="gepubliceerd")
    make(people, structure, slug="van-de-kaart", actielijn=card)
    body = client.get(reverse("actielijnen:card", args=[card.code])).content.decode()
    assert "Indicator van-de-kaart" in body
    assert "Nog geen metingen" in body


def _dashboard_queries(client, people, structure, count):
    for i in range(count):
        indicator = make(people, structure, slug=f"i-{count}-{i}", is_public=i % 2 == 0)
        measure(people, indicator, 2024, str(i))
        measure(people, indicator, 2025, str(i + 1))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("monitoring:indicators"))
    assert response.status_code == 200
    Indicator.objects.all().delete()
    return len(queries)


def test_dashboard_query_count_is_constant(client, people, structure):
    login(client, people, "programmateam")
    client.get(reverse("monitoring:indicators"))  # session and seats warm
    assert _dashboard_queries(client, people, structure, 3) == _dashboard_queries(client, people, structure, 30)


# --- fixtures ---------------------------------------------------------------------------------------

def test_fixtures_load_document_figures_only_and_are_idempotent(db):
    load_fixtures(with_users=False)
    load_indicators()
    assert Indicator.objects.filter(slug="permanente-time-out-woningen", target_note_nl="drie tot zes").exists()
    assert not Measurement.objects.filter(indicator__slug="permanente-time-out-woningen").exists()
    assert not Measurement.objects.filter(is_demo=True).exists()
    assert all(i.source for i in Indicator.objects.all())
    before = (Indicator.objects.count(), Measurement.objects.count(), AuditEvent.objects.count())
    assert not load_indicators().changed
    assert before == (Indicator.objects.count(), Measurement.objects.count(), AuditEvent.objects.count())
