"""Pages of the alliantiebestuur's meetings: the list, one meeting with its agenda, attendance,
conflicts of interest, quorum and decisions, the agenda pack and the besluitenlijst (page and PDF).

Rights come from ``samennw.rights`` (``financiering.view_meeting`` for every page, the action's own
rule for every POST); the services re-check them and hold the rules of the process. A failed POST
renders the meeting page again with the form and its Dutch errors (status 400); nothing is saved.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from domains.models import Body, Seat
from financiering import forms_board as forms
from financiering import selectors, services
from financiering.models import (
    AgendaItem,
    Attendance,
    CoFinancing,
    Conflict,
    Decision,
    DecisionLine,
    Meeting,
    Proposal,
    ProposalLine,
    Review,
    State,
)
from samennw import audit, pdf, rights
from samennw.rights import CanMap, Role

# The content of a proposal a board member reads, in the order of the proposal form.
PACK_FIELDS = ("purpose", "existing_means", "contribution", "changes_the_rule", "resident_ownership", "learning", "exit_route")


# --- fetching ------------------------------------------------------------------------------------

def _meetings_for(user) -> QuerySet[Meeting]:
    """Meetings of the boards the user sits on; all of them for the programme team."""
    qs = Meeting.objects.select_related("body")
    if Role.PROGRAMMATEAM in rights.roles_of(user):
        return qs
    return qs.filter(body_id__in=[seat.body_id for seat in rights.active_seats(user) if seat.body.kind == Body.Kind.ALLIANTIEBESTUUR])


def _may_see_meetings(user) -> bool:
    """Whether the user may read any board meeting at all (else a plain 403 on every page)."""
    return Role.PROGRAMMATEAM in rights.roles_of(user) or any(
        seat.body.kind == Body.Kind.ALLIANTIEBESTUUR for seat in rights.active_seats(user)
    )


def _require(request, action: str, obj=None) -> None:
    """Refuse with 403 and keep the refused attempt in the audit log (STYLE 7)."""
    if not rights.can(request.user, action, obj):
        audit.record("access.denied", actor=request.user, target=obj, ip_address=audit.client_ip(request), action=action, path=request.path[:200])
        raise PermissionDenied(rights.why_not(request.user, action, obj))


def _refuse_outsiders(request) -> None:
    if not _may_see_meetings(request.user):
        audit.record(
            "access.denied", actor=request.user, ip_address=audit.client_ip(request), action="financiering.view_meeting", path=request.path[:200]
        )
        raise PermissionDenied(rights.RULES["financiering.view_meeting"][1])


def _meeting(request, pk: int) -> Meeting:
    """The meeting, if the user may read it: 403 for who may read no meeting, 404 for another board's."""
    _refuse_outsiders(request)
    meeting = _meetings_for(request.user).filter(pk=pk).first()
    if meeting is None:
        raise Http404
    _require(request, "financiering.view_meeting", meeting)
    return meeting


def _agenda(meeting: Meeting) -> list[AgendaItem]:
    return list(
        meeting.items.select_related("proposal__domain", "proposal__body").prefetch_related(
            Prefetch("proposal__lines", queryset=ProposalLine.objects.select_related("fund"))
        )
    )


def _decisions(meeting: Meeting) -> dict[int, Decision]:
    decisions = meeting.decisions.select_related("proposal", "recorded_by").prefetch_related(
        Prefetch("lines", queryset=DecisionLine.objects.select_related("fund").order_by("fund__name", "year")), "abstained"
    )
    return {d.proposal_id: d for d in decisions}


def _attendance(meeting: Meeting) -> list[Attendance]:
    rows = list(meeting.attendance.select_related("seat__user", "seat__organisation"))
    order = {value: i for i, value in enumerate(Seat.BoardSeat.values)}
    return sorted(rows, key=lambda a: (order.get(a.seat.board_seat, len(order)), str(a.seat.user)))


def _proposals_in_advice(user) -> QuerySet[Proposal]:
    return selectors.proposals_for(user).filter(state=State.ADVIES).order_by("reference")


# --- pages ---------------------------------------------------------------------------------------

@login_required
def meetings(request):
    _refuse_outsiders(request)
    today = timezone.localdate()
    qs = _meetings_for(request.user)
    return render(
        request,
        "financiering/board/meetings.html",
        {
            "upcoming": list(qs.filter(date__gte=today).order_by("date")),
            "past": list(qs.filter(date__lt=today).order_by("-date")),
            "can": CanMap(request.user),
        },
    )


@login_required
def meeting_create(request):
    _require(request, "financiering.manage_meeting")
    form = forms.MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        body = Body.objects.filter(kind=Body.Kind.ALLIANTIEBESTUUR).order_by("pk").first()
        if body is None:
            form.add_error(None, _("Er is nog geen alliantiebestuur vastgelegd."))
        else:
            try:
                obj = services.create_meeting(by=request.user, body=body, date=form.cleaned_data["date"], location=form.cleaned_data["location"])
            except ValidationError as exc:
                forms.add_service_error(form, exc)
            else:
                messages.success(request, _("De vergadering is gepland."))
                return redirect("financiering:meeting", pk=obj.pk)
    return render(request, "financiering/board/meeting_create.html", {"form": form}, status=400 if form.errors else 200)


def _item_rows(request, meeting: Meeting, items, decisions, bound: dict) -> list[dict]:
    """Per agenda item: the proposal, its review summary, decision, conflicts, quorum and forms."""
    can_record = rights.can(request.user, "financiering.record_decision", meeting)
    can_decide_conflicts = rights.can(request.user, "financiering.decide_board_conflict", meeting)
    proposal_ids = [i.proposal_id for i in items if i.proposal_id]
    conflicts: dict[int, list[Conflict]] = {}
    for conflict in Conflict.objects.filter(proposal_id__in=proposal_ids, context=Conflict.Context.BOARD).select_related(
        "user", "organisation", "decided_by"
    ):
        conflicts.setdefault(conflict.proposal_id, []).append(conflict)
    rows = []
    for item in items:
        row = {"item": item, "proposal": item.proposal}
        proposal = item.proposal
        if proposal is not None:
            row["summary"] = services.review_summary(proposal)
            row["decision"] = decisions.get(proposal.pk)
            row["quorum"] = services.quorum(meeting, proposal)
            row["conflicts"] = [
                {
                    "conflict": c,
                    "form": bound.get(("conflict", c.pk))
                    or forms.ConflictDecisionForm(prefix=f"c{c.pk}"),
                }
                for c in conflicts.get(proposal.pk, [])
            ]
            row["open_conflicts"] = any(c.status == Conflict.Status.OPEN for c in conflicts.get(proposal.pk, []))
            if proposal.state == State.GEAGENDEERD and can_record and row["decision"] is None:
                row["decision_form"] = bound.get(("decision", proposal.pk)) or forms.DecisionForm(proposal=proposal, prefix=proposal.reference)
        row["can_decide_conflicts"] = can_decide_conflicts
        rows.append(row)
    return rows


def _meeting_page(request, meeting: Meeting, *, bound: dict | None = None, status: int = 200):
    bound = bound or {}
    items = _agenda(meeting)
    decisions = _decisions(meeting)
    attendance = _attendance(meeting)
    can = CanMap(request.user, meeting)
    context = {
        "meeting": meeting,
        "can": can,
        "rows": _item_rows(request, meeting, items, decisions, bound),
        "attendance": attendance,
        "attendance_form": bound.get("attendance") or forms.AttendanceForm(rows=attendance, prefix="aanwezig"),
        "quorum": services.quorum(meeting),
        "item_form": bound.get("item") or forms.AgendaItemForm(prefix="punt"),
        "agenda_form": bound.get("agenda")
        or forms.PutOnAgendaForm(proposals=_proposals_in_advice(request.user), prefix="agenderen"),
        "pack_error": bound.get("pack_error"),
        "is_past": meeting.date < timezone.localdate(),
        "is_closed": meeting.status in (Meeting.Status.GEHOUDEN, Meeting.Status.VASTGESTELD),
    }
    return render(request, "financiering/board/meeting.html", context, status=status)


@login_required
def meeting(request, pk: int):
    return _meeting_page(request, _meeting(request, pk))


@login_required
@require_POST
def agenda_item(request, pk: int):
    obj = _meeting(request, pk)
    _require(request, "financiering.manage_meeting", obj)
    form = forms.AgendaItemForm(request.POST, prefix="punt")
    if form.is_valid():
        try:
            services.add_agenda_item(by=request.user, meeting=obj, title=form.cleaned_data["title"], note=form.cleaned_data["note"])
        except ValidationError as exc:
            forms.add_service_error(form, exc)
        else:
            messages.success(request, _("Het agendapunt is toegevoegd."))
            return redirect(f"{_url(obj)}#agenda")
    return _meeting_page(request, obj, bound={"item": form}, status=400)


@login_required
@require_POST
def put_on_agenda(request, pk: int):
    obj = _meeting(request, pk)
    _require(request, "financiering.manage_meeting", obj)
    form = forms.PutOnAgendaForm(request.POST, proposals=_proposals_in_advice(request.user), prefix="agenderen")
    if form.is_valid():
        try:
            services.put_on_agenda(by=request.user, proposal=form.cleaned_data["proposal"], meeting=obj)
        except ValidationError as exc:
            forms.add_service_error(form, exc, aliases={"meeting": "proposal"})
        else:
            messages.success(request, _("Het voorstel staat op de agenda."))
            return redirect(f"{_url(obj)}#agenda")
    return _meeting_page(request, obj, bound={"agenda": form}, status=400)


@login_required
@require_POST
def attendance(request, pk: int):
    obj = _meeting(request, pk)
    _require(request, "financiering.record_decision", obj)
    form = forms.AttendanceForm(request.POST, rows=_attendance(obj), prefix="aanwezig")
    if form.is_valid():
        try:
            services.set_attendance(by=request.user, meeting=obj, presence=form.presence())
        except ValidationError as exc:
            forms.add_service_error(form, exc)
        else:
            messages.success(request, _("De aanwezigheid is opgeslagen."))
            return redirect(f"{_url(obj)}#aanwezigheid")
    return _meeting_page(request, obj, bound={"attendance": form}, status=400)


@login_required
@require_POST
def decide_conflict(request, pk: int, conflict: int):
    obj = _meeting(request, pk)
    _require(request, "financiering.decide_board_conflict", obj)
    item = get_object_or_404(
        Conflict.objects.filter(context=Conflict.Context.BOARD, proposal__agenda_items__meeting=obj).distinct(), pk=conflict
    )
    form = forms.ConflictDecisionForm(request.POST, prefix=f"c{item.pk}")
    if form.is_valid():
        try:
            services.decide_conflict(by=request.user, conflict=item, confirmed=form.confirmed, reason=form.cleaned_data["reason"], meeting=obj)
        except ValidationError as exc:
            forms.add_service_error(form, exc)
        else:
            messages.success(request, _("Het besluit over het belangenconflict is vastgelegd."))
            return redirect(f"{_url(obj)}#voorstel-{item.proposal.reference}")
    return _meeting_page(request, obj, bound={("conflict", item.pk): form}, status=400)


@login_required
@require_POST
def decide(request, pk: int, ref: str):
    obj = _meeting(request, pk)
    _require(request, "financiering.record_decision", obj)
    item = get_object_or_404(obj.items.select_related("proposal"), proposal__reference=ref)
    proposal = Proposal.objects.prefetch_related(Prefetch("lines", queryset=ProposalLine.objects.select_related("fund"))).get(
        pk=item.proposal_id
    )
    form = forms.DecisionForm(request.POST, proposal=proposal, prefix=proposal.reference)
    if form.is_valid():
        try:
            decision = services.record_decision(by=request.user, meeting=obj, proposal=proposal, **form.service_kwargs())
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(
                request, _("Het besluit over %(ref)s is vastgelegd: %(outcome)s.") % {"ref": proposal.reference, "outcome": decision.get_outcome_display()}
            )
            return redirect(f"{_url(obj)}#voorstel-{proposal.reference}")
    return _meeting_page(request, obj, bound={("decision", proposal.pk): form}, status=400)


@login_required
@require_POST
def send_pack(request, pk: int):
    obj = _meeting(request, pk)
    _require(request, "financiering.manage_meeting", obj)
    try:
        services.send_agenda_pack(by=request.user, meeting=obj)
    except ValidationError as exc:
        return _meeting_page(request, obj, bound={"pack_error": " ".join(exc.messages)}, status=400)
    messages.success(request, _("Het agendapakket is verstuurd naar de leden van het bestuur."))
    return redirect("financiering:meeting", pk=obj.pk)


@login_required
def adopt(request, pk: int):
    """Vaststellen van de besluitenlijst (GET shows the minutes with the form)."""
    obj = _meeting(request, pk)
    if request.method != "POST":
        return redirect("financiering:minutes", pk=obj.pk)
    _require(request, "financiering.record_decision", obj)
    form = forms.AdoptForm(request.POST, prefix="vaststellen")
    if form.is_valid():
        try:
            services.adopt_minutes(by=request.user, meeting=obj, note=form.cleaned_data["note"])
        except ValidationError as exc:
            forms.add_service_error(form, exc)
        else:
            messages.success(request, _("De besluitenlijst is vastgesteld."))
            return redirect("financiering:minutes", pk=obj.pk)
    return _minutes_page(request, obj, form=form, status=400)


# --- the agenda pack and the besluitenlijst ------------------------------------------------------

def _pack_context(request, meeting: Meeting) -> dict:
    """Everything a board member needs per agenda item, in a fixed number of queries per proposal."""
    items = list(
        meeting.items.select_related("proposal__domain", "proposal__body").prefetch_related(
            Prefetch("proposal__lines", queryset=ProposalLine.objects.select_related("fund")),
            Prefetch("proposal__cofinancing", queryset=CoFinancing.objects.select_related("organisation")),
            "proposal__actielijnen",
            "proposal__opbrengsten",
            "proposal__parties__organisation",
        )
    )
    entries = []
    for item in items:
        proposal = item.proposal
        entry = {"item": item, "proposal": proposal}
        if proposal is not None:
            entry["fields"] = [
                (Proposal._meta.get_field(name).verbose_name, getattr(proposal, name)) for name in PACK_FIELDS if getattr(proposal, name).strip()
            ]
            entry["total"] = sum((line.amount for line in proposal.lines.all()), services.ZERO)
            entry["checks"] = sorted(services.current_checks(proposal).values(), key=lambda c: (c.kind, c.fund_id or 0))
            entry["reviews"] = list(
                Review.objects.filter(proposal=proposal, round=proposal.round, submitted_at__isnull=False)
                .select_related("reviewer")
                .prefetch_related("scores")
            )
            entry["summary"] = services.review_summary(proposal)
            entry["conflicts"] = list(
                proposal.conflicts.filter(context=Conflict.Context.BOARD).exclude(status=Conflict.Status.DISMISSED).select_related("user")
            )
        entries.append(entry)
    return {"meeting": meeting, "entries": entries, "generated_at": timezone.now(), "can": CanMap(request.user, meeting)}


def _minutes_context(request, meeting: Meeting) -> dict:
    decisions = _decisions(meeting)
    rows = []
    for item in _agenda(meeting):
        rows.append({"item": item, "decision": decisions.get(item.proposal_id) if item.proposal_id else None})
    attendance = _attendance(meeting)
    return {
        "meeting": meeting,
        "rows": rows,
        "attendance": attendance,
        "present": [a for a in attendance if a.presence == Attendance.Presence.AANWEZIG],
        "absent": [a for a in attendance if a.presence != Attendance.Presence.AANWEZIG],
        "is_adopted": meeting.status == Meeting.Status.VASTGESTELD,
        "generated_at": timezone.now(),
        "can": CanMap(request.user, meeting),
    }


def _audit_read(request, event: str, meeting: Meeting, fmt: str) -> None:
    audit.record(event, actor=request.user, target=meeting, ip_address=audit.client_ip(request), format=fmt)


@login_required
def agenda_pack(request, pk: int):
    obj = _meeting(request, pk)
    _audit_read(request, "meeting.agenda_pack_viewed", obj, "html")
    return render(request, "financiering/board/agenda_pack.html", _pack_context(request, obj))


@login_required
def agenda_pack_pdf(request, pk: int):
    obj = _meeting(request, pk)
    _audit_read(request, "meeting.agenda_pack_viewed", obj, "pdf")
    return pdf.pdf_response(request, "financiering/board/agenda_pack_pdf.html", _pack_context(request, obj), f"agendapakket-{obj.date:%Y-%m-%d}.pdf")


def _minutes_page(request, meeting: Meeting, *, form=None, status: int = 200):
    context = _minutes_context(request, meeting)
    context["adopt_form"] = form or forms.AdoptForm(prefix="vaststellen", initial={"note": meeting.minutes_note})
    return render(request, "financiering/board/minutes.html", context, status=status)


@login_required
def minutes(request, pk: int):
    obj = _meeting(request, pk)
    return _minutes_page(request, obj)


@login_required
def minutes_pdf(request, pk: int):
    obj = _meeting(request, pk)
    _audit_read(request, "meeting.minutes_printed", obj, "pdf")
    return pdf.pdf_response(request, "financiering/board/minutes_pdf.html", _minutes_context(request, obj), f"besluitenlijst-{obj.date:%Y-%m-%d}.pdf")


def _url(meeting: Meeting) -> str:
    return reverse("financiering:meeting", kwargs={"pk": meeting.pk})
