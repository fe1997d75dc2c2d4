"""Pages of the netwerkgroep's weekly meetings (issue 6, items 2, 5, 6, 9, 10; DECISIONS 13b, 13c, 14, 17).

The list of meetings, one meeting with its agenda (built, added to, removed from, reordered without
JavaScript), the printable agenda (codes, kind and question only), starting a meeting with the
confidentiality statement, meeting mode per agenda item, the iCalendar feed, the retention list and
the suppressed statistics.

Every page with case data goes through ``case_view`` (login, verified TOTP, idle limit, no-store).
Who has no seat at any netwerkgroep table gets 403 everywhere; a member of another group gets 404 for
this group's pages, the same answer as for an id that does not exist; a member without the right for
an action gets 403. Refusals are audited. A refused POST shows the page again with the Dutch errors
next to the fields (status 400), keeps the input and saves nothing.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from domains.models import Body, Organisation, Seat
from netwerkgroep import forms_meetings as forms
from netwerkgroep import ics as ics_feed
from netwerkgroep import services
from netwerkgroep import stats as ng_stats
from netwerkgroep.models import AgendaItem, Case, Meeting, Schedule, Tombstone
from netwerkgroep.security import case_view, no_store
from samennw import audit, rights
from samennw.rights import CanMap, Role

# --- fetching ------------------------------------------------------------------------------------

def _member_body_ids(user) -> set[int]:
    return {seat.body_id for seat in rights.active_seats(user) if seat.body.kind == Body.Kind.NETWERKGROEP}


def _deny(request, action: str, obj=None, status: int = 403):
    audit.record(
        "access.denied", actor=request.user, target=obj, ip_address=audit.client_ip(request), action=action, path=request.path[:200]
    )
    if status == 404:
        raise Http404
    raise PermissionDenied(rights.why_not(request.user, action, obj) if action in rights.RULES else None)


def _require(request, action: str, obj) -> None:
    if not rights.can(request.user, action, obj):
        _deny(request, action, obj)


def _group(request, slug: str) -> Body:
    """The netwerkgroep by slug, if the user sits at its table: 403 without any seat, else 404."""
    ids = _member_body_ids(request.user)
    if not ids:
        _deny(request, "netwerkgroep.enter")
    body = Body.objects.filter(kind=Body.Kind.NETWERKGROEP, slug=slug, pk__in=ids).first()
    if body is None:
        _deny(request, "netwerkgroep.enter", status=404)
    return body


def _meeting(request, pk: int) -> Meeting:
    ids = _member_body_ids(request.user)
    if not ids:
        _deny(request, "netwerkgroep.enter")
    meeting = Meeting.objects.select_related("body").filter(pk=pk, body_id__in=ids).first()
    if meeting is None:
        _deny(request, "netwerkgroep.enter", status=404)
    return meeting


def _item(meeting: Meeting, pk: int) -> AgendaItem:
    return get_object_or_404(AgendaItem.objects.select_related("case", "meeting__body"), meeting=meeting, pk=pk)


def _agenda(meeting: Meeting) -> list[AgendaItem]:
    return list(meeting.items.filter(removed_at__isnull=True).select_related("case"))


def _open_cases(meeting: Meeting):
    """Open cases of the group not on this agenda now (a removed one can be put back)."""
    on_agenda = meeting.items.filter(removed_at__isnull=True).values("case_id")
    return (
        Case.objects.filter(body=meeting.body, closed_on__isnull=True, status__in=services.OPEN_STATES)
        .exclude(pk__in=on_agenda)
        .order_by("code")
    )


def _reorder_rows(items: list[AgendaItem]) -> list[dict]:
    """Per item the full new order for its up and down buttons (works without JavaScript)."""
    ids = [i.pk for i in items]
    rows = []
    for index, item in enumerate(items):
        up = down = None
        if index > 0:
            moved = ids.copy()
            moved[index - 1], moved[index] = moved[index], moved[index - 1]
            up = ",".join(map(str, moved))
        if index < len(ids) - 1:
            moved = ids.copy()
            moved[index + 1], moved[index] = moved[index], moved[index + 1]
            down = ",".join(map(str, moved))
        rows.append({"item": item, "up": up, "down": down})
    return rows


def _messages_of(exc: ValidationError) -> list[str]:
    return list(exc.messages)


# --- the meetings of a group --------------------------------------------------------------------

@case_view
def meetings(request, group: str):
    body = _group(request, group)
    today = timezone.localdate()
    qs = Meeting.objects.filter(body=body)
    feed_url = request.build_absolute_uri(
        reverse("netwerkgroep:ics", kwargs={"group": body.slug, "token": ics_feed.token_for(request.user, body)})
    )
    return render(
        request,
        "netwerkgroep/meetings/meetings.html",
        {
            "body": body,
            "upcoming": list(qs.filter(date__gte=today).order_by("date", "starts_at")),
            "past": list(qs.filter(date__lt=today).order_by("-date")[:26]),
            "can": CanMap(request.user, body),
            "feed_url": feed_url,
        },
    )


def _change_page(request, meeting: Meeting, form, *, kind: str, status: int = 200):
    return render(
        request, "netwerkgroep/meetings/meeting_change.html", {"meeting": meeting, "form": form, "kind": kind}, status=status
    )


@case_view
def meeting_move(request, pk: int):
    meeting = _meeting(request, pk)
    _require(request, "netwerkgroep.manage_meetings", meeting)
    form = forms.MoveForm(request.POST or None, prefix="verplaatsen", initial={"date": meeting.date})
    if request.method == "POST" and form.is_valid():
        try:
            services.move_meeting(by=request.user, meeting=meeting, date=form.cleaned_data["date"], reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            forms.add_service_error(form, exc)
        else:
            messages.success(request, _("De bijeenkomst is verplaatst."))
            return redirect("netwerkgroep:meetings", group=meeting.body.slug)
    return _change_page(request, meeting, form, kind="move", status=400 if form.errors else 200)


@case_view
def meeting_cancel(request, pk: int):
    meeting = _meeting(request, pk)
    _require(request, "netwerkgroep.manage_meetings", meeting)
    form = forms.CancelForm(request.POST or None, prefix="annuleren")
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_meeting(by=request.user, meeting=meeting, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            forms.add_service_error(form, exc)
        else:
            messages.success(request, _("De bijeenkomst is geannuleerd."))
            return redirect("netwerkgroep:meetings", group=meeting.body.slug)
    return _change_page(request, meeting, form, kind="cancel", status=400 if form.errors else 200)


# --- one meeting and its agenda ------------------------------------------------------------------

def _meeting_page(request, meeting: Meeting, *, add_form=None, agenda_errors=None, status: int = 200):
    can = CanMap(request.user, meeting)
    items = _agenda(meeting)
    agenda_open = meeting.status in (Meeting.Status.GEPLAND, Meeting.Status.BEZIG)
    manage = agenda_open and can["netwerkgroep__manage_agenda"]
    context = {
        "meeting": meeting,
        "body": meeting.body,
        "can": can,
        "rows": _reorder_rows(items) if manage else [{"item": i} for i in items],
        "manage": manage,
        "agenda_open": agenda_open,
        "add_form": add_form or (forms.AgendaAddForm(cases=_open_cases(meeting), prefix="agenda") if manage else None),
        "agenda_errors": agenda_errors or [],
        "removed": list(meeting.items.filter(removed_at__isnull=False).select_related("case")) if manage else [],
    }
    return render(request, "netwerkgroep/meetings/meeting.html", context, status=status)


@case_view
def meeting(request, pk: int):
    meeting = _meeting(request, pk)
    return _meeting_page(request, meeting)


@require_POST
@case_view
def agenda_build(request, pk: int):
    meeting = _meeting(request, pk)
    _require(request, "netwerkgroep.manage_agenda", meeting)
    try:
        added = services.build_agenda(by=request.user, meeting=meeting)
    except ValidationError as exc:
        return _meeting_page(request, meeting, agenda_errors=_messages_of(exc), status=400)
    messages.success(request, _("De agenda is opgebouwd: %(n)s punten toegevoegd.") % {"n": len(added)})
    return redirect("netwerkgroep:meeting", pk=meeting.pk)


@require_POST
@case_view
def agenda_add(request, pk: int):
    meeting = _meeting(request, pk)
    _require(request, "netwerkgroep.manage_agenda", meeting)
    form = forms.AgendaAddForm(request.POST, cases=_open_cases(meeting), prefix="agenda")
    if form.is_valid():
        try:
            services.add_to_agenda(by=request.user, meeting=meeting, case=form.cleaned_data["case"])
        except ValidationError as exc:
            forms.add_service_error(form, exc)
        else:
            messages.success(request, _("De casus staat op de agenda."))
            return redirect("netwerkgroep:meeting", pk=meeting.pk)
    return _meeting_page(request, meeting, add_form=form, status=400)


@require_POST
@case_view
def agenda_remove(request, pk: int, item: int):
    meeting = _meeting(request, pk)
    _require(request, "netwerkgroep.manage_agenda", meeting)
    agenda_item = _item(meeting, item)
    try:
        if meeting.status not in (Meeting.Status.GEPLAND, Meeting.Status.BEZIG):
            raise ValidationError(_("De agenda van een gehouden of geannuleerde bijeenkomst verandert niet meer."))
        services.remove_from_agenda(by=request.user, item=agenda_item)
    except ValidationError as exc:
        return _meeting_page(request, meeting, agenda_errors=_messages_of(exc), status=400)
    messages.success(request, _("%(code)s is van de agenda gehaald.") % {"code": agenda_item.case.code})
    return redirect("netwerkgroep:meeting", pk=meeting.pk)


@require_POST
@case_view
def agenda_reorder(request, pk: int):
    """``order`` holds the full new order as item ids, comma-separated (one value) or repeated."""
    meeting = _meeting(request, pk)
    _require(request, "netwerkgroep.manage_agenda", meeting)
    raw = ",".join(request.POST.getlist("order"))
    try:
        order = [int(part) for part in raw.split(",") if part.strip()]
    except ValueError:
        order = []
    try:
        if meeting.status not in (Meeting.Status.GEPLAND, Meeting.Status.BEZIG):
            raise ValidationError(_("De agenda van een gehouden of geannuleerde bijeenkomst verandert niet meer."))
        services.reorder_agenda(by=request.user, meeting=meeting, order=order)
    except ValidationError as exc:
        return _meeting_page(request, meeting, agenda_errors=_messages_of(exc), status=400)
    messages.success(request, _("De volgorde van de agenda is aangepast."))
    focus = request.POST.get("focus", "")
    suffix = f"#punt-{int(focus)}" if focus.isdigit() else ""
    return redirect(reverse("netwerkgroep:meeting", kwargs={"pk": meeting.pk}) + suffix)


@case_view
def agenda_print(request, pk: int):
    """Only codes, kind and the question to the table (issue 6, item 5); the printout is audited."""
    meeting = _meeting(request, pk)
    _require(request, "netwerkgroep.view_case", meeting)
    items = _agenda(meeting)
    audit.record(
        "agenda.printed", actor=request.user, target=meeting, ip_address=audit.client_ip(request), cases=[i.case.code for i in items]
    )
    return render(request, "netwerkgroep/meetings/agenda_print.html", {"meeting": meeting, "items": items, "printed_at": timezone.now()})


# --- meeting mode --------------------------------------------------------------------------------

def _seats(meeting: Meeting) -> list[Seat]:
    seats = Seat.objects.active(meeting.date).filter(body=meeting.body).select_related("user", "organisation")
    return sorted(seats, key=lambda s: (s.role != Seat.Role.NETWERKREGISSEUR, forms.seat_label(s).lower()))


@case_view
def meeting_start(request, pk: int):
    meeting = _meeting(request, pk)
    _require(request, "netwerkgroep.run_meeting", meeting)
    schedule = Schedule.objects.filter(body=meeting.body).first()
    seats = _seats(meeting)
    form = forms.StartForm(request.POST or None, seats=seats, prefix="start")
    if request.method == "POST" and form.is_valid():
        if schedule is None or not schedule.confidentiality.strip():
            form.add_error(None, _("Deze netwerkgroep heeft nog geen geheimhoudingsverklaring; leg die eerst vast in het vergaderritme."))
        else:
            try:
                services.start_meeting(by=request.user, meeting=meeting, present_seats=form.cleaned_data["present"])
            except ValidationError as exc:
                forms.add_service_error(form, exc)
            else:
                messages.success(request, _("De bijeenkomst is geopend; de geheimhouding is bevestigd."))
                return redirect("netwerkgroep:meeting", pk=meeting.pk)
    return render(
        request,
        "netwerkgroep/meetings/meeting_start.html",
        {"meeting": meeting, "form": form, "schedule": schedule},
        status=400 if form.errors else 200,
    )


def _table_organisations(meeting: Meeting):
    seated = Seat.objects.active().filter(body=meeting.body, organisation__isnull=False).values("organisation_id")
    return Organisation.objects.filter(pk__in=seated).order_by("name")


def _table_people(meeting: Meeting) -> list[tuple[int, str]]:
    people = {}
    for seat in Seat.objects.active().filter(body=meeting.body, organisation__isnull=False).select_related("user", "organisation"):
        people[seat.user_id] = f"{seat.user.display_name or seat.user.get_username()} · {seat.organisation.name}"
    return sorted(people.items(), key=lambda pair: pair[1].lower())


class _Rollback(Exception):
    """Raised inside the POST's transaction to undo everything when any part was refused."""


@case_view
def meeting_item(request, pk: int, item: int):
    """Discussion summary, next review date and agreements of one item: one transaction per POST."""
    meeting = _meeting(request, pk)
    _require(request, "netwerkgroep.run_meeting", meeting)
    agenda_item = _item(meeting, item)
    data = request.POST if request.method == "POST" else None
    discussion = forms.DiscussionForm(
        data, prefix="bespreking", initial={"summary": agenda_item.summary, "review_on": agenda_item.case.review_on}
    )
    organisations = _table_organisations(meeting)
    agreement_forms = forms.agreement_forms(data, organisations=organisations, people=_table_people(meeting))
    status = 200
    if request.method == "POST":
        filled = [f for f in agreement_forms if f.has_changed()]
        valid = discussion.is_valid() & all([f.is_valid() for f in filled])
        if meeting.status != Meeting.Status.BEZIG:
            discussion.add_error(None, _("Open eerst de bijeenkomst."))
            valid = False
        if valid and _save_item(request, agenda_item, discussion, filled):
            messages.success(request, _("De bespreking van %(code)s is vastgelegd.") % {"code": agenda_item.case.code})
            return redirect(reverse("netwerkgroep:meeting", kwargs={"pk": meeting.pk}) + f"#punt-{agenda_item.pk}")
        status = 400
    agreements = list(agenda_item.agreements.select_related("owner_org").order_by("deadline", "pk"))
    return render(
        request,
        "netwerkgroep/meetings/meeting_item.html",
        {
            "meeting": meeting,
            "item": agenda_item,
            "case": agenda_item.case,
            "discussion": discussion,
            "agreement_forms": agreement_forms,
            "agreements": agreements,
            "is_open": meeting.status == Meeting.Status.BEZIG,
            "all_forms": [discussion, *agreement_forms],
            "has_errors": status == 400,
        },
        status=status,
    )


def _save_item(request, agenda_item: AgendaItem, discussion, filled: list) -> bool:
    """record_discussion and every add_agreement in one transaction; any refusal undoes all of it."""
    refused = False
    try:
        with transaction.atomic():
            try:
                services.record_discussion(
                    by=request.user, item=agenda_item, summary=discussion.cleaned_data["summary"],
                    review_on=discussion.cleaned_data["review_on"],
                )
            except ValidationError as exc:
                forms.add_service_error(discussion, exc)
                refused = True
            for form in filled:
                owner = None
                if form.cleaned_data["owner"]:
                    owner = type(request.user).objects.filter(pk=form.cleaned_data["owner"]).first()
                try:
                    services.add_agreement(
                        by=request.user, case=agenda_item.case, text=form.cleaned_data["text"], owner_org=form.cleaned_data["owner_org"],
                        deadline=form.cleaned_data["deadline"], owner=owner, item=agenda_item, household=form.cleaned_data["household"],
                    )
                except ValidationError as exc:
                    forms.add_service_error(form, exc)
                    refused = True
            if refused:
                raise _Rollback
    except _Rollback:
        return False
    return True


@require_POST
@case_view
def meeting_end(request, pk: int):
    meeting = _meeting(request, pk)
    _require(request, "netwerkgroep.run_meeting", meeting)
    try:
        services.end_meeting(by=request.user, meeting=meeting)
    except ValidationError as exc:
        return _meeting_page(request, meeting, agenda_errors=_messages_of(exc), status=400)
    messages.success(request, _("De bijeenkomst is afgesloten."))
    return redirect("netwerkgroep:meeting", pk=meeting.pk)


# --- the calendar feed ---------------------------------------------------------------------------

def ics(request, group: str, token: str):
    """No login (calendar apps cannot), so a personal signed token; no case data at all."""
    body = Body.objects.filter(kind=Body.Kind.NETWERKGROEP, slug=group).first()
    if body is None or ics_feed.user_for(token, body) is None:
        raise Http404
    since = timezone.localdate() - datetime.timedelta(days=92)
    meetings = Meeting.objects.filter(body=body, date__gte=since).select_related("body").order_by("date", "starts_at")
    response = HttpResponse(ics_feed.calendar(body, meetings), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{body.slug}.ics"'
    return no_store(response)


# --- retention -----------------------------------------------------------------------------------

def _retention_page(request, body: Body, *, bound: dict | None = None, status: int = 200):
    bound = bound or {}
    due = list(services.purge_due().filter(body=body).order_by("closed_on", "code"))
    rows = []
    for case in due:
        purge_on = case.purge_announced_on + datetime.timedelta(days=services.ANNOUNCE_DAYS) if case.purge_announced_on else None
        rows.append({
            "case": case,
            "purge_on": purge_on,
            "form": bound.get(case.code) or (forms.HoldBackForm(prefix=f"bewaren-{case.code}") if not case.hold_back_reason else None),
        })
    shown = {row["case"].code for row in rows}
    # A refused hold for a case no longer on the list (e.g. already held back): its errors go on top.
    other_errors = [str(e) for code, form in bound.items() if code not in shown for errors in form.errors.values() for e in errors]
    held = list(
        Case.objects.filter(body=body, held_back_until__gte=timezone.localdate()).exclude(hold_back_reason="").order_by("held_back_until")
    )
    tombstones = list(Tombstone.objects.filter(body=body).order_by("-purged_at", "code")[:200])
    return render(
        request,
        "netwerkgroep/meetings/retention.html",
        {
            "body": body, "rows": rows, "held": held, "tombstones": tombstones, "announce_days": services.ANNOUNCE_DAYS,
            "other_errors": other_errors,
        },
        status=status,
    )


@case_view
def retention(request, group: str):
    body = _group(request, group)
    _require(request, "netwerkgroep.manage_retention", body)
    return _retention_page(request, body)


@require_POST
@case_view
def hold_back(request, code: str):
    ids = _member_body_ids(request.user)
    if not ids:
        _deny(request, "netwerkgroep.enter")
    case = Case.objects.select_related("body").filter(code=code, body_id__in=ids).first()
    if case is None:
        _deny(request, "netwerkgroep.enter", status=404)
    _require(request, "netwerkgroep.manage_retention", case)
    form = forms.HoldBackForm(request.POST, prefix=f"bewaren-{case.code}")
    if form.is_valid():
        try:
            services.hold_back(by=request.user, case=case, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            forms.add_service_error(form, exc)
        else:
            messages.success(request, _("%(code)s wordt langer bewaard.") % {"code": case.code})
            return redirect("netwerkgroep:retention", group=case.body.slug)
    return _retention_page(request, case.body, bound={case.code: form}, status=400)


# --- statistics ----------------------------------------------------------------------------------

@login_required
def stats(request):
    """Suppressed counts per group (DECISIONS 17), both groups apart (DECISIONS 14)."""
    bodies = [b for b in Body.objects.filter(kind=Body.Kind.NETWERKGROEP, is_active=True).order_by("name")
              if rights.can(request.user, "netwerkgroep.view_stats", b)]
    if not bodies:
        _deny(request, "netwerkgroep.view_stats")
    form = forms.StatsForm(request.GET or None)
    year, quarter = timezone.localdate().year, None
    status = 200
    if request.GET:
        if form.is_valid():
            year, quarter = form.cleaned_data["year"], form.cleaned_data["quarter"]
        else:
            status = 400
    groups = [ng_stats.for_group(body, year=year, quarter=quarter) for body in bodies]
    audit.record("netwerkgroep.stats_viewed", actor=request.user, ip_address=audit.client_ip(request), year=year, quarter=quarter)
    response = render(
        request,
        "netwerkgroep/meetings/stats.html",
        {
            "form": form, "groups": groups, "year": year, "quarter": quarter,
            "is_programme": bool({Role.PROGRAMMATEAM, Role.PRIVACY} & rights.roles_of(request.user)),
        },
        status=status,
    )
    return no_store(response)
