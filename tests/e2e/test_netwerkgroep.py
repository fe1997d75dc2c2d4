"""The netwerkgroep journey of issue 6 ("Done when"), walked in a real browser.

An informal partner brings in a case (refused first: the question holds a phone number), the regisseur
puts it on next Wednesday's agenda, starts the meeting, records the discussion and two agreements for a
formal partner and ends the meeting; the formal partner adds a formal-level note and marks one of its
agreements done; the informal partner no longer sees that note; the regisseur reads every step in the
audit log. Each person works in their own browser context and passes the second factor (TOTP) once.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.test_cards import log_in
from tests.netwerkgroep.conftest import make_schedule

QUESTION = "Moeder wil veilig blijven wonen met de kinderen; hoe houden we samen zicht op de situatie thuis?"
PHONE = "06-12345678"
SUMMARY = "De tafel denkt mee over veiligheid thuis; eerst een gesprek met moeder over haar eigen wensen."
AGREEMENTS = ("Veiligheidsplan opstellen met moeder", "Terugkoppeling aan de tafel over het plan")
FORMAL_NOTE = "Er loopt een onderzoek naar een tijdelijk huisverbod; alleen voor formele partners."


@pytest.fixture
def table(transactional_db, people):
    """Both netwerkgroepen with a Wednesday schedule and their meetings; a confirmed TOTP device per person."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from domains.models import Body
    from netwerkgroep import services

    nw = Body.objects.get(slug="netwerkgroep-hgkm-nieuw-west")
    make_schedule(nw)
    services.ensure_meetings()
    devices = {
        who: TOTPDevice.objects.create(user=people[who], name="Authenticator-app", confirmed=True)
        for who in ("informeel", "formeel", "regisseur")
    }
    return {"body": nw, "meeting": services.upcoming_meeting(nw), "devices": devices, "people": people}


def _code(device) -> str:
    from django_otp.oath import totp

    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def _second_factor(page, device) -> None:
    """The verify page the case pages send an unverified session to; one code per person and session."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Code uit je app")
    page.locator("main").get_by_label("Code uit je app").fill(_code(device))
    page.locator("main").get_by_role("button", name="Doorgaan").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Code uit je app")


@pytest.fixture
def as_person(browser, live_server, table):
    """A logged-in page per person in its own browser context; the first case page asks the second factor."""
    contexts = []

    def make(username: str, url: str):
        context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        log_in(page, live_server.url, username)
        page.goto(live_server.url + url)
        _second_factor(page, table["devices"][username])
        return page

    yield make
    for context in contexts:
        context.close()


def _fill_bring_in(page, question: str) -> None:
    main = page.locator("main")
    main.locator("#id_adults").fill("1")
    main.locator("#id_children_4_12").fill("2")
    main.get_by_role("group", name="Wie zijn betrokken").get_by_label("Slachtoffer").check()
    main.get_by_role("group", name="Wie zijn betrokken").get_by_label("Kind", exact=True).check()
    main.get_by_role("group", name=re.compile("^Bouwstenen")).locator("input").first.check()
    main.locator("#id_question").fill(question)
    main.locator("#id_tried").fill("Gesprekken in het buurthuis; moeder kwam twee keer.")
    main.locator("#id_consent_given_on").fill((timezone.localdate() - datetime.timedelta(days=2)).isoformat())
    main.get_by_role("group", name="Vorm van de toestemming").get_by_label("Mondeling").check()
    main.locator("#id_consent_scope").fill("Bespreken aan de tafel van de netwerkgroep, zonder namen.")
    main.locator("#id_consent_household_wishes").fill("Moeder wil eerst zelf rust; stap voor stap.")


def test_a_case_goes_from_the_informal_partner_through_the_meeting_to_the_audit_log(as_person, table, live_server):
    from netwerkgroep.models import Agreement, Case, Note

    base = live_server.url
    body, meeting = table["body"], table["meeting"]
    assert meeting is not None and meeting.date.weekday() == 2, "no Wednesday meeting was planned"

    # --- the informal partner brings in a case: refused with a phone number, then saved ---------------
    informal = as_person("informeel", reverse("netwerkgroep:bring_in", kwargs={"group": body.slug}))
    expect(informal.get_by_role("heading", level=1)).to_have_text("Casus inbrengen")
    _fill_bring_in(informal, f"{QUESTION} Bel de inbrenger op {PHONE}.")
    informal.locator("main").get_by_role("button", name="Casus inbrengen").click()
    summary = informal.locator(".snw-error-summary")
    expect(summary).to_contain_text("Vraag aan de tafel bevat een persoonsgegeven (telefoonnummer)")
    expect(summary).to_contain_text("06-1•••••78")
    assert PHONE not in summary.inner_text(), "the error repeats the phone number"
    assert Case.objects.count() == 0, "a refused case was saved"

    informal.locator("#id_question").fill(QUESTION)
    informal.locator("main").get_by_role("button", name="Casus inbrengen").click()
    checked = informal.locator("main").get_by_label("Ik heb gecontroleerd dat er geen namen in staan")
    if checked.count():  # the name warning: the person checks the text and confirms
        checked.check()
        informal.locator("main").get_by_role("button", name="Casus inbrengen").click()
    expect(informal.locator(".snw-messages")).to_contain_text("Opgeslagen.")
    case = Case.objects.get()
    code = case.code
    case_url = base + reverse("netwerkgroep:case", kwargs={"code": code})
    expect(informal.locator(".snw-ng-code").first).to_have_text(code)
    expect(informal.locator("main")).to_contain_text("Nisa 4 Nisa")
    expect(informal.locator("#toestemming")).to_contain_text("Bespreken aan de tafel van de netwerkgroep, zonder namen.")
    assert case.consents.count() == 1

    # Case pages are never cached.
    response = informal.request.get(case_url)
    assert response.status == 200
    assert "no-store" in response.headers["cache-control"], response.headers

    # --- the regisseur puts it on next Wednesday's agenda and runs the meeting ------------------------
    meeting_url = reverse("netwerkgroep:meeting", kwargs={"pk": meeting.pk})
    regisseur = as_person("regisseur", meeting_url)
    main = regisseur.locator("main")
    main.get_by_label("Open casus").select_option(value=code)
    main.get_by_role("button", name="Op de agenda zetten").click()
    expect(regisseur.locator(".snw-messages")).to_contain_text("De casus staat op de agenda.")
    expect(regisseur.locator(".snw-ngm__agenda")).to_contain_text(code)

    main.get_by_role("link", name="Bijeenkomst starten").click()
    present = main.get_by_role("group", name="Aanwezig")
    for box in present.get_by_role("checkbox").all():
        box.check()
    main.get_by_label("De aanwezigen hebben de geheimhoudingsverklaring bevestigd.").check()
    main.get_by_role("button", name="Bijeenkomst starten").click()
    expect(regisseur.locator(".snw-messages")).to_contain_text("De bijeenkomst is geopend")

    main.get_by_role("link", name=f"Bespreken {code}").click()
    expect(regisseur.get_by_role("heading", level=1)).to_have_text(f"Bespreking {code}")
    main.get_by_label("Samenvatting van de bespreking").fill(SUMMARY)
    deadline = timezone.localdate() + datetime.timedelta(days=14)
    for n, text in enumerate(AGREEMENTS, start=1):
        block = main.get_by_role("group", name=f"Afspraak {n}")
        block.get_by_label("Afspraak", exact=True).fill(text)
        block.get_by_label("Eigenaar (organisatie)").select_option(label="Veilig Thuis")
        block.get_by_label("Uiterlijk").fill((deadline + datetime.timedelta(days=n)).isoformat())
    main.get_by_role("button", name="Bespreking vastleggen").click()
    expect(regisseur.locator(".snw-messages")).to_contain_text(f"De bespreking van {code} is vastgelegd.")
    expect(regisseur.locator(f"#punt-{case.agenda_items.get().pk}")).to_contain_text("Besproken")
    main.get_by_role("button", name="Bijeenkomst afsluiten").click()
    expect(regisseur.locator(".snw-messages")).to_contain_text("De bijeenkomst is afgesloten.")
    agreements = list(Agreement.objects.filter(case=case).order_by("deadline"))
    assert [a.text for a in agreements] == list(AGREEMENTS)
    assert {a.owner_org.slug for a in agreements} == {"veilig-thuis"}
    assert all(a.status == Agreement.Status.OPEN for a in agreements)

    # --- the formal partner adds a formal-level note and finishes one agreement -----------------------
    formal = as_person("formeel", reverse("netwerkgroep:case", kwargs={"code": code}))
    expect(formal.get_by_role("heading", level=1)).to_contain_text(code)
    notes = formal.locator("#notities")
    notes.get_by_label("Notitie", exact=True).fill(FORMAL_NOTE)
    notes.get_by_label(re.compile("^Formeel: formele partners")).check()
    notes.get_by_role("button", name="Notitie opslaan").click()
    expect(formal.locator("#notities")).to_contain_text(FORMAL_NOTE)
    assert Note.objects.get(case=case).visibility == Note.Visibility.FORMEEL

    first = formal.locator(".snw-ng-agreement").filter(has_text=AGREEMENTS[0])
    first.get_by_label("Gedaan").check()
    first.get_by_label(re.compile("^Uitkomst")).fill("Het plan ligt er; moeder heeft het mee opgesteld.")
    first.get_by_role("button", name="Afspraak afronden").click()
    expect(formal.locator(".snw-messages")).to_contain_text("Opgeslagen.")
    agreements[0].refresh_from_db()
    assert agreements[0].status == Agreement.Status.GEDAAN, agreements[0].status
    formal.goto(base + reverse("netwerkgroep:my_agreements"))
    expect(formal.locator("main")).to_contain_text(AGREEMENTS[1])

    # --- the informal partner opens the case again: table level, not the formal note ------------------
    informal.goto(case_url)
    main = informal.locator("main")
    expect(main).to_contain_text(QUESTION)
    expect(main).to_contain_text(AGREEMENTS[0])
    expect(main).to_contain_text(SUMMARY)
    expect(main).not_to_contain_text(FORMAL_NOTE)
    expect(main).not_to_contain_text("tijdelijk huisverbod")

    # --- the regisseur reads who saw the case and every step in the audit log -------------------------
    regisseur.goto(case_url)
    regisseur.locator("main").get_by_role("link", name="Wie zag deze casus").click()
    seen = regisseur.locator("main table")
    for person in ("informeel", "formeel", "regisseur"):
        expect(seen).to_contain_text(str(table["people"][person]))
    expect(seen).to_contain_text("case.viewed")

    regisseur.goto(base + reverse("netwerkgroep:audit_log", kwargs={"group": body.slug}) + f"?casus={code}")
    log = regisseur.locator("main table")
    rows = log.locator("tbody tr")
    for event, who in [
        ("case.brought_in", "informeel"),
        ("case.viewed", "informeel"),
        ("case.viewed", "formeel"),
        ("case.viewed", "regisseur"),
        ("agenda.item_added", "regisseur"),
        ("meeting.started", "regisseur"),
        ("agenda.discussed", "regisseur"),
        ("agreement.added", "regisseur"),
        ("meeting.ended", "regisseur"),
        ("case.note_added", "formeel"),
        ("agreement.finished", "formeel"),
    ]:
        expect(rows.filter(has_text=event).filter(has_text=str(table["people"][who])).first).to_be_visible()
    expect(rows.filter(has_text="agreement.added")).to_have_count(2)
