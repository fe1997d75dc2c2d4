"""The permission sweep (issue 8, item 1): every route of the portal × every role, compared with ``samennw.rights``.

Every URL pattern is read from the resolver (the i18n-prefixed ones included) and requested with real objects
from one seeded database (``tests/sweep/world.py``: the demo content plus markers), as each role of
``ROLES``, with GET and, where the view takes it, a minimal POST. ``EXPECTED`` says per route who may use it:
``PUBLIC``, ``LOGIN`` (any logged-in person) or a list of rights actions on one object of the seeded world;
the allowed or denied verdict per role comes from ``rights.can`` itself. A route without an entry fails the
sweep by name, so a new page cannot slip past it.

Outcomes: allowed is a 2xx or 3xx that is not a redirect to the login or two-step pages (a 400 for a POST
with an empty form counts too: the view accepted the person and refused the input); denied is a 403, a 404 or
a redirect to the login page; a 405 means the method does not apply to that route. A 500 fails everywhere.
Netwerkgroep case pages are requested with a verified second factor in the session, so the rights decide.
Every GET is repeated on the route's English path (``/en/…``, translated patterns): same verdict, no leak.

Confidential texts carry markers (a case's note and agreement, an unpublished card's goal, advice, conflicts
and the board's minutes); no response to a role that may not see one may contain it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from samennw import rights
from tests.sweep.world import PREFIX, ROLES, World, build

# Routes left out of the sweep, each with why: Django's own admin pages are one entry below (``ADMIN``),
# static and media files are served by whitenoise and the web server, not by a view of the portal.
SKIPPED_NAMESPACES = {"admin"}
ADMIN = "admin (Django admin, one entry)"


@dataclass(frozen=True)
class Rule:
    """Who may use one route: ``actions`` on ``obj`` (all must hold), behind a login when ``login``."""

    actions: tuple[str, ...] = ()
    obj: str | Callable[[World], Any] | None = None
    login: bool = True
    kwargs: Callable[[World], dict] = field(default=lambda w: {})
    post: Callable[[World], dict] | None = None  # minimal POST data (default: an empty POST)
    post_actions: tuple[str, ...] | None = None  # when a POST needs more than a GET
    any_of: bool = False  # ``obj`` is a list: allowed when the actions hold for one of them
    note: str = ""


PUBLIC = Rule(login=False, note="public")
LOGIN = Rule(note="any logged-in person")


def R(*actions: str, obj=None, **extra) -> Rule:  # noqa: N802 - reads as a table
    return Rule(actions=actions, obj=obj, **extra)


def card_kw(**more):
    return lambda w: {"code": w.card.code, **{k: v(w) for k, v in more.items()}}


def case_kw(w):
    return {"code": w.case.code}


def prop(name: str):
    return lambda w: {"ref": getattr(w, name).reference}


def build_kw(**more):
    return lambda w: {"year": w.edition.report_year, "number": w.build.number, **{k: v(w) for k, v in more.items()}}


def board_kw(**more):
    return lambda w: {"pk": w.board_meeting.pk, **{k: v(w) for k, v in more.items()}}


def table_kw(**more):
    return lambda w: {"pk": w.table_meeting.pk, **{k: v(w) for k, v in more.items()}}


def body_by_slug(slug: str):
    from domains.models import Body

    return Body.objects.get(slug=slug)


def nw_seat_kw(w) -> dict:
    """A running seat at the Nieuw-West table, for the seat routes of "Leden en zetels"."""
    from domains.models import Seat

    return {"slug": w.nw.slug, "pk": Seat.objects.active().filter(body=w.nw).order_by("pk").first().pk}


NW = {"group": lambda w: w.nw.slug}
VIEW_CARD = "actielijnen.view_card"
VIEW_PROPOSAL = "financiering.view_proposal"
VIEW_MEETING = "financiering.view_meeting"
VIEW_CASE = "netwerkgroep.view_case"

EXPECTED: dict[str, Rule | list[Rule]] = {
    # --- site-wide ---
    "health": PUBLIC,
    "set_language": PUBLIC,
    "home": PUBLIC,
    "my_portal": LOGIN,
    "login": PUBLIC,
    "logout": PUBLIC,  # POST only; logs out whoever asks, anonymous visitors included
    "otp_setup": LOGIN,
    "otp_verify": LOGIN,
    "password_reset": PUBLIC,
    "password_reset_done": PUBLIC,
    "password_reset_confirm": Rule(login=False, kwargs=lambda w: {"uidb64": w.reset_uid, "token": w.reset_token}),
    "password_reset_complete": PUBLIC,
    "search": PUBLIC,
    "open_data": PUBLIC,
    "open_data_file": Rule(login=False, kwargs=lambda w: {"dataset": "actielijnen", "fmt": "json"}),
    "feed_stories_rss": PUBLIC,
    "feed_stories_atom": PUBLIC,
    "feed_updates_rss": PUBLIC,
    "feed_updates_atom": PUBLIC,
    "sitemap": PUBLIC,
    ADMIN: R("admin.access", note="superuser only"),
    # --- structure ---
    "domains:domain": Rule(login=False, kwargs=lambda w: {"slug": "veiligheid"}),
    "domains:body": Rule(login=False, kwargs=lambda w: {"slug": "opgaveteam-veiligheid"}),
    "domains:buurten": PUBLIC,
    "domains:buurt": Rule(login=False, kwargs=lambda w: {"slug": "jacob-geelbuurt"}),
    "domains:organisations": PUBLIC,
    # "Leden en zetels": the Nieuw-West table (its regisseur manages sides) and an opgaveteam (no regisseur)
    "domains:bodies": R("domains.assign_seat"),
    "domains:members": [
        R("domains.view_seats", obj="nw", kwargs=lambda w: {"slug": w.nw.slug}),
        R("domains.view_seats", obj=lambda w: body_by_slug("opgaveteam-veiligheid"), kwargs=lambda w: {"slug": "opgaveteam-veiligheid"}),
    ],
    # POST only; an empty POST fills in nothing: the page comes back with the errors (400), nothing is saved
    "domains:seat_assign": R("domains.view_seats", "domains.assign_seat", obj="nw", kwargs=lambda w: {"slug": w.nw.slug}),
    "domains:seat_end": R("domains.view_seats", "domains.assign_seat", obj="nw", kwargs=lambda w: nw_seat_kw(w)),
    "domains:seat_side": R("domains.change_seat_side", obj="nw", kwargs=lambda w: nw_seat_kw(w)),
    "domains:organisation_kind": R(
        "domains.decide_organisation_kind", kwargs=lambda w: {"slug": w.nw.seats.exclude(organisation=None).first().organisation.slug}
    ),
    # --- action lines (the unpublished card led by the demo aanvoerder) ---
    "actielijnen:overview": R("actielijnen.view_overview"),
    "actielijnen:create": R("actielijnen.create_card"),
    "actielijnen:export": R("actielijnen.export"),
    "actielijnen:import": R("actielijnen.import"),
    "actielijnen:import_confirm": R("actielijnen.import"),
    # the planned import job of the programme team's account (tests/sweep/world.py); anyone else's is a 404
    "actielijnen:import_job": R("actielijnen.import", kwargs=lambda w: {"code": w.import_job.code}),
    "actielijnen:import_job_status": R("actielijnen.import", kwargs=lambda w: {"code": w.import_job.code}),
    "actielijnen:import_job_confirm": R("actielijnen.import", kwargs=lambda w: {"code": w.import_job.code}),
    "actielijnen:import_job_restart": R("actielijnen.import", kwargs=lambda w: {"code": w.import_job.code}),
    "actielijnen:card": [
        R(VIEW_CARD, obj="card", login=False, kwargs=card_kw()),
        R(VIEW_CARD, obj="public_card", login=False, kwargs=lambda w: {"code": w.public_card.code}),
    ],
    "actielijnen:edit_section": R(VIEW_CARD, "actielijnen.edit_card", obj="card", kwargs=card_kw(section=lambda w: "doel")),
    "actielijnen:add_update": R(VIEW_CARD, "actielijnen.propose_update", obj="card", kwargs=card_kw()),
    "actielijnen:decide_update": R(
        VIEW_CARD, "actielijnen.add_status_update", obj="card", kwargs=card_kw(pk=lambda w: w.proposed_update.pk)
    ),
    "actielijnen:milestone_add": R(VIEW_CARD, "actielijnen.edit_card", obj="card", kwargs=card_kw()),
    "actielijnen:milestone_edit": R(VIEW_CARD, "actielijnen.edit_card", obj="card", kwargs=card_kw(pk=lambda w: w.milestone.pk)),
    "actielijnen:milestone_row": R(VIEW_CARD, obj="card", kwargs=card_kw(pk=lambda w: w.milestone.pk)),
    "actielijnen:milestone_delete": R(VIEW_CARD, "actielijnen.edit_card", obj="card", kwargs=card_kw(pk=lambda w: w.milestone.pk)),
    "actielijnen:comment": R(VIEW_CARD, "actielijnen.propose_update", obj="card", kwargs=card_kw()),
    "actielijnen:history": R(VIEW_CARD, "actielijnen.view_history", obj="card", kwargs=card_kw()),
    "actielijnen:restore": R(
        VIEW_CARD, "actielijnen.restore_version", obj="card", kwargs=card_kw(history_id=lambda w: w.card_history.history_id)
    ),
    # an empty POST names no move: the card's readers are sent back to it, nothing changes
    "actielijnen:move": R(VIEW_CARD, obj="card", kwargs=card_kw()),
    # --- stories, Doe mee, indicators, jaarbeeld ---
    "monitoring:stories": PUBLIC,
    "monitoring:story": Rule(login=False, kwargs=lambda w: {"slug": w.story.slug}),
    "monitoring:story_create": R("monitoring.edit_story"),
    "monitoring:story_edit": R("monitoring.edit_story", kwargs=lambda w: {"slug": w.hgkm_story.slug}),
    "monitoring:story_publish": R("monitoring.publish_story", kwargs=lambda w: {"slug": w.hgkm_story.slug}),
    "monitoring:story_withdraw": R("monitoring.publish_story", kwargs=lambda w: {"slug": w.hgkm_story.slug}),
    "monitoring:story_sign_off": R("monitoring.sign_off_hgkm_story", kwargs=lambda w: {"slug": w.hgkm_story.slug}),
    "monitoring:doe_mee": PUBLIC,
    "monitoring:contact_messages": R(
        "monitoring.view_contact_messages", post=lambda w: {"bericht": w.contact_message.pk, "afgehandeld": "ja"}
    ),
    "monitoring:jaarbeeld": PUBLIC,
    "monitoring:indicators": R("monitoring.view_indicator_dashboard"),
    "monitoring:indicator_create": R("monitoring.manage_indicators"),
    "monitoring:indicator_import": R("monitoring.import_measurements"),
    "monitoring:indicator_import_confirm": R("monitoring.import_measurements"),
    "monitoring:indicator_export": R("monitoring.import_measurements"),
    "monitoring:indicator": R("monitoring.view_indicator", obj="indicator", login=False, kwargs=lambda w: {"slug": w.indicator.slug}),
    "monitoring:indicator_edit": R("monitoring.manage_indicators", kwargs=lambda w: {"slug": w.indicator.slug}),
    "monitoring:measurement_add": R("monitoring.manage_indicators", kwargs=lambda w: {"slug": w.indicator.slug}),
    "monitoring:editions": R("monitoring.edit_jaarbeeld"),
    "monitoring:edition": R("monitoring.edit_jaarbeeld", obj="edition", kwargs=lambda w: {"year": w.edition.report_year}),
    "monitoring:edition_stories": R(
        "monitoring.edit_jaarbeeld", obj="edition", kwargs=lambda w: {"year": w.edition.report_year},
        post=lambda w: {"actie": "toevoegen", "verhaal": w.story.slug},
    ),
    "monitoring:edition_block": R(
        "monitoring.approve_jaarbeeld_block", obj="edition", kwargs=lambda w: {"year": w.edition.report_year, "kind": "partners"}
    ),
    "monitoring:edition_preview": R("monitoring.edit_jaarbeeld", obj="edition", kwargs=lambda w: {"year": w.edition.report_year}),
    # an empty POST names no language or kind: the form is refused, nothing is built
    "monitoring:build_start": R("monitoring.build_jaarbeeld", obj="edition", kwargs=lambda w: {"year": w.edition.report_year}),
    "monitoring:build": R("monitoring.build_jaarbeeld", obj="edition", kwargs=build_kw()),
    "monitoring:build_status": R("monitoring.build_jaarbeeld", obj="edition", kwargs=build_kw()),
    "monitoring:build_publish": R("monitoring.publish_jaarbeeld", obj="edition", kwargs=build_kw()),
    "monitoring:build_download": R(
        "monitoring.view_jaarbeeld_build", obj="build", login=False, kwargs=build_kw(fmt=lambda w: "pdf")
    ),
    # --- funding ---
    "financiering:public_grants": PUBLIC,
    "financiering:public_grant": Rule(login=False, kwargs=prop("granted_proposal")),
    "financiering:budget": R("financiering.view_budget"),
    "financiering:funds": R("financiering.view_budget"),
    "financiering:fund_create": R("financiering.manage_funds"),
    "financiering:fund": R("financiering.view_budget", kwargs=lambda w: {"slug": w.concept_proposal.lines.first().fund.slug}),
    "financiering:fund_edit": R("financiering.manage_funds", kwargs=lambda w: {"slug": w.concept_proposal.lines.first().fund.slug}),
    "financiering:fund_year": R("financiering.manage_funds", kwargs=lambda w: {"slug": w.concept_proposal.lines.first().fund.slug}),
    "financiering:fund_guardian": R("financiering.manage_funds", kwargs=lambda w: {"slug": w.concept_proposal.lines.first().fund.slug}),
    "financiering:export": R("financiering.export"),
    "financiering:meetings": R(VIEW_MEETING, obj=lambda w: [w.board_meeting], any_of=True),
    "financiering:meeting_create": R("financiering.manage_meeting"),
    "financiering:meeting": R(VIEW_MEETING, obj="board_meeting", kwargs=board_kw()),
    "financiering:agenda_item": R(VIEW_MEETING, "financiering.manage_meeting", obj="board_meeting", kwargs=board_kw()),
    "financiering:put_on_agenda": R(VIEW_MEETING, "financiering.manage_meeting", obj="board_meeting", kwargs=board_kw()),
    "financiering:attendance": R(VIEW_MEETING, "financiering.record_decision", obj="board_meeting", kwargs=board_kw()),
    "financiering:agenda_pack": R(VIEW_MEETING, obj="board_meeting", kwargs=board_kw()),
    "financiering:agenda_pack_pdf": R(VIEW_MEETING, obj="board_meeting", kwargs=board_kw()),
    "financiering:send_pack": R(VIEW_MEETING, "financiering.manage_meeting", obj="board_meeting", kwargs=board_kw()),
    "financiering:decide": R(
        VIEW_MEETING, "financiering.record_decision", obj="board_meeting", kwargs=board_kw(ref=lambda w: w.agenda_proposal.reference)
    ),
    "financiering:board_conflict": R(
        VIEW_MEETING, "financiering.decide_board_conflict", obj="board_meeting", kwargs=board_kw(conflict=lambda w: w.board_conflict.pk)
    ),
    "financiering:minutes": R(VIEW_MEETING, obj="board_meeting", kwargs=board_kw()),
    "financiering:minutes_pdf": R(VIEW_MEETING, obj="board_meeting", kwargs=board_kw()),
    # GET shows the minutes to their readers; adopting them (POST) is the chair's or the secretary's
    "financiering:adopt": R(
        VIEW_MEETING, obj="board_meeting", kwargs=board_kw(), post_actions=(VIEW_MEETING, "financiering.record_decision")
    ),
    "financiering:proposals": R("financiering.view_proposals"),
    "financiering:proposal_create": R("financiering.create_proposal"),
    "financiering:proposal": [
        R(VIEW_PROPOSAL, obj="concept_proposal", kwargs=prop("concept_proposal")),
        R(VIEW_PROPOSAL, obj="agenda_proposal", kwargs=prop("agenda_proposal")),
    ],
    "financiering:proposal_edit": R(VIEW_PROPOSAL, "financiering.edit_proposal", obj="concept_proposal", kwargs=prop("concept_proposal")),
    "financiering:proposal_lines": R(VIEW_PROPOSAL, "financiering.edit_proposal", obj="concept_proposal", kwargs=prop("concept_proposal")),
    "financiering:proposal_cofinancing": R(
        VIEW_PROPOSAL, "financiering.edit_proposal", obj="concept_proposal", kwargs=prop("concept_proposal")
    ),
    "financiering:proposal_parties": R(
        VIEW_PROPOSAL, "financiering.edit_proposal", obj="concept_proposal", kwargs=prop("concept_proposal")
    ),
    "financiering:attachment_add": R(VIEW_PROPOSAL, "financiering.edit_proposal", obj="concept_proposal", kwargs=prop("concept_proposal")),
    "financiering:attachment": R(
        VIEW_PROPOSAL, obj="concept_proposal", kwargs=lambda w: {"ref": w.concept_proposal.reference, "pk": w.attachment.pk}
    ),
    "financiering:attachment_delete": R(
        VIEW_PROPOSAL, "financiering.edit_proposal", obj="concept_proposal",
        kwargs=lambda w: {"ref": w.concept_proposal.reference, "pk": w.attachment.pk},
    ),
    "financiering:submit": R(VIEW_PROPOSAL, "financiering.submit", obj="concept_proposal", kwargs=prop("concept_proposal")),
    # an empty POST names no move: the proposal's readers are sent back to it
    "financiering:move": R(VIEW_PROPOSAL, obj="agenda_proposal", kwargs=prop("agenda_proposal")),
    "financiering:check": R(
        VIEW_PROPOSAL, "financiering.manage_process", obj="agenda_proposal", kwargs=prop("agenda_proposal"),
        post=lambda w: {"kind": "volledigheid"},
    ),
    "financiering:assign_reviewer": R(VIEW_PROPOSAL, "financiering.assign_reviewer", obj="agenda_proposal", kwargs=prop("agenda_proposal")),
    "financiering:unassign_reviewer": R(
        VIEW_PROPOSAL, "financiering.assign_reviewer", obj="agenda_proposal",
        kwargs=lambda w: {"ref": w.agenda_proposal.reference, "pk": w.review.pk},
    ),
    # only an assigned reviewer (the demo's adviseur, not one of the swept roles) gives advice
    "financiering:review": R(VIEW_PROPOSAL, "financiering.give_review", obj="agenda_proposal", kwargs=prop("agenda_proposal")),
    "financiering:declare_conflict": R(
        VIEW_PROPOSAL, "financiering.declare_conflict", obj="agenda_proposal", kwargs=prop("agenda_proposal")
    ),
    "financiering:decide_conflict": R(
        VIEW_PROPOSAL, "financiering.decide_review_conflict", obj="agenda_proposal",
        kwargs=lambda w: {"ref": w.agenda_proposal.reference, "pk": w.review_conflict.pk},
    ),
    "financiering:final_report": R(VIEW_PROPOSAL, "financiering.report", obj="granted_proposal", kwargs=prop("granted_proposal")),
    # --- netwerkgroep (Nieuw-West; a second case in Zuidoost for the cross-group check) ---
    "netwerkgroep:groups": R("netwerkgroep.enter", obj=lambda w: [w.nw, w.zo], any_of=True),
    "netwerkgroep:my_agreements": R("netwerkgroep.enter", obj=lambda w: [w.nw, w.zo], any_of=True),
    "netwerkgroep:stats": R("netwerkgroep.view_stats", obj=lambda w: [w.nw, w.zo], any_of=True),
    "netwerkgroep:case": [
        R(VIEW_CASE, obj="case", kwargs=case_kw),
        R(VIEW_CASE, obj="zo_case", kwargs=lambda w: {"code": w.zo_case.code}),
    ],
    "netwerkgroep:case_edit": R(VIEW_CASE, "netwerkgroep.edit_case", obj="case", kwargs=case_kw),
    "netwerkgroep:consent": R(VIEW_CASE, "netwerkgroep.record_consent", obj="case", kwargs=case_kw),
    "netwerkgroep:note_add": R(VIEW_CASE, "netwerkgroep.add_note", obj="case", kwargs=case_kw),
    "netwerkgroep:note_redact": R(
        VIEW_CASE, "netwerkgroep.redact", obj="case", kwargs=lambda w: {"code": w.case.code, "pk": w.note.pk}
    ),
    "netwerkgroep:agreement_add": R(VIEW_CASE, "netwerkgroep.add_agreement", obj="case", kwargs=case_kw),
    "netwerkgroep:case_wait": R(VIEW_CASE, "netwerkgroep.edit_case", obj="case", kwargs=case_kw),
    "netwerkgroep:case_transfer": R(VIEW_CASE, "netwerkgroep.transfer_case", obj="case", kwargs=case_kw),
    "netwerkgroep:case_close": R(VIEW_CASE, "netwerkgroep.close_case", obj="case", kwargs=case_kw),
    "netwerkgroep:case_access_log": R(VIEW_CASE, "netwerkgroep.view_audit", obj="case", kwargs=case_kw),
    "netwerkgroep:hold_back": R(VIEW_CASE, "netwerkgroep.manage_retention", obj="case", kwargs=case_kw),
    "netwerkgroep:agreement_accept": R(
        VIEW_CASE, "netwerkgroep.accept_agreement", obj="proposed_agreement", kwargs=lambda w: {"pk": w.proposed_agreement.pk}
    ),
    "netwerkgroep:agreement_finish": R(
        VIEW_CASE, "netwerkgroep.update_agreement", obj="open_agreement", kwargs=lambda w: {"pk": w.open_agreement.pk}
    ),
    "netwerkgroep:meeting": R(VIEW_CASE, obj="table_meeting", kwargs=table_kw()),
    "netwerkgroep:agenda_build": R(VIEW_CASE, "netwerkgroep.manage_agenda", obj="table_meeting", kwargs=table_kw()),
    "netwerkgroep:agenda_add": R(VIEW_CASE, "netwerkgroep.manage_agenda", obj="table_meeting", kwargs=table_kw()),
    "netwerkgroep:agenda_remove": R(
        VIEW_CASE, "netwerkgroep.manage_agenda", obj="table_meeting", kwargs=table_kw(item=lambda w: w.table_item.pk)
    ),
    "netwerkgroep:agenda_reorder": R(VIEW_CASE, "netwerkgroep.manage_agenda", obj="table_meeting", kwargs=table_kw()),
    "netwerkgroep:agenda_print": R(VIEW_CASE, obj="table_meeting", kwargs=table_kw()),
    "netwerkgroep:meeting_move": R(VIEW_CASE, "netwerkgroep.manage_meetings", obj="table_meeting", kwargs=table_kw()),
    "netwerkgroep:meeting_cancel": R(VIEW_CASE, "netwerkgroep.manage_meetings", obj="table_meeting", kwargs=table_kw()),
    "netwerkgroep:meeting_start": R(VIEW_CASE, "netwerkgroep.run_meeting", obj="table_meeting", kwargs=table_kw()),
    "netwerkgroep:meeting_item": R(
        VIEW_CASE, "netwerkgroep.run_meeting", obj="table_meeting", kwargs=table_kw(item=lambda w: w.table_item.pk)
    ),
    "netwerkgroep:meeting_end": R(VIEW_CASE, "netwerkgroep.run_meeting", obj="table_meeting", kwargs=table_kw()),
    "netwerkgroep:group": [
        R("netwerkgroep.enter", obj="nw", kwargs=lambda w: {"group": w.nw.slug}),
        R("netwerkgroep.enter", obj="zo", kwargs=lambda w: {"group": w.zo.slug}),
    ],
    "netwerkgroep:bring_in": R("netwerkgroep.bring_in", obj="nw", kwargs=lambda w: {"group": w.nw.slug}),
    "netwerkgroep:audit_log": R("netwerkgroep.view_audit", obj="nw", kwargs=lambda w: {"group": w.nw.slug}),
    "netwerkgroep:meetings": R("netwerkgroep.enter", obj="nw", kwargs=lambda w: {"group": w.nw.slug}),
    "netwerkgroep:retention": R("netwerkgroep.manage_retention", obj="nw", kwargs=lambda w: {"group": w.nw.slug}),
    "netwerkgroep:figures": R("netwerkgroep.sign_off_figures", obj="nw", kwargs=lambda w: {"group": w.nw.slug}),
    "netwerkgroep:lessons": [
        R("netwerkgroep.view_lessons", obj="nw", kwargs=lambda w: {"group": w.nw.slug}),
        R("netwerkgroep.view_lessons", obj="zo", kwargs=lambda w: {"group": w.zo.slug}),
    ],
    # no login (calendar apps cannot log in): the personal signed token is the key, and the feed holds no case data
    "netwerkgroep:ics": Rule(login=False, kwargs=lambda w: {"group": w.nw.slug, "token": w.ics_token}),
}

# Known permission bugs: (route id, role) → reason. Each is an xfail(strict=True) case below.
KNOWN_BUGS: dict[tuple[str, str], str] = {}


# --- the resolver ---------------------------------------------------------------------------------------

def route_names() -> list[str]:
    """Every named route of the portal (i18n-prefixed ones included); Django's admin counts as one."""
    names: set[str] = set()

    def walk(patterns, namespace: str | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace in SKIPPED_NAMESPACES:
                    names.add(ADMIN)
                    continue
                ns = f"{namespace}:{p.namespace}" if namespace and p.namespace else (p.namespace or namespace)
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern):
                assert p.name, f"route {p.pattern} has no name; the sweep cannot name it"
                names.add(f"{namespace}:{p.name}" if namespace else p.name)

    walk(get_resolver().url_patterns, None)
    return sorted(names)


def _cases() -> list[tuple[str, int]]:
    cases = []
    for name in route_names():
        rules = EXPECTED.get(name)
        count = len(rules) if isinstance(rules, list) else 1
        cases.extend((name, i) for i in range(count))
    return cases


def _rule(name: str, index: int) -> Rule:
    rules = EXPECTED[name]
    return rules[index] if isinstance(rules, list) else rules


def _case_id(name: str, index: int) -> str:
    return name if index == 0 else f"{name}#{index + 1}"


# --- the seeded world ----------------------------------------------------------------------------------

STATS: dict[str, Any] = {"requests": 0, "started": None, "slowest": {}}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One seeded database for the whole module, rolled back when the module ends; each test runs in a
    savepoint inside it (the ``db`` fixture), so a POST that changes something is undone before the next."""
    from django.db import transaction

    media = override_settings(
        MEDIA_ROOT=str(tmp_path_factory.mktemp("sweep-media")),
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    media.enable()
    started = time.perf_counter()
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            seeded = build()
            print(f"\nsweep: seeded in {time.perf_counter() - started:.1f} s")
            STATS["started"] = time.perf_counter()
            yield seeded
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            media.disable()
            if STATS["started"]:
                print(f"\nsweep: {STATS['requests']} requests in {time.perf_counter() - STATS['started']:.1f} s")
                slowest = sorted(STATS["slowest"].items(), key=lambda kv: -kv[1])[:5]
                print("sweep: slowest routes (all roles, s): " + ", ".join(f"{n} {t:.1f}" for n, t in slowest))


def _client(world: World, role: str) -> Client:
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    user = world.users[role]
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user, name="sweep").persistent_id
        session.save()
    return client


def _expected(world: World, rule: Rule, role: str, *, post: bool) -> bool:
    user = world.users[role]
    if user is None and rule.login:
        return False
    actions = rule.post_actions if post and rule.post_actions is not None else rule.actions
    if not actions:
        return True
    obj = rule.obj(world) if callable(rule.obj) else (getattr(world, rule.obj) if rule.obj else None)
    objs = obj if rule.any_of else [obj]
    if user is not None:
        rights.forget(user)
    return any(all(rights.can(user, action, o) for action in actions) for o in objs)


def _url(world: World, name: str, rule: Rule) -> str:
    if name == ADMIN:
        return reverse("admin:index")
    return reverse(name, kwargs=rule.kwargs(world))


def _in_both_languages(*names: str) -> tuple[str, ...]:
    paths = []
    for language in ("nl", "en"):
        with translation.override(language):
            paths += [reverse(n) for n in names]
    return tuple(paths)


def _verdict(response, *, post: bool, name: str) -> str:
    """'allowed', 'denied', 'n/a' (method not taken) or a description of an outcome that is never right."""
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        location = response["Location"].split("?", 1)[0]
        if location.endswith(_in_both_languages("login", "admin:login")):
            return "denied"
        # The two-step pages send a verified person on to each other and then to ``next``; that is their job.
        if location.endswith(_in_both_languages("otp_setup", "otp_verify")) and name not in ("otp_setup", "otp_verify"):
            return f"a redirect to the two-step pages ({location}) although the session is verified"
        return "allowed"
    if 200 <= status < 300 or (post and status == 400):
        return "allowed"
    if status in (403, 404):
        return "denied"
    if status == 405:
        return "n/a"
    return f"status {status}"


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


def _params():
    params = []
    for name, index in _cases():
        for role in ROLES:
            marks = []
            case_id = _case_id(name, index)
            if (case_id, role) in KNOWN_BUGS:
                marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[(case_id, role)]))
            params.append(pytest.param(name, index, role, id=f"{case_id}-{role}", marks=marks))
    return params


@pytest.mark.parametrize(("name", "index", "role"), _params())
def test_route_as_role(world, db, name, index, role):
    assert name in EXPECTED, (
        f"route {name!r} has no entry in EXPECTED of tests/test_permission_sweep.py: say who may use it "
        "(PUBLIC, LOGIN or the rights actions on its object)"
    )
    rule = _rule(name, index)
    url = _url(world, name, rule)
    client = _client(world, role)
    verdicts = {}
    leaks = []
    for method in ("get", "post"):
        post = method == "post"
        data = rule.post(world) if post and rule.post else {}
        started = time.perf_counter()
        response = client.post(url, data) if post else client.get(url)
        STATS["requests"] += 1
        STATS["slowest"][name] = STATS["slowest"].get(name, 0) + time.perf_counter() - started
        verdict = _verdict(response, post=post, name=name)
        verdicts[method] = verdict
        if verdict == "n/a":
            continue
        assert verdict in ("allowed", "denied"), f"{method.upper()} {url} as {role}: {verdict}"
        expected = _expected(world, rule, role, post=post)
        assert verdict == ("allowed" if expected else "denied"), (
            f"{method.upper()} {url} as {role}: {verdict} (status {response.status_code}), "
            f"but the rights table says {'allowed' if expected else 'denied'} "
            f"({' & '.join(rule.post_actions if post and rule.post_actions else rule.actions) or rule.note or 'public'})"
        )
        text = _body(response)
        if PREFIX in text:
            user = world.users[role]
            for marker, (label, may_see) in world.markers.items():
                if marker in text and not may_see(user if user is not None else _anonymous()):
                    leaks.append(f"{method.upper()} {url}: {label} ({marker})")
    assert set(verdicts.values()) != {"n/a"}, f"{url} took neither GET nor POST"
    # The English path of the same route (translated URL patterns under /en/) gives the same verdict.
    with translation.override("en"):
        english = _url(world, name, rule)
    if english != url and verdicts["get"] != "n/a":
        response = client.get(english)
        STATS["requests"] += 1
        assert _verdict(response, post=False, name=name) == verdicts["get"], (
            f"GET {english} as {role}: status {response.status_code}, but GET {url} was {verdicts['get']}"
        )
        text = _body(response)
        user = world.users[role]
        leaks += [
            f"GET {english}: {label} ({marker})" for marker, (label, may_see) in world.markers.items()
            if marker in text and not may_see(user if user is not None else _anonymous())
        ]
    assert not leaks, f"confidential text shown to {role}:\n" + "\n".join(leaks)


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def test_expected_table_has_no_stale_entries():
    """An entry for a route that no longer exists is a mistake too (a renamed route would go unchecked)."""
    stale = sorted(set(EXPECTED) - set(route_names()))
    assert not stale, f"EXPECTED names routes that no longer exist: {stale}"


def test_expected_table_names_known_actions():
    unknown = sorted(
        {a for rules in EXPECTED.values() for r in (rules if isinstance(rules, list) else [rules])
         for a in (*r.actions, *(r.post_actions or ()))} - set(rights.RULES)
    )
    assert not unknown, f"actions missing from samennw.rights.RULES: {unknown}"
