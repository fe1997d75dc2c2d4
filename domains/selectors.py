"""Reads of the alliance's structure. Views fetch only through these; each owns its query budget."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet

from domains.models import Body, Domain, Focusbuurt, MeetingReport, Opbrengst, Opdracht, Opgave, Organisation
from samennw import rights


def _order_key(domain: Domain) -> tuple[int, str]:
    order = settings.SAMENNW_DOMAIN_ORDER
    return (order.index(domain.slug) if domain.slug in order else len(order), domain.name)


def domains_in_order() -> list[Domain]:
    """All domains and the CWB programme in the configured display order (DECISIONS 4). One query."""
    return sorted(Domain.objects.all(), key=_order_key)


def domain_by_slug(slug: str) -> Domain:
    """Just the domain, for the page's 404 and cache key; its content comes from ``domain_page``."""
    return Domain.objects.get(slug=slug)


@dataclass
class DomainPage:
    """What a public domain page shows; each opbrengst carries ``lines``, the published cards delivering it."""

    opdrachten: list[Opdracht]
    other_lines: list  # published cards of the domain that deliver none of its opbrengsten
    teams: list[Body]
    reports: list[MeetingReport] = field(default_factory=list)
    opgaven: list[Opgave] = field(default_factory=list)  # see ``opgaven_touching``


def _public_cards():
    from actielijnen.selectors import public_cards

    return public_cards()


def opgaven_touching(domain: Domain) -> list[Opgave]:
    """The convenant's opgaven this domain contributes to: its own, then those of other domains that
    name it among the domains they touch (003:417-423), each in the configured domain order. Each carries
    ``own`` and ``also``, the other domains it touches besides this one and its own domain. Two queries."""
    opgaven = list(
        Opgave.objects.filter(Q(domain=domain) | Q(touches=domain))
        .order_by()  # sorted below; keeps DISTINCT free of joined ordering columns
        .distinct()
        .select_related("domain")
        .prefetch_related("touches")
    )
    for opgave in opgaven:
        opgave.own = opgave.domain_id == domain.pk
        opgave.also = sorted(
            (d for d in opgave.touches.all() if d.pk not in (domain.pk, opgave.domain_id)), key=_order_key
        )
    return sorted(opgaven, key=lambda o: (not o.own, _order_key(o.domain), o.sort, o.code))


def domain_page(domain: Domain, *, reports: int = 5) -> DomainPage:
    """Opdrachten with opbrengsten, the published cards grouped under the opbrengst they deliver (a card
    delivering several appears under each), the opgaven it contributes to, teams and recent published
    reports. Eight queries, whatever the number of cards, opgaven or reports."""
    opdrachten = list(
        domain.opdrachten.prefetch_related(Prefetch("opbrengsten", queryset=Opbrengst.objects.order_by("number")))
    )
    by_opbrengst = {}
    for opdracht in opdrachten:
        for opbrengst in opdracht.opbrengsten.all():
            opbrengst.lines = []
            by_opbrengst[opbrengst.pk] = opbrengst
    other_lines = []
    cards = _public_cards().filter(domain=domain).prefetch_related(Prefetch("opbrengsten", queryset=Opbrengst.objects.only("id")))
    for card in cards.order_by("title"):
        delivered = [by_opbrengst[o.pk] for o in card.opbrengsten.all() if o.pk in by_opbrengst]
        for opbrengst in delivered:
            opbrengst.lines.append(card)
        if not delivered:
            other_lines.append(card)
    teams = list(
        public_bodies()
        .filter(domain=domain, kind__in=[Body.Kind.OPGAVETEAM, Body.Kind.WERKGROEP])
        .order_by("kind", "name")
    )
    return DomainPage(
        opdrachten=opdrachten,
        other_lines=other_lines,
        teams=teams,
        reports=list(recent_published_reports(domain=domain, limit=reports)),
        opgaven=opgaven_touching(domain),
    )


def focusbuurten() -> QuerySet[Focusbuurt]:
    """The focus neighbourhoods, by cluster and name. One query."""
    return Focusbuurt.objects.order_by("cluster", "name")


def focusbuurt_by_slug(slug: str) -> Focusbuurt:
    return Focusbuurt.objects.get(slug=slug)


@dataclass
class BuurtPage:
    lines: list
    teams: list[Body]
    stories: list


def stories_in(buurt: Focusbuurt) -> list:
    """Published stories set in the neighbourhood, newest first; the publication rule is monitoring's."""
    from monitoring.selectors import published_stories

    return list(published_stories().filter(focusbuurt=buurt).order_by("-story_date", "-published_at", "title"))


def latest_stories(limit: int = 3) -> list:
    """The newest published stories, for the home page."""
    from monitoring.selectors import latest_stories as newest

    return newest(limit=limit)


def buurt_page(buurt: Focusbuurt) -> BuurtPage:
    """Published cards in the neighbourhood, teams working there and its stories. Three queries."""
    lines = list(_public_cards().filter(focusbuurten=buurt).select_related("domain").order_by("domain__name", "title"))
    teams = list(public_bodies().filter(focusbuurten=buurt).select_related("domain").order_by("kind", "name"))
    return BuurtPage(lines=lines, teams=teams, stories=stories_in(buurt))


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


def published_lines_of(body: Body) -> list:
    """The published cards this opgaveteam or werkgroep carries. One query."""
    return list(_public_cards().filter(opgaveteam=body).order_by("title"))


def members_of(body: Body):
    from domains.models import Seat

    return Seat.objects.active().filter(body=body).select_related("user", "organisation").order_by("role", "user__last_name")


def organisations() -> QuerySet[Organisation]:
    return Organisation.objects.all()


@dataclass
class SeatsPage:
    """A body's seats for its "Leden en zetels" page: running and planned ones, ended ones, side changes."""

    current: list
    ended: list
    side_changes: list


def seats_page(body: Body) -> SeatsPage:
    """Every seat of the body with person and organisation, split on today; the side changes of its
    table, newest first. Two queries, whatever the number of seats."""
    from django.utils import timezone

    from domains.models import Seat, SeatSideChange

    today = timezone.localdate()
    seats = list(
        Seat.objects.filter(body=body)
        .select_related("user", "organisation")
        .order_by("role", "user__display_name", "user__username", "-starts_on")
    )
    current = [seat for seat in seats if seat.ends_on is None or seat.ends_on >= today]
    ended = sorted((seat for seat in seats if seat.ends_on is not None and seat.ends_on < today), key=lambda s: s.ends_on, reverse=True)
    changes = list(
        SeatSideChange.objects.filter(seat__body=body).select_related("seat__user", "changed_by").order_by("-changed_at", "-id")
    )
    return SeatsPage(current=current, ended=ended, side_changes=changes)


def seat_bodies() -> QuerySet[Body]:
    """Every body in which seats are given, netwerkgroepen included, by kind and name. One query."""
    return Body.objects.select_related("domain").order_by("kind", "name")


def organisation_by_slug(slug: str) -> Organisation:
    return Organisation.objects.get(slug=slug)


def kind_decisions_of(organisation: Organisation) -> list:
    """The recorded decisions on the organisation's kind, newest first, with who decided. One query."""
    return list(organisation.kind_decisions.select_related("decided_by").order_by("-decided_on", "-id"))
