"""Read queries of the netwerkgroep: every case read starts from the user's own seats.

A case is found only through ``cases_for(user)``: the netwerkgroepen where the person holds an active
seat today. Nobody else (administrators, the board, the programme team, members of the other group)
gets a row, so a forbidden code and a guessed one are the same 404 (STYLE 3). List queries annotate
what the pages show with subqueries, so their query count does not grow with the number of rows
(STYLE 11).
"""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from domains.models import Body, Organisation, Seat
from netwerkgroep.models import AgendaItem, Agreement, Bouwsteen, Case, Lesson, Tombstone
from samennw import rights
from samennw.models import AuditEvent

CASE_TARGET = "netwerkgroep.case"
OPEN_AGREEMENT = (Agreement.Status.OPEN, Agreement.Status.VOORGESTELD)


def netwerkgroepen_for(user) -> list[Body]:
    """The netwerkgroepen in which the user holds an active seat, by name."""
    bodies = {seat.body_id: seat.body for seat in rights.active_seats(user) if seat.body.kind == Body.Kind.NETWERKGROEP}
    return sorted(bodies.values(), key=lambda body: body.name)


def _count(qs) -> Subquery:
    return Coalesce(
        Subquery(qs.order_by().values("case").annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()),
        Value(0),
    )


def cases_for(user, body: Body | None = None) -> QuerySet[Case]:
    """The cases of the netwerkgroepen where ``user`` sits now (of ``body`` only, when given).

    Annotated per row: ``last_discussed`` (date of the last meeting where it was discussed),
    ``open_agreements`` and ``overdue_agreements``. A superuser without a seat gets nothing.
    """
    bodies = [b.pk for b in netwerkgroepen_for(user)]
    if body is not None:
        bodies = [pk for pk in bodies if pk == body.pk]
    if not bodies:
        return Case.objects.none()
    agreements = Agreement.objects.filter(case=OuterRef("pk"), status__in=OPEN_AGREEMENT)
    discussed = (
        AgendaItem.objects.filter(case=OuterRef("pk"), discussed=True).order_by("-meeting__date").values("meeting__date")[:1]
    )
    return (
        Case.objects.filter(body_id__in=bodies)
        .select_related("body", "inbrenger_org", "transferred_to")
        .annotate(
            last_discussed=Subquery(discussed),
            open_agreements=_count(agreements),
            overdue_agreements=_count(agreements.filter(deadline__lt=timezone.localdate())),
        )
    )


def filter_cases(qs: QuerySet[Case], *, status: str = "", bouwsteen: str = "", urgency: str = "") -> QuerySet[Case]:
    """The group page's filters; unknown values are ignored."""
    if status in Case.Status.values:
        qs = qs.filter(status=status)
    if urgency in Case.Urgency.values:
        qs = qs.filter(urgency=urgency)
    if bouwsteen in Bouwsteen.values:
        # The JSON list as text holds the value in quotes; works on SQLite and PostgreSQL alike.
        qs = qs.filter(bouwstenen__icontains=f'"{bouwsteen}"')
    return qs


def case_for(user, code: str) -> Case | None:
    """The case with this code if the user may see it, else None (the view answers 404 either way)."""
    case = cases_for(user).filter(code=code).first()
    if case is None or not rights.can(user, "netwerkgroep.view_case", case):
        return None
    return case


def agreements_of(case: Case) -> list[Agreement]:
    return list(case.agreements.select_related("owner_org", "owner", "case__body").order_by("deadline", "pk"))


def agenda_history(case: Case) -> list[AgendaItem]:
    """The meetings where the case was on the agenda, oldest first (removed items left out)."""
    return list(
        case.agenda_items.filter(removed_at__isnull=True).select_related("meeting").order_by("meeting__date", "pk")
    )


def organisations_at(body: Body, *, kind: str = "") -> QuerySet[Organisation]:
    """Organisations with an active seat at this table (formal ones only, with ``kind="formeel"``)."""
    qs = Organisation.objects.filter(pk__in=Seat.objects.active().filter(body=body).values("organisation"))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("name")


def members_of(body: Body):
    """People with an active seat at this table (for an agreement's owner person)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk__in=Seat.objects.active().filter(body=body).values("user")).order_by(
        "display_name", "username"
    )


def my_agreements(user) -> QuerySet[Agreement]:
    """Agreements owned by the organisations the user sits for, in each netwerkgroep where the user sits."""
    pairs = [
        (seat.body_id, seat.organisation_id)
        for seat in rights.active_seats(user)
        if seat.body.kind == Body.Kind.NETWERKGROEP and seat.organisation_id
    ]
    if not pairs:
        return Agreement.objects.none()
    condition = Q()
    for body_id, org_id in pairs:
        condition |= Q(case__body_id=body_id, owner_org_id=org_id)
    return (
        Agreement.objects.filter(condition)
        .select_related("case", "owner_org")
        .order_by("deadline", "pk")
    )


def access_log(case: Case) -> QuerySet[AuditEvent]:
    """Who saw (or exported) this case, when and from where (DECISIONS 13b), newest first."""
    return (
        AuditEvent.objects.filter(target_type=CASE_TARGET, target_id=case.code, event__in=("case.viewed", "case.exported", "case.printed"))
        .select_related("actor")
        .order_by("-at", "-id")
    )


def group_events(body: Body, *, code: str = "") -> QuerySet[AuditEvent]:
    """Every audit event on the cases of this netwerkgroep (purged ones included, by their tombstone)."""
    codes = Case.objects.filter(body=body).values("code")
    gone = Tombstone.objects.filter(body=body).values("code")
    qs = AuditEvent.objects.filter(target_type=CASE_TARGET).filter(Q(target_id__in=codes) | Q(target_id__in=gone))
    if code:
        qs = qs.filter(target_id=code)
    return qs.select_related("actor").order_by("-at", "-id")


def lessons_of(body: Body, *, close_reason: str = "", bouwsteen: str = "", new_route: bool | None = None) -> QuerySet[Lesson]:
    """The lessons of one netwerkgroep, newest first, filtered; unknown values are ignored.

    Lessons have no link to a case (DECISIONS 13), so nothing here can reach case data; the caller checks
    ``netwerkgroep.view_lessons`` on ``body`` first. One query for a page, whatever the number of lessons.
    """
    qs = Lesson.objects.filter(body=body)
    if close_reason in Case.CloseReason.values:
        qs = qs.filter(close_reason=close_reason)
    if bouwsteen in Bouwsteen.values:
        qs = qs.filter(bouwstenen__icontains=f'"{bouwsteen}"')  # as in ``filter_cases``
    if new_route is not None:
        qs = qs.filter(new_route=new_route)
    return qs.order_by("-created_at", "-pk")
