"""Services of the funding module: bad input refused with a clear Dutch message and nothing half-saved,
the gates before the agenda (DECISIONS 5), concurrent edits, and who sees which advice."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from financiering import services
from financiering.models import BudgetOverride, Check, FundYear, State
from samennw.models import AuditEvent
from tests.financiering.conftest import GOOD_SCORES, to_advice
from tests.financiering.test_workflow import snapshot, walk_to

pytestmark = pytest.mark.django_db


def line(fund, amount, year=2026):
    return {"fund": fund, "year": year, "amount": amount}


# --- amounts and lines ---------------------------------------------------------------------------

BAD_AMOUNTS = [
    (Decimal("-100"), "Regel 1: het bedrag moet groter zijn dan nul"),
    (Decimal("0"), "Regel 1: het bedrag moet groter zijn dan nul"),
    (Decimal("100000000.01"), r"Regel 1: € 100\.000\.000,01 is meer dan honderd miljoen"),
    (Decimal("1000.005"), "Regel 1: gebruik hooguit twee decimalen"),
    ("veel", "Regel 1: kies een fonds, een jaar en een bedrag"),
    (None, "Regel 1: kies een fonds, een jaar en een bedrag"),
]


def test_bad_amounts_are_refused_and_the_old_lines_stay(people, proposal, funds):
    before = snapshot(proposal)
    for amount, message in BAD_AMOUNTS:
        with pytest.raises(ValidationError, match=message):
            services.set_lines(by=people["otlid"], proposal=proposal, lines=[line(funds["pmg"], amount)])
        assert snapshot(proposal) == before, amount


def test_bad_rows_are_named_and_nothing_is_saved(people, proposal, funds):
    before = snapshot(proposal)
    cases = [
        ([line(funds["pmg"], Decimal("10")), line(funds["spuk"], Decimal("-1"))], "Regel 2: het bedrag moet groter zijn dan nul"),
        ([line(funds["pmg"], Decimal("1000"), year=2027)], r"2027 valt buiten de looptijd van Preventie met Gezag \(2023–2026\)"),
        ([line(funds["pmg"], Decimal("10")), line(funds["pmg"], Decimal("20"))], "Regel 2: Preventie met Gezag in 2026 staat er al; tel de bedragen op"),
    ]
    for lines, message in cases:
        with pytest.raises(ValidationError, match=message):
            services.set_lines(by=people["otlid"], proposal=proposal, lines=lines)
        assert snapshot(proposal) == before, message


def test_an_inactive_fund_is_refused_when_asking_and_when_submitting(people, proposal, funds):
    services.save_fund(by=people["programmateam"], fund=funds["pmg"], is_active=False)
    with pytest.raises(ValidationError, match="Preventie met Gezag is niet meer actief"):
        services.set_lines(by=people["otlid"], proposal=proposal, lines=[line(funds["pmg"], Decimal("10"))])
    # The existing line asks from the fund that was closed after it was written.
    before = snapshot(proposal)
    with pytest.raises(ValidationError, match="Preventie met Gezag is niet meer actief"):
        services.submit(by=people["otlid"], proposal=proposal)
    assert snapshot(proposal) == before


def test_valid_lines_replace_the_old_ones_and_are_audited(people, proposal, funds):
    services.set_lines(by=people["otlid"], proposal=proposal, lines=[line(funds["spuk"], "12500,50"), line(funds["pmg"], 3000)])
    assert sorted((ln.fund.slug, ln.amount) for ln in proposal.lines.all()) == [
        ("preventie-met-gezag", Decimal("3000.00")), ("spuk-kansrijke-wijk", Decimal("12500.50"))
    ]
    assert AuditEvent.objects.filter(event="proposal.lines_set", target_id=str(proposal.pk), details__lines=2).exists()


def test_cofinancing_with_a_negative_value_is_refused(people, proposal, structure):
    before = snapshot(proposal)
    with pytest.raises(ValidationError, match="Cofinanciering regel 1"):
        services.set_cofinancing(
            by=people["otlid"], proposal=proposal, rows=[{"organisation": structure["orgs"]["blijf"], "kind": "geld", "amount": Decimal("-5")}]
        )
    assert snapshot(proposal) == before


# --- submitting ----------------------------------------------------------------------------------

def test_submit_over_the_remaining_budget_without_a_reason_is_blocked(people, proposal, funds):
    services.set_lines(by=people["otlid"], proposal=proposal, lines=[line(funds["pmg"], Decimal("150000"))])
    proposal.refresh_from_db()
    before = snapshot(proposal)
    with pytest.raises(ValidationError, match=r"Preventie met Gezag heeft in 2026 nog € 100\.000,00; er wordt € 150\.000,00 gevraagd"):
        services.submit(by=people["otlid"], proposal=proposal)
    assert snapshot(proposal) == before
    assert not BudgetOverride.objects.exists()


def test_submit_over_the_remaining_budget_with_a_reason_records_the_override(people, proposal, funds):
    services.set_lines(by=people["otlid"], proposal=proposal, lines=[line(funds["pmg"], Decimal("150000"))])
    services.submit(by=people["otlid"], proposal=proposal, over_budget_reason="Aanvulling uit de middelen van 2027 is toegezegd.")
    proposal.refresh_from_db()
    assert proposal.state == State.INGEDIEND
    override = BudgetOverride.objects.get()
    assert (override.by, override.stage, override.shortfall) == (people["otlid"], "indienen", Decimal("50000"))
    assert override.reason == "Aanvulling uit de middelen van 2027 is toegezegd."
    assert override.fund_year == FundYear.objects.get(fund=funds["pmg"], year=2026)
    assert AuditEvent.objects.filter(event="budget.override", target_id=str(proposal.pk)).exists()


def test_a_second_submit_says_it_was_already_submitted(people, proposal):
    services.submit(by=people["otlid"], proposal=proposal)
    before = snapshot(proposal)
    with pytest.raises(ValidationError, match=r"al ingediend \(status: Ingediend\)"):
        services.submit(by=people["otlid"], proposal=proposal)
    assert snapshot(proposal) == before


def test_submit_lists_exactly_what_is_missing(people, proposal):
    services.update_proposal(by=people["otlid"], proposal=proposal, version=proposal.version, changes={"learning": "", "exit_route": ""})
    services.set_lines(by=people["otlid"], proposal=proposal, lines=[])
    proposal.refresh_from_db()
    before = snapshot(proposal)
    with pytest.raises(ValidationError) as exc:
        services.submit(by=people["otlid"], proposal=proposal)
    assert exc.value.messages == [
        "Nog niet compleet. Vul nog in: leren en monitoren; minstens één gevraagd bedrag (fonds, jaar, bedrag)."
    ]
    assert snapshot(proposal) == before


def test_a_temporary_fund_asks_for_the_exit_route(people, proposal, funds):
    services.update_proposal(by=people["otlid"], proposal=proposal, version=proposal.version, changes={"exit_route": ""})
    proposal.refresh_from_db()
    assert services.missing_for_submit(proposal) == ["route naar reguliere financiering"]
    services.save_fund(by=people["programmateam"], fund=funds["pmg"], is_temporary=False)
    proposal.refresh_from_db()
    assert services.missing_for_submit(proposal) == []


def test_submit_by_somebody_outside_the_team_is_refused(people, proposal):
    before = snapshot(proposal)
    with pytest.raises(PermissionDenied, match="Alleen het opgaveteam"):
        services.submit(by=people["bestuur"], proposal=proposal)
    assert snapshot(proposal) == before


def test_a_submitted_proposal_cannot_be_edited(people, proposal, funds):
    services.submit(by=people["otlid"], proposal=proposal)
    proposal.refresh_from_db()
    before = snapshot(proposal)
    with pytest.raises(PermissionDenied):
        services.update_proposal(by=people["otlid"], proposal=proposal, version=proposal.version, changes={"title": "Anders"})
    with pytest.raises(PermissionDenied):
        services.set_lines(by=people["otlid"], proposal=proposal, lines=[line(funds["pmg"], Decimal("1"))])
    assert snapshot(proposal) == before


# --- concurrency ---------------------------------------------------------------------------------

def test_a_stale_version_is_refused_and_nothing_is_saved(people, proposal):
    opened = proposal.version
    services.update_proposal(by=people["aanvoerder"], proposal=proposal, version=opened, changes={"title": "Eerste wijziging"})
    before = snapshot(proposal)
    with pytest.raises(services.ConcurrentEdit, match="Iemand anders heeft dit voorstel intussen opgeslagen"):
        services.update_proposal(by=people["otlid"], proposal=proposal, version=opened, changes={"title": "Tweede wijziging"})
    assert snapshot(proposal) == before
    assert snapshot(proposal)["title"] == "Eerste wijziging"


def test_a_stale_version_at_submit_is_refused(people, proposal):
    opened = proposal.version
    services.update_proposal(by=people["aanvoerder"], proposal=proposal, version=opened, changes={"learning": "Nieuw plan."})
    before = snapshot(proposal)
    with pytest.raises(services.ConcurrentEdit):
        services.submit(by=people["otlid"], proposal=proposal, version=opened)
    assert snapshot(proposal) == before


# --- the fund budget -----------------------------------------------------------------------------

def test_fund_year_outside_period_and_below_granted_are_refused(people, proposal, meeting, funds):
    with pytest.raises(ValidationError, match="2030 valt buiten de looptijd"):
        services.set_fund_year(by=people["programmateam"], fund=funds["pmg"], year=2030, available=Decimal("10"))
    walk_to(State.TOEGEKEND, people, proposal, meeting, funds)
    with pytest.raises(ValidationError, match=r"al € 40\.000,00 toegekend"):
        services.set_fund_year(by=people["programmateam"], fund=funds["pmg"], year=2026, available=Decimal("39999.99"))
    assert FundYear.objects.get(fund=funds["pmg"], year=2026).available == Decimal("100000")
    services.set_fund_year(by=people["programmateam"], fund=funds["pmg"], year=2026, available=Decimal("40000"))
    assert FundYear.objects.get(fund=funds["pmg"], year=2026).available == Decimal("40000")


def test_a_negative_budget_is_refused(people, funds):
    with pytest.raises(ValidationError):
        services.set_fund_year(by=people["programmateam"], fund=funds["spuk"], year=2027, available=Decimal("-1"))
    assert not FundYear.objects.filter(fund=funds["spuk"], year=2027).exists()


# --- decisions -----------------------------------------------------------------------------------

@pytest.fixture
def on_agenda(people, proposal, meeting, funds):
    return walk_to(State.GEAGENDEERD, people, proposal, meeting, funds)


BAD_DECISIONS = [
    ({"outcome": "afgewezen", "reason": " "}, "Geef bij afwijzen de reden"),
    ({"outcome": "aangehouden", "questions": ""}, "welke vragen de indieners moeten beantwoorden"),
    ({"outcome": "toegekend", "lines": [{"year": 2026, "amount": Decimal("40000.01")}]}, r"€ 40\.000,00 gevraagd; er kan niet meer"),
    ({"outcome": "toegekend", "lines": [{"fund": "spuk", "year": 2026, "amount": Decimal("1")}]}, "SPUK Kansrijke wijk in 2026 is niet gevraagd"),
    ({"outcome": "toegekend", "lines": [{"year": 2025, "amount": Decimal("1")}]}, "Preventie met Gezag in 2025 is niet gevraagd"),
    ({"outcome": "toegekend", "lines": [{"year": 2026, "amount": Decimal("-1")}]}, "kan niet negatief zijn"),
    ({"outcome": "toegekend", "lines": [{"year": 2026, "amount": Decimal("10.001")}]}, "hooguit twee decimalen"),
    ({"outcome": "toegekend", "lines": []}, "Ken minstens één bedrag toe"),
    ({"outcome": "toegekend", "mode": "loting", "lines": [{"year": 2026, "amount": Decimal("1")}]}, "consensus of bij stemming"),
    ({"outcome": "toegekend", "mode": "stemming", "lines": [{"year": 2026, "amount": Decimal("1")}]}, "stemmen voor en tegen"),
    ({"outcome": "misschien"}, "Kies toekennen, afwijzen of aanhouden"),
]


def test_bad_decisions_are_refused_and_nothing_changes(people, on_agenda, meeting, funds):
    before = snapshot(on_agenda)
    for kwargs, message in BAD_DECISIONS:
        kwargs = dict(kwargs)
        if "lines" in kwargs:
            kwargs["lines"] = [{**ln, "fund": funds[ln.get("fund", "pmg")]} for ln in kwargs["lines"]]
        with pytest.raises(ValidationError, match=message):
            services.record_decision(by=people["programmateam"], meeting=meeting, proposal=on_agenda, **kwargs)
        assert snapshot(on_agenda) == before, message


def test_granting_over_the_remaining_budget_needs_a_reason(people, on_agenda, meeting, funds):
    services.set_fund_year(by=people["programmateam"], fund=funds["pmg"], year=2026, available=Decimal("30000"))
    before = snapshot(on_agenda)
    grant = {"outcome": "toegekend", "lines": [line(funds["pmg"], Decimal("35000"))]}
    with pytest.raises(ValidationError, match=r"nog € 30\.000,00; er wordt € 35\.000,00 gevraagd"):
        services.record_decision(by=people["programmateam"], meeting=meeting, proposal=on_agenda, **grant)
    assert snapshot(on_agenda) == before
    decision = services.record_decision(
        by=people["programmateam"], meeting=meeting, proposal=on_agenda, over_budget_reason="Het bestuur vult aan uit 2027.", **grant
    )
    assert decision.granted_total == Decimal("35000")
    override = BudgetOverride.objects.get(stage="besluit")
    assert (override.shortfall, override.by) == (Decimal("5000"), people["programmateam"])


def test_a_lower_grant_with_conditions_is_recorded(people, on_agenda, meeting, funds, ab_voorzitter):
    decision = services.record_decision(
        by=ab_voorzitter, meeting=meeting, proposal=on_agenda, outcome="toegekend", conditions="Tussenrapportage in juni.",
        mode="stemming", votes_for=2, votes_against=0, lines=[line(funds["pmg"], Decimal("25000"))],
    )
    on_agenda.refresh_from_db()
    assert on_agenda.state == State.TOEGEKEND and on_agenda.decided_at is not None
    assert (decision.granted_total, decision.conditions, decision.recorded_by) == (Decimal("25000"), "Tussenrapportage in juni.", ab_voorzitter)
    assert AuditEvent.objects.filter(event="decision.recorded", target_id=str(on_agenda.pk), details__outcome="toegekend").exists()


def test_more_votes_than_voting_members_is_refused(people, on_agenda, meeting, funds):
    with pytest.raises(ValidationError, match=r"meer stemmen \(3\) dan stemgerechtigde aanwezigen \(2\)"):
        services.record_decision(
            by=people["programmateam"], meeting=meeting, proposal=on_agenda, outcome="toegekend", mode="stemming",
            votes_for=2, votes_against=1, lines=[line(funds["pmg"], Decimal("1"))],
        )


def test_a_decision_by_a_board_member_who_is_not_the_chair_is_refused(people, on_agenda, meeting):
    with pytest.raises(PermissionDenied):
        services.record_decision(by=people["bestuur"], meeting=meeting, proposal=on_agenda, outcome="afgewezen", reason="Nee.")


# --- gates before the agenda (DECISIONS 5) -------------------------------------------------------

def test_put_on_agenda_waits_for_every_gate(people, proposal, meeting, funds, structure):
    pt = people["programmateam"]
    services.set_lines(by=people["otlid"], proposal=proposal, lines=[line(funds["pmg"], Decimal("20000")), line(funds["spuk"], Decimal("10000"))])
    services.submit(by=people["otlid"], proposal=proposal)
    services.move(by=pt, proposal=proposal, to=State.IN_BEHANDELING)
    services.record_check(by=pt, proposal=proposal, kind=Check.Kind.VOLLEDIG, outcome="akkoord")
    review = services.assign_reviewer(by=pt, proposal=proposal, reviewer=people["regisseur"])
    services.move(by=pt, proposal=proposal, to=State.ADVIES)

    def refused(*expected):
        before = snapshot(proposal)
        with pytest.raises(ValidationError, match="Nog niet klaar voor het bestuur") as exc:
            services.put_on_agenda(by=pt, proposal=proposal, meeting=meeting)
        for text in expected:
            assert text in str(exc.value)
        assert snapshot(proposal) == before

    refused("akkoord van Opgaveteam Veiligheid", "financiële toets van Preventie met Gezag", "financiële toets van SPUK", "advies van alle adviseurs")
    services.record_check(by=people["otvoorzitter"], proposal=proposal, kind=Check.Kind.TEAM, outcome="akkoord")
    services.record_check(by=people["fondsbeheerder"], proposal=proposal, kind=Check.Kind.FINANCIEEL, outcome="akkoord", fund=funds["pmg"])
    refused("financiële toets van SPUK Kansrijke wijk", "advies van alle adviseurs")
    services.record_check(
        by=people["fondsbeheerder"], proposal=proposal, kind=Check.Kind.FINANCIEEL, outcome="niet-akkoord", fund=funds["spuk"],
        note="SPUK betaalt geen personeel.",
    )
    refused("financiële toets van SPUK Kansrijke wijk")
    services.record_check(by=people["fondsbeheerder"], proposal=proposal, kind=Check.Kind.FINANCIEEL, outcome="akkoord", fund=funds["spuk"])
    refused("advies van alle adviseurs")
    services.submit_review(by=people["regisseur"], review=review, recommendation="voorwaarden", text="Met een exitplan.", scores=GOOD_SCORES)
    assert services.gates_before_agenda(proposal) == []
    item = services.put_on_agenda(by=pt, proposal=proposal, meeting=meeting)
    assert item.meeting == meeting


def test_a_niet_akkoord_needs_a_note(people, proposal):
    with pytest.raises(ValidationError, match="in behandeling of in advies"):
        services.record_check(by=people["otvoorzitter"], proposal=proposal, kind=Check.Kind.TEAM, outcome="akkoord")
    services.submit(by=people["otlid"], proposal=proposal)
    services.move(by=people["programmateam"], proposal=proposal, to=State.IN_BEHANDELING)
    before = snapshot(proposal)
    with pytest.raises(ValidationError, match="Leg uit waarom je niet akkoord gaat"):
        services.record_check(by=people["programmateam"], proposal=proposal, kind=Check.Kind.VOLLEDIG, outcome="niet-akkoord", note=" ")
    assert snapshot(proposal) == before


def test_only_the_guardian_of_that_fund_does_its_financial_check(people, proposal, funds, django_user_model, structure):
    from domains import services as domain_services

    other = django_user_model.objects.create_user(username="anderebewaker", password="demo-wachtwoord-123")
    domain_services.assign_seat(
        by=None, user=other, body=structure["bodies"]["programmateam"], role="fondsbeheerder", starts_on=proposal.created_at.date()
    )
    services.set_fund_guardian(by=people["programmateam"], fund=funds["spuk"], user=other)
    services.submit(by=people["otlid"], proposal=proposal)
    services.move(by=people["programmateam"], proposal=proposal, to=State.IN_BEHANDELING)
    before = snapshot(proposal)
    with pytest.raises(PermissionDenied, match="bewaker van de financiële regels van dit fonds"):
        services.record_check(by=other, proposal=proposal, kind=Check.Kind.FINANCIEEL, outcome="akkoord", fund=funds["pmg"])
    with pytest.raises(ValidationError, match="vraagt geen geld uit dit fonds"):
        services.record_check(by=other, proposal=proposal, kind=Check.Kind.FINANCIEEL, outcome="akkoord", fund=funds["spuk"])
    with pytest.raises(PermissionDenied):
        services.record_check(by=people["programmateam"], proposal=proposal, kind=Check.Kind.FINANCIEEL, outcome="akkoord", fund=funds["pmg"])
    assert snapshot(proposal) == before


def test_team_akkoord_only_by_the_chair_of_the_submitting_team(people, proposal):
    services.submit(by=people["otlid"], proposal=proposal)
    services.move(by=people["programmateam"], proposal=proposal, to=State.IN_BEHANDELING)
    before = snapshot(proposal)
    for who in ["otlid", "aanvoerder", "programmateam", "bestuur"]:
        with pytest.raises(PermissionDenied, match="voorzitter van het indienende opgaveteam"):
            services.record_check(by=people[who], proposal=proposal, kind=Check.Kind.TEAM, outcome="akkoord")
    assert snapshot(proposal) == before
    check = services.record_check(by=people["otvoorzitter"], proposal=proposal, kind=Check.Kind.TEAM, outcome="akkoord")
    assert (check.by, check.round, check.fund) == (people["otvoorzitter"], 1, None)
    assert AuditEvent.objects.filter(event="proposal.checked", target_id=str(proposal.pk), details__kind="team-akkoord").exists()


# --- review visibility ---------------------------------------------------------------------------

def test_reviewers_see_each_others_advice_only_after_their_own(people, proposal, meeting, funds):
    first, second = to_advice(people, proposal, reviewers=[people["regisseur"], people["regisseur_zo"]])
    assert services.visible_reviews(proposal, people["regisseur"]) == [first]
    services.submit_review(by=people["regisseur"], review=first, recommendation="positief", text="Doen.", scores=GOOD_SCORES)
    # The second reviewer has not given advice yet: sees only the own (empty) form.
    assert services.visible_reviews(proposal, people["regisseur_zo"]) == [second]
    assert services.visible_reviews(proposal, people["regisseur"]) == [first]
    low = {code: {"score": 2} for code in GOOD_SCORES}
    services.submit_review(by=people["regisseur_zo"], review=second, recommendation="negatief", text="Te duur.", scores=low)
    assert services.visible_reviews(proposal, people["regisseur_zo"]) == [first, second]
    assert services.visible_reviews(proposal, people["programmateam"]) == [first, second]
    # Submitters and outsiders see no advice; the board only once it is on their agenda.
    assert services.visible_reviews(proposal, people["otlid"]) == []
    assert services.visible_reviews(proposal, people["bestuur"]) == []
    services.put_on_agenda(by=people["programmateam"], proposal=proposal, meeting=meeting)
    assert services.visible_reviews(proposal, people["bestuur"]) == [first, second]

    summary = services.review_summary(proposal)
    assert (summary["given"], summary["assigned"]) == (2, 2)
    assert {c["code"]: c["average"] for c in summary["criteria"]} == {code: 3.0 for code in GOOD_SCORES}
    assert dict((str(label), n) for label, n in summary["recommendations"]) == {
        "Positief": 1, "Positief onder voorwaarden": 0, "Negatief": 1
    }


def test_the_programme_team_sees_open_assignments(people, proposal):
    (review,) = to_advice(people, proposal, reviewers=[people["regisseur"]])
    assert services.visible_reviews(proposal, people["programmateam"]) == [review]
    assert services.review_summary(proposal)["given"] == 0


def test_incomplete_advice_is_refused(people, proposal):
    (review,) = to_advice(people, proposal, reviewers=[people["regisseur"]])
    for kwargs, message in [
        ({"recommendation": "ja", "text": "x", "scores": GOOD_SCORES}, "Kies een eindadvies"),
        ({"recommendation": "positief", "text": " ", "scores": GOOD_SCORES}, "Licht je eindadvies toe"),
        ({"recommendation": "positief", "text": "x", "scores": {**GOOD_SCORES, "leren": {"score": 6}}}, "score van 1 tot 5 voor ‘Leren en monitoren’"),
    ]:
        with pytest.raises(ValidationError, match=message):
            services.submit_review(by=people["regisseur"], review=review, **kwargs)
        review.refresh_from_db()
        assert not review.is_submitted and not review.scores.exists()


def test_advice_is_given_once_and_only_by_the_assigned_reviewer(people, proposal):
    (review,) = to_advice(people, proposal, reviewers=[people["regisseur"]])
    with pytest.raises(PermissionDenied, match="aan iemand anders toegewezen"):
        services.submit_review(by=people["regisseur_zo"], review=review, recommendation="positief", text="x", scores=GOOD_SCORES)
    services.submit_review(by=people["regisseur"], review=review, recommendation="positief", text="x", scores=GOOD_SCORES)
    with pytest.raises(ValidationError, match="al gegeven"):
        services.submit_review(by=people["regisseur"], review=review, recommendation="negatief", text="y", scores=GOOD_SCORES)


def test_a_member_of_the_submitting_team_cannot_review(people, proposal):
    services.submit(by=people["otlid"], proposal=proposal)
    services.move(by=people["programmateam"], proposal=proposal, to=State.IN_BEHANDELING)
    with pytest.raises(ValidationError, match="eigen voorstel niet adviseren"):
        services.assign_reviewer(by=people["programmateam"], proposal=proposal, reviewer=people["aanvoerder"])


# --- the selector follows the rights table -------------------------------------------------------

def test_proposals_for_lists_exactly_what_view_proposal_allows(people, proposal, meeting, funds, structure, card, ab_voorzitter):
    from financiering import selectors
    from financiering.models import Proposal
    from samennw import rights

    walk_to(State.TOEGEKEND, people, proposal, meeting, funds)
    draft = services.create_proposal(by=people["aanvoerder"], body=structure["bodies"]["ot"], title="Nog een concept", purpose="Doel.")
    services.set_lines(by=people["aanvoerder"], proposal=draft, lines=[line(funds["spuk"], Decimal("1000"))])
    everyone = {**people, "abvoorzitter": ab_voorzitter}
    for kind, user in everyone.items():
        rights.forget(user)
        listed = set(selectors.proposals_for(user))
        allowed = {p for p in Proposal.objects.all() if rights.can(user, "financiering.view_proposal", p)}
        assert listed == allowed, kind
    assert set(selectors.proposals_for(people["fondsbeheerder"])) == {proposal}  # the concept is the team's own draft
    assert set(selectors.proposals_for(people["regisseur"])) == {proposal}  # assigned as reviewer
    assert set(selectors.proposals_for(people["bestuur"])) == {proposal}  # on the board's agenda
    assert set(selectors.proposals_for(people["otlid"])) == {proposal, draft}
