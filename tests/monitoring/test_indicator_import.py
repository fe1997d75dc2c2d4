"""Importing measurements: bounded, all-or-nothing, row-level Dutch errors; the export reads back."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from monitoring import indicators, resources
from monitoring.models import Measurement
from samennw.audit import AuditEvent
from samennw.spreadsheets import write_xlsx

pytestmark = pytest.mark.django_db

HEADER = "Indicator,Periode,Waarde,Toelichting\n"


@pytest.fixture
def setup(people, structure, client):
    by = people["programmateam"]
    aantal = indicators.create_indicator(by=by, slug="toezichthouders", domain=structure["domain"], name="Toezichthouders", is_public=True)
    procent = indicators.create_indicator(by=by, slug="contact-procent", domain=structure["domain"], name="Contact", unit="procent")
    client.force_login(by)
    return {"aantal": aantal, "procent": procent, "client": client}


def upload(client, text: str | bytes, name="metingen.csv"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return client.post(reverse("monitoring:indicator_import"), {"bestand": SimpleUploadedFile(name, data)})


def confirm(client):
    return client.post(reverse("monitoring:indicator_import_confirm"))


def test_happy_path_preview_then_confirm(setup):
    client = setup["client"]
    response = upload(client, HEADER + "toezichthouders,2024,30,eigen telling\ntoezichthouders,2025,40,001:109\ncontact-procent,2025-K1,\"30,5\",\n")
    assert response.status_code == 200
    assert not Measurement.objects.exists()  # the preview writes nothing
    assert "Import bevestigen" in response.content.decode()
    response = confirm(client)
    assert response.status_code == 302
    assert Measurement.objects.count() == 3
    assert Measurement.objects.get(indicator__slug="contact-procent").value == Decimal("30.50")
    assert AuditEvent.objects.filter(event="indicator.measurements_imported").count() == 1


def test_existing_period_gets_new_value(setup, people):
    indicators.add_measurement(by=None, indicator=setup["aantal"], period_start=__import__("datetime").date(2025, 1, 1), granularity="jaar", value=Decimal(39))
    client = setup["client"]
    response = upload(client, HEADER + "toezichthouders,2025,40,\n")
    assert "gewijzigd" in response.content.decode()
    confirm(client)
    assert Measurement.objects.get().value == Decimal(40)


@pytest.mark.parametrize("row,message", [
    ("onbekend,2025,1,", "onbekende indicator &#x27;onbekend&#x27;"),
    ("toezichthouders,2025,veel,", "&#x27;veel&#x27; is geen getal"),
    ("contact-procent,2025,140,", "een percentage ligt tussen 0 en 100, niet 140"),
    ("toezichthouders,volgend jaar,1,", "is geen periode"),
    ("toezichthouders,2024,5,\ntoezichthouders,2024,6,", "heeft periode 2024 ook in rij 3"),
])
def test_bad_rows_save_nothing(setup, row, message):
    client = setup["client"]
    response = upload(client, HEADER + "toezichthouders,2023,3,goede rij\n" + row + "\n")
    body = response.content.decode()
    assert response.status_code == 400
    assert message in body, body[:3000]
    assert "Rij " in body and "Er is niets opgeslagen" in body
    assert confirm(client).status_code == 302  # nothing waits for confirmation
    assert not Measurement.objects.exists()


def test_row_errors_are_reported_per_row_and_column(setup):
    from samennw.spreadsheets import read_sheet

    data = io.BytesIO((HEADER + "onbekend,2025,1,\ncontact-procent,2025,140,\ntoezichthouders,2025,x,\n").encode())
    plan = resources.plan_import(read_sheet(data, "csv"))
    assert [str(e) for e in plan.errors] == [
        "Rij 2, kolom 'Indicator': onbekende indicator 'onbekend'",
        "Rij 3, kolom 'Waarde': een percentage ligt tussen 0 en 100, niet 140.00",
        "Rij 4, kolom 'Waarde': 'x' is geen getal",
    ]
    with pytest.raises(resources.ImportRefused):
        resources.apply_import(read_sheet(data, "csv"), by=None)
    assert not Measurement.objects.exists()


def test_missing_column_is_refused(setup):
    response = upload(setup["client"], "Indicator,Waarde\ntoezichthouders,1\n")
    assert response.status_code == 400
    assert "Deze kolommen ontbreken: &#x27;Periode&#x27;" in response.content.decode()


def test_oversized_file_is_refused_before_parsing(setup):
    body = (HEADER + "toezichthouders,2025,1,\n" * 500_000).encode()  # about 12 MB, over the 10 MB limit
    response = upload(setup["client"], body)
    assert response.status_code == 400
    assert "Het bestand is groter dan 10 MB" in response.content.decode()
    assert not Measurement.objects.exists()


def test_too_many_rows_is_refused(setup):
    body = HEADER + "".join(f"toezichthouders,{2000 + i % 100}-{1 + i % 12:02d},1,\n" for i in range(10_001))
    response = upload(setup["client"], body)
    assert response.status_code == 400
    assert "meer dan 10.000 rijen" in response.content.decode()
    assert not Measurement.objects.exists()


def test_not_a_spreadsheet_is_refused(setup):
    response = upload(setup["client"], b"\x89PNG\r\n\x1a\n\x00\x00", name="metingen.csv")
    assert response.status_code == 400
    assert not Measurement.objects.exists()


def test_xlsx_import_and_changed_since_preview(setup):
    client = setup["client"]
    body = write_xlsx(["Indicator", "Periode", "Waarde", "Toelichting"], [["toezichthouders", "2025", 40, "=kwaad"]])
    assert upload(client, body, name="metingen.xlsx").status_code == 200
    # someone adds the same period between preview and confirmation
    indicators.add_measurement(by=None, indicator=setup["aantal"], period_start=__import__("datetime").date(2025, 1, 1), granularity="jaar", value=Decimal(1))
    response = confirm(client)
    assert response.status_code == 409
    assert Measurement.objects.get().value == Decimal(1)


def test_export_neutralises_and_reads_back(setup):
    client = setup["client"]
    indicators.add_measurement(
        by=None, indicator=setup["aantal"], period_start=__import__("datetime").date(2025, 1, 1), granularity="jaar",
        value=Decimal(40), source_note="=HYPERLINK(\"x\")",
    )
    response = client.get(reverse("monitoring:indicator_export") + "?formaat=csv")
    text = response.content.decode("utf-8-sig")
    assert "toezichthouders,2025,40,\"'=HYPERLINK(\"\"x\"\")\"" in text
    response = upload(client, text)
    assert response.status_code == 200
    assert "ongewijzigd" in response.content.decode()


@pytest.mark.parametrize("kind", ["bewoner", "otlid", "aanvoerder"])
def test_import_is_for_the_programme_team(client, people, structure, kind):
    client.force_login(people[kind])
    assert client.get(reverse("monitoring:indicator_import")).status_code == 403
    assert client.post(reverse("monitoring:indicator_import_confirm")).status_code == 403
    assert client.get(reverse("monitoring:indicator_export")).status_code == 403
