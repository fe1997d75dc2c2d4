"""What waits for a person in the funding process, for "Mijn portaal": a few small queries, no lists of everything."""

from __future__ import annotations

from django.utils import timezone

from samennw import rights
from samennw.rights import Role


def waiting_for(user) -> dict:
    """Open advice, team akkoorden, financial checks, own proposals in work, and the next board meeting."""
    from financiering.models import EDITABLE_STATES, Check, Meeting, Proposal, Review, State

    roles = rights.roles_of(user)
    if not roles:
        return {}
    seats = rights.active_seats(user)
    out: dict = {}
    out["reviews"] = list(
        Review.objects.filter(reviewer=user, submitted_at__isnull=True, proposal__state=State.ADVIES)
        .select_related("proposal")
        .order_by("assigned_at")
    )
    team_ids = [s.body_id for s in seats if s.body.kind in ("opgaveteam", "werkgroep")]
    out["own"] = list(
        Proposal.objects.filter(body_id__in=team_ids, state__in=[*EDITABLE_STATES, State.TOEGEKEND, State.IN_UITVOERING])
        .select_related("body")
        .order_by("-updated_at")[:10]
    )
    chaired = [s.body_id for s in seats if s.role == "voorzitter" and s.body.kind in ("opgaveteam", "werkgroep")]
    out["akkoord"] = [
        p
        for p in Proposal.objects.filter(body_id__in=chaired, state__in=[State.IN_BEHANDELING, State.ADVIES]).select_related("body")
        if not p.checks.filter(kind=Check.Kind.TEAM, round=p.round).exists()
    ]
    if Role.FONDSBEHEERDER in roles:
        from financiering.models import Fund

        guarded = [f for f in Fund.objects.all() if rights.guards_fund(user, f)]
        pending = []
        for p in Proposal.objects.filter(state__in=[State.IN_BEHANDELING, State.ADVIES], lines__fund__in=guarded).distinct():
            done = set(p.checks.filter(kind=Check.Kind.FINANCIEEL, round=p.round).values_list("fund_id", flat=True))
            if {line.fund_id for line in p.lines.all() if line.fund in guarded} - done:
                pending.append(p)
        out["financial"] = pending
    boards = [s.body_id for s in seats if s.body.kind == "alliantiebestuur"]
    if boards or Role.PROGRAMMATEAM in roles:
        meetings = Meeting.objects.filter(date__gte=timezone.localdate()).order_by("date")
        if Role.PROGRAMMATEAM not in roles:
            meetings = meetings.filter(body_id__in=boards)
        out["meeting"] = meetings.first()
    return {k: v for k, v in out.items() if v}
