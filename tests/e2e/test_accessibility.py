"""Every public page template passes axe-core (WCAG 2.2 AA rules) with the real demo content, and the
header (skip link, brand, search, language, main menu) works with the keyboard alone.

axe-core is vendored in ``tests/e2e/vendor/axe-core/`` (see its README) and injected into the page; the
browser context bypasses the portal's Content-Security-Policy only for that injection.

The demo content takes seconds to load, so it is loaded once per module into the test database, served by a
module-scoped live server, and flushed afterwards (pytest-django's own ``live_server`` would flush it after
every test).
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}

PUBLISHED_CARD = "veiligheid-hgkm"
BUURT = "jacob-geelbuurt"
TEAM = "opgaveteam-veiligheid"

# Each test runs in a rolled-back transaction on top of the module's committed demo content; the marker also
# makes pytest-django create the test database at all.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_server(django_db_setup, django_db_blocker):
    """The demo content (structure, cards, stories) loaded once, served by a live server for this module."""
    from django.core.management import call_command
    from pytest_django.live_server_helper import LiveServer

    from actielijnen.fixtures_loader import load_actielijnen
    from domains.fixtures_loader import load_fixtures
    from monitoring.fixtures_loader import load_verhalen

    with django_db_blocker.unblock():
        from django.db import connection

        name = str(connection.settings_dict["NAME"])
        in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()
        assert in_memory or "test" in name, f"refusing to load demo content into {name}"
        load_fixtures(with_users=False)
        load_actielijnen(with_users=False)
        load_verhalen()
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield server.url
        finally:
            # Let the request threads of closed browser connections finish while the connection is still shared.
            for thread in threading.enumerate():
                if "process_request_thread" in thread.name:
                    thread.join(timeout=5)
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0)


def _story_slug() -> str:
    from monitoring.models import Verhaal

    story = Verhaal.objects.filter(status="gepubliceerd").order_by("slug").first()
    assert story is not None, "the demo content has no published story"
    return story.slug


def _url(name: str, lang: str = "nl", **kwargs) -> str:
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


# (test id, language, url builder). Builders run inside the test, when the database is reachable.
PAGES = [
    ("home", lambda: _url("home")),
    ("domain", lambda: _url("domains:domain", slug="veiligheid")),
    ("cwb", lambda: _url("domains:domain", slug="community-wealth-building")),
    ("card", lambda: _url("actielijnen:card", code=PUBLISHED_CARD)),
    ("team", lambda: _url("domains:body", slug=TEAM)),
    ("buurten", lambda: _url("domains:buurten")),
    ("buurt", lambda: _url("domains:buurt", slug=BUURT)),
    ("partners", lambda: _url("domains:organisations")),
    ("stories", lambda: _url("monitoring:stories")),
    ("story", lambda: _url("monitoring:story", slug=_story_slug())),
    ("doe-mee", lambda: _url("monitoring:doe_mee")),
    ("jaarbeeld", lambda: _url("monitoring:jaarbeeld")),
    ("search-results", lambda: _url("search") + "?q=veiligheid"),
    ("search-empty", lambda: _url("search") + "?q=xqzwvbnietsgevonden"),
    ("open-data", lambda: _url("open_data")),
    ("login", lambda: _url("login")),
    ("404", lambda: "/deze-pagina-bestaat-niet/"),
    ("en-home", lambda: _url("home", "en")),
    ("en-domain", lambda: _url("domains:domain", "en", slug="veiligheid")),
    ("en-card", lambda: _url("actielijnen:card", "en", code=PUBLISHED_CARD)),
]


@pytest.fixture
def axe_context(browser):
    """Pages in fresh contexts that bypass the CSP (to inject axe); closed at the end of each test."""
    contexts = []

    def make(width: int):
        context = browser.new_context(locale="nl-NL", viewport={"width": width, "height": 900}, bypass_csp=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        context.close()


def audit(page) -> list[dict]:
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return {passes: r.passes.length, all: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                           targets: v.nodes.map(n => n.target.join(' '))}))};
        }""",
        TAGS,
    )
    assert result["passes"] > 10, "axe-core did not run its rules"
    for v in result["all"]:
        if v["impact"] not in BLOCKING:  # reported, not failing (shown with pytest -rP)
            print(f"{page.url}: [{v['impact']}] {v['id']}: {v['help']} {v['targets'][:5]}")
    return [v for v in result["all"] if v["impact"] in BLOCKING]


def report(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']}")
        lines.extend(f"    {target}" for target in v["targets"][:10])
    return "\n".join(lines)


CASES = [(name, build, 390) for name, build in PAGES] + [
    (name, build, 1280) for name, build in PAGES if name in {"home", "card"}
]


@pytest.mark.parametrize(
    ("name", "build", "width"), CASES, ids=[f"{n}-{'phone' if w == 390 else 'desktop'}" for n, _b, w in CASES]
)
def test_page_has_no_serious_axe_violations(demo_server, axe_context, name, build, width):
    page = axe_context(width)
    response = page.goto(demo_server + build())
    assert response is not None
    assert response.status == (404 if name == "404" else 200), page.url
    results = page.locator("main a[href*='/actielijnen/'], main a[href*='/verhalen/'], main a[href*='/domeinen/']")
    if name == "search-results":
        assert results.count() > 0, "the search with results found nothing"
    violations = audit(page)
    assert not violations, f"{page.url} ({width}px)\n" + report(violations)


def test_doe_mee_with_errors_has_no_serious_axe_violations(demo_server, axe_context):
    page = axe_context(390)
    page.goto(demo_server + _url("monitoring:doe_mee"))
    page.locator("#id_email").fill("geen-adres")
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="Versturen").click()
    assert page.locator(".snw-error-summary").is_visible(), "the invalid form shows no error summary"
    violations = audit(page)
    assert not violations, f"{page.url} (invalid form)\n" + report(violations)


FOCUS_STATE = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {
        tag: el.tagName.toLowerCase(), id: el.id || '', href: el.getAttribute('href') || '',
        name: (el.getAttribute('name') || ''), value: (el.value || ''),
        text: (el.innerText || '').trim(), cls: el.className || '',
        visible: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
                 || (style.boxShadow && style.boxShadow !== 'none'),
    };
}"""


def _tab(page) -> dict:
    page.keyboard.press("Tab")
    return page.evaluate(FOCUS_STATE)


def test_header_and_main_menu_work_with_the_keyboard(demo_server, axe_context):
    page = axe_context(1280)
    page.goto(demo_server + "/")

    skip = _tab(page)
    assert skip["href"] == "#main", skip
    brand = _tab(page)
    assert "snw-brand" in brand["cls"], brand
    search = _tab(page)
    assert search["id"] == "snw-header-search", search
    focused = [skip, brand, search]

    # The search button, the language buttons and the login link come before the main menu.
    seen_languages = []
    state = _tab(page)
    while "snw-nav__link" not in state["cls"]:
        focused.append(state)
        if state["name"] == "language":
            seen_languages.append(state["value"])
        state = _tab(page)
        assert len(focused) < 12, f"the main menu is not reached by Tab: {focused}"
    assert seen_languages == ["nl", "en"], seen_languages

    expected_menu = page.evaluate(
        "() => Array.from(document.querySelectorAll('nav.snw-nav a')).map(a => a.getAttribute('href'))"
    )
    menu = [state]
    for _ in expected_menu[1:]:
        menu.append(_tab(page))
    assert [m["href"] for m in menu] == expected_menu
    focused.extend(menu)
    invisible = [f for f in focused if not f["visible"]]
    assert not invisible, f"no visible focus indicator on: {invisible}"

    # Enter on a menu link navigates (the last link: "Doe mee").
    target = menu[-1]["href"]
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == demo_server + target

    # The header search, by keyboard only: Tab to the field, type, Enter.
    page.goto(demo_server + "/")
    for _ in range(3):
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "snw-header-search"
    page.keyboard.type("veiligheid")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.startswith(demo_server + _url("search") + "?q=veiligheid")
    assert page.get_by_role("heading", level=1).first.is_visible()
    assert page.locator("main a[href*='/actielijnen/'], main a[href*='/domeinen/']").count() > 0


# --- the funding pages (issue 5): the demo proposals, funds and board meetings, seen by who may see them ---

FUNDING_PASSWORD = "demo-wachtwoord-123"  # what tests/e2e/test_cards.py::log_in types


@pytest.fixture(scope="module")
def funding_server(demo_server, django_db_blocker):
    """The demo users and the demo funding (funds, example proposals, two board meetings) on top of the
    module's demo content; a second reviewer is assigned to the proposal in advice so the review form has
    someone to show it to. Loaded after the public-page tests have used the content without it."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import MD5PasswordHasher

    from domains.fixtures_loader import load_fixtures
    from financiering import services
    from financiering.fixtures_loader import load_financiering
    from financiering.models import Proposal, State

    with django_db_blocker.unblock():
        load_fixtures(with_users=True)
        load_financiering()
        users = {u.username: u for u in get_user_model().objects.filter(username__in=["programmateam", "regisseur"])}
        # Hashed with the hasher the tests configure (tests/conftest.py), which the login checks against.
        hasher = MD5PasswordHasher()
        for user in users.values():
            user.password = hasher.encode(FUNDING_PASSWORD, hasher.salt())
            user.save(update_fields=["password"])
        in_advice = Proposal.objects.get(state=State.ADVIES, is_example=True)
        if not in_advice.reviews.filter(reviewer=users["regisseur"]).exists():
            services.assign_reviewer(by=users["programmateam"], proposal=in_advice, reviewer=users["regisseur"])
    return demo_server


def _funding_ids() -> dict:
    from financiering.models import Fund, Meeting, Proposal, State

    past = Meeting.objects.filter(decisions__isnull=False).distinct().get()
    return {
        "advies": Proposal.objects.get(state=State.ADVIES, is_example=True).reference,
        "concept": Proposal.objects.get(state=State.CONCEPT, is_example=True).reference,
        "granted": Proposal.objects.filter(state=State.TOEGEKEND).order_by("reference").first().reference,
        "fund": Fund.objects.filter(lines__isnull=False).order_by("slug").first().slug,
        "past": past.pk,
        "next": Meeting.objects.exclude(pk=past.pk).get(items__isnull=False).pk,
    }


# (test id, who is logged in or None, url builder taking the ids above)
FUNDING_PAGES = [
    ("public-grants", None, lambda ids: _url("financiering:public_grants")),
    ("public-grant", None, lambda ids: _url("financiering:public_grant", ref=ids["granted"])),
    ("proposals", "programmateam", lambda ids: _url("financiering:proposals")),
    ("proposal-in-advice", "programmateam", lambda ids: _url("financiering:proposal", ref=ids["advies"])),
    ("proposal-granted", "programmateam", lambda ids: _url("financiering:proposal", ref=ids["granted"])),
    ("lines-form", "programmateam", lambda ids: _url("financiering:proposal_lines", ref=ids["concept"])),
    ("review-form", "regisseur", lambda ids: _url("financiering:review", ref=ids["advies"])),
    ("budget", "programmateam", lambda ids: _url("financiering:budget")),
    ("fund", "programmateam", lambda ids: _url("financiering:fund", slug=ids["fund"])),
    ("meeting", "programmateam", lambda ids: _url("financiering:meeting", pk=ids["next"])),
    ("agenda-pack", "programmateam", lambda ids: _url("financiering:agenda_pack", pk=ids["next"])),
    ("minutes", "programmateam", lambda ids: _url("financiering:minutes", pk=ids["past"])),
]


@pytest.mark.parametrize(("name", "username", "build"), FUNDING_PAGES, ids=[f"{n}-phone" for n, _u, _b in FUNDING_PAGES])
def test_funding_page_has_no_serious_axe_violations(funding_server, axe_context, name, username, build):
    from tests.e2e.test_cards import log_in

    page = axe_context(390)
    if username:
        log_in(page, funding_server, username)
    response = page.goto(funding_server + build(_funding_ids()))
    assert response is not None
    assert response.status == 200, page.url
    if name == "review-form":
        assert page.get_by_role("button", name="Advies versturen").count() == 1, "the review form is not shown"
    if name == "proposal-in-advice":
        assert page.locator("#adviseurs .snw-fv-review").count() > 0, "the proposal in advice shows no advice"
    violations = audit(page)
    assert not violations, f"{page.url} (390px, {username or 'anoniem'})\n" + report(violations)


# --- the netwerkgroep pages (issue 6): the demo cases, a running meeting, the code pages of the second factor ---

NG_GROUP = "netwerkgroep-hgkm-nieuw-west"


@pytest.fixture(scope="module")
def netwerkgroep_server(demo_server, django_db_blocker):
    """The demo users, the netwerkgroepen's schedules, meetings and example cases on top of the module's demo
    content; a confirmed authenticator app for each person who opens case pages, and the next meeting of
    Nieuw-West opened by its regisseur so that meeting mode shows its forms."""
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from domains.fixtures_loader import load_fixtures
    from domains.models import Body, Seat
    from netwerkgroep import services
    from netwerkgroep.fixtures_loader import load_netwerkgroep
    from netwerkgroep.models import Meeting

    with django_db_blocker.unblock():
        load_fixtures(with_users=True)
        load_netwerkgroep(with_users=True)
        for user in get_user_model().objects.filter(username__in=["informeel", "formeel", "regisseur", "programmateam"]):
            if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
                TOTPDevice.objects.create(user=user, name="Authenticator-app", confirmed=True)
        body = Body.objects.get(slug=NG_GROUP)
        meeting = services.upcoming_meeting(body)
        if meeting.status == Meeting.Status.GEPLAND:
            regisseur = get_user_model().objects.get(username="regisseur")
            seats = Seat.objects.active(meeting.date).filter(body=body).values_list("pk", flat=True)
            services.start_meeting(by=regisseur, meeting=meeting, present_seats=list(seats))
        # Sessions are made here, committed, because the live server reads them over its own database
        # connection: on PostgreSQL it cannot see rows written inside a test's transaction.
        NG_SESSIONS.clear()
        for username in {u for _n, u, _v, _b in NG_PAGES} | {"informeel"}:
            for verified in (True, False):
                NG_SESSIONS[(username, verified)] = _make_session(username, verified=verified)
    return demo_server


NG_SESSIONS: dict[tuple[str, bool], str] = {}


def _make_session(username: str, *, verified: bool) -> str:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.get(username=username)
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if verified and device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client.session.session_key


def _ng_session(page, server: str, username: str, *, verified: bool = True) -> None:
    """Log ``username`` in by a session cookie made (and committed) by ``netwerkgroep_server``, with the second
    factor passed unless ``verified`` is false (the code pages are walked in tests/e2e/test_netwerkgroep.py)."""
    from django.conf import settings

    key = NG_SESSIONS[(username, verified)]
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": key, "url": server}])


def _ng_ids() -> dict:
    from domains.models import Body
    from netwerkgroep import services
    from netwerkgroep.models import Case

    body = Body.objects.get(slug=NG_GROUP)
    meeting = services.upcoming_meeting(body)
    item = meeting.items.filter(removed_at__isnull=True).order_by("order", "pk").first()
    assert item is not None, "the demo meeting has no agenda"
    case = (
        Case.objects.filter(body=body, notes__isnull=False, agreements__isnull=False, closed_on__isnull=True)
        .distinct().order_by("code").first()
    )
    assert case is not None, "the demo has no case with notes and agreements"
    return {"meeting": meeting.pk, "item": item.pk, "case": case.code}


# (test id, who is logged in, verified, url builder taking the ids above)
NG_PAGES = [
    ("otp-setup", "aanvoerder", False, lambda ids: _url("otp_setup") + "?next=/netwerkgroep/"),
    ("otp-verify", "regisseur", False, lambda ids: _url("otp_verify") + "?next=/netwerkgroep/"),
    ("group", "regisseur", True, lambda ids: _url("netwerkgroep:group", group=NG_GROUP)),
    ("bring-in", "informeel", True, lambda ids: _url("netwerkgroep:bring_in", group=NG_GROUP)),
    ("case", "regisseur", True, lambda ids: _url("netwerkgroep:case", code=ids["case"])),
    ("my-agreements", "formeel", True, lambda ids: _url("netwerkgroep:my_agreements")),
    ("meeting", "regisseur", True, lambda ids: _url("netwerkgroep:meeting", pk=ids["meeting"])),
    ("meeting-start", "regisseur", True, lambda ids: _url("netwerkgroep:meeting_start", pk=ids["meeting"])),
    ("meeting-item", "regisseur", True, lambda ids: _url("netwerkgroep:meeting_item", pk=ids["meeting"], item=ids["item"])),
    ("agenda-print", "regisseur", True, lambda ids: _url("netwerkgroep:agenda_print", pk=ids["meeting"])),
    ("retention", "regisseur", True, lambda ids: _url("netwerkgroep:retention", group=NG_GROUP)),
    ("stats", "programmateam", True, lambda ids: _url("netwerkgroep:stats")),
    ("case-access-log", "regisseur", True, lambda ids: _url("netwerkgroep:case_access_log", code=ids["case"])),
    ("audit-log", "regisseur", True, lambda ids: _url("netwerkgroep:audit_log", group=NG_GROUP)),
]


@pytest.mark.parametrize(
    ("name", "username", "verified", "build"), NG_PAGES, ids=[f"ng-{n}-phone" for n, _u, _v, _b in NG_PAGES]
)
def test_netwerkgroep_page_has_no_serious_axe_violations(netwerkgroep_server, axe_context, name, username, verified, build):
    page = axe_context(390)
    _ng_session(page, netwerkgroep_server, username, verified=verified)
    response = page.goto(netwerkgroep_server + build(_ng_ids()))
    assert response is not None
    assert response.status == 200, page.url
    assert "login" not in page.url and "inloggen" not in page.url, page.url
    checks = {
        "otp-setup": "svg.snw-qr__image",
        "otp-verify": "input[autocomplete='one-time-code']",
        "case": "#notities .snw-ng-note",
        "meeting": ".snw-ngm__agenda li",
        "meeting-item": "textarea[name='bespreking-summary']",
        "meeting-start": "input[name='start-present']",
    }
    if name in checks:
        assert page.locator(checks[name]).count() > 0, f"{name}: {checks[name]} is missing"
    if name == "case":
        assert page.locator("#afspraken .snw-ng-agreement").count() > 0, "the case shows no agreements"
    violations = audit(page)
    assert not violations, f"{page.url} (390px, {username})\n" + report(violations)


def test_bring_in_with_errors_has_no_serious_axe_violations(netwerkgroep_server, axe_context):
    page = axe_context(390)
    _ng_session(page, netwerkgroep_server, "informeel")
    page.goto(netwerkgroep_server + _url("netwerkgroep:bring_in", group=NG_GROUP))
    page.locator("#id_question").fill("Moeder wil hulp; bel de inbrenger op 06-12345678.")
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="Casus inbrengen").click()
    assert page.locator(".snw-error-summary").is_visible(), "the refused bring-in shows no error summary"
    assert "telefoonnummer" in page.locator(".snw-error-summary").inner_text()
    violations = audit(page)
    assert not violations, f"{page.url} (bring-in with errors)\n" + report(violations)
