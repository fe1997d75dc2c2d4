"""The funding journey of issue 5 ("Done when"), walked in a real browser.

A domain submits a proposal, the programme team checks it, two reviewers are assigned (one blocked by a
conflict of interest), the other advises, the board decides in a meeting (a lower amount, with a
condition), the besluitenlijst is generated (page and PDF), the budget overview changes and the public
summary appears, without the co-financing or the advice. Each person works in their own browser context.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.test_cards import log_in
from tests.financiering.conftest import ab_voorzitter, funds, meeting  # noqa: F401 (fixtures)

TITLE = "Buurtmoeders tegen huiselijk geweld"
PURPOSE = "Buurtmoeders organiseren gesprekken waarin vrouwen over geweld thuis durven te praten."
COFINANCING_TEXT = "Uren van de aandachtsfunctionaris"
REVIEW_TEXT = "Sterk geworteld in de buurt; let op de overdracht naar het buurtteam."
CONDITION = "Halfjaarlijks een korte voortgangsrapportage aan het programmateam."
RATIONALE = {
    "Wat betalen bestaande middelen?": "Ruimte en uren van het buurtteam komen uit reguliere middelen.",
    "Bijdrage aan de opbrengst": "Vroeger signaleren van huiselijk geweld.",
    "Hoe verandert dit de regel?": "Informele en formele partners werken vast samen in het buurtteam.",
    "Eigenaarschap bewoners": "De buurtmoeders bepalen zelf de opzet.",
    "Leren en monitoren": "Met de HvA volgen we het aantal doorverwijzingen.",
    "Route naar reguliere financiering": "Vanaf 2027 uit het reguliere budget van het buurtteam.",
}


def euro(text: str) -> str:
    """The euro filter writes a no-break space after the sign; compare what the user reads."""
    return text.replace("\u00a0", " ")


@pytest.fixture
def funding(transactional_db, people, card, funds, ab_voorzitter, meeting):  # noqa: F811 (the imported fixtures)
    """Funds with budgets, a card of the Veiligheid domain, and a board meeting today with both members present."""
    return {"card": card, "funds": funds, "meeting": meeting, "people": people}


@pytest.fixture
def as_person(browser, live_server):
    """A logged-in page per person, each in its own browser context."""
    contexts = []

    def make(username: str):
        context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        log_in(page, live_server.url, username)
        return page

    yield make
    for context in contexts:
        context.close()


def _check(page, legend: str, note: str = "") -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Akkoord", exact=True).check()
    if note:
        group.get_by_label(re.compile("^Toelichting")).fill(note)
    group.get_by_role("button", name="Toets vastleggen").click()
    expect(page.locator(".snw-messages")).to_contain_text("De toets is vastgelegd.")


def _move(page, button: str, status: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.locator(".snw-fv-status")).to_have_text(status)


def test_a_proposal_goes_from_the_domain_through_the_board_to_the_public_summary(page, live_server, as_person, funding, browser):
    from financiering.models import Proposal

    base = live_server.url

    # --- the Veiligheid opgaveteam writes and submits the proposal -------------------------------
    log_in(page, base, "otlid")
    page.goto(base + reverse("financiering:proposals"))
    page.get_by_role("link", name="Nieuw voorstel").click()
    main = page.locator("main")
    main.get_by_label("Ingediend door (opgaveteam of werkgroep)").select_option(label="Opgaveteam Veiligheid")
    main.get_by_label("Titel").fill(TITLE)
    main.get_by_label("Doel (openbaar na toekenning)").fill(PURPOSE)
    main.get_by_label(f"Veiligheid: {funding['card'].title}").check()
    main.get_by_role("button", name="Concept aanmaken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".snw-fv-status")).to_have_text("Concept")
    checklist = page.locator("#indienen .snw-checklist")
    expect(checklist).to_contain_text("Wat betalen bestaande middelen?")
    expect(checklist).to_contain_text("Minstens één gevraagd bedrag")
    reference = Proposal.objects.get(title=TITLE).reference
    detail = base + reverse("financiering:proposal", kwargs={"ref": reference})

    page.get_by_role("link", name=re.compile(r"^Bewerken\W+doel en onderbouwing$")).click()
    for label, text in RATIONALE.items():
        main.get_by_label(label).fill(text)
    main.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".snw-messages")).to_contain_text("De wijzigingen zijn opgeslagen.")
    expect(page.locator("#onderbouwing")).to_contain_text(RATIONALE["Hoe verandert dit de regel?"])

    page.get_by_role("link", name=re.compile(r"^Bewerken\W+gevraagde bedragen$")).click()
    row = main.get_by_role("group", name="Regel 1")
    row.get_by_label("Fonds").select_option(label="Preventie met Gezag")
    row.get_by_label("Jaar").fill("2026")
    row.get_by_label("Gevraagd bedrag (€)").fill("40.000")
    main.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".snw-messages")).to_contain_text("De gevraagde bedragen zijn opgeslagen.")
    expect(page.locator("#bedragen")).to_contain_text("Preventie met Gezag")
    assert "€ 40.000,00" in euro(page.locator("#bedragen tfoot").inner_text())

    page.get_by_role("link", name=re.compile(r"^Bewerken\W+cofinanciering$")).click()
    row = main.get_by_role("group", name="Regel 1")
    row.get_by_label("Partner").select_option(label="Veilig Thuis")
    row.get_by_label("Soort").select_option(label="In natura (uren, ruimte, materiaal)")
    row.get_by_label("Waarde (€)").fill("5000")
    row.get_by_label(re.compile("^Omschrijving")).fill(COFINANCING_TEXT)
    main.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#cofinanciering")).to_contain_text("Veilig Thuis")

    expect(page.locator("#indienen")).to_contain_text("Alles wat nodig is, is ingevuld.")
    page.get_by_role("button", name="Voorstel indienen").click()
    expect(page.locator(".snw-fv-status")).to_have_text("Ingediend")
    expect(page.get_by_role("link", name=re.compile("^Bewerken"))).to_have_count(0)

    # --- the programme team takes it in, checks completeness --------------------------------------
    team = as_person("programmateam")
    team.goto(detail)
    _move(team, "In behandeling nemen", "In behandeling")
    _check(team, "Volledigheid en fondsregels (programmateam)")

    # --- the team chair gives the team's akkoord; the fund guardian the financial check ------------
    chair = as_person("otvoorzitter")
    chair.goto(detail)
    _check(chair, "Akkoord opgaveteam of werkgroep")
    guardian = as_person("fondsbeheerder")
    guardian.goto(detail)
    _check(guardian, "Financiële toets: Preventie met Gezag", note="Past binnen de regels van het fonds.")

    # --- two reviewers; Veilig Thuis co-finances, so formeel's conflict is suggested ----------------
    team.goto(detail)
    for name in ("Demo Formeel", "Demo Regisseur"):
        team.get_by_label("Adviseur").select_option(label=name)
        team.get_by_role("button", name="Adviseur toewijzen").click()
    expect(team.locator(".snw-messages")).to_contain_text("Demo Regisseur is toegewezen als adviseur.")
    conflicts = team.locator("#belangen")
    expect(conflicts).to_contain_text("Veilig Thuis is bij dit voorstel betrokken als cofinancier.")
    decision = team.get_by_role("group", name="Besluit over Demo Formeel")
    decision.get_by_label("Bevestigen: doet niet mee").check()
    decision.get_by_label("Reden").fill("Veilig Thuis betaalt mee aan dit voorstel.")
    decision.get_by_role("button", name="Besluit vastleggen").click()
    expect(team.locator(".snw-messages")).to_contain_text("Het besluit over het belangenconflict is vastgelegd.")
    expect(team.locator("#belangen")).to_contain_text("Veilig Thuis betaalt mee aan dit voorstel.")
    _move(team, "Naar advies", "Advies")

    # --- formeel is blocked by the conflict ---------------------------------------------------------
    formeel = as_person("formeel")
    formeel.goto(base + reverse("financiering:review", kwargs={"ref": reference}))
    expect(formeel.locator("main")).to_contain_text("Je hebt een belangenconflict bij dit voorstel en geeft daarom geen advies.")
    expect(formeel.get_by_role("button", name="Advies versturen")).to_have_count(0)

    # --- regisseur advises ----------------------------------------------------------------------------
    reviewer = as_person("regisseur")
    reviewer.goto(detail)
    reviewer.get_by_role("link", name="Advies geven").click()
    form = reviewer.locator("main form")
    for criterion in (
        "Draagt bij aan een opbrengst van het uitvoeringsprogramma",
        "Verandert de regel in plaats van een uitzondering te organiseren",
        "Eigenaarschap van bewoners",
        "Leren en monitoren",
        "Route naar reguliere financiering",
    ):
        form.get_by_role("group", name=criterion).get_by_label("4", exact=True).check()
        form.get_by_label(f"Toelichting: {criterion}").fill("Goed onderbouwd.")
    form.get_by_role("group", name="Eindadvies").get_by_label("Positief onder voorwaarden").check()
    form.get_by_label("Toelichting op je eindadvies").fill(REVIEW_TEXT)
    form.get_by_role("button", name="Advies versturen").click()
    expect(reviewer.locator(".snw-messages")).to_contain_text("Je advies is gegeven.")
    expect(reviewer.locator("#adviseurs")).to_contain_text(REVIEW_TEXT)

    # --- the programme team puts it on today's agenda -------------------------------------------------
    team.goto(detail)
    expect(team.locator("#agenda")).to_contain_text("Alle toetsen en adviezen zijn binnen")
    team.get_by_role("link", name="Naar de bestuursvergaderingen om te agenderen").click()
    meeting_url = base + reverse("financiering:meeting", kwargs={"pk": funding["meeting"].pk})
    team.goto(meeting_url)
    team.get_by_label("Voorstel met advies").select_option(label=f"{reference} · {TITLE}")
    team.get_by_role("button", name="Op de agenda zetten").click()
    expect(team.locator(".snw-messages")).to_contain_text("Het voorstel staat op de agenda.")

    # --- the board's chair records the decision: granted, lower, with a condition ---------------------
    board = as_person("abvoorzitter")
    board.goto(meeting_url)
    item = board.locator(f"#voorstel-{reference}")
    expect(item).to_contain_text("1 van 2 adviezen gegeven.")
    decide = item.locator("form.snw-board__decision")
    decide.get_by_role("group", name="Besluit", exact=True).get_by_label("Toegekend").check()
    amount = decide.get_by_label("Preventie met Gezag 2026: toegekend bedrag (€)")
    expect(amount).to_have_value(re.compile(r"^40\.?000(,00)?$"))
    amount.fill("30000")
    decide.get_by_label("Voorwaarden").fill(CONDITION)
    decide.get_by_role("group", name="Wijze van besluiten").get_by_label("Bij consensus").check()
    decide.get_by_role("button", name="Besluit vastleggen").click()
    expect(board.locator(".snw-messages")).to_contain_text(f"Het besluit over {reference} is vastgelegd: Toegekend.")
    record = board.locator(f"#voorstel-{reference} .snw-board__decision-record")
    expect(record).to_contain_text(CONDITION)
    assert "€ 30.000,00" in euro(record.inner_text())

    # --- the besluitenlijst, as a page and as a PDF ---------------------------------------------------
    board.get_by_role("link", name="Besluitenlijst", exact=True).click()
    minutes = board.locator("main")
    expect(minutes.get_by_role("heading", level=1)).to_contain_text("Besluitenlijst alliantiebestuur")
    expect(minutes).to_contain_text(f"{reference} · {TITLE}")
    expect(minutes).to_contain_text("Toegekend")
    expect(minutes).to_contain_text(CONDITION)
    expect(minutes).to_contain_text("Demo Voorzitter AB")
    assert "€ 30.000,00" in euro(minutes.inner_text())
    pdf_href = board.get_by_role("link", name="Download als PDF").get_attribute("href")
    response = board.request.get(base + pdf_href)
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/pdf")
    assert response.body().startswith(b"%PDF")

    # --- the budget overview: granted and remaining changed --------------------------------------------
    team.goto(base + reverse("financiering:budget"))
    pmg = team.get_by_role("row").filter(has=team.get_by_role("link", name="Preventie met Gezag")).filter(has_text="2026")
    cells = [euro(c) for c in pmg.get_by_role("cell").all_inner_texts()]
    assert cells == ["2026", "€ 100.000,00", "€ 0,00", "€ 30.000,00", "€ 70.000,00"], cells
    by_domain = team.get_by_role("row", name=re.compile("^Veiligheid"))
    assert [euro(c) for c in by_domain.get_by_role("cell").all_inner_texts()] == ["€ 0,00", "€ 30.000,00"]

    # --- anyone reads the public summary: title, amount, fund; not the co-financing or the advice ------
    anonymous = browser.new_context(locale="nl-NL")
    try:
        public = anonymous.new_page()
        public.goto(base + reverse("financiering:public_grants"))
        grant_row = public.get_by_role("row").filter(has=public.get_by_role("link", name=TITLE))
        expect(grant_row).to_contain_text("Preventie met Gezag")
        assert "€ 30.000,00" in euro(grant_row.inner_text())
        public.get_by_role("link", name=TITLE).click()
        expect(public.get_by_role("heading", level=1)).to_have_text(TITLE)
        body = euro(public.locator("main").inner_text())
        assert "€ 30.000,00" in body and "Preventie met Gezag" in body and PURPOSE in body
        for secret in (COFINANCING_TEXT, "Veilig Thuis", REVIEW_TEXT, CONDITION, "€ 40.000,00"):
            assert secret not in body, secret
        public_list = public.request.get(base + reverse("financiering:public_grants")).text()
        assert COFINANCING_TEXT not in public_list and REVIEW_TEXT not in public_list
    finally:
        anonymous.close()

    granted = Proposal.objects.get(reference=reference)
    assert granted.state == "toegekend"
    assert sum(line.amount for d in granted.decisions.all() for line in d.lines.all()) == Decimal("30000")


def test_the_proposal_pages_refuse_outsiders(page, live_server, funding):
    """A resident without a seat cannot open the funding pages; a guessed reference is a 404."""
    base = live_server.url
    log_in(page, base, "bewoner")
    response = page.goto(base + reverse("financiering:proposal", kwargs={"ref": "FV-2026-999"}))
    assert response is not None and response.status == 404
    response = page.goto(base + reverse("financiering:budget"))
    assert response is not None and response.status == 403
