"""The jaarbeeld journey of issue 7, walked in a real browser: the programme team writes the voorwoord, adds a
story, builds a version, watches the progress reach "klaar", downloads the PDF (its first page rendered to
PNG is not blank) and publishes it; then an anonymous resident finds it in the archive and downloads it.
axe-core checks the editor's "Versies" section and the archive page (see test_accessibility.py).

Celery runs eagerly in the live server, so the build may be complete when the page first shows: the test
asserts the progress element and the final state, not the animation.
"""

from __future__ import annotations

import datetime
import shutil
import subprocess

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.test_accessibility import AXE, TAGS, audit, report
from tests.e2e.test_cards import log_in
from tests.monitoring.test_jaarbeeld import new_edition, published_story

YEAR = 2025
VOORWOORD = (
    "In 2025 bouwden bewoners, informele en formele partners in Nieuw-West samen verder aan de alliantie. "
    "Dit jaarbeeld laat zien wat dat opleverde, in verhalen uit de praktijk."
)
# From the Jaarbeeld 2025 (seed 001:215-235), as in fixtures/verhalen.json.
STORY = {
    "title_nl": "Confuciusbuurt: bouwen aan vertrouwen",
    "summary_nl": (
        "In de Confuciusbuurt bouwen wijkverbinder en wijkprojectleider sinds de zomer van 2025 aan een wijkalliantie. "
        "In 2025 lag de nadruk op kleine, zichtbare acties om eerst vertrouwen op te bouwen."
    ),
    "body_nl": (
        "De Confuciusbuurt in Nieuw-West oogt rustig, maar kent uiteenlopende uitdagingen: jeugdoverlast, vervuiling en "
        "verdeeldheid tussen bewonersgroepen.\n\nIn plaats van direct een formele structuur op te zetten, lag de focus "
        "in 2025 op kleine, zichtbare acties."
    ),
    "story_date": datetime.date(2025, 12, 31),
}


@pytest.fixture
def jaarbeeld(transactional_db, people, structure, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    story = published_story(people, structure, slug="confuciusbuurt-bouwen-aan-vertrouwen", **STORY)
    edition = new_edition(people, year=YEAR, as_of=datetime.date(2026, 1, 15))
    return {"edition": edition, "story": story, "user": people["programmateam"]}


@pytest.fixture
def new_page(browser):
    """Pages in fresh contexts that bypass the CSP only so axe can be injected."""
    contexts = []

    def make():
        context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900}, bypass_csp=True, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        return page

    yield make
    for context in contexts:
        context.close()


def audit_region(page, selector: str) -> list[dict]:
    """axe on one region of the page (the rest belongs to other tests)."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async ([selector, tags]) => {
            const r = await axe.run(document.querySelector(selector), {runOnly: {type: 'tag', values: tags}});
            return {passes: r.passes.length, all: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                           targets: v.nodes.map(n => n.target.join(' '))}))};
        }""",
        [selector, TAGS],
    )
    assert result["passes"] > 5, "axe-core did not run its rules"
    return result["all"]


def page_one_is_not_blank(pdf_path, tmp_path) -> None:
    from PIL import Image

    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf_path), str(tmp_path / "pagina")], check=True)
    image = Image.open(next(tmp_path.glob("pagina*.png"))).convert("L")
    low, high = image.getextrema()
    assert high - low > 100, "the first page of the PDF is blank"


def test_programme_team_builds_and_publishes_and_a_resident_downloads(live_server, new_page, jaarbeeld, tmp_path):
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils (pdftoppm) is not installed: apt-get install poppler-utils")
    base = live_server.url
    team = new_page()
    log_in(team, base, jaarbeeld["user"].username)
    editor = base + reverse("monitoring:edition", kwargs={"year": YEAR})

    # The voorwoord.
    team.goto(editor)
    team.locator("#id_voorwoord_nl").fill(VOORWOORD)
    team.locator("#id_voorwoord_author").fill("Programmateam Samen Nieuw-West")
    team.get_by_role("button", name="Opslaan", exact=True).click()
    expect(team.locator(".snw-messages")).to_contain_text("De teksten zijn opgeslagen.")

    # A story from the Jaarbeeld 2025.
    team.get_by_label("Gepubliceerd verhaal toevoegen").select_option("confuciusbuurt-bouwen-aan-vertrouwen")
    team.get_by_role("button", name="Toevoegen").click()
    expect(team.locator(".snw-messages")).to_contain_text("De verhalen zijn bijgewerkt.")
    expect(team.locator("#verhalen-sectie")).to_contain_text("Confuciusbuurt: bouwen aan vertrouwen")

    # The Versies section: nothing built yet, and axe finds nothing wrong in it.
    versions = team.locator("#versies-sectie")
    expect(versions).to_contain_text("Er is nog geen versie gebouwd.")
    violations = audit_region(team, "#versies-sectie")
    assert not violations, "editor, Versies\n" + report(violations)

    # Start a final Dutch build and follow its progress to "klaar".
    versions.get_by_label("Nederlands").check()
    versions.get_by_label("Definitief (kan worden gepubliceerd)").check()
    versions.get_by_role("button", name="Versie bouwen").click()
    expect(team.get_by_role("heading", level=1)).to_contain_text("versie 1")
    progress = team.locator("progress#bouw-voortgang")
    expect(progress).to_be_visible()
    expect(team.locator("#bouw-status")).to_contain_text("Klaar: de versie is opgebouwd", timeout=60_000)
    expect(progress).to_have_attribute("value", progress.get_attribute("max"))
    expect(team.get_by_label("Stap 6 van 6: Versie afronden")).to_be_visible()
    expect(team.locator("#bouw-stand")).not_to_have_attribute("hx-trigger", "every 1s")

    # Download the PDF; its first page is not blank.
    with team.expect_download() as download:
        team.get_by_role("link", name="Download de PDF").click()
    assert download.value.suggested_filename == f"jaarbeeld-{YEAR}-nl-v1.pdf"
    pdf_path = tmp_path / "jaarbeeld.pdf"
    download.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF")
    page_one_is_not_blank(pdf_path, tmp_path)

    # Publish it.
    team.get_by_role("button", name="Publiceren").click()
    expect(team.locator(".snw-messages")).to_contain_text("is gepubliceerd en staat in het archief")
    expect(team.locator("#versies-sectie")).to_contain_text("Gepubliceerd")

    # A resident without an account finds it in the archive and downloads it.
    resident = new_page()
    resident.goto(base + reverse("monitoring:jaarbeeld"))
    entry = resident.locator(".snw-jaarbeeld", has=resident.get_by_role("heading", name=f"Jaarbeeld {YEAR}"))
    expect(entry).to_have_count(1)
    expect(entry).not_to_contain_text("De PDF-versie volgt.")
    link = entry.get_by_role("link", name="Download de PDF (Nederlands,")
    expect(link).to_contain_text("pagina's")
    violations = audit(resident)  # the whole page: nothing serious or critical
    violations += audit_region(resident, "main")  # the archive itself: nothing at all
    assert not violations, "archive\n" + report(violations)
    with resident.expect_download() as download:
        link.click()
    resident_pdf = tmp_path / "archief.pdf"
    download.value.save_as(resident_pdf)
    assert resident_pdf.read_bytes() == pdf_path.read_bytes()
