"""Reads of the alliance's structure. Views fetch only through these; each owns its query budget."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from domains.models import Body, Domain, MeetingReport, Opbrengst, Opdracht, Organisation
from samennw import rights


def _order_key(domain: Domain) -> tuple[int, str]:
    order = settings.SAMENNW_DOMAIN_ORDER
    return (order.index(domain.slug) if domain.slug in order else len(order), domain.name)


def domains_in_order() -> list[Domain]:
    """All domains and the CWB programme in the configured display order (DECISIONS 4). One query."""
    return sorted(Domain.objects.all(), key=_order_key)


def domain_detail(slug: str) -> Domain:
    """A domain with its opdrachten, opbrengsten and active teams, in a fixed number of queries."""
    teams = Body.objects.filter(is_active=True, kind__in=[Body.Kind.OPGAVETEAM, Body.Kind.WERKGROEP]).order_by(
        "kind", "name"
    )
    return Domain.objects.prefetch_related(
        Prefetch(
            "opdrachten",
            queryset=Opdracht.objects.prefetch_related(Prefetch("opbrengsten", queryset=Opbrengst.objects.order_by("number"))),
        ),
        Prefetch("bodies", queryset=teams, to_attr="teams"),
    ).get(slug=slug)


def reports_for(user, *, body: Body) -> QuerySet[MeetingReport]:
    """Published reports for everyone; drafts only for members of the body and the programme team."""
    qs = body.reports.all()
    if not rights.can(user, "domains.view_unpublished_report", body):
        qs = qs.filter(is_published=True)
    return qs


def recent_published_reports(*, domain: Domain, limit: int = 5) -> QuerySet[MeetingReport]:
    return (
        MeetingReport.objects.filter(is_published=True, body__domain=domain)
        .select_related("body")
        .order_by("-held_on")[:limit]
    )


def public_bodies() -> QuerySet[Body]:
    return Body.objects.filter(is_active=True).exclude(kind=Body.Kind.NETWERKGROEP)


def body_detail(slug: str) -> Body:
    """A public body page (netwerkgroepen have their own, closed pages)."""
    return public_bodies().select_related("domain", "parent").get(slug=slug)


def members_of(body: Body):
    from domains.models import Seat

    return Seat.objects.active().filter(body=body).select_related("user", "organisation").order_by("role", "user__last_name")


def organisations() -> QuerySet[Organisation]:
    return Organisation.objects.all()
