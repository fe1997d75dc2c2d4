from django.http import Http404
from django.shortcuts import render

from domains import selectors
from domains.models import Body, Domain
from samennw.rights import CanMap, can


def domain(request, slug: str):
    try:
        obj = selectors.domain_detail(slug)
    except Domain.DoesNotExist as exc:
        raise Http404 from exc
    return render(
        request,
        "domains/domain.html",
        {"domain": obj, "reports": selectors.recent_published_reports(domain=obj)},
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
            "members": members,
            "can": CanMap(request.user, obj),
        },
    )


def organisations(request):
    return render(request, "domains/organisations.html", {"organisations": selectors.organisations()})
