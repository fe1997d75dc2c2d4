"""The programme team works a card from the overview to publication; afterwards anyone can read it."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

PASSWORD = "demo-wachtwoord-123"  # set by tests/conftest.py::make_person


@pytest.fixture
def journey(transactional_db, people, card, other_card):
    from actielijnen import services

    milestone = services.save_milestone(
        by=people["aanvoerder"], card=card, title_nl="Eerste netwerkbijeenkomst", due_on=datetime.date(2026, 6, 1), progress=10
    )
    return {"card": card, "other": other_card, "milestone": milestone, "user": people["programmateam"]}


def log_in(page, base: str, username: str) -> None:
    page.goto(base + reverse("login"))
    main = page.locator("main")
    main.get_by_label("Gebruikersnaam").fill(username)
    main.get_by_label("Wachtwoord").fill(PASSWORD)
    main.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()


def test_programme_team_works_a_card_to_publication(page, live_server, journey):
    card, milestone = journey["card"], journey["milestone"]
    base = live_server.url
    log_in(page, base, journey["user"].username)

    # The overview, filtered by domain, without JavaScript needed.
    page.goto(base + reverse("actielijnen:overview"))
    page.get_by_label("Domein").select_option("veiligheid")
    page.get_by_role("button", name="Filter toepassen").click()
    expect(page).to_have_url(re.compile(r"domein=veiligheid"))
    expect(page.get_by_role("link", name=journey["other"].title)).to_have_count(0)
    page.get_by_role("link", name=card.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(card.title)

    # Two sections.
    page.get_by_role("link", name=re.compile(r"^Bewerken\W+Werkwijze$")).click()
    page.locator("#id_way_of_working_nl").fill("Samen met sleutelfiguren uit de buurt.")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#sectie-werkwijze")).to_contain_text("Samen met sleutelfiguren uit de buurt.")

    page.get_by_role("link", name=re.compile(r"^Bewerken\W+Wat lossen we op\?$")).click()
    page.locator("#id_problem_nl").fill("Huiselijk geweld blijft vaak verborgen.")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#sectie-probleem")).to_contain_text("Huiselijk geweld blijft vaak verborgen.")

    # A status update.
    page.locator("#id_text").fill("Eerste bijeenkomst met het opgaveteam gehouden.")
    page.get_by_role("button", name="Statusupdate plaatsen").click()
    expect(page.locator("#stand-van-zaken")).to_contain_text("Eerste bijeenkomst met het opgaveteam gehouden.")

    # A milestone edited in place: htmx swaps the row for a form and back, the page stays.
    page.evaluate("window.snwNoReload = true")
    row = page.locator(f"#mijlpaal-{milestone.pk}")
    row.get_by_role("link", name=re.compile("^Wijzigen")).click()
    progress = page.locator(f"#id_mijlpaal{milestone.pk}_progress")
    expect(progress).to_be_visible()
    progress.fill("55")
    page.locator(f"#mijlpaal-{milestone.pk}").get_by_role("button", name="Opslaan").click()
    expect(page.locator(f"#mijlpaal-{milestone.pk}")).to_contain_text("55%")
    expect(page.locator(f"#mijlpaal-{milestone.pk} form")).to_have_count(1)  # only the delete button's form
    assert page.evaluate("window.snwNoReload === true")

    # The history shows what changed, field by field; an earlier version goes back.
    page.get_by_role("link", name="Geschiedenis en eerdere versies bekijken").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Geschiedenis")
    newest = page.locator(".snw-version").first
    expect(newest.locator("ins", has_text="Huiselijk geweld blijft vaak verborgen.")).to_have_count(1)
    werkwijze_version = page.locator(".snw-version").nth(1)
    expect(werkwijze_version.locator("ins", has_text="Samen met sleutelfiguren uit de buurt.")).to_have_count(1)
    werkwijze_version.get_by_role("button", name=re.compile("^Deze versie terugzetten")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(card.title)
    expect(page.locator(".snw-messages")).to_contain_text("teruggezet")
    expect(page.locator("#sectie-probleem")).not_to_contain_text("Huiselijk geweld blijft vaak verborgen.")
    expect(page.locator("#sectie-werkwijze")).to_contain_text("Samen met sleutelfiguren uit de buurt.")

    # Submitted and published.
    page.get_by_role("button", name="Indienen voor review").click()
    expect(page.locator(".snw-actielijn__badges")).to_contain_text("Ter review")
    page.get_by_role("button", name="Publiceren").click()
    expect(page.locator(".snw-actielijn__badges")).to_contain_text("Gepubliceerd")

    # Anyone can now read it, without the editing controls.
    page.get_by_role("button", name="Uitloggen").click()
    page.goto(base + card.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(card.title)
    expect(page.locator("#sectie-werkwijze")).to_contain_text("Samen met sleutelfiguren uit de buurt.")
    expect(page.locator("#stand-van-zaken")).to_contain_text("Eerste bijeenkomst met het opgaveteam gehouden.")
    expect(page.get_by_role("link", name=re.compile("^Bewerken"))).to_have_count(0)
    expect(page.get_by_role("button", name="Publiceren")).to_have_count(0)


def test_programme_team_exports_and_imports_the_set(page, live_server, journey, tmp_path):
    """Export from the overview, change one cell in the spreadsheet, import: preview, then confirm."""
    import openpyxl

    card = journey["card"]
    base = live_server.url
    log_in(page, base, journey["user"].username)
    page.goto(base + reverse("actielijnen:overview"))
    with page.expect_download() as download:
        page.get_by_role("link", name="Exporteren (Excel)").click()
    exported = tmp_path / "kaarten.xlsx"
    download.value.save_as(exported)

    book = openpyxl.load_workbook(exported)
    sheet = book.active
    headers = [cell.value for cell in sheet[1]]
    code_col, werkwijze_col = headers.index("Code") + 1, headers.index("Werkwijze") + 1
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, code_col).value == card.code:
            sheet.cell(row, werkwijze_col).value = "Wekelijks aan tafel in de netwerkgroep."
    changed = tmp_path / "kaarten-gewijzigd.xlsx"
    book.save(changed)

    page.goto(base + reverse("actielijnen:import"))
    page.locator("input[type=file]").set_input_files(str(changed))
    page.get_by_role("button", name="Controleren").click()
    expect(page.locator("main")).to_contain_text("1 gewijzigde kaart")
    expect(page.locator("main")).to_contain_text("1 ongewijzigde kaart")
    page.get_by_role("button", name="Import bevestigen").click()

    page.goto(base + card.get_absolute_url())
    expect(page.locator("#sectie-werkwijze")).to_contain_text("Wekelijks aan tafel in de netwerkgroep.")
