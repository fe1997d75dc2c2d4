"""Pages of funding proposals and funds: list, detail, editing, amounts, attachments, the workflow,
checks, advice, conflicts of interest, the budget overview and the public summary of grants.

Every proposal is fetched through ``selectors.proposals_for`` and ``financiering.view_proposal``:
a proposal someone may not see is the same 404 as a missing one. Actions on a visible proposal
are checked with ``samennw.rights`` first (403); the services check the process rules and answer
with Dutch ``ValidationError``s that the pages show next to the input, with nothing saved.
Every form works without JavaScript.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from domains.models import Domain
from financiering import forms, selectors, services, workflow
from financiering.models import (
    CRITERIA,
    Attachment,
    BudgetOverride,
    Check,
    Conflict,
    Fund,
    FundUserObjectPermission,
    FundYear,
    Proposal,
    ProposalLine,
    Review,
    State,
    this_year,
)
from samennw import audit
from samennw.rights import CanMap, can, on_board_agenda, require

PAGE_SIZE = 25
RATIONALE_FIELDS = ("existing_means", "contribution", "changes_the_rule", "resident_ownership", "learning", "exit_route")
# The main path of the workflow, for the step indicator; the board's three outcomes share one step.
STEPS = (State.CONCEPT, State.INGEDIEND, State.IN_BEHANDELING, State.ADVIES, State.GEAGENDEERD, "besluit", State.IN_UITVOERING, State.VERANTWOORD)
DECISION_STATES = (State.TOEGEKEND, State.AFGEWEZEN, State.AANGEHOUDEN)


# --- helpers -------------------------------------------------------------------------------------

def _proposal(request, ref: str) -> Proposal:
    """The proposal if this person may see it; a forbidden one is the same 404 as a missing one."""
    proposal = selectors.proposals_for(request.user).filter(reference=ref).first()
    if proposal is None or not can(request.user, "financiering.view_proposal", proposal):
        raise Http404
    return proposal


def _detail(proposal: Proposal, anchor: str = "") -> str:
    url = reverse("financiering:proposal", kwargs={"ref": proposal.reference})
    return f"{url}#{anchor}" if anchor else url


def _form_page(request, *, form, heading: str, action: str, proposal: Proposal | None = None, intro: str = "",
               submit_label: str = "", multipart: bool = False, status: int = 200, cancel_url: str = "", extra=None):
    """One form on its own page: used by every POST view to show its errors with the person's input."""
    return render(
        request,
        "financiering/form_page.html",
        {
            "form": form,
            "heading": heading,
            "action": action,
            "proposal": proposal,
            "intro": intro,
            "submit_label": submit_label or _("Opslaan"),
            "multipart": multipart,
            "cancel_url": cancel_url or (_detail(proposal) if proposal else ""),
            "extra": extra or {},
        },
        status=status,
    )


def _steps(state: str) -> list[dict]:
    current = "besluit" if state in DECISION_STATES else state
    index = STEPS.index(current)
    steps = []
    for number, step in enumerate(STEPS):
        if step == "besluit":
            label = State(state).label if state in DECISION_STATES else _("Besluit van het bestuur")
        else:
            label = State(step).label
        steps.append({"label": label, "done": number < index, "current": number == index})
    return steps


def _lines_of(proposal: Proposal) -> list[tuple]:
    return [(line.fund, line.year, line.amount) for line in proposal.lines.all()]


def _total(items) -> Decimal:
    return sum((item.amount for item in items), Decimal("0"))


# --- list and create -----------------------------------------------------------------------------

@login_required
def proposals(request):
    require(request.user, "financiering.view_proposals")
    params = request.GET
    filters = {
        "status": params.get("status", "") if params.get("status", "") in State.values else "",
        "domain": params.get("domein", "")[:80],
        "fund": params.get("fonds", "")[:80],
    }
    qs = selectors.proposals_for(request.user)
    if filters["status"]:
        qs = qs.filter(state=filters["status"])
    if filters["domain"]:
        qs = qs.filter(domain__slug=filters["domain"])
    if filters["fund"]:
        qs = qs.filter(pk__in=ProposalLine.objects.filter(fund__slug=filters["fund"]).values("proposal_id"))
    page = Paginator(qs, PAGE_SIZE).get_page(params.get("pagina"))
    return render(
        request,
        "financiering/proposals.html",
        {
            "page": page,
            "rows": [(p, _total(p.lines.all())) for p in page.object_list],
            "filters": filters,
            "statuses": State.choices,
            "domains": Domain.objects.order_by("name"),
            "funds": Fund.objects.order_by("name"),
        },
    )


@login_required
def proposal_create(request):
    require(request.user, "financiering.create_proposal")
    form = forms.ProposalCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            obj = services.create_proposal(
                by=request.user,
                body=form.cleaned_data["body"],
                title=form.cleaned_data["title"],
                purpose=form.cleaned_data["purpose"],
                actielijnen=form.cleaned_data["actielijnen"],
            )
        except ValidationError as exc:
            forms.add_service_errors(form, exc)
        else:
            messages.success(request, _("Het voorstel is aangemaakt als concept. Vul nu de onderbouwing en de bedragen in."))
            return redirect(_detail(obj))
    return render(request, "financiering/proposal_create.html", {"form": form}, status=400 if form.errors else 200)


# --- the detail page -----------------------------------------------------------------------------

@login_required
def proposal(request, ref: str):
    obj = _proposal(request, ref)
    user = request.user
    can_map = CanMap(user, obj)
    lines = list(obj.lines.all())
    cofinancing = list(obj.cofinancing.select_related("organisation"))
    checks = services.current_checks(obj) if obj.state in (State.IN_BEHANDELING, State.ADVIES, State.GEAGENDEERD) else {}
    funds = sorted({line.fund for line in lines}, key=lambda f: f.name)
    check_open = obj.state in (State.IN_BEHANDELING, State.ADVIES)
    check_rows = [
        {"kind": Check.Kind.VOLLEDIG, "label": Check.Kind.VOLLEDIG.label, "fund": None, "check": checks.get((Check.Kind.VOLLEDIG, None)),
         "may": check_open and can(user, "financiering.manage_process", obj)},
        {"kind": Check.Kind.TEAM, "label": Check.Kind.TEAM.label, "fund": None, "check": checks.get((Check.Kind.TEAM, None)),
         "may": check_open and can(user, "financiering.team_akkoord", obj)},
    ] + [
        {"kind": Check.Kind.FINANCIEEL, "label": _("Financiële toets: %(fund)s") % {"fund": fund.name}, "fund": fund,
         "check": checks.get((Check.Kind.FINANCIEEL, fund.pk)), "may": check_open and can(user, "financiering.financial_check", fund)}
        for fund in funds
    ]
    is_team = can(user, "financiering.manage_process", obj)
    reviews = list(obj.reviews.filter(round=obj.round).select_related("reviewer")) if is_team else []
    own_review = obj.reviews.filter(round=obj.round, reviewer=user).first()
    conflicts = obj.conflicts.select_related("user", "organisation", "decided_by")
    if not is_team:
        conflicts = conflicts.filter(user=user)
    contexts = _conflict_contexts(user, obj)
    moves = [
        e for e in workflow.edges_from(obj.state)
        if e.target not in (State.INGEDIEND, State.GEAGENDEERD, State.IN_UITVOERING) and can(user, e.action, obj)
    ]
    may_submit = obj.state in (State.CONCEPT, State.AANGEHOUDEN) and can(user, "financiering.submit", obj)
    shortfalls = services.budget_shortfalls(_lines_of(obj), exclude=obj) if may_submit else []
    return render(
        request,
        "financiering/proposal.html",
        {
            "proposal": obj,
            "can": can_map,
            "steps": _steps(obj.state),
            "state_label": State(obj.state).label,
            "rationale": [(Proposal._meta.get_field(n), getattr(obj, n)) for n in RATIONALE_FIELDS],
            "purpose_field": Proposal._meta.get_field("purpose"),
            "lines": lines,
            "lines_total": _total(lines),
            "cofinancing": cofinancing,
            "cofinancing_cash": _total(c for c in cofinancing if c.kind == "geld"),
            "cofinancing_kind": _total(c for c in cofinancing if c.kind == "natura"),
            "parties": obj.parties.select_related("organisation").order_by("role", "organisation__name"),
            "actielijnen": obj.actielijnen.order_by("title"),
            "opbrengsten": obj.opbrengsten.select_related("opdracht"),
            "attachments": obj.attachments.select_related("uploaded_by"),
            "transitions": obj.transitions.select_related("by"),
            "decisions": obj.decisions.select_related("meeting").prefetch_related("lines__fund"),
            "check_rows": check_rows if obj.state not in (State.CONCEPT, State.INGEDIEND) else [],
            "reviews": reviews,
            "own_review": own_review,
            "visible_reviews": services.visible_reviews(obj, user),
            "summary": services.review_summary(obj) if can(user, "financiering.view_review_summary", obj) else None,
            "criteria": dict(CRITERIA),
            "conflicts": conflicts,
            "declare_form": forms.DeclareConflictForm(contexts=contexts, auto_id="id_belang_%s") if contexts else None,
            "assign_form": forms.AssignReviewerForm(auto_id="id_adviseur_%s")
            if is_team and obj.state in (State.IN_BEHANDELING, State.ADVIES) else None,
            "gates": services.gates_before_agenda(obj) if obj.state == State.ADVIES else None,
            "moves": moves,
            "may_submit": may_submit,
            "missing": services.missing_for_submit(obj) if may_submit else [],
            "shortfalls": shortfalls,
            "submit_form": forms.SubmitForm(initial={"version": obj.version, "over_budget_reason": obj.over_budget_reason}, auto_id="id_indienen_%s"),
            "may_report": can(user, "financiering.report", obj) and obj.state in (State.TOEGEKEND, State.IN_UITVOERING),
            "report_form": forms.FinalReportForm(initial={"text": obj.final_report}, auto_id="id_verantwoording_%s"),
            "is_submitter": can(user, "financiering.submit", obj) or (obj.created_by_id == user.pk),
        },
    )


def _conflict_contexts(user, obj: Proposal) -> list[str]:
    """In which context this person may declare a conflict: as reviewer, as board member, or both."""
    if not can(user, "financiering.declare_conflict", obj):
        return []
    contexts = []
    if can(user, "financiering.give_review", obj):
        contexts.append(Conflict.Context.REVIEW)
    if on_board_agenda(user, obj):
        contexts.append(Conflict.Context.BOARD)
    return contexts


# --- editing -------------------------------------------------------------------------------------

@login_required
def proposal_edit(request, ref: str):
    obj = _proposal(request, ref)
    require(request.user, "financiering.edit_proposal", obj)
    stale = False
    if request.method == "POST":
        form = forms.ProposalEditForm(request.POST, proposal=obj)
        if form.is_valid():
            try:
                services.update_proposal(by=request.user, proposal=obj, version=form.cleaned_data["version"], changes=form.changes())
            except services.ConcurrentEdit as exc:
                stale = True
                form.add_error(None, exc)
                # The form now carries the version the person has been told about: saving again is a choice.
                form.data = form.data.copy()
                form.data["version"] = exc.proposal.version
            except ValidationError as exc:
                forms.add_service_errors(form, exc)
            else:
                messages.success(request, _("De wijzigingen zijn opgeslagen."))
                return redirect(_detail(obj))
    else:
        initial = {name: getattr(obj, name) for name in forms.TEXT_FIELDS}
        initial.update(version=obj.version, actielijnen=list(obj.actielijnen.all()), opbrengsten=list(obj.opbrengsten.all()))
        form = forms.ProposalEditForm(initial=initial, proposal=obj)
    return render(
        request, "financiering/proposal_edit.html", {"proposal": obj, "form": form, "stale": stale}, status=400 if form.errors else 200
    )


def _budget_rows(proposal: Proposal) -> list[dict]:
    """Each active fund with its period and, per year of that period, what is left (for the lines page)."""
    remaining = {(r["fund"].pk, r["year"]): r["remaining"] for r in selectors.budget_overview()}
    rows = []
    for fund in Fund.objects.filter(is_active=True).order_by("name"):
        years = [{"year": y, "remaining": remaining.get((fund.pk, y), Decimal("0"))} for y in range(fund.first_year, fund.last_year + 1)]
        rows.append({"fund": fund, "years": years})
    return rows


@login_required
def proposal_lines(request, ref: str):
    obj = _proposal(request, ref)
    require(request.user, "financiering.edit_proposal", obj)
    funds = Fund.objects.filter(is_active=True).order_by("name")
    if request.method == "POST":
        formset = forms.LineFormSet(request.POST, prefix="regels", form_kwargs={"funds": funds})
        if formset.is_valid():
            rows = formset.rows()
            try:
                services.set_lines(by=request.user, proposal=obj, lines=rows)
            except ValidationError as exc:
                formset._non_form_errors = formset.error_class(exc.messages)
            else:
                shortfalls = services.budget_shortfalls([(r["fund"], int(r["year"]), r["amount"]) for r in rows], exclude=obj)
                if shortfalls:
                    messages.warning(
                        request,
                        _("De bedragen zijn opgeslagen, maar zijn hoger dan wat het fonds nog heeft. Bij het indienen is een reden nodig."),
                    )
                    return redirect("financiering:proposal_lines", ref=obj.reference)
                messages.success(request, _("De gevraagde bedragen zijn opgeslagen."))
                return redirect(_detail(obj, "bedragen"))
    else:
        initial = [{"fund": line.fund, "year": line.year, "amount": str(line.amount).replace(".", ",")} for line in obj.lines.all()]
        formset = forms.LineFormSet(initial=initial, prefix="regels", form_kwargs={"funds": funds})
    shortfalls = services.budget_shortfalls(_lines_of(obj), exclude=obj)
    over = {(s["fund"].pk, s["year"]): s for s in shortfalls}
    rows = []
    for form in formset.forms:
        warning = None
        fund, year = form.initial.get("fund"), form.initial.get("year")
        if request.method != "POST" and fund is not None:
            warning = over.get((fund.pk, year))
        rows.append((form, warning))
    return render(
        request,
        "financiering/proposal_lines.html",
        {"proposal": obj, "formset": formset, "rows": rows, "budget": _budget_rows(obj), "shortfalls": shortfalls},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def proposal_cofinancing(request, ref: str):
    obj = _proposal(request, ref)
    require(request.user, "financiering.edit_proposal", obj)
    if request.method == "POST":
        formset = forms.CoFinancingFormSet(request.POST, prefix="cofinanciering")
        if formset.is_valid():
            try:
                services.set_cofinancing(by=request.user, proposal=obj, rows=formset.rows())
            except ValidationError as exc:
                formset._non_form_errors = formset.error_class(exc.messages)
            else:
                messages.success(request, _("De cofinanciering is opgeslagen."))
                return redirect(_detail(obj, "cofinanciering"))
    else:
        initial = [
            {"organisation": c.organisation, "kind": c.kind, "amount": str(c.amount).replace(".", ","), "description": c.description}
            for c in obj.cofinancing.select_related("organisation")
        ]
        formset = forms.CoFinancingFormSet(initial=initial, prefix="cofinanciering")
    return render(
        request, "financiering/proposal_cofinancing.html", {"proposal": obj, "formset": formset},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def proposal_parties(request, ref: str):
    obj = _proposal(request, ref)
    require(request.user, "financiering.edit_proposal", obj)
    if request.method == "POST":
        form = forms.PartiesForm(request.POST)
        if form.is_valid():
            try:
                services.set_parties(
                    by=request.user, proposal=obj, applicants=form.cleaned_data["applicants"],
                    beneficiaries=form.cleaned_data["beneficiaries"],
                )
            except ValidationError as exc:
                forms.add_service_errors(form, exc)
            else:
                messages.success(request, _("De betrokken organisaties zijn opgeslagen."))
                return redirect(_detail(obj, "organisaties"))
    else:
        parties = list(obj.parties.all())
        form = forms.PartiesForm(initial={
            "applicants": [p.organisation_id for p in parties if p.role == "aanvrager"],
            "beneficiaries": [p.organisation_id for p in parties if p.role == "begunstigde"],
        })
    return _form_page(
        request, form=form, heading=_("Betrokken organisaties"), proposal=obj,
        action=reverse("financiering:proposal_parties", kwargs={"ref": obj.reference}),
        intro=_("Welke organisaties voeren het werk uit en welke ontvangen geld of inzet? Dit wordt gebruikt om mogelijke belangenconflicten van adviseurs en bestuursleden te signaleren."),
        status=400 if form.errors else 200,
    )


# --- attachments ---------------------------------------------------------------------------------

@login_required
def attachment_add(request, ref: str):
    obj = _proposal(request, ref)
    require(request.user, "financiering.edit_proposal", obj)
    form = forms.AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_attachment(by=request.user, proposal=obj, file=form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, _("De bijlage is toegevoegd."))
            return redirect(_detail(obj, "bijlagen"))
    return _form_page(
        request, form=form, heading=_("Bijlage toevoegen"), proposal=obj, multipart=True, submit_label=_("Toevoegen"),
        action=reverse("financiering:attachment_add", kwargs={"ref": obj.reference}),
        intro=_("Alleen PDF-, ODT- en DOCX-documenten. Het portaal kijkt naar de inhoud van het bestand, niet alleen naar de naam."),
        status=400 if form.errors else 200,
    )


@login_required
def attachment(request, ref: str, pk: int):
    obj = _proposal(request, ref)
    item = get_object_or_404(Attachment, pk=pk, proposal=obj)
    audit.record("proposal.attachment_read", actor=request.user, target=obj, attachment=item.pk, ip_address=audit.client_ip(request))
    response = FileResponse(item.file.open("rb"), as_attachment=True, filename=item.original_name, content_type=item.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def attachment_delete(request, ref: str, pk: int):
    obj = _proposal(request, ref)
    require(request.user, "financiering.edit_proposal", obj)
    item = get_object_or_404(Attachment, pk=pk, proposal=obj)
    services.remove_attachment(by=request.user, attachment=item)
    messages.success(request, _("De bijlage is verwijderd."))
    return redirect(_detail(obj, "bijlagen"))


# --- workflow ------------------------------------------------------------------------------------

@login_required
@require_POST
def submit(request, ref: str):
    obj = _proposal(request, ref)
    if obj.state not in (State.CONCEPT, State.AANGEHOUDEN):
        messages.error(request, _("Dit voorstel is al ingediend (status: %(state)s).") % {"state": State(obj.state).label})
        return redirect(_detail(obj))
    require(request.user, "financiering.submit", obj)
    form = forms.SubmitForm(request.POST)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    try:
        services.submit(
            by=request.user, proposal=obj, version=data.get("version"), over_budget_reason=data.get("over_budget_reason") or ""
        )
    except ValidationError as exc:
        forms.add_service_errors(form, exc)
        shortfalls = services.budget_shortfalls(_lines_of(obj), exclude=obj)
        return _form_page(
            request, form=form, heading=_("Voorstel indienen"), proposal=obj, submit_label=_("Indienen"),
            action=reverse("financiering:submit", kwargs={"ref": obj.reference}), status=400,
            intro=_("Na het indienen kun je het voorstel niet meer bewerken, tenzij het wordt teruggestuurd met vragen."),
            extra={"shortfalls": shortfalls},
        )
    messages.success(request, _("Het voorstel is ingediend. Het programmateam neemt het in behandeling."))
    return redirect(_detail(obj))


@login_required
@require_POST
def move(request, ref: str):
    obj = _proposal(request, ref)
    form = forms.MoveForm(request.POST)
    target = request.POST.get("to", "")
    edge = workflow.edge(obj.state, target) if target in State.values else None
    if not form.is_valid() or edge is None or edge.by_decision:
        messages.error(request, _("Deze statuswijziging is niet mogelijk vanuit de huidige status."))
        return redirect(_detail(obj))
    require(request.user, edge.action, obj)
    try:
        services.move(by=request.user, proposal=obj, to=target, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        forms.add_service_errors(form, exc)
        return _form_page(
            request, form=form, heading=str(edge.label), proposal=obj, submit_label=str(edge.label), status=400,
            action=reverse("financiering:move", kwargs={"ref": obj.reference}),
        )
    messages.success(request, _("De status is nu: %(status)s.") % {"status": State(target).label})
    return redirect(_detail(obj))


@login_required
@require_POST
def check(request, ref: str):
    obj = _proposal(request, ref)
    form = forms.CheckForm(request.POST)
    kind = request.POST.get("kind", "")
    fund = Fund.objects.filter(slug=request.POST.get("fund", "")).first()
    action = {
        Check.Kind.VOLLEDIG: ("financiering.manage_process", obj),
        Check.Kind.TEAM: ("financiering.team_akkoord", obj),
        Check.Kind.FINANCIEEL: ("financiering.financial_check", fund),
    }.get(kind)
    if action is None or (kind == Check.Kind.FINANCIEEL and fund is None):
        raise Http404
    require(request.user, *action)
    if form.is_valid():
        try:
            services.record_check(
                by=request.user, proposal=obj, kind=kind, outcome=form.cleaned_data["outcome"], note=form.cleaned_data["note"], fund=fund
            )
        except ValidationError as exc:
            forms.add_service_errors(form, exc)
        else:
            messages.success(request, _("De toets is vastgelegd."))
            return redirect(_detail(obj, "toetsen"))
    label = Check.Kind(kind).label if not fund else _("Financiële toets: %(fund)s") % {"fund": fund.name}
    return _form_page(
        request, form=form, heading=str(label), proposal=obj, status=400,
        action=reverse("financiering:check", kwargs={"ref": obj.reference}),
    )


# --- reviewers and advice ------------------------------------------------------------------------

@login_required
@require_POST
def assign_reviewer(request, ref: str):
    obj = _proposal(request, ref)
    require(request.user, "financiering.assign_reviewer", obj)
    form = forms.AssignReviewerForm(request.POST)
    if form.is_valid():
        try:
            review = services.assign_reviewer(by=request.user, proposal=obj, reviewer=form.cleaned_data["reviewer"])
        except ValidationError as exc:
            forms.add_service_errors(form, exc)
        else:
            conflict = obj.conflicts.filter(user=review.reviewer, context=Conflict.Context.REVIEW).first()
            if conflict is not None:
                messages.warning(
                    request,
                    _("%(name)s is toegewezen als adviseur. Mogelijk belangenconflict: %(grounds)s Beslis hierover bij ‘Belangenconflicten’.")
                    % {"name": review.reviewer, "grounds": conflict.grounds},
                )
            else:
                messages.success(request, _("%(name)s is toegewezen als adviseur.") % {"name": review.reviewer})
            return redirect(_detail(obj, "adviseurs"))
    return _form_page(
        request, form=form, heading=_("Adviseur toewijzen"), proposal=obj, submit_label=_("Toewijzen"), status=400,
        action=reverse("financiering:assign_reviewer", kwargs={"ref": obj.reference}),
    )


@login_required
@require_POST
def unassign_reviewer(request, ref: str, pk: int):
    obj = _proposal(request, ref)
    require(request.user, "financiering.assign_reviewer", obj)
    review = get_object_or_404(Review.objects.select_related("reviewer", "proposal"), pk=pk, proposal=obj)
    try:
        services.unassign_reviewer(by=request.user, review=review)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(name)s is geen adviseur meer van dit voorstel.") % {"name": review.reviewer})
    return redirect(_detail(obj, "adviseurs"))


@login_required
def review(request, ref: str):
    obj = _proposal(request, ref)
    require(request.user, "financiering.give_review", obj)
    own = get_object_or_404(Review.objects.select_related("proposal"), proposal=obj, reviewer=request.user, round=obj.round)
    blocked = services.conflict_blocks(obj, request.user, Conflict.Context.REVIEW)
    form = forms.ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_review(
                by=request.user, review=own, recommendation=form.cleaned_data["recommendation"], text=form.cleaned_data["text"],
                scores=form.scores(),
            )
        except ValidationError as exc:
            forms.add_service_errors(form, exc)
        else:
            messages.success(request, _("Je advies is gegeven. Je ziet nu ook het advies van de andere adviseurs."))
            return redirect(_detail(obj, "adviezen"))
    return render(
        request,
        "financiering/review.html",
        {"proposal": obj, "review": own, "form": form, "blocked": blocked, "in_advice": obj.state == State.ADVIES},
        status=400 if form.errors else 200,
    )


# --- conflicts of interest -----------------------------------------------------------------------

@login_required
@require_POST
def declare_conflict(request, ref: str):
    obj = _proposal(request, ref)
    require(request.user, "financiering.declare_conflict", obj)
    contexts = _conflict_contexts(request.user, obj)
    form = forms.DeclareConflictForm(request.POST, contexts=contexts)
    if form.is_valid():
        try:
            services.declare_conflict(by=request.user, proposal=obj, context=form.cleaned_data["context"], grounds=form.cleaned_data["grounds"])
        except ValidationError as exc:
            forms.add_service_errors(form, exc)
        else:
            messages.success(request, _("Je melding is vastgelegd. Er wordt over besloten voordat je verder gaat."))
            return redirect(_detail(obj, "belangen"))
    return _form_page(
        request, form=form, heading=_("Belangenconflict melden"), proposal=obj, submit_label=_("Melden"), status=400,
        action=reverse("financiering:declare_conflict", kwargs={"ref": obj.reference}),
    )


@login_required
@require_POST
def decide_conflict(request, ref: str, pk: int):
    obj = _proposal(request, ref)
    conflict = get_object_or_404(Conflict.objects.select_related("user"), pk=pk, proposal=obj, context=Conflict.Context.REVIEW)
    require(request.user, "financiering.decide_review_conflict", obj)
    form = forms.DecideConflictForm(request.POST)
    if form.is_valid():
        try:
            services.decide_conflict(
                by=request.user, conflict=conflict, confirmed=form.cleaned_data["confirmed"] == "ja", reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            forms.add_service_errors(form, exc)
        else:
            messages.success(request, _("Het besluit over het belangenconflict is vastgelegd."))
            return redirect(_detail(obj, "belangen"))
    return _form_page(
        request, form=form, heading=_("Besluit over belangenconflict van %(name)s") % {"name": conflict.user}, proposal=obj,
        status=400, action=reverse("financiering:decide_conflict", kwargs={"ref": obj.reference, "pk": conflict.pk}),
        intro=conflict.grounds,
    )


# --- execution and accountability ----------------------------------------------------------------

@login_required
@require_POST
def final_report(request, ref: str):
    obj = _proposal(request, ref)
    require(request.user, "financiering.report", obj)
    if request.POST.get("start") and obj.state == State.TOEGEKEND:
        try:
            services.start_execution(by=request.user, proposal=obj)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("De uitvoering is gestart."))
        return redirect(_detail(obj, "verantwoording"))
    form = forms.FinalReportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            with transaction.atomic():  # the text and its attachment together, or neither
                services.save_final_report(by=request.user, proposal=obj, text=form.cleaned_data["text"])
                if form.cleaned_data.get("file"):
                    services.add_attachment(
                        by=request.user, proposal=obj, file=form.cleaned_data["file"], kind=Attachment.Kind.VERANTWOORDING
                    )
        except ValidationError as exc:
            if not hasattr(exc, "error_dict") and obj.state == State.IN_UITVOERING:
                form.add_error("file", exc)
            else:
                forms.add_service_errors(form, exc)
        else:
            messages.success(request, _("De verantwoording is opgeslagen."))
            return redirect(_detail(obj, "verantwoording"))
    return _form_page(
        request, form=form, heading=_("Verantwoording"), proposal=obj, multipart=True, status=400,
        action=reverse("financiering:final_report", kwargs={"ref": obj.reference}),
    )


# --- public summary ------------------------------------------------------------------------------

def _public_row(p: Proposal) -> dict:
    """Only what is public once granted (issue 5, item 7): title, domain, amount, fund(s), purpose, date."""
    granted = selectors.granted_lines(p)
    return {
        "reference": p.reference,
        "title": p.title,
        "domain": p.domain.name,
        "amount": _total(granted),
        "funds": sorted({line.fund.name for line in granted}),
        "purpose": p.purpose,
        "decided_at": p.decided_at,
    }


def public_grants(request):
    page = Paginator(selectors.public_grants(), PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(request, "financiering/public_grants.html", {"page": page, "rows": [_public_row(p) for p in page.object_list]})


def public_grant(request, ref: str):
    obj = get_object_or_404(selectors.public_grants(), reference=ref)
    return render(request, "financiering/public_grant.html", {"grant": _public_row(obj)})


# --- budget and funds ----------------------------------------------------------------------------

@login_required
def budget(request):
    require(request.user, "financiering.view_budget")
    years = sorted(set(FundYear.objects.values_list("year", flat=True)) | {this_year()})
    try:
        year = int(request.GET.get("jaar", ""))
    except ValueError:
        year = None
    year = year if year in years else None
    domain = Domain.objects.filter(slug=request.GET.get("domein", "")[:80]).first()
    rows = selectors.budget_overview(year=year, domain=domain)
    overdrawn = {(r["fund"].pk, r["year"]) for r in rows if r["overdrawn"]}
    overrides: dict = {}
    if overdrawn:
        for item in BudgetOverride.objects.filter(fund_year__fund_id__in={k[0] for k in overdrawn}).select_related("fund_year", "by", "proposal"):
            key = (item.fund_year.fund_id, item.fund_year.year)
            if key in overdrawn:
                overrides.setdefault(key, []).append(item)
    for row in rows:
        row["overrides"] = overrides.get((row["fund"].pk, row["year"]), [])
    totals = {k: sum((r[k] for r in rows), Decimal("0")) for k in ("available", "requested", "granted", "remaining")}
    return render(
        request,
        "financiering/budget.html",
        {
            "rows": rows,
            "totals": totals,
            "by_domain": selectors.budget_by_domain(year=year),
            "years": years,
            "year": year,
            "domains": Domain.objects.order_by("name"),
            "domain": domain,
        },
    )


@login_required
def funds(request):
    require(request.user, "financiering.view_budget")
    qs = Fund.objects.prefetch_related(Prefetch("years", queryset=FundYear.objects.order_by("year"))).order_by("-is_active", "name")
    return render(request, "financiering/funds.html", {"funds": qs})


def _fund(slug: str) -> Fund:
    return get_object_or_404(Fund.objects.prefetch_related(Prefetch("years", queryset=FundYear.objects.order_by("year"))), slug=slug)


@login_required
def fund_detail(request, slug: str):
    require(request.user, "financiering.view_budget")
    fund = _fund(slug)
    guardians = [
        row.user for row in FundUserObjectPermission.objects.filter(content_object=fund, permission__codename="guard_fund").select_related("user")
    ]
    rows = [r for r in selectors.budget_overview() if r["fund"].pk == fund.pk]
    candidates = []
    if can(request.user, "financiering.manage_funds"):
        candidates = [
            u for u in _guardian_candidates() if u not in guardians
        ]
    return render(
        request,
        "financiering/fund_detail.html",
        {"fund": fund, "guardians": guardians, "rows": rows, "candidates": candidates},
    )


def _guardian_candidates():
    """People who hold a seat as guardian of financial rules today (DECISIONS 5: someone guards each fund)."""
    from domains.models import Seat

    seats = Seat.objects.active().filter(role=Seat.Role.FONDSBEHEERDER).select_related("user").order_by("user__display_name")
    return list(dict.fromkeys(seat.user for seat in seats if seat.user.is_active))


@login_required
@require_POST
def fund_guardian(request, slug: str):
    """Give or take the guardian grant on this fund (manage_funds); the person needs a guardian's seat."""
    require(request.user, "financiering.manage_funds")
    fund = _fund(slug)
    user_model = get_user_model()
    person = user_model.objects.filter(pk=request.POST.get("user") or 0).first()
    if person is None:
        messages.error(request, _("Kies een persoon."))
        return redirect("financiering:fund", slug=fund.slug)
    active = request.POST.get("action") != "remove"
    try:
        services.set_fund_guardian(by=request.user, fund=fund, user=person, active=active)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            (_("%(name)s bewaakt nu de financiële regels van dit fonds.") if active else _("%(name)s bewaakt dit fonds niet meer."))
            % {"name": person},
        )
    return redirect("financiering:fund", slug=fund.slug)


@login_required
def fund_edit(request, slug: str | None = None):
    require(request.user, "financiering.manage_funds")
    fund = _fund(slug) if slug else None
    form = forms.FundForm(request.POST or None, instance=fund)
    if request.method == "POST" and form.is_valid():
        fields = {name: value for name, value in form.cleaned_data.items() if not (fund and name == "slug")}
        try:
            saved = services.save_fund(by=request.user, fund=Fund.objects.get(pk=fund.pk) if fund else None, **fields)
        except ValidationError as exc:
            forms.add_service_errors(form, exc)
        else:
            messages.success(request, _("Het fonds is opgeslagen."))
            return redirect("financiering:fund", slug=saved.slug)
    action = reverse("financiering:fund_edit", kwargs={"slug": fund.slug}) if fund else reverse("financiering:fund_create")
    return _form_page(
        request, form=form, heading=_("Fonds bewerken") if fund else _("Nieuw fonds"), action=action,
        cancel_url=reverse("financiering:fund", kwargs={"slug": fund.slug}) if fund else reverse("financiering:funds"),
        status=400 if form.errors else 200, extra={"fund": fund},
    )


@login_required
def fund_year(request, slug: str):
    require(request.user, "financiering.manage_funds")
    fund = _fund(slug)
    form = forms.FundYearForm(request.POST or None, initial={"year": this_year() if fund.covers(this_year()) else fund.first_year})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_fund_year(
                by=request.user, fund=fund, year=form.cleaned_data["year"], available=form.cleaned_data["available"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            forms.add_service_errors(form, exc)
        else:
            messages.success(request, _("Het budget voor %(year)s is opgeslagen.") % {"year": form.cleaned_data["year"]})
            return redirect("financiering:fund", slug=fund.slug)
    return _form_page(
        request, form=form, heading=_("Budget per jaar: %(fund)s") % {"fund": fund.name},
        action=reverse("financiering:fund_year", kwargs={"slug": fund.slug}),
        cancel_url=reverse("financiering:fund", kwargs={"slug": fund.slug}),
        intro=_("Looptijd: %(period)s. Het budget kan niet lager worden dan wat in dat jaar al is toegekend.") % {"period": fund.period_label},
        status=400 if form.errors else 200, extra={"fund": fund},
    )

