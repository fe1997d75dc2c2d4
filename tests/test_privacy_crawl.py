"""An anonymous visitor crawls every public page of the portal, in both languages, and never sees anything
that is not meant for the public: concept cards, the internal parts of published cards, comments, proposed
updates, unpublished reports, concept stories, anonymous persons' names, contact messages, accounts, seats in
netwerkgroepen or audit details. Every piece of sensitive data carries a unique marker; no marker may appear.

The URL resolver is enumerated as well, so a public page that nothing links to cannot be missed silently.
"""

from __future__ import annotations

import datetime
import itertools
import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

PREFIX = "zqxgeheim"
SEARCH_WORD = "geheimhoudingsplicht"  # in every sensitive text, so the search would surface a leak
MAX_PAGES = 400
OK_STATUS = {200, 301, 302, 404}
SKIP_PREFIXES = ("/beheer/", "/static/", "/media/")

# Named routes an anonymous visitor cannot reach (they redirect to the login page or need a POST); each with why.
NOT_PUBLIC = {
    "set_language": "POST only (the language buttons); its result, the other language, is crawled",
    "my_portal": "login required",
    "logout": "POST only, for logged-in users",
    "password_reset_confirm": "needs a token from an e-mail",
    "password_reset_done": "only shown after a reset request (POST)",
    "password_reset_complete": "only shown after a new password is set",
    "actielijnen:overview": "login required (the working overview of all cards)",
    "actielijnen:create": "login required",
    "actielijnen:export": "login required",
    "actielijnen:import": "login required",
    "actielijnen:import_confirm": "login required",
    "actielijnen:import_job": "login required (the requester's own import job)",
    "actielijnen:import_job_status": "login required (htmx fragment)",
    "actielijnen:import_job_confirm": "login required (POST)",
    "actielijnen:import_job_restart": "login required (POST)",
    "actielijnen:edit_section": "login required",
    "actielijnen:add_update": "login required (POST)",
    "actielijnen:decide_update": "login required (POST)",
    "actielijnen:milestone_add": "login required",
    "actielijnen:milestone_edit": "login required",
    "actielijnen:milestone_row": "login required (htmx fragment)",
    "actielijnen:milestone_delete": "login required (POST)",
    "actielijnen:comment": "login required (POST)",
    "actielijnen:history": "login required",
    "actielijnen:restore": "login required (POST)",
    "actielijnen:move": "login required (POST)",
    "monitoring:story_create": "login required",
    "monitoring:story_edit": "login required",
    "monitoring:story_publish": "login required (POST)",
    "monitoring:story_withdraw": "login required (POST)",
    "monitoring:story_sign_off": "login required (POST)",
    "monitoring:contact_messages": "login required (programme team)",
    "financiering:budget": "login required (funding process)",
    "financiering:funds": "login required (funding process)",
    "financiering:fund_create": "login required (funding process)",
    "financiering:fund": "login required (funding process)",
    "financiering:fund_edit": "login required (funding process)",
    "financiering:fund_year": "login required (funding process)",
    "financiering:fund_guardian": "login required (funding process)",
    "monitoring:edition": "login required (programme team)",
    "monitoring:edition_block": "login required (programme team)",
    "monitoring:edition_preview": "login required (programme team)",
    "monitoring:edition_stories": "login required (programme team)",
    "monitoring:editions": "login required (programme team)",
    "monitoring:build_start": "login required (programme team, POST)",
    "monitoring:build": "login required (programme team)",
    "monitoring:build_status": "login required (programme team; htmx fragment)",
    "monitoring:build_publish": "login required (programme team, POST)",
    "monitoring:build_download": "a published version only; the crawl's data has none (tests/monitoring/test_jaarbeeld_build_views.py)",
    "monitoring:indicator_create": "login required (programme team)",
    "monitoring:indicator_edit": "login required (programme team)",
    "monitoring:indicator_export": "login required (programme team)",
    "monitoring:indicator_import": "login required (programme team)",
    "monitoring:indicator_import_confirm": "login required (programme team)",
    "monitoring:indicators": "login required (programme team)",
    "monitoring:measurement_add": "login required (programme team)",
    "netwerkgroep:figures": "login required with a second factor (regisseur)",
    "otp_setup": "login required (two-step verification)",
    "otp_verify": "login required (two-step verification)",
    "netwerkgroep:groups": "login required with a second factor (netwerkgroep case data)",
    "netwerkgroep:my_agreements": "login required with a second factor (netwerkgroep case data)",
    "netwerkgroep:stats": "login required with a second factor (netwerkgroep case data)",
    "netwerkgroep:case": "login required with a second factor (netwerkgroep case data)",
    "netwerkgroep:case_edit": "login required with a second factor (netwerkgroep case data)",
    "netwerkgroep:consent": "login required with a second factor (netwerkgroep case data)",
    "netwerkgroep:note_add": "login required with a second factor (netwerkgroep case data)",
    "netwerkgroep:note_redact": "login required with a second factor (netwerkgroep case data)",
    "netwerkgroep:agreement_add": "login required with a second factor (netwerkgroep case data)",
    "netwerkgroep:case_wait": "login required with a second factor (netwerkgroep case data)",
    "netwerkgroep:case_transfer": "login required with a second factor (netwerkgroep case data)",
    "netwerkgroep:case_close": "login required with a second factor (netwerkgroep case data)",
    "netwerkgroep:case_access_log": "login required with a second factor (netwerkgroep case data)",
    "netwerkgroep:hold_back": "login required with a second factor (netwerkgroep case data)",
    "netwerkgroep:agreement_accept": "login required with a second factor (netwerkgroep case data)",
    "netwerkgroep:agreement_finish": "login required with a second factor (netwerkgroep case data)",
    "netwerkgroep:meeting": "login required with a second factor (netwerkgroep case data)",
    "netwerkgroep:agenda_build": "login required with a second factor (netwerkgroep case data)",
    "netwerkgroep:agenda_add": "login required with a second factor (netwerkgroep case data)",
    "netwerkgroep:agenda_remove": "login required with a second factor (netwerkgroep case data)",
    "netwerkgroep:agenda_reorder": "login required with a second factor (netwerkgroep case data)",
    "netwerkgroep:agenda_print": "login required with a second factor (netwerkgroep case data)",
    "netwerkgroep:meeting_move": "login required with a second factor (netwerkgroep case data)",
    "netwerkgroep:meeting_cancel": "login required with a second factor (netwerkgroep case data)",
    "netwerkgroep:meeting_start": "login required with a second factor (netwerkgroep case data)",
    "netwerkgroep:meeting_item": "login required with a second factor (netwerkgroep case data)",
    "netwerkgroep:meeting_end": "login required with a second factor (netwerkgroep case data)",
    "netwerkgroep:group": "login required with a second factor (netwerkgroep case data)",
    "netwerkgroep:bring_in": "login required with a second factor (netwerkgroep case data)",
    "netwerkgroep:audit_log": "login required with a second factor (netwerkgroep case data)",
    "netwerkgroep:meetings": "login required with a second factor (netwerkgroep case data)",
    "netwerkgroep:retention": "login required with a second factor (netwerkgroep case data)",
    "netwerkgroep:lessons": "login required with a second factor (netwerkgroep members)",
    "netwerkgroep:ics": "needs a personal signed token; no case data",
    "domains:bodies": "login required (programme team: Leden en zetels)",
    "domains:members": "login required (programme team or the group's regisseur: Leden en zetels)",
    "domains:seat_assign": "login required (programme team, POST)",
    "domains:seat_end": "login required (programme team, POST)",
    "domains:seat_side": "login required (the group's regisseur, POST)",
    "domains:organisation_kind": "login required (programme team)",
    "financiering:export": "login required (funding process)",
    "financiering:meetings": "login required (funding process)",
    "financiering:meeting_create": "login required (funding process)",
    "financiering:meeting": "login required (funding process)",
    "financiering:agenda_item": "login required (funding process)",
    "financiering:put_on_agenda": "login required (funding process)",
    "financiering:attendance": "login required (funding process)",
    "financiering:agenda_pack": "login required (funding process)",
    "financiering:agenda_pack_pdf": "login required (funding process)",
    "financiering:send_pack": "login required (funding process)",
    "financiering:decide": "login required (funding process)",
    "financiering:board_conflict": "login required (funding process)",
    "financiering:minutes": "login required (funding process)",
    "financiering:minutes_pdf": "login required (funding process)",
    "financiering:adopt": "login required (funding process)",
    "financiering:proposals": "login required (funding process)",
    "financiering:proposal_create": "login required (funding process)",
    "financiering:proposal": "login required (funding process)",
    "financiering:proposal_edit": "login required (funding process)",
    "financiering:proposal_lines": "login required (funding process)",
    "financiering:proposal_cofinancing": "login required (funding process)",
    "financiering:proposal_parties": "login required (funding process)",
    "financiering:attachment_add": "login required (funding process)",
    "financiering:attachment": "login required (funding process)",
    "financiering:attachment_delete": "login required (funding process)",
    "financiering:submit": "login required (funding process)",
    "financiering:move": "login required (funding process)",
    "financiering:check": "login required (funding process)",
    "financiering:assign_reviewer": "login required (funding process)",
    "financiering:unassign_reviewer": "login required (funding process)",
    "financiering:review": "login required (funding process)",
    "financiering:declare_conflict": "login required (funding process)",
    "financiering:decide_conflict": "login required (funding process)",
    "financiering:final_report": "login required (funding process)",
}

# Known leaks the crawl reports without failing: none. Add one only with a failing test beside it.
KNOWN_LEAKS: dict[str, str] = {}

_counter = itertools.count(1)
MARKERS: dict[str, str] = {}  # marker → what it was put in


def marker(label: str = "") -> str:
    value = f"{PREFIX}{next(_counter):03d}"
    MARKERS[value] = label
    return f"{value} {SEARCH_WORD} {label}".strip()


def email_marker() -> str:
    value = f"{PREFIX}{next(_counter):03d}"
    MARKERS[value] = "e-mailadres"
    return f"{value}@example.org"


def _text_fields(model, *, skip: set[str]) -> list[str]:
    from django.db import models

    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, (models.CharField, models.TextField))
        and not f.choices
        and not isinstance(f, (models.SlugField, models.EmailField, models.URLField))
        and f.name not in skip
    ]


def _load_sensitive_data() -> dict:
    from django.contrib.auth import get_user_model

    from actielijnen import services as card_services
    from actielijnen.models import Actielijn, Statusupdate
    from actielijnen.models import Status as CardStatus
    from domains import services
    from domains.models import Body, Domain, Seat
    from monitoring import services as story_services
    from monitoring.models import Verhaal
    from samennw import audit

    notes = {}
    User = get_user_model()  # noqa: N806
    programmateam = Body.objects.get(slug="programmateam")
    team_user = User.objects.create_user(
        username="crawl-programmateam", email=email_marker(), password="x" * 20, display_name="Crawl Programmateam"
    )
    services.assign_seat(
        by=None, user=team_user, body=programmateam, role=Seat.Role.PROGRAMMATEAM, starts_on=datetime.date(2026, 1, 1)
    )

    # Accounts with marker names and e-mail addresses, seated in the netwerkgroepen (never public).
    for i, body in enumerate(Body.objects.filter(kind=Body.Kind.NETWERKGROEP)):
        user = User.objects.create_user(
            username=f"{PREFIX}user{i}",
            email=email_marker(),
            password="x" * 20,
            display_name=marker("weergavenaam"),
            first_name=marker("voornaam"),
            last_name=marker("achternaam"),
        )
        services.assign_seat(by=None, user=user, body=body, role=Seat.Role.LID, starts_on=datetime.date(2026, 1, 1))
    loner = User.objects.create_user(username=f"{PREFIX}loner", email=email_marker(), password="x" * 20)
    loner.display_name = marker("zonder zetel")
    loner.save()

    # A concept card with a marker in every text field (both languages).
    domain = Domain.objects.get(slug="veiligheid")
    concept = card_services.create_card(by=team_user, domain=domain, code="crawl-concept", title=marker("titel"))
    Actielijn.objects.filter(pk=concept.pk).update(
        **{name: marker(name) for name in _text_fields(Actielijn, skip={"code"})}
    )
    assert Actielijn.objects.get(pk=concept.pk).status == CardStatus.CONCEPT
    notes["concept_card"] = concept.code

    # A published card with markers in the internal fields, a comment and a proposed status update.
    published = Actielijn.objects.filter(status=CardStatus.GEPUBLICEERD).order_by("code").first()
    internal = [
        "money", "risks", "smart", "people_needed", "time_needed", "policy_changes", "result", "learning", "monitoring",
    ]
    Actielijn.objects.filter(pk=published.pk).update(
        **{name: marker(name) for name in _text_fields(Actielijn, skip=set()) if name.rsplit("_", 1)[0] in internal or name in internal}
    )
    card_services.add_comment(by=team_user, card=published, text=marker("reactie"))
    proposal = card_services.add_status_update(by=team_user, card=published, text=marker("voorstel"), propose=True)
    assert proposal.state == Statusupdate.State.VOORGESTELD
    notes["published_card"] = published.code

    # An unpublished meeting report.
    services.add_meeting_report(
        by=team_user, body=Body.objects.get(slug="alliantiebestuur"), held_on=datetime.date(2026, 3, 1),
        title=marker("verslagtitel"), text=marker("verslag"), slug="crawl-verslag", publish=False,
    )

    # A concept story, and an anonymous person with a name on a published story.
    story_services.create_story(
        by=team_user, slug="crawl-verhaal", title=marker("verhaaltitel"), summary=marker("samenvatting"),
        body=marker("verhaal"), domain=domain, story_date=datetime.date(2026, 4, 1),
    )
    story = Verhaal.objects.filter(status=Verhaal.Status.GEPUBLICEERD).order_by("slug").first()
    try:
        story_services.update_story(
            by=team_user, story=story, changes={},
            persons=[{"role": "buurtbewoner", "display_name": marker("anoniem"), "anonymity": "anoniem"}],
        )
        notes["anonymous_person"] = "stored with a name"
    except ValidationError:
        notes["anonymous_person"] = "refused by the service (a name on an anonymous person is not allowed)"

    # A contact message and audit events with marker details.
    story_services.receive_contact_message(
        name=marker("naam"), email=email_marker(), organisation=marker("organisatie"), message=marker("bericht"),
        ip_address="192.0.2.1",
    )
    # Funding: the example proposals (one granted, one concept among them), with markers in every field
    # that is not part of the public summary, in their advice, co-financing, checks, conflicts and decisions.
    from financiering import models as fin
    from financiering.fixtures_loader import load_financiering

    load_financiering(with_users=True)
    public_fields = {"title", "purpose", "reference"}
    for proposal in fin.Proposal.objects.all():
        fin.Proposal.objects.filter(pk=proposal.pk).update(
            **{name: marker(f"voorstel {name}") for name in _text_fields(fin.Proposal, skip=public_fields)}
        )
    concept = fin.Proposal.objects.filter(state=fin.State.CONCEPT).first()
    fin.Proposal.objects.filter(pk=concept.pk).update(title=marker("concepttitel"), purpose=marker("conceptdoel"))
    assert fin.Proposal.objects.filter(state=fin.State.TOEGEKEND).exists()
    fin.CoFinancing.objects.update(description=marker("cofinanciering"))
    fin.Review.objects.update(text=marker("advies"))
    fin.ReviewScore.objects.update(text=marker("score"))
    fin.Check.objects.update(note=marker("toets"))
    fin.Conflict.objects.update(grounds=marker("belang"), decision_reason=marker("belangbesluit"))
    fin.Decision.objects.update(conditions=marker("voorwaarden"), reason=marker("motivering"), questions=marker("vragen"))
    fin.Transition.objects.update(reason=marker("overgang"))
    fin.Meeting.objects.update(minutes_note=marker("notulen"))
    notes["funding"] = f"{fin.Proposal.objects.count()} voorstellen"

    # Indicators: the documents' public ones, and a non-public one with markers that must never show.
    from monitoring.indicator_fixtures import load_indicators
    from monitoring.models import Indicator

    load_indicators()
    assert Indicator.objects.filter(is_public=True).exists()
    Indicator.objects.create(
        slug="crawl-intern", domain=domain, name=marker("indicatornaam"), definition=marker("definitie"), is_public=False,
    )

    audit.record("crawl.test", actor=team_user, note=marker("audit"))
    audit.record("crawl.test.anon", target=published, detail=marker("audit doel"))
    return notes


def _links(body: str) -> list[str]:
    found = re.findall(r"""(?:href|src|action)\s*=\s*["']([^"'#]+)""", body)
    found += re.findall(r"<(?:loc|link|id)>\s*(https?://[^<\s]+)\s*</", body)  # sitemap, feeds
    found += re.findall(r'<link[^>]+href="([^"]+)"', body)
    return found


def _local(url: str, base: str) -> str | None:
    absolute = urljoin("http://testserver" + base, url.replace("&amp;", "&"))
    parts = urlsplit(absolute)
    if parts.scheme not in {"http", "https"} or parts.hostname not in {"testserver", "localhost", "example.com"}:
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if path.startswith(SKIP_PREFIXES):
        return None
    return path


def _all_route_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace: str | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "admin":
                    continue
                ns = p.namespace or namespace
                walk(p.url_patterns, f"{namespace}:{p.namespace}" if namespace and p.namespace else ns)
            elif isinstance(p, URLPattern) and p.name:
                names.add(f"{namespace}:{p.name}" if namespace else p.name)

    walk(get_resolver().url_patterns, None)
    return names


@pytest.mark.django_db
def test_anonymous_crawl_shows_no_private_data(client):
    from actielijnen.fixtures_loader import load_actielijnen
    from domains.fixtures_loader import load_fixtures
    from monitoring.fixtures_loader import load_verhalen

    load_fixtures(with_users=True)
    load_actielijnen(with_users=True)
    load_verhalen()
    notes = _load_sensitive_data()
    assert len(MARKERS) > 40

    start = [
        "/", "/en/", "/sitemap.xml", "/health/",
        "/feeds/verhalen.rss", "/feeds/verhalen.atom", "/feeds/stand-van-zaken.rss", "/feeds/stand-van-zaken.atom",
        f"/zoeken/?q={SEARCH_WORD}", f"/en/search/?q={SEARCH_WORD}", "/zoeken/?q=veiligheid", "/en/search/?q=safety",
        "/wachtwoord/vergeten/",
    ]
    queue: deque[str] = deque(start)
    seen: set[str] = set(start)
    visited: dict[str, int] = {}
    route_names: set[str] = set()
    leaks: list[str] = []

    while queue and len(visited) < MAX_PAGES:
        path = queue.popleft()
        response = client.get(path)
        visited[path] = response.status_code
        assert response.status_code in OK_STATUS, f"{path} answered {response.status_code}"
        try:
            match = resolve(urlsplit(path).path)
            if response.status_code != 404:
                route_names.add(match.view_name)
        except Resolver404:
            pass
        if response.status_code in (301, 302):
            target = _local(response["Location"], path)
            if target and target not in seen:
                seen.add(target)
                queue.append(target)
            continue
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", errors="replace")
        lowered = text.lower()
        if PREFIX in lowered:
            found = sorted(set(re.findall(rf"{PREFIX}\d+", lowered)))
            unknown = [(m, MARKERS.get(m)) for m in found if MARKERS.get(m) not in KNOWN_LEAKS]
            if unknown:
                leaks.append(f"{path}: {unknown}")
        for link in _links(text):
            target = _local(link, urlsplit(path).path)
            if target and target not in seen and "/uitloggen/" not in target and "/logout/" not in target:
                seen.add(target)
                queue.append(target)

    print(f"crawled {len(visited)} pages, {len(route_names)} named routes, {len(MARKERS)} markers")
    assert not leaks, "private data shown to an anonymous visitor:\n" + "\n".join(leaks)
    assert len(visited) < MAX_PAGES, f"crawl bound reached; raise MAX_PAGES ({len(visited)} pages)"
    assert any(p.startswith("/en/") for p in visited) and any(p.startswith("/open-data/") for p in visited)

    # Direct requests for the private objects: a redirect to the login page or a 404, never their content.
    for path in [
        f"/actielijnen/{notes['concept_card']}/",
        f"/en/action-lines/{notes['concept_card']}/",
        f"/actielijnen/{notes['published_card']}/geschiedenis/",
        "/verhalen/crawl-verhaal/",
        "/doe-mee/berichten/",
        "/mijn/",
    ]:
        response = client.get(path)
        assert response.status_code in {302, 403, 404}, f"{path} answered {response.status_code}"
        assert PREFIX not in response.content.decode("utf-8", errors="replace").lower(), path

    # Every named public route was reached by the crawl, or is listed above with a reason.
    missing = sorted(_all_route_names() - route_names - set(NOT_PUBLIC))
    assert not missing, f"public routes the crawl never reached: {missing}"
    stale = sorted(set(NOT_PUBLIC) - _all_route_names())
    assert not stale, f"allow-list names that no longer exist: {stale}"


@pytest.mark.django_db
def test_search_does_not_show_smart_notes_of_published_cards(client):
    from actielijnen.fixtures_loader import load_actielijnen
    from actielijnen.models import Actielijn
    from actielijnen.models import Status as CardStatus
    from domains.fixtures_loader import load_fixtures

    load_fixtures(with_users=False)
    load_actielijnen(with_users=False)
    card = Actielijn.objects.filter(status=CardStatus.GEPUBLICEERD).order_by("code").first()
    Actielijn.objects.filter(pk=card.pk).update(smart_nl=f"{PREFIX}999 {SEARCH_WORD}")
    assert PREFIX not in client.get(f"/actielijnen/{card.code}/").content.decode().lower()
    assert PREFIX not in client.get(f"/zoeken/?q={SEARCH_WORD}").content.decode().lower()
