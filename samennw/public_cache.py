"""The cache of the public pages, invalidated by one global "public content version".

Residents read the portal on phones, often on slow connections, and most of them are anonymous: the
public pages (home, domain, focusbuurt, team, published action line) cache their rendered content as
template fragments (``{% cache %}``), keyed by the language, this version and the object. Only the
content fragment is cached, never the page around it: the header carries the language form with its
CSRF token and the account links, which differ per visitor.

Every service that changes public content calls ``bump_on_commit()``: after the transaction commits,
the version goes up and every cached fragment is out of date at once (a reader between the change and
the commit renders the old content under the old version, so nothing stale outlives the commit).
Signed-in visitors never get or fill cached fragments: they may see drafts, members and forms.

While Redis is unreachable the cache answers as empty (``samennw.cache``): every page renders fresh. A bump
lost in that outage leaves fragments of before it for at most ``SECONDS`` once Redis is back.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

KEY = "public-content-version"
SECONDS = 600  # ten minutes; invalidation makes changes visible at once, the timeout only frees memory


def content_version() -> int:
    """The current public content version (1 until the first change)."""
    version = cache.get(KEY)
    if version is None:
        cache.add(KEY, 1, timeout=None)
        version = cache.get(KEY, 1)
    return int(version)


def bump() -> int:
    """Make every cached public fragment out of date; returns the new version."""
    try:
        return cache.incr(KEY)
    except ValueError:  # the key was evicted or never set: any value above the default will do
        cache.set(KEY, 2, timeout=None)
        return 2


def bump_on_commit() -> None:
    """Call from a service that changes public content: bumps once the transaction has committed."""
    transaction.on_commit(bump)


def for_request(request) -> dict:
    """What a public page's ``{% cache public_cache.seconds "name" LANGUAGE_CODE public_cache.key obj.pk %}``
    needs. Anonymous visitors share fragments; for signed-in visitors the timeout is 0 and the key is
    their own audience, so they never read an anonymous fragment and nothing is stored for them."""
    if getattr(request.user, "is_authenticated", False):
        return {"seconds": 0, "key": "signed-in"}
    return {"seconds": SECONDS, "key": f"v{content_version()}"}
