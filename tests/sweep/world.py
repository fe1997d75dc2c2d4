"""The seeded portal of the permission sweep: the demo content of ``manage.py load_demo`` plus the few objects
the demo lacks (a case in the second netwerkgroep, a proposed status update, a milestone, a concept proposal
with an attachment, a review conflict, a jaarbeeld edition, a non-public indicator), and unique markers in
every piece of confidential text the sweep must never show to a role that may not see it.

Everything is made through the loaders and services the portal itself uses; nothing is written past them
except the marker texts of the board's deliberation, which have no editing service of their own.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from samennw import rights

PREFIX = "zqxsweep"
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# sweep role → demo account of fixtures/users.json (None: an anonymous visitor)
ROLES: dict[str, str | None] = {
    "anoniem": None,
    "bewoner": "bewoner",
    "informeel": "informeel",
    "formeel": "formeel",
    "regisseur_nw": "regisseur",
    "regisseur_zo": "regisseur-zo",
    "programmateam": "programmateam",
    "aanvoerder": "aanvoerder",
    "bestuur": "bestuur",
    "beheerder": "beheerder",
}


@dataclass
class World:
    users: dict[str, Any] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)
    # marker → (what it was put in, who may see it)
    markers: dict[str, tuple[str, Callable[[Any], bool]]] = field(default_factory=dict)

    def __getattr__(self, name: str):
        try:
            return self.__dict__["objects"][name]
        except KeyError as exc:
            raise AttributeError(name) from exc


_counter = itertools.count(1)


def _marker(world: World, label: str, may_see: Callable[[Any], bool]) -> str:
    value = f"{PREFIX}{next(_counter):03d}"
    world.markers[value] = (label, may_see)
    return value


def build() -> World:  # noqa: PLR0915 - one linear seeding script reads best top to bottom
    from django.contrib.auth import get_user_model
    from django.contrib.auth.tokens import default_token_generator
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from actielijnen import services as card_services
    from actielijnen.fixtures_loader import load_actielijnen
    from actielijnen.models import Actielijn, ImportJob, Status
    from domains import services as domain_services
    from domains.fixtures_loader import load_fixtures
    from domains.models import Body, Domain, Organisation, Seat
    from financiering import services as fin_services
    from financiering.fixtures_loader import load_financiering
    from financiering.models import Conflict, FundYear, Meeting, Proposal, Review, ReviewScore, State
    from monitoring import jaarbeeld
    from monitoring import services as story_services
    from monitoring.fixtures_loader import load_verhalen
    from monitoring.indicator_fixtures import load_indicators
    from monitoring.models import Build, Indicator, Verhaal
    from netwerkgroep import ics
    from netwerkgroep import services as ng_services
    from netwerkgroep.fixtures_loader import load_netwerkgroep
    from netwerkgroep.models import AgendaItem as CaseAgendaItem
    from netwerkgroep.models import Agreement, Case, Note
    from netwerkgroep.models import Meeting as TableMeeting

    load_fixtures(with_users=True, password="sweep-wachtwoord-123")
    load_actielijnen(with_users=True)
    load_verhalen()
    load_indicators()
    load_financiering(with_users=True)
    load_netwerkgroep(with_users=True)

    world = World()
    User = get_user_model()  # noqa: N806
    by_name = {u.username: u for u in User.objects.filter(username__in=[n for n in ROLES.values() if n])}
    world.users = {role: by_name[name] if name else None for role, name in ROLES.items()}
    for user in by_name.values():
        TOTPDevice.objects.create(user=user, name="sweep", confirmed=True)
    pt = by_name["programmateam"]
    otlid = User.objects.get(username="otlid")
    adviseur = User.objects.get(username="adviseur")
    o = world.objects

    # --- action lines: an unpublished card led by the demo aanvoerder, with a marker where its team works ---
    veiligheid = Domain.objects.get(slug="veiligheid")
    card = card_services.create_card(
        by=pt, domain=veiligheid, code="sweep-concept", title="Sweep conceptkaart",
        opgaveteam=Body.objects.get(slug="opgaveteam-veiligheid"), aanvoerder=by_name["aanvoerder"],
    )
    may_see_card = lambda user: rights.can(user, "actielijnen.view_card", card)  # noqa: E731
    Actielijn.objects.filter(pk=card.pk).update(
        goal_nl=f"Doel {_marker(world, 'conceptkaart: doel', may_see_card)}",
        goal_en=f"Goal {_marker(world, 'conceptkaart: doel (en)', may_see_card)}",
    )
    card.refresh_from_db()
    card_services.save_milestone(by=pt, card=card, title="Eerste bijeenkomst", due_on=datetime.date(2027, 3, 1))
    o["card"] = card
    o["milestone"] = card.mijlpalen.get()
    o["proposed_update"] = card_services.add_status_update(by=otlid, card=card, text="Voorstel van het team", propose=True)
    o["card_history"] = card.history.order_by("history_id").first()
    o["public_card"] = Actielijn.objects.filter(status=Status.GEPUBLICEERD).order_by("code").first()
    # A planned large import of the programme team's account, its file gone (a POST to confirm saves nothing).
    o["import_job"] = ImportJob.objects.create(
        code="sweep-importtaak", requested_by=pt, state=ImportJob.State.KLAAR, file_token="sweep" * 5, file_kind="csv",
        file_name="kaarten.csv", total_rows=1, done_rows=1, report={"has_errors": False, "counts": {"nieuw": 1, "gewijzigd": 0, "ongewijzigd": 0, "fout": 0}, "rows": [
            {"row": 2, "code": "sweep-import", "action": "nieuw", "changed": [], "errors": [], "notes": []}]},
    )

    # --- stories, indicators, jaarbeeld ---
    o["story"] = Verhaal.objects.filter(status=Verhaal.Status.GEPUBLICEERD).order_by("slug").first()
    o["hgkm_story"] = Verhaal.objects.get(is_hgkm=True, status=Verhaal.Status.CONCEPT)
    o["indicator"] = Indicator.objects.create(
        slug="sweep-intern", domain=veiligheid, name="Interne indicator", definition="Niet openbaar.", is_public=False,
    )
    o["edition"] = jaarbeeld.create_edition(
        by=pt, report_year=2026, publication_year=2027, period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31), as_of=datetime.date(2026, 12, 31), title="Jaarbeeld 2026",
    )
    # A complete, unpublished version with small stand-in files: the sweep asks who may see and download it,
    # not how it is built (tests/monitoring/test_jaarbeeld_builds.py builds real ones).
    o["build"] = Build.objects.create(
        edition=o["edition"], number=1, language="nl", state=Build.State.KLAAR, total_steps=6, step=6,
        html_file=default_storage.save("jaarbeeld/sweep/v1.html", ContentFile(b"<!doctype html><title>Jaarbeeld</title>")),
        pdf_file=default_storage.save("jaarbeeld/sweep/v1.pdf", ContentFile(PDF_BYTES)), pdf_pages=1,
        finished_at=timezone.now(),
    )

    o["contact_message"] = story_services.receive_contact_message(
        name="Sweep", email="sweep@example.org", organisation="", message="Ik wil meedoen.", ip_address="192.0.2.1",
    )

    # --- funding: a concept of the Veiligheid opgaveteam, the demo's proposal on the board agenda, a grant ---
    concept = fin_services.create_proposal(
        by=otlid, body=Body.objects.get(slug="opgaveteam-veiligheid"), title="Sweep concept",
        purpose="Een concept van het opgaveteam.", actielijnen=[o["public_card"]],
    )
    fund_year = FundYear.objects.select_related("fund").order_by("fund__slug", "year").first()
    fund, year = fund_year.fund, fund_year.year
    fin_services.set_lines(by=otlid, proposal=concept, lines=[{"fund": fund, "year": year, "amount": Decimal("1000")}])
    o["attachment"] = fin_services.add_attachment(
        by=otlid, proposal=concept, file=SimpleUploadedFile("plan.pdf", PDF_BYTES, content_type="application/pdf"),
    )
    concept.refresh_from_db()
    o["concept_proposal"] = concept
    board_meeting = Meeting.objects.filter(items__proposal__state=State.GEAGENDEERD).distinct().get()
    agenda_proposal = Proposal.objects.get(state=State.GEAGENDEERD)
    o["board_meeting"] = board_meeting
    o["agenda_proposal"] = agenda_proposal
    o["granted_proposal"] = Proposal.objects.get(state=State.TOEGEKEND)
    o["review"] = Review.objects.get(proposal=agenda_proposal)
    o["board_conflict"] = Conflict.objects.get(proposal=agenda_proposal, context=Conflict.Context.BOARD)
    o["review_conflict"] = fin_services.declare_conflict(
        by=adviseur, proposal=agenda_proposal, context=Conflict.Context.REVIEW, grounds="Ik werk bij een aanvrager.",
    )

    def may_see_board(user) -> bool:
        return rights.can(user, "financiering.view_meeting", board_meeting) or rights.can(
            user, "financiering.view_review_summary", agenda_proposal
        )

    Review.objects.filter(pk=o["review"].pk).update(text=f"Advies {_marker(world, 'advies', may_see_board)}")
    ReviewScore.objects.filter(review=o["review"]).update(text=f"Score {_marker(world, 'adviesscore', may_see_board)}")
    Conflict.objects.filter(pk=o["board_conflict"].pk).update(grounds=f"Belang {_marker(world, 'belang bestuur', may_see_board)}")
    Conflict.objects.filter(pk=o["review_conflict"].pk).update(
        grounds=f"Belang {_marker(world, 'belang adviseur', may_see_board)}"
    )
    for meeting in Meeting.objects.all():
        Meeting.objects.filter(pk=meeting.pk).update(
            minutes_note=f"Besluitenlijst {_marker(world, f'notulen {meeting.date}', lambda u, m=meeting: rights.can(u, 'financiering.view_meeting', m))}"
        )

    # --- netwerkgroep: the demo's open Nieuw-West case gets a marker note and agreement; Zuidoost gets a case ---
    nw = Body.objects.get(slug="netwerkgroep-hgkm-nieuw-west")
    zo = Body.objects.get(slug="netwerkgroep-hgkm-zuidoost")
    o["nw"], o["zo"] = nw, zo
    case = Case.objects.get(body=nw, inbrenger=by_name["formeel"], closed_on__isnull=True)
    regisseur = by_name["regisseur"]
    may_see_case = lambda user: rights.can(user, "netwerkgroep.view_case", case)  # noqa: E731
    ng_services.add_note(by=regisseur, case=case, text=f"Notitie {_marker(world, 'casusnotitie', may_see_case)}")
    ng_services.add_agreement(
        by=regisseur, case=case, text=f"Afspraak {_marker(world, 'casusafspraak', may_see_case)}",
        owner_org=Agreement.objects.filter(case=case).first().owner_org, deadline=timezone.localdate() + datetime.timedelta(days=30),
    )
    o["case"] = case
    o["note"] = Note.objects.filter(case=case).order_by("pk").first()
    o["proposed_agreement"] = Agreement.objects.get(status=Agreement.Status.VOORGESTELD)
    o["open_agreement"] = Agreement.objects.filter(case=case, status=Agreement.Status.OPEN).order_by("pk").first()
    o["table_meeting"] = TableMeeting.objects.filter(body=nw, items__isnull=False).order_by("date").first()
    o["table_item"] = CaseAgendaItem.objects.filter(meeting=o["table_meeting"]).first()
    # The Zuidoost regisseur's demo seat has no organisation; a member of an organisation brings the case in.
    zo_lid = User.objects.create_user(username="sweep-zo-lid", password="sweep-wachtwoord-123", display_name="Sweep Lid Zuidoost")
    domain_services.assign_seat(
        by=None, user=zo_lid, body=zo, role=Seat.Role.LID,
        organisation=Organisation.objects.get(slug="blijf-groep"), starts_on=datetime.date(2026, 1, 1),
    )
    zo_case = ng_services.bring_in(
        by=zo_lid, body=zo,
        consent={
            "given_on": timezone.localdate() - datetime.timedelta(days=2), "form": "mondeling",
            "scope": "Bespreken aan de tafel van de netwerkgroep, zonder namen.", "household_wishes": "Stap voor stap.",
        },
        question="Hoe houden we samen zicht op de situatie thuis?", has_slachtoffer=True, children_4_12=1,
    )
    may_see_zo = lambda user: rights.can(user, "netwerkgroep.view_case", zo_case)  # noqa: E731
    ng_services.add_note(by=zo_lid, case=zo_case, text=f"Notitie {_marker(world, 'casusnotitie Zuidoost', may_see_zo)}")
    o["zo_case"] = zo_case
    o["ics_token"] = ics.token_for(regisseur, nw)

    # --- accounts ---
    bewoner = by_name["bewoner"]
    o["reset_uid"] = urlsafe_base64_encode(force_bytes(bewoner.pk))
    o["reset_token"] = default_token_generator.make_token(bewoner)
    for user in by_name.values():
        rights.forget(user)
    return world
