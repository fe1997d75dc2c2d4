from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from domains import selectors
from samennw import health
from samennw.rights import ROLE_LABELS, roles_of


def home(request):
    return render(request, "home.html", {"domains": selectors.domains_in_order()})


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
    return render(request, "samennw/my_portal.html", {"seats": seats, "roles": roles})
