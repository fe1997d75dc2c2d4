"""Pages of the HGKM netwerkgroep's cases: the groups, a group's cases, bringing in, the case page and
its actions, "my agreements", who saw a case and the group's audit log (issue 6; DECISIONS 10-13b).

Every view is wrapped in ``security.case_view`` (login, verified TOTP, 15 minutes idle, no-store).
A case is fetched only through ``selectors.case_for``: a case of another group, a guessed code and a
closed case's edit are the same 404, so a page never confirms that a case exists. Actions on a visible
case are checked with ``samennw.rights`` first (403 with the reason); the services decide the rest and
answer with Dutch ``ValidationError``s that are shown next to the input, with nothing saved. Every view
of a case is written to the audit log with the reader's address. Messages, logs and URLs carry codes
only, never case text.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from domains.models import Body, Organisation, Seat
from netwerkgroep import forms, selectors, services
from netwerkgroep.models import Agreement, Bouwsteen, Case, Meeting, Note
from netwerkgroep.security import case_view
from samennw import audit, rights
from samennw.models import AuditEvent
from samennw.rights import CanMap

AUDIT_PAGE_SIZE = 50


# --- helpers -------------------------------------------------------------------------------------

def _denied(request, reason, status: int = 403):
    return render(request, "netwerkgroep/denied.html", {"reason": reason}, status=status)


def _group_or_404(slug: str) -> Body:
    body = Body.objects.filter(slug=slug, kind=Body.Kind.NETWERKGROEP).first()
    if body is None:
        raise Http404
    return body


def _case(request, code: str, *, editing: bool = False) -> Case:
    """The case if this person may see it; a closed case is not editable. Anything else: 404.

    A refused or guessed code is audited (code only) so the privacy officer sees attempts too.
    """
    case = selectors.case_for(request.user, code)
    if case is None:
        audit.record("case.access_refused", actor=request.user, ip_address=audit.client_ip(request), code=code[:20])
        raise Http404
    if editing and case.is_closed:
        raise Http404
    return case


def _case_url(case: Case, anchor: str = "") -> str:
    url = reverse("netwerkgroep:case", kwargs={"code": case.code})
    return f"{url}#{anchor}" if anchor else url


def _saved(request) -> None:
    messages.success(request, _("Opgeslagen."))  # never case text in a message


def _form_page(request, *, case: Case | None, form, heading: str, action: str, submit_label: str = "",
               intro: str = "", warnings: dict | None = None, body: Body | None = None, status: int = 200,
               template: str = "netwerkgroep/form_page.html", extra: dict | None = None):
    """One form on its own page; the POST views show their errors here with the person's input kept."""
    context = {
        "case": case,
        "body": body or (case.body if case else None),
        "form": form,
        "heading": heading,
        "action": action,
        "submit_label": submit_label or _("Opslaan"),
        "intro": intro,
        "warnings": warnings or {},
        "cancel_url": _case_url(case) if case else "",
    }
    context.update(extra or {})
    return render(request, template, context, status=status)


def _refusal(handler):
    """A PermissionDenied from a rights check or a service becomes a 403 page with its reason (no-store)."""

    @wraps(handler)
    def wrapped(request, *args, **kwargs):
        try:
            return handler(request, *args, **kwargs)
        except PermissionDenied as exc:
            return _denied(request, str(exc) or _("Je hebt geen toegang tot deze pagina."))

    return wrapped


def guarded(view):
    """``case_view`` around the 403 handling: every page of this module goes through both."""
    return case_view(_refusal(view))


# --- groups --------------------------------------------------------------------------------------

@guarded
def groups(request):
    bodies = selectors.netwerkgroepen_for(request.user)
    if not bodies:
        raise PermissionDenied(rights.why_not(request.user, "netwerkgroep.enter", None))
    if len(bodies) == 1:
        return redirect("netwerkgroep:group", group=bodies[0].slug)
    return render(request, "netwerkgroep/groups.html", {"bodies": bodies})


@guarded
def group(request, group: str):
    body = _group_or_404(group)
    if not rights.can(request.user, "netwerkgroep.enter", body):
        raise PermissionDenied(rights.why_not(request.user, "netwerkgroep.enter", body))
    params = request.GET
    filters = {
        "status": params.get("status", "") if params.get("status", "") in Case.Status.values else "",
        "bouwsteen": params.get("bouwsteen", "") if params.get("bouwsteen", "") in Bouwsteen.values else "",
        "urgency": params.get("urgentie", "") if params.get("urgentie", "") in Case.Urgency.values else "",
    }
    cases = list(selectors.filter_cases(selectors.cases_for(request.user, body), **filters))
    is_regisseur = rights.can(request.user, "netwerkgroep.manage_agenda", body)
    return render(
        request,
        "netwerkgroep/group.html",
        {
            "body": body,
            "cases": cases,
            "filters": filters,
            "statuses": Case.Status.choices,
            "bouwstenen": Bouwsteen.choices,
            "urgencies": Case.Urgency.choices,
            "next_meeting": services.upcoming_meeting(body),
            "is_regisseur": is_regisseur,
            "load": services.load_per_organisation(body) if is_regisseur else [],
            "can_audit": rights.can(request.user, "netwerkgroep.view_audit", body),
            "can_bring_in": rights.can(request.user, "netwerkgroep.bring_in", body),
            "can_view_lessons": rights.can(request.user, "netwerkgroep.view_lessons", body),
        },
    )


# --- bringing in ---------------------------------------------------------------------------------

@guarded
@require_http_methods(["GET", "POST"])
def bring_in(request, group: str):
    body = _group_or_404(group)
    rights.require(request.user, "netwerkgroep.bring_in", body)
    form = forms.BringInForm(request.POST or None)
    warnings: dict = {}
    if request.method == "POST" and form.is_valid():
        warnings = form.name_warnings()
        if warnings and not form.cleaned_data.get("names_checked"):
            form.add_error("names_checked", _("Controleer de tekst op namen en vink dit aan om op te slaan."))
        else:
            try:
                case = services.bring_in(by=request.user, body=body, consent=form.consent_data(), **form.case_fields())
            except ValidationError as exc:
                forms.add_errors(form, exc)
            else:
                _saved(request)
                return redirect(_case_url(case))
    return render(
        request,
        "netwerkgroep/bring_in.html",
        {"body": body, "form": form, "warnings": warnings},
        status=400 if form.errors else 200,
    )


# --- the case page -------------------------------------------------------------------------------

def _agreement_rows(request, agreements: list[Agreement]) -> list[dict]:
    rows = []
    for agreement in agreements:
        may_accept = rights.can(request.user, "netwerkgroep.accept_agreement", agreement)
        may_finish = agreement.status == Agreement.Status.OPEN and rights.can(request.user, "netwerkgroep.update_agreement", agreement)
        rows.append({
            "agreement": agreement,
            "accept_form": forms.AcceptForm(prefix=f"a{agreement.pk}") if may_accept else None,
            "finish_form": forms.FinishForm(prefix=f"f{agreement.pk}") if may_finish else None,
        })
    return rows


@guarded
def case(request, code: str):
    case = _case(request, code)
    audit.record("case.viewed", actor=request.user, target=case, ip_address=audit.client_ip(request))
    body = case.body
    formal = services.side_of(request.user, body) == Seat.Side.FORMEEL
    can = CanMap(request.user, case)
    may_redact = rights.can(request.user, "netwerkgroep.redact", case)
    return render(
        request,
        "netwerkgroep/case.html",
        {
            "case": case,
            "body": body,
            "can": can,
            "consents": list(case.consents.select_related("recorded_by")),
            "notes": [
                (note, forms.RedactForm(prefix=f"n{note.pk}") if may_redact else None)
                for note in services.visible_notes(request.user, case)
            ],
            "note_form": forms.NoteForm(formal=formal),
            "agreements": _agreement_rows(request, selectors.agreements_of(case)),
            "roles": [label for key, label in forms.ROLE_CHOICES if getattr(case, f"has_{key}")],
            "history": selectors.agenda_history(case),
            "is_regisseur": rights.ng_regisseur(request.user, case),
        },
    )


@guarded
@require_http_methods(["GET", "POST"])
def case_edit(request, code: str):
    case = _case(request, code, editing=True)
    rights.require(request.user, "netwerkgroep.edit_case", case)
    initial = {**forms.CaseFields.initial_from(case), "version": case.version}
    form = forms.CaseEditForm(request.POST or None, initial=initial)
    warnings: dict = {}
    if request.method == "GET":
        audit.record("case.viewed", actor=request.user, target=case, ip_address=audit.client_ip(request), page="bewerken")
    if request.method == "POST" and form.is_valid():
        warnings = form.name_warnings()
        if warnings and not form.cleaned_data.get("names_checked"):
            form.add_error("names_checked", _("Controleer de tekst op namen en vink dit aan om op te slaan."))
        else:
            try:
                services.update_case(by=request.user, case=case, version=form.cleaned_data["version"], changes=form.case_fields())
            except ValidationError as exc:
                forms.add_errors(form, exc)
            else:
                _saved(request)
                return redirect(_case_url(case))
    return _form_page(
        request, case=case, form=form, heading=_("Casus bewerken"), action=reverse("netwerkgroep:case_edit", args=[case.code]),
        warnings=warnings, status=400 if form.errors else 200,
    )


@guarded
@require_http_methods(["GET", "POST"])
def consent(request, code: str):
    case = _case(request, code, editing=True)
    rights.require(request.user, "netwerkgroep.record_consent", case)
    form = forms.ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_consent(by=request.user, case=case, consent=form.consent_data())
        except ValidationError as exc:
            forms.add_errors(form, exc)
        else:
            _saved(request)
            return redirect(_case_url(case, "toestemming"))
    return _form_page(
        request, case=case, form=form, heading=_("Toestemming vastleggen"), action=reverse("netwerkgroep:consent", args=[case.code]),
        intro=_("Een nieuwe toestemming vervangt de eerdere niet: die blijven zichtbaar."), status=400 if form.errors else 200,
    )


@guarded
@require_POST
def note_add(request, code: str):
    case = _case(request, code)
    rights.require(request.user, "netwerkgroep.add_note", case)
    formal = services.side_of(request.user, case.body) == Seat.Side.FORMEEL
    form = forms.NoteForm(request.POST, formal=formal)
    if form.is_valid():
        try:
            services.add_note(by=request.user, case=case, text=form.cleaned_data["text"], visibility=form.cleaned_data["visibility"])
        except ValidationError as exc:
            forms.add_errors(form, exc)
        else:
            _saved(request)
            return redirect(_case_url(case, "notities"))
    return _form_page(
        request, case=case, form=form, heading=_("Notitie toevoegen"), action=reverse("netwerkgroep:note_add", args=[case.code]), status=400,
    )


@guarded
@require_POST
def note_redact(request, code: str, pk: int):
    case = _case(request, code)
    rights.require(request.user, "netwerkgroep.redact", case)
    note = Note.objects.filter(case=case, pk=pk).first()
    if note is None:
        raise Http404
    form = forms.RedactForm(request.POST, prefix=f"n{note.pk}")
    if form.is_valid():
        services.redact_note(by=request.user, note=note, fragments=form.fragment_list())
        _saved(request)
        return redirect(_case_url(case, "notities"))
    return _form_page(
        request, case=case, form=form, heading=_("Notitie schonen"), action=reverse("netwerkgroep:note_redact", args=[case.code, pk]), status=400,
    )


# --- agreements ----------------------------------------------------------------------------------

@guarded
@require_http_methods(["GET", "POST"])
def agreement_add(request, code: str):
    case = _case(request, code, editing=True)
    rights.require(request.user, "netwerkgroep.add_agreement", case)
    form = forms.AgreementForm(
        request.POST or None, organisations=selectors.organisations_at(case.body), members=selectors.members_of(case.body)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_agreement(
                by=request.user, case=case, text=data["text"], owner_org=data["owner_org"], deadline=data["deadline"],
                owner=data["owner"], household=data["discussed_with_household"],
            )
        except ValidationError as exc:
            forms.add_errors(form, exc)
        else:
            _saved(request)
            return redirect(_case_url(case, "afspraken"))
    return _form_page(
        request, case=case, form=form, heading=_("Afspraak vastleggen"), action=reverse("netwerkgroep:agreement_add", args=[case.code]),
        intro=_("Een afspraak voor een informele partner wacht tot die haar aanneemt."), status=400 if form.errors else 200,
    )


def _agreement(request, pk: int) -> Agreement:
    """The agreement if its case is visible to this person; otherwise 404."""
    agreement = Agreement.objects.select_related("case").filter(pk=pk).first()
    if agreement is None or selectors.case_for(request.user, agreement.case.code) is None:
        raise Http404
    return agreement


@guarded
@require_POST
def agreement_accept(request, pk: int):
    agreement = _agreement(request, pk)
    rights.require(request.user, "netwerkgroep.accept_agreement", agreement)
    form = forms.AcceptForm(request.POST, prefix=f"a{agreement.pk}")
    if form.is_valid():
        try:
            services.accept_agreement(
                by=request.user, agreement=agreement, accept=form.cleaned_data["decision"] == "ja", reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            forms.add_errors(form, exc)
        else:
            _saved(request)
            return redirect(_case_url(agreement.case, "afspraken"))
    return _form_page(
        request, case=agreement.case, form=form, heading=_("Afspraak aannemen of weigeren"),
        action=reverse("netwerkgroep:agreement_accept", args=[pk]), status=400,
    )


@guarded
@require_POST
def agreement_finish(request, pk: int):
    agreement = _agreement(request, pk)
    rights.require(request.user, "netwerkgroep.update_agreement", agreement)
    form = forms.FinishForm(request.POST, prefix=f"f{agreement.pk}")
    if form.is_valid():
        try:
            services.finish_agreement(
                by=request.user, agreement=agreement, done=form.cleaned_data["done"] == "ja", outcome=form.cleaned_data["outcome"]
            )
        except ValidationError as exc:
            forms.add_errors(form, exc)
        else:
            _saved(request)
            return redirect(_case_url(agreement.case, "afspraken"))
    return _form_page(
        request, case=agreement.case, form=form, heading=_("Afspraak afronden"),
        action=reverse("netwerkgroep:agreement_finish", args=[pk]), status=400,
    )


@guarded
def my_agreements(request):
    if not selectors.netwerkgroepen_for(request.user):
        raise PermissionDenied(rights.why_not(request.user, "netwerkgroep.enter", None))
    agreements = list(selectors.my_agreements(request.user))
    return render(request, "netwerkgroep/my_agreements.html", {"agreements": agreements})


# --- the regisseur's actions ---------------------------------------------------------------------

@guarded
@require_POST
def case_wait(request, code: str):
    case = _case(request, code, editing=True)
    rights.require(request.user, "netwerkgroep.edit_case", case)
    try:
        services.set_waiting(by=request.user, case=case, waiting=request.POST.get("waiting") == "ja")
    except ValidationError as exc:  # e.g. "not waiting" for a case that does not wait: say so, no 500
        for text in exc.messages:
            messages.error(request, text)
    else:
        _saved(request)
    return redirect(_case_url(case))


@guarded
@require_http_methods(["GET", "POST"])
def case_transfer(request, code: str):
    case = _case(request, code, editing=True)
    rights.require(request.user, "netwerkgroep.transfer_case", case)
    form = forms.TransferForm(request.POST or None, organisations=selectors.organisations_at(case.body, kind=Organisation.Kind.FORMEEL))
    if request.method == "POST" and form.is_valid():
        try:
            services.transfer_case(by=request.user, case=case, to=form.cleaned_data["to"], reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            forms.add_errors(form, exc)
        else:
            _saved(request)
            return redirect(_case_url(case))
    return _form_page(
        request, case=case, form=form, heading=_("Casus overdragen"), action=reverse("netwerkgroep:case_transfer", args=[case.code]),
        intro=_("De inbrenger blijft aan de casus verbonden, houdt toegang op tafelniveau en krijgt bericht."),
        status=400 if form.errors else 200,
    )


@guarded
@require_http_methods(["GET", "POST"])
def case_close(request, code: str):
    case = _case(request, code, editing=True)
    rights.require(request.user, "netwerkgroep.close_case", case)
    form = forms.CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.close_case(
                by=request.user, case=case, reason=data["reason"], terugblik_on=data["terugblik_on"], lesson=data["lesson"],
                new_route=data["new_route"],
            )
        except ValidationError as exc:
            forms.add_errors(form, exc)
        else:
            _saved(request)
            return redirect(_case_url(case))
    return _form_page(
        request, case=case, form=form, heading=_("Casus sluiten"), action=reverse("netwerkgroep:case_close", args=[case.code]),
        intro=_("Sluiten vraagt een reden en een datum voor de terugblik. Na twaalf maanden worden de teksten verwijderd."),
        status=400 if form.errors else 200,
    )


# --- who saw what --------------------------------------------------------------------------------

@guarded
def case_access_log(request, code: str):
    case = _case(request, code)
    rights.require(request.user, "netwerkgroep.view_audit", case)
    page = Paginator(selectors.access_log(case), AUDIT_PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(request, "netwerkgroep/access_log.html", {"case": case, "body": case.body, "page": page})


def _meeting_events(body: Body, *, code: str = ""):
    """The audit rows of the group's meetings (agenda changes, start, end, printouts), which name the
    meeting rather than a case; with ``code``, those of the meetings the case was on, minus rows about
    another case. Without them the log would miss the agenda and meeting steps of issue 6's "Done when".
    """
    meetings = Meeting.objects.filter(body=body)
    if code:
        meetings = meetings.filter(items__case__code=code)
    ids = [str(pk) for pk in meetings.values_list("pk", flat=True).distinct()]
    events = AuditEvent.objects.filter(target_type=Meeting._meta.label_lower, target_id__in=ids)
    if code:
        events = events.filter(Q(details__case=code) | ~Q(details__has_key="case"))
    return events


@guarded
def audit_log(request, group: str):
    body = _group_or_404(group)
    rights.require(request.user, "netwerkgroep.view_audit", body)
    code = request.GET.get("casus", "").strip()[:20]
    events = selectors.group_events(body, code=code) | _meeting_events(body, code=code)
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(request, "netwerkgroep/audit_log.html", {"body": body, "page": page, "code": code})
