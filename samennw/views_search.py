"""The public search page: a GET form that works without JavaScript, results from ``samennw.search``.

Every search runs full-text queries over all published content, so one address may search at most
``SEARCH_LIMIT`` times per ``SEARCH_WINDOW`` seconds (``samennw.ratelimit``): far more than a person reading
results and paging through them needs, too few for a script to load the database. Showing the empty form
is not counted. Over the limit the page answers 429 with ``Retry-After``, the form and a message, and no
results.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import get_language, ngettext

from domains.models import Domain, Focusbuurt
from samennw import ratelimit
from samennw import search as search_module

PER_PAGE = 20
SEARCH_LIMIT = 30  # searches (pages of results included) per address ...
SEARCH_WINDOW = 60  # ... per minute (seconds)
SEARCH_RATE = ratelimit.RateLimit("zoeken", requests=SEARCH_LIMIT, window=SEARCH_WINDOW)


def search_view(request):
    """Search published content; filters by domain and focus neighbourhood (slugs).

    Unknown filter values are ignored, an over-long query is cut (with a notice), a page number that
    is not a number gives the first page and one past the end the last page.
    """
    raw = request.GET.get("q", "")
    query, cut = search_module.clean_query(raw)
    domains = list(Domain.objects.order_by("kind", "name"))
    buurten = list(Focusbuurt.objects.order_by("name").only("slug", "name"))
    domain = request.GET.get("domein", "")
    buurt = request.GET.get("buurt", "")
    domain = domain if domain in {d.slug for d in domains} else ""
    buurt = buurt if buurt in {b.slug for b in buurten} else ""
    language = (get_language() or "nl")[:2]
    verdict = ratelimit.hit(SEARCH_RATE, request) if query else ratelimit.Verdict(allowed=True)
    searched = bool(query) and verdict.allowed
    results = search_module.search(query, domain=domain, buurt=buurt, language=language) if searched else []
    page = Paginator(results, PER_PAGE).get_page(request.GET.get("pagina"))
    limited = ""
    if not verdict.allowed:
        limited = ngettext(
            "Je hebt in korte tijd veel zoekopdrachten gedaan. Probeer het over %(seconds)s seconde opnieuw.",
            "Je hebt in korte tijd veel zoekopdrachten gedaan. Probeer het over %(seconds)s seconden opnieuw.",
            verdict.retry_after,
        ) % {"seconds": verdict.retry_after}
    response = render(
        request,
        "samennw/search.html",
        {
            "query": query,
            "cut": cut,
            "max_length": search_module.MAX_QUERY_LENGTH,
            "searched": searched,
            "limited": limited,
            "page": page,
            "total": len(results),
            "domains": domains,
            "buurten": buurten,
            "filters": {"domain": domain, "buurt": buurt},
        },
        status=200 if verdict.allowed else 429,
    )
    if not verdict.allowed:
        response["Retry-After"] = str(verdict.retry_after)
    return response
