"""The public search page: a GET form that works without JavaScript, results from ``samennw.search``."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import get_language

from domains.models import Domain, Focusbuurt
from samennw import search as search_module

PER_PAGE = 20


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
    results = search_module.search(query, domain=domain, buurt=buurt, language=language) if query else []
    page = Paginator(results, PER_PAGE).get_page(request.GET.get("pagina"))
    return render(
        request,
        "samennw/search.html",
        {
            "query": query,
            "cut": cut,
            "max_length": search_module.MAX_QUERY_LENGTH,
            "searched": bool(query),
            "page": page,
            "total": len(results),
            "domains": domains,
            "buurten": buurten,
            "filters": {"domain": domain, "buurt": buurt},
        },
    )
