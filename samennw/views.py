from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.cache import never_cache
from django_otp import user_has_device

from domains import selectors
from samennw import health, public_cache
from samennw.rights import ROLE_LABELS, roles_of


def home(request):
    """The front page; its content is read lazily, inside the template's cached fragment."""
    return render(
        request,
        "home.html",
        {
            "domains": SimpleLazyObject(selectors.domains_in_order),
            "stories": SimpleLazyObject(selectors.latest_stories),
            "public_cache": public_cache.for_request(request),
        },
    )


@never_cache
def health_view(request):
    """200 when database, cache and broker answer; 503 with the failing parts otherwise."""
    data = health.report()
    return JsonResponse(data, status=200 if data["status"] == "ok" else 503)


@login_required
def my_portal(request):
    from domains.models import Seat

    seats = Seat.objects.filter(user=request.user).select_related("body", "organisation").order_by("-starts_on")
    roles = sorted(ROLE_LABELS[r] for r in roles_of(request.user))
    from financiering.inbox import waiting_for

    return render(
        request,
        "samennw/my_portal.html",
        {
            "seats": seats,
            "roles": roles,
            "funding": waiting_for(request.user),
            "otp_on": user_has_device(request.user, confirmed=True),
        },
    )
