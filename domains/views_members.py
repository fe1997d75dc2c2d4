"""The "Leden en zetels" pages: seats given and ended, a member's side at a netwerkgroep table, and the
decision whether a partner is formal or informal.

Until these pages existed, seats, sides and kinds could only be changed in the Django admin, which skips
the services and so left no decision record and no audit row (DECISIONS 1 and 2). Every change here goes
through ``domains.services``; the rights come from ``samennw.rights`` (``domains.view_seats``,
``domains.assign_seat``, ``domains.change_seat_side``, ``domains.decide_organisation_kind``).
Each form posts to its own route and falls back to the page, with the person's input and the errors
next to the field, when something is wrong; nothing needs JavaScript.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from domains import forms, selectors, services
from domains.models import Body, Organisation, Seat
from samennw.rights import CanMap, can, require


def _body(slug: str) -> Body:
    return get_object_or_404(Body.objects.select_related("domain"), slug=slug)


def _seat(body: Body, pk: int) -> Seat:
    return get_object_or_404(Seat.objects.select_related("user", "body", "organisation"), body=body, pk=pk)


def _page(request, body: Body, *, assign_form=None, failed_seat: Seat | None = None, end_form=None, side_form=None,
          status: int = 200):
    """The page with one bound form at most (the one that failed), every other form empty."""
    page = selectors.seats_page(body)
    may_assign = can(request.user, "domains.assign_seat", body)
    may_change_side = body.kind == Body.Kind.NETWERKGROEP and can(request.user, "domains.change_seat_side", body)
    for seat in page.current:
        failed = failed_seat is not None and seat.pk == failed_seat.pk
        seat.end_form = (end_form if failed and end_form is not None else forms.EndSeatForm(prefix=f"einde-{seat.pk}")) if may_assign else None
        seat.side_form = (
            (side_form if failed and side_form is not None else forms.SeatSideForm(prefix=f"kant-{seat.pk}"))
            if may_change_side and seat.is_active()
            else None
        )
    failed_form = next((f for f in (assign_form, end_form, side_form) if f is not None and f.errors), None)
    return render(
        request,
        "domains/members.html",
        {
            "body": body,
            "page": page,
            "assign_form": (assign_form or forms.AssignSeatForm(body=body)) if may_assign else None,
            "failed_form": failed_form,
            "failed_seat": failed_seat,
            "may_assign": may_assign,
            "may_change_side": may_change_side,
            "is_netwerkgroep": body.kind == Body.Kind.NETWERKGROEP,
            "can": CanMap(request.user, body),
        },
        status=status,
    )


@login_required
@require_GET
def bodies(request):
    """Every body with a link to its "Leden en zetels" page, for those who give seats."""
    require(request.user, "domains.assign_seat")
    return render(
        request,
        "domains/seat_bodies.html",
        {"bodies": selectors.seat_bodies(), "can": CanMap(request.user)},
    )


@login_required
@require_GET
def members(request, slug: str):
    body = _body(slug)
    require(request.user, "domains.view_seats", body)
    return _page(request, body)


@login_required
@require_POST
def seat_assign(request, slug: str):
    body = _body(slug)
    require(request.user, "domains.view_seats", body)
    require(request.user, "domains.assign_seat", body)
    form = forms.AssignSeatForm(request.POST, body=body)
    if form.is_valid():
        data = form.cleaned_data
        try:
            seat = services.assign_seat(
                by=request.user,
                user=data["user"],
                body=body,
                role=data["role"],
                organisation=data["organisation"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                board_seat=data.get("board_seat", ""),
            )
        except ValidationError as exc:
            forms.add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s heeft nu de zetel ‘%(role)s’ in %(body)s.") % {"name": seat.user, "role": seat.get_role_display(), "body": body},
            )
            return redirect("domains:members", slug=body.slug)
    return _page(request, body, assign_form=form, status=400)


@login_required
@require_POST
def seat_end(request, slug: str, pk: int):
    body = _body(slug)
    require(request.user, "domains.view_seats", body)
    require(request.user, "domains.assign_seat", body)
    seat = _seat(body, pk)
    form = forms.EndSeatForm(request.POST, prefix=f"einde-{seat.pk}")
    if form.is_valid():
        try:
            services.end_seat(by=request.user, seat=seat, ends_on=form.cleaned_data["ends_on"])
        except ValidationError as exc:
            forms.add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("De zetel van %(name)s loopt tot en met %(date)s.")
                % {"name": seat.user, "date": form.cleaned_data["ends_on"].strftime("%d-%m-%Y")},
            )
            return redirect("domains:members", slug=body.slug)
    return _page(request, body, failed_seat=seat, end_form=form, status=400)


@login_required
@require_POST
def seat_side(request, slug: str, pk: int):
    body = _body(slug)
    require(request.user, "domains.change_seat_side", body)
    seat = _seat(body, pk)
    form = forms.SeatSideForm(request.POST, prefix=f"kant-{seat.pk}")
    if form.is_valid():
        try:
            change = services.change_seat_side(
                by=request.user, seat=seat, side=form.cleaned_data["side"], reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            forms.add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s zit nu %(side)s aan tafel.") % {"name": seat.user, "side": change.get_to_side_display().lower()},
            )
            return redirect("domains:members", slug=body.slug)
    return _page(request, body, failed_seat=seat, side_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_kind(request, slug: str):
    """Record whether a partner is formal or informal, with a reason; the history stays visible."""
    require(request.user, "domains.decide_organisation_kind")
    try:
        organisation = selectors.organisation_by_slug(slug)
    except Organisation.DoesNotExist as exc:
        raise Http404 from exc
    form = forms.OrganisationKindForm(request.POST or None, initial={"kind": organisation.kind})
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_organisation_kind(
                by=request.user,
                organisation=organisation,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
                body=form.cleaned_data["decided_by_body"],
            )
        except ValidationError as exc:
            forms.add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Vastgelegd: %(name)s is een %(kind)s.") % {"name": organisation.name, "kind": organisation.get_kind_display().lower()},
            )
            return redirect("domains:organisation_kind", slug=organisation.slug)
    return render(
        request,
        "domains/organisation_kind.html",
        {"organisation": organisation, "decisions": selectors.kind_decisions_of(organisation), "form": form},
        status=400 if form.errors else 200,
    )
