"""Funding fixtures: real funds with budgets, a proposal from the Veiligheid opgaveteam, a board meeting.

Everything is made through the services, as the portal itself does it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from actielijnen.models import Actielijn
from domains import services as domain_services
from domains.models import Organisation, Seat
from financiering import services
from financiering.models import Check, Fund


@pytest.fixture
def funds(people):
    """Two real streams (002:1493, 001:795) with 2026 budgets; the fondsbeheerder guards both."""
    pmg = services.save_fund(
        by=people["programmateam"], slug="preventie-met-gezag", name="Preventie met Gezag",
        source="Rijk (JenV)", scope="Nieuw-West en Zuidoost samen", first_year=2023, last_year=2026,
        total_text="€ 36 miljoen voor periode 2023-2026 voor stadsdeel Zuidoost en Nieuw-West samen",
    )
    spuk = services.save_fund(
        by=people["programmateam"], slug="spuk-kansrijke-wijk", name="SPUK Kansrijke wijk",
        source="Rijk (VWS)", scope="Nieuw-West", first_year=2025, last_year=2027,
        total_text="36 miljoen voor de komende drie jaar",
    )
    services.set_fund_year(by=people["programmateam"], fund=pmg, year=2026, available=Decimal("100000"))
    services.set_fund_year(by=people["programmateam"], fund=spuk, year=2026, available=Decimal("50000"))
    for fund in (pmg, spuk):
        services.set_fund_guardian(by=people["programmateam"], fund=fund, user=people["fondsbeheerder"])
    return {"pmg": pmg, "spuk": spuk}


@pytest.fixture
def ab_voorzitter(structure, django_user_model):
    """The board's chair (the mayor's seat, DECISIONS 8)."""
    user = django_user_model.objects.create_user(username="abvoorzitter", password="demo-wachtwoord-123", display_name="Demo Voorzitter AB")
    domain_services.assign_seat(
        by=None, user=user, body=structure["bodies"]["bestuur"], role=Seat.Role.BESTUURSLID,
        board_seat=Seat.BoardSeat.VOORZITTER, starts_on=datetime.date(2026, 1, 1),
    )
    return user


@pytest.fixture
def proposal(people, structure, card, funds):
    """A complete concept from the Veiligheid opgaveteam asking € 40.000 from Preventie met Gezag in 2026."""
    p = services.create_proposal(
        by=people["otlid"],
        body=structure["bodies"]["ot"],
        title="Vrouwen- en moederwerking in de buurt",
        purpose="Informele partners organiseren laagdrempelige bijeenkomsten waar vrouwen over geweld thuis durven te praten.",
        actielijnen=[card],
        existing_means="Ruimte en uren van het buurtteam worden uit reguliere middelen betaald; extra is de inzet van de stichtingen.",
        contribution="Vroeger signaleren van huiselijk geweld.",
        changes_the_rule="De samenwerking tussen informele en formele partners wordt vaste werkwijze in het buurtteam.",
        resident_ownership="De stichtingen bepalen zelf de opzet van de bijeenkomsten.",
        learning="Met de HvA volgen we het aantal doorverwijzingen.",
        exit_route="Vanaf 2027 uit het reguliere budget van het buurtteam.",
    )
    services.set_lines(by=people["otlid"], proposal=p, lines=[{"fund": funds["pmg"], "year": 2026, "amount": Decimal("40000")}])
    services.set_cofinancing(
        by=people["otlid"], proposal=p,
        rows=[{"organisation": structure["orgs"]["formeel"], "kind": "natura", "amount": Decimal("5000"), "description": "Uren"}],
    )
    services.set_parties(by=people["otlid"], proposal=p, applicants=[structure["orgs"]["informeel"]])
    p.refresh_from_db()
    return p


@pytest.fixture
def meeting(people, structure, ab_voorzitter):
    """A board meeting today, with the two board members present."""
    m = services.create_meeting(by=people["programmateam"], body=structure["bodies"]["bestuur"], date=timezone.localdate())
    services.set_attendance(by=people["programmateam"], meeting=m, presence={a.seat_id: "aanwezig" for a in m.attendance.all()})
    return m


def to_advice(people, proposal, reviewers=()):
    """Walk a submitted proposal to 'advies' with every check done, reviewers assigned."""
    services.submit(by=people["otlid"], proposal=proposal)
    services.move(by=people["programmateam"], proposal=proposal, to="in-behandeling")
    services.record_check(by=people["programmateam"], proposal=proposal, kind=Check.Kind.VOLLEDIG, outcome="akkoord")
    services.record_check(by=people["otvoorzitter"], proposal=proposal, kind=Check.Kind.TEAM, outcome="akkoord")
    for fund in Fund.objects.filter(lines__proposal=proposal).distinct():
        services.record_check(by=people["fondsbeheerder"], proposal=proposal, kind=Check.Kind.FINANCIEEL, outcome="akkoord", fund=fund)
    reviews = [services.assign_reviewer(by=people["programmateam"], proposal=proposal, reviewer=r) for r in reviewers]
    services.move(by=people["programmateam"], proposal=proposal, to="advies")
    proposal.refresh_from_db()
    return reviews


GOOD_SCORES = {code: {"score": 4, "text": "Goed onderbouwd."} for code in ("opbrengst", "regel", "eigenaarschap", "leren", "borging")}

__all__ = ["Actielijn", "Organisation"]
