"""Limits per purpose and client address for the public forms that anyone can send (issue 8).

A fixed window per client: the first counted request opens a window of ``window`` seconds, every request
inside it adds one to a counter in the Django cache, and once the window has passed the counter is gone
and the client starts again. The counter is created with ``cache.add`` and raised with ``cache.incr``,
both atomic on Redis and under LocMem's lock, so parallel requests (three gunicorn workers) cannot both
read "4" and both send a fifth. A second key holds when the window ends, for the ``Retry-After`` answer.

The window is opened by the client's first request, not by the clock on the wall, so a client cannot send
a full limit just before a whole minute or hour and another one just after it.

When the cache cannot count (``TolerantRedisCache.incr`` raises ``ValueError`` while Redis is unreachable)
the request is let through: the limits protect against floods, and an outage of Redis must not take the
search page and "Doe mee" down with it (``tests/failure``). The address is ``REMOTE_ADDR``, which the proxy
in front sets (``audit.client_ip``); requests without one share the key "onbekend".
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from django.core.cache import cache

from samennw.audit import client_ip

__all__ = ["RateLimit", "Verdict", "client_ip", "hit", "peek"]


@dataclass(frozen=True)
class RateLimit:
    """At most ``requests`` counted requests per client address per ``window`` seconds, for one ``purpose``."""

    purpose: str
    requests: int
    window: int


@dataclass(frozen=True)
class Verdict:
    """Whether the request may go ahead, and if not, after how many whole seconds the client may retry."""

    allowed: bool
    retry_after: int = 0


def _key(rule: RateLimit, request) -> str:
    return f"ratelimit:{rule.purpose}:{client_ip(request) or 'onbekend'}"


def _refused(key: str, rule: RateLimit, now: float) -> Verdict:
    ends = cache.get(f"{key}:einde")
    left = ends - now if isinstance(ends, (int, float)) else rule.window
    return Verdict(allowed=False, retry_after=max(1, math.ceil(left)))


def hit(rule: RateLimit, request) -> Verdict:
    """Count this request for its client and say whether it is within ``rule``.

    Requests over the limit are counted too; they do not lengthen the window, so the client may retry
    when the window that the first request opened has passed.
    """
    key = _key(rule, request)
    now = time.time()
    try:
        if cache.add(key, 0, rule.window):
            cache.set(f"{key}:einde", now + rule.window, rule.window)
        count = cache.incr(key)
    except ValueError:
        # The key is gone (Redis unreachable, or the window ended between add and incr): let it through.
        return Verdict(allowed=True)
    if count <= rule.requests:
        return Verdict(allowed=True)
    return _refused(key, rule, now)


def peek(rule: RateLimit, request) -> Verdict:
    """Whether one more counted request from this client would be within ``rule``, without counting one.

    For forms that count only what is actually sent (a valid message) but refuse early, before checking
    the fields, once the limit is reached.
    """
    key = _key(rule, request)
    count = cache.get(key, 0)
    if not isinstance(count, int) or count < rule.requests:
        return Verdict(allowed=True)
    return _refused(key, rule, time.time())
