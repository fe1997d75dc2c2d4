"""Public pages of the alliance's structure: domains, teams, focusbuurten and partners.

The heavy content of each page is read lazily (``SimpleLazyObject``) inside the template's
``{% cache %}`` fragment, so an anonymous visitor served from the cache costs the page's lookup only
(``samennw.public_cache``). Every page's query count is fixed, whatever the amount of content.
"""

from django.http import Http404
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject

from domains import selectors
from domains.models import Body, Domain, Focusbuurt
from monitoring import indicators as indicator_selectors
from samennw import public_cache
from samennw.rights import CanMap, can


def domain(request, slug: str):
    try:
        obj = selectors.domain_by_slug(slug)
    except Domain.DoesNotExist as exc:
        raise Http404 from exc
    return render(
        request,
        "domains/domain.html",
        {
            "domain": obj,
            "page": SimpleLazyObject(lambda: selectors.domain_page(obj)),
            "indicators": SimpleLazyObject(lambda: indicator_selectors.public_panel(domain=obj)),
            "public_cache": public_cache.for_request(request),
        },
    )


def body(request, slug: str):
    try:
        obj = selectors.body_detail(slug)
    except Body.DoesNotExist as exc:
        raise Http404 from exc
    members = selectors.members_of(obj) if can(request.user, "domains.view_member_list", obj) else None
    return render(
        request,
        "domains/body.html",
        {
            "body": obj,
            "reports": selectors.reports_for(request.user, body=obj),
            "lines": SimpleLazyObject(lambda: selectors.published_lines_of(obj)),
            "members": members,
            "can": CanMap(request.user, obj),
            "public_cache": public_cache.for_request(request),
        },
    )


def buurten(request):
    return render(
        request,
        "domains/buurten.html",
        {"buurten": selectors.focusbuurten(), "public_cache": public_cache.for_request(request)},
    )


def buurt(request, slug: str):
    try:
        obj = selectors.focusbuurt_by_slug(slug)
    except Focusbuurt.DoesNotExist as exc:
        raise Http404 from exc
    return render(
        request,
        "domains/buurt.html",
        {
            "buurt": obj,
            "page": SimpleLazyObject(lambda: selectors.buurt_page(obj)),
            "public_cache": public_cache.for_request(request),
        },
    )


def organisations(request):
    return render(
        request,
        "domains/organisations.html",
        {
            "organisations": selectors.organisations(),
            "may_decide_kind": can(request.user, "domains.decide_organisation_kind"),
        },
    )
