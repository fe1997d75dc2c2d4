"""Spreadsheet export and import of cards: columns, formula neutralising, round trips, bounded and
all-or-nothing imports with their Dutch messages, and the rights of each view (DECISIONS 21, 22)."""

from __future__ import annotations

import csv
import datetime
import html
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actielijnen import resources, services, views_transfer
from actielijnen.models import Actielijn, Status
from domains.models import Focusbuurt
from samennw import spreadsheets
from samennw.models import AuditEvent

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def _private_upload_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(views_transfer, "UPLOAD_DIR", tmp_path / "imports")


@pytest.fixture
def team(client, people):
    client.force_login(people["programmateam"])
    return client


@pytest.fixture
def rich_card(card, people, structure):
    """The card with every kind of column filled, including text a spreadsheet would take for a formula."""
    buurt = Focusbuurt.objects.create(slug="geuzenveld", name="Geuzenveld", gebied="Geuzenveld-Slotermeer", cluster="A")
    return services.update_card(
        by=people["programmateam"], card=card, version=card.version,
        changes={
            "title_en": "Countering domestic violence",
            "goal_nl": "=HYPERLINK(\"http://example.invalid\")",
            "smart_nl": "- eerste punt\n- tweede punt",
            "contact": "@meldpunt",
            "problem_nl": "+31 20 000 0000",
            "money_nl": "\tingesprongen",
            "risks_nl": "'s-Hertogenbosch en 't Hart",
            "trekkers": [people["otlid"]],
            "trekker_organisations": [structure["orgs"]["formeel"]],
            "partners": [structure["orgs"]["informeel"], structure["orgs"]["blijf"]],
            "focusbuurten": [buurt],
        },
    )


def _export(client, kind: str = "xlsx", **params) -> bytes:
    response = client.get(reverse("actielijnen:export"), {"formaat": kind, **params})
    assert response.status_code == 200, response.status_code
    return response.content


def _xlsx_rows(content: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return [[("" if v is None else v) for v in row] for row in sheet.iter_rows(values_only=True)]


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _csv_bytes(rows: list[list]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def _xlsx_bytes(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _upload(client, content: bytes, name: str):
    return client.post(reverse("actielijnen:import"), {"bestand": SimpleUploadedFile(name, content)})


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _snapshot() -> list[tuple]:
    return sorted(Actielijn.objects.values_list("code", "version", "title_nl", "status"))


def _col(name: str) -> int:
    return resources.COLUMNS.index(name)


# --- export ---------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_export_has_the_bijlage_3_columns_and_the_cards(team, card, other_card, people):
    rows = _xlsx_rows(_export(team))
    assert rows[0] == resources.COLUMNS
    assert rows[0][:5] == ["Code", "Domein", "Opgaveteam", "Status", "Actielijn"]
    assert "Actielijn (en)" in rows[0] and "Beleidswijzigingen (en)" in rows[0]
    by_code = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert set(by_code) == {"tegengaan-hgkm", "andere-kaart"}
    row = by_code["tegengaan-hgkm"]
    assert row["Domein"] == "veiligheid"
    assert row["Opgaveteam"] == "opgaveteam-veiligheid"
    assert row["Status"] == "concept"
    assert row["Actielijn"] == "Tegengaan huiselijk geweld en kindermishandeling"
    assert row["Opbrengsten middellange termijn"] == "veiligheid:1:1-1"
    assert row["Aanvoerder"] == "aanvoerder"
    assert row["Betrokken partijen"] == "nisa-4-nisa"
    event = AuditEvent.objects.get(event="cards.exported")
    assert event.details["count"] == 2 and event.details["format"] == "xlsx"
    assert event.actor == people["programmateam"]


@pytest.mark.django_db
def test_export_csv_and_filters(team, card, other_card):
    rows = _csv_rows(_export(team, "csv", domein="veiligheid"))
    assert rows[0] == resources.COLUMNS
    assert [r[0] for r in rows[1:]] == ["tegengaan-hgkm"]
    assert len(_csv_rows(_export(team, "csv", status=Status.GEPUBLICEERD))) == 1
    assert AuditEvent.objects.filter(event="cards.exported").count() == 2


@pytest.mark.django_db
def test_lists_are_sorted_and_separated_by_semicolons(team, rich_card):
    row = dict(zip(resources.COLUMNS, _xlsx_rows(_export(team))[1], strict=True))
    assert row["Betrokken partijen"] == "blijf-groep; nisa-4-nisa"
    assert row["Trekkers (personen)"] == "otlid"
    assert row["Focusbuurten"] == "geuzenveld"
    assert row["Actielijn (en)"] == "Countering domestic violence"


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_formula_cells_are_neutralised(team, rich_card, kind):
    content = _export(team, kind)
    rows = _xlsx_rows(content) if kind == "xlsx" else _csv_rows(content)
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Doel"] == "'=HYPERLINK(\"http://example.invalid\")"
    assert row["SMART"].startswith("'- eerste")
    assert row["Contactpersoon"] == "'@meldpunt"
    assert row["Wat is het probleem"] == "'+31 20 000 0000"
    assert row["Geld, bron en dekkingsplan"] == "'\tingesprongen"
    assert row["Risico's"] == "'s-Hertogenbosch en 't Hart"  # not a formula: left alone
    if kind == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_neutralise_and_restore_are_each_others_inverse():
    for value in ["=1+1", "+31", "-", "@x", "\tx", "\rx", "'s-Gravenhage", "gewoon", "", "'=al"]:
        assert spreadsheets.restore(spreadsheets.neutralise(value)) == value or value == "'=al"
    assert spreadsheets.neutralise("=1") == "'=1"
    assert spreadsheets.neutralise(5) == 5


# --- round trip -----------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_round_trip_reports_every_row_unchanged_and_changes_nothing(team, rich_card, other_card, kind):
    content = _export(team, kind)
    before = _snapshot()
    response = _upload(team, content, f"actielijnen.{kind}")
    assert response.status_code == 200, _text(response)
    plan = response.context["plan"]
    assert plan.counts == {"nieuw": 0, "gewijzigd": 0, "ongewijzigd": 2, "fout": 0}
    assert "ongewijzigd" in _text(response)
    confirm = team.post(reverse("actielijnen:import_confirm"))
    assert confirm.status_code == 302
    assert _snapshot() == before
    assert not AuditEvent.objects.filter(event="card.updated", at__gt=AuditEvent.objects.get(event="cards.exported").at).exists()
    imported = AuditEvent.objects.get(event="cards.imported")
    assert imported.details["created"] == 0 and imported.details["updated"] == 0 and imported.details["unchanged"] == 2


# --- import that writes ---------------------------------------------------------------------------

@pytest.mark.django_db
def test_import_creates_and_changes_after_preview_and_confirm(team, card, people, opbrengsten, tmp_path):
    rows = _csv_rows(_export(team, "csv"))
    rows[1][_col("Actielijn")] = "Nieuwe titel"
    rows[1][_col("Opbrengsten middellange termijn")] = "veiligheid:1:1-1; veiligheid:1:1-2"
    new = [""] * len(resources.COLUMNS)
    new[_col("Code")] = "nieuwe-kaart"
    new[_col("Domein")] = "veiligheid"
    new[_col("Status")] = "gepubliceerd"
    new[_col("Actielijn")] = "Een nieuwe actielijn"
    new[_col("Actielijn (en)")] = "A new action line"
    new[_col("Aanvoerder")] = "aanvoerder"
    new[_col("Betrokken partijen")] = "veilig-thuis"
    rows.append(new)

    preview = _upload(team, _csv_bytes(rows), "kaarten.csv")
    assert preview.status_code == 200, _text(preview)
    by_code = {r.code: r for r in preview.context["plan"].rows}
    assert by_code["nieuwe-kaart"].action == "nieuw"
    assert by_code["tegengaan-hgkm"].action == "gewijzigd"
    assert by_code["tegengaan-hgkm"].changed == ["Actielijn", "Opbrengsten middellange termijn"]
    text = _text(preview)
    assert "Verandert: Actielijn, Opbrengsten middellange termijn" in text
    assert "wordt niet geïmporteerd" in text  # the status column of the new row
    assert not Actielijn.objects.filter(code="nieuwe-kaart").exists()
    card.refresh_from_db()
    assert card.title_nl == "Tegengaan huiselijk geweld en kindermishandeling" and card.version == 1
    waiting = list((tmp_path / "imports").iterdir())
    assert len(waiting) == 1

    response = team.post(reverse("actielijnen:import_confirm"), follow=True)
    assert "1 nieuw, 1 gewijzigd, 0 ongewijzigd" in _text(response)
    created = Actielijn.objects.get(code="nieuwe-kaart")
    assert created.status == Status.CONCEPT
    assert created.title_nl == "Een nieuwe actielijn" and created.title_en == "A new action line"
    assert created.aanvoerder == people["aanvoerder"]
    assert [o.slug for o in created.partners.all()] == ["veilig-thuis"]
    card.refresh_from_db()
    assert card.title_nl == "Nieuwe titel" and card.version == 2
    assert set(card.opbrengsten.all()) == set(opbrengsten)
    assert AuditEvent.objects.filter(event="card.created", target_id=str(created.pk)).exists()
    assert AuditEvent.objects.filter(event="card.updated", target_id=str(card.pk)).exists()
    assert AuditEvent.objects.get(event="cards.imported").details["created"] == 1
    assert list((tmp_path / "imports").iterdir()) == []  # the waiting file is gone
    assert views_transfer.SESSION_KEY not in team.session


@pytest.mark.django_db
def test_confirm_refuses_when_a_card_changed_since_the_preview(team, card, people):
    rows = _csv_rows(_export(team, "csv"))
    rows[1][_col("Doel")] = "Ander doel"
    assert _upload(team, _csv_bytes(rows), "kaarten.csv").status_code == 200
    services.update_card(by=people["aanvoerder"], card=card, version=1, changes={"problem_nl": "Intussen"})
    response = team.post(reverse("actielijnen:import_confirm"))
    assert response.status_code == 409
    assert "Sinds de controle zijn kaarten gewijzigd" in _text(response)
    card.refresh_from_db()
    assert card.goal_nl != "Ander doel" and card.version == 2
    assert not AuditEvent.objects.filter(event="cards.imported").exists()


@pytest.mark.django_db
def test_confirm_without_a_checked_file_saves_nothing(team, card):
    response = team.post(reverse("actielijnen:import_confirm"), follow=True)
    assert "Er staat geen gecontroleerd bestand klaar" in _text(response)
    assert not AuditEvent.objects.filter(event="cards.imported").exists()


# --- bad input: a specific message, nothing saved ---------------------------------------------------

def _drop_column(rows, name):
    index = _col(name)
    return [[v for i, v in enumerate(r) if i != index] for r in rows]


def _set(name, value, row=1):
    def mutate(rows):
        rows[row][_col(name)] = value
        return rows

    return mutate


def _duplicate(rows):
    return [*rows, list(rows[1])]


BAD_CSV = {
    "missing column": (lambda rows: _drop_column(rows, "Doel"), "Deze kolommen ontbreken: 'Doel'"),
    "unknown column": (lambda rows: [[*rows[0], "Begroting"], *[[*r, ""] for r in rows[1:]]],
                       "Deze kolommen zijn onbekend: 'Begroting'"),
    "unknown domain": (_set("Domein", "ruimte"), "Rij 2, kolom 'Domein': onbekend domein 'ruimte'"),
    "unknown organisation": (_set("Betrokken partijen", "nisa-4-nisa; bestaat-niet"),
                             "Rij 2, kolom 'Betrokken partijen': onbekende organisatie 'bestaat-niet'"),
    "unknown username": (_set("Trekkers (personen)", "niemand"),
                         "Rij 2, kolom 'Trekkers (personen)': onbekende gebruikersnaam 'niemand'"),
    "unknown opbrengst": (_set("Opbrengsten middellange termijn", "veiligheid:9:9-9"),
                          "Rij 2, kolom 'Opbrengsten middellange termijn': onbekende opbrengstcode 'veiligheid:9:9-9'"),
    "unknown team": (_set("Opgaveteam", "alliantiebestuur"), "onbekend opgaveteam of onbekende werkgroep 'alliantiebestuur'"),
    "empty required field": (_set("Domein", ""), "Rij 2, kolom 'Domein': dit veld is verplicht"),
    "empty title": (_set("Actielijn", " "), "Rij 2, kolom 'Actielijn': dit veld is verplicht"),
    "invalid code": (_set("Code", "met spatie"), "Rij 2, kolom 'Code': 'met spatie' is geen geldige code"),
    "unknown status": (_set("Status", "bezig"), "Rij 2, kolom 'Status': onbekende status 'bezig'"),
    "too long": (_set("Actielijn", "x" * 201), "Rij 2, kolom 'Actielijn'"),
    "duplicated code": (_duplicate, "Rij 3, kolom 'Code': de code 'tegengaan-hgkm' staat ook in rij 2"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(BAD_CSV))
def test_bad_rows_are_named_and_nothing_is_saved(team, card, case):
    mutate, message = BAD_CSV[case]
    rows = _csv_rows(_export(team, "csv"))
    rows[1][_col("Doel")] = "Dit zou veranderen"
    before = _snapshot()
    response = _upload(team, _csv_bytes(mutate(rows)), "kaarten.csv")
    assert response.status_code == 400
    assert message in _text(response)
    assert "Import bevestigen" not in _text(response)
    assert views_transfer.SESSION_KEY not in team.session
    assert team.post(reverse("actielijnen:import_confirm")).status_code == 302
    assert _snapshot() == before
    assert not AuditEvent.objects.filter(event="cards.imported").exists()


@pytest.mark.django_db
def test_wrong_type_in_xlsx_is_named(team, card):
    rows = _xlsx_rows(_export(team))
    rows[1][_col("Actielijn")] = datetime.date(2026, 3, 1)
    rows[1][_col("Tijd")] = 12  # a number is fine as text
    response = _upload(team, _xlsx_bytes(rows), "kaarten.xlsx")
    assert response.status_code == 400
    assert "Rij 2, kolom 'Actielijn': verwacht tekst, maar de cel bevat een datum of tijd" in _text(response)
    assert "kolom 'Tijd'" not in _text(response)


@pytest.mark.django_db
def test_formula_without_value_is_an_error_not_an_empty_cell(team, card):
    rows = _xlsx_rows(_export(team))
    rows[1][_col("Doel")] = "=CONCATENATE(\"a\",\"b\")"  # openpyxl stores no computed value
    before = _snapshot()
    response = _upload(team, _xlsx_bytes(rows), "kaarten.xlsx")
    assert response.status_code == 400
    assert "Rij 2, kolom 'Doel': formule zonder opgeslagen waarde" in _text(response)
    assert _snapshot() == before


def _macro_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_xlsx_bytes([resources.COLUMNS]))) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/vbaProject.bin", b"\x00macro")
    return out.getvalue()


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_xlsx_bytes([resources.COLUMNS]))) as source, zipfile.ZipFile(
        out, "w", compression=zipfile.ZIP_DEFLATED
    ) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/media/padding.bin", b"\x00" * (51 * 1024 * 1024))
    return out.getvalue()


BAD_FILES = {
    "pdf renamed to xlsx": (lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n" + bytes(range(256)), "kaarten.xlsx",
                            "Dit is geen spreadsheet"),
    "50 MB": (lambda: b"a" * (50 * 1024 * 1024), "kaarten.csv", "Het bestand is groter dan 10 MB"),
    "macro workbook": (_macro_workbook, "kaarten.xlsx", "Deze werkmap bevat macro's"),
    "xlsm name": (lambda: _xlsx_bytes([resources.COLUMNS]), "kaarten.xlsm", "Werkmappen met macro's"),
    "zip bomb": (_zip_bomb, "kaarten.xlsx", "Uitgepakt is het bestand groter dan 50 MB"),
    "too many rows": (lambda: _csv_bytes([resources.COLUMNS] + [["x"]] * 10_001), "kaarten.csv",
                      "Het bestand heeft meer dan 10.000 rijen"),
    "csv named xlsx": (lambda: _csv_bytes([resources.COLUMNS]), "kaarten.xlsx", "geef het de extensie .csv"),
    "not utf-8": (lambda: "Code;Actielijn\ncafé;x\n".encode("latin-1"), "kaarten.csv", "Dit is geen spreadsheet"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_files_are_refused_before_parsing(team, card, case, tmp_path):
    build, name, message = BAD_FILES[case]
    before = _snapshot()
    response = _upload(team, build(), name)
    assert response.status_code == 400
    text = _text(response)
    assert message in text
    assert 'aria-describedby="id_bestand_help id_bestand_error"' in text  # the error sits at the field
    assert _snapshot() == before
    assert not (tmp_path / "imports").exists() or list((tmp_path / "imports").iterdir()) == []


# --- rights ---------------------------------------------------------------------------------------

EXPECTED = {"anoniem": 302, "bewoner": 403, "aanvoerder": 403, "otlid": 403, "bestuur": 403, "programmateam": 200}


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(EXPECTED))
@pytest.mark.parametrize(("view", "method"), [("export", "get"), ("import", "get"), ("import_confirm", "post")])
def test_only_the_programme_team_exports_and_imports(client, people, card, role, view, method):
    if role != "anoniem":
        client.force_login(people[role])
    response = getattr(client, method)(reverse(f"actielijnen:{view}"))
    expected = EXPECTED[role]
    if view == "import_confirm" and expected == 200:
        expected = 302  # nothing waiting: back to the form
    assert response.status_code == expected
    if role == "anoniem":
        assert reverse("login") in response["Location"]


def test_the_import_templates_have_no_inline_scripts_or_styles():
    for name in ("import.html", "import_preview.html"):
        text = (Path(__file__).resolve().parents[2] / "templates" / "actielijnen" / name).read_text()
        assert "<script" not in text and "style=" not in text
        assert '{% extends "base.html" %}' in text
