"""Export of proposals and decisions (issue 5, item 9): XLSX and CSV, neutralised, rights, audit."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse
from openpyxl import load_workbook

from financiering import services
from samennw.models import AuditEvent
from tests.financiering.conftest import GOOD_SCORES, to_advice

URL = "financiering:export"


@pytest.fixture
def granted(people, proposal, meeting, ab_voorzitter):
    """The conftest proposal with a formula-like title, granted lower than asked with conditions."""
    proposal = services.update_proposal(
        by=people["otlid"], proposal=proposal, version=proposal.version, changes={"title": "=HYPERLINK(\"http://x\") Vrouwenwerking"}
    )
    (review,) = to_advice(people, proposal, reviewers=[people["regisseur"]])
    services.submit_review(by=people["regisseur"], review=review, recommendation="positief", text="Goed.", scores=GOOD_SCORES)
    services.put_on_agenda(by=people["programmateam"], proposal=proposal, meeting=meeting)
    fund = proposal.lines.get().fund
    services.record_decision(
        by=ab_voorzitter, meeting=meeting, proposal=proposal, outcome="toegekend", conditions="-Tussenrapportage in juni",
        lines=[{"fund": fund, "year": 2026, "amount": Decimal("30000")}],
    )
    proposal.refresh_from_db()
    return proposal


def _get(client, user, **params):
    client.force_login(user)
    return client.get(reverse(URL), params)


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _xlsx(response) -> list[tuple]:
    return list(load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0].iter_rows(values_only=True))


def test_form_page(client, people):
    response = _get(client, people["programmateam"])
    assert response.status_code == 200
    assert b'name="wat"' in response.content and b'name="formaat"' in response.content and b'name="jaar"' in response.content


def test_proposals_xlsx_one_row_per_line_neutralised(client, people, granted):
    response = _get(client, people["programmateam"], wat="voorstellen", formaat="xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"] and response["Cache-Control"] == "no-store"
    header, *rows = _xlsx(response)
    assert header[:4] == ("Kenmerk", "Titel", "Domein", "Ingediend door")
    (row,) = rows
    values = dict(zip(header, row, strict=True))
    assert values["Kenmerk"] == granted.reference
    assert values["Titel"] == "'=HYPERLINK(\"http://x\") Vrouwenwerking"
    assert values["Status"] == "Toegekend"
    assert values["Fondscode"] == "preventie-met-gezag" and values["Jaar"] == 2026
    assert Decimal(str(values["Gevraagd (EUR)"])) == Decimal("40000") and Decimal(str(values["Toegekend (EUR)"])) == Decimal("30000")
    assert values["Ingediend op"] and values["Besloten op"]
    event = AuditEvent.objects.get(event="financiering.exported")
    assert event.actor == people["programmateam"]
    assert event.details["what"] == "voorstellen" and event.details["format"] == "xlsx" and event.details["count"] == 1


def test_decisions_csv(client, people, granted):
    response = _get(client, people["fondsbeheerder"], wat="besluiten", formaat="csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    header, *rows = _csv(response)
    assert header == [
        "Vergaderdatum", "Kenmerk", "Titel", "Besluit", "Fonds", "Fondscode", "Jaar", "Toegekend (EUR)", "Voorwaarden",
        "Motivering", "Onthouden (belangenconflict)",
    ]
    (row,) = rows
    values = dict(zip(header, row, strict=True))
    assert values["Kenmerk"] == granted.reference and values["Besluit"] == "Toegekend"
    assert values["Titel"].startswith("'=") and values["Voorwaarden"] == "'-Tussenrapportage in juni"
    assert values["Jaar"] == "2026" and Decimal(values["Toegekend (EUR)"]) == Decimal("30000")
    assert values["Onthouden (belangenconflict)"] == "0"
    assert AuditEvent.objects.filter(event="financiering.exported", actor=people["fondsbeheerder"]).count() == 1


def test_year_filter(client, people, granted):
    assert len(_csv(_get(client, people["programmateam"], wat="voorstellen", formaat="csv", jaar="2026"))) == 2
    assert len(_csv(_get(client, people["programmateam"], wat="voorstellen", formaat="csv", jaar="2025"))) == 1
    assert len(_csv(_get(client, people["programmateam"], wat="besluiten", formaat="csv", jaar="2025"))) == 1


def test_concept_without_lines_still_listed(client, people, structure, card):
    services.create_proposal(
        by=people["otlid"], body=structure["bodies"]["ot"], title="Zonder bedragen", purpose="Nog in te vullen.", actielijnen=[card]
    )
    header, *rows = _csv(_get(client, people["programmateam"], wat="voorstellen", formaat="csv"))
    assert [r[1] for r in rows] == ["Zonder bedragen"] and rows[0][header.index("Fonds")] == ""


def test_bad_parameters_show_the_form_again(client, people):
    response = _get(client, people["programmateam"], wat="alles", formaat="pdf")
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(event="financiering.exported").exists()


@pytest.mark.parametrize("kind", ["bewoner", "otlid", "bestuur", "formeel"])
def test_others_are_refused_and_audited(client, people, kind):
    response = _get(client, people[kind], wat="voorstellen", formaat="csv")
    assert response.status_code == 403
    assert AuditEvent.objects.filter(event="financiering.export_denied", actor=people[kind]).exists()
    assert not AuditEvent.objects.filter(event="financiering.exported").exists()


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse(URL), {"wat": "voorstellen", "formaat": "csv"})
    assert response.status_code == 302 and response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_only_get(client, people):
    client.force_login(people["programmateam"])
    assert client.post(reverse(URL), {"wat": "voorstellen", "formaat": "csv"}).status_code == 405
