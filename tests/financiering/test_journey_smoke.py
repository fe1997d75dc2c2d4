"""The whole way of a proposal through the services: submit, check, advise (one reviewer conflicted), decide."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from financiering import selectors, services
from financiering.models import Conflict, State
from tests.financiering.conftest import GOOD_SCORES, to_advice

pytestmark = pytest.mark.django_db


def test_proposal_goes_from_concept_to_granted_and_changes_the_budget(people, proposal, meeting, funds, ab_voorzitter):
    reviews = to_advice(people, proposal, reviewers=[people["formeel"], people["regisseur"]])
    # formeel's organisation (Veilig Thuis) co-finances: the portal suggests a conflict, nothing more.
    conflict = Conflict.objects.get(user=people["formeel"])
    assert conflict.origin == Conflict.Origin.SUGGESTED and conflict.status == Conflict.Status.OPEN
    services.decide_conflict(by=people["programmateam"], conflict=conflict, confirmed=True, reason="Veilig Thuis cofinanciert.")
    with pytest.raises(ValidationError, match="belangenconflict"):
        services.submit_review(by=people["formeel"], review=reviews[0], recommendation="positief", text="x", scores=GOOD_SCORES)
    services.submit_review(by=people["regisseur"], review=reviews[1], recommendation="positief", text="Doen.", scores=GOOD_SCORES)
    services.put_on_agenda(by=people["programmateam"], proposal=proposal, meeting=meeting)
    decision = services.record_decision(
        by=ab_voorzitter, meeting=meeting, proposal=proposal, outcome="toegekend", conditions="Tussenrapportage in juni.",
        lines=[{"fund": funds["pmg"], "year": 2026, "amount": Decimal("35000")}],
    )
    proposal.refresh_from_db()
    assert proposal.state == State.TOEGEKEND
    assert decision.granted_total == Decimal("35000")
    row = next(r for r in selectors.budget_overview(year=2026) if r["fund"] == funds["pmg"])
    assert (row["available"], row["granted"], row["remaining"]) == (Decimal("100000"), Decimal("35000"), Decimal("65000"))
    assert list(selectors.public_grants()) == [proposal]
    assert [t.target for t in proposal.transitions.all()] == [
        "ingediend", "in-behandeling", "advies", "geagendeerd", "toegekend"
    ]
