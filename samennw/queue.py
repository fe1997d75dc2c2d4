"""Handing work to Celery after a commit, without losing it when the broker (Redis) is down (issue 8, item 3).

``task.delay()`` in an ``on_commit`` callback raises when Redis cannot be reached: the change is already
committed, the person sees a 500 and the mail or build is silently gone. ``enqueue_on_commit`` catches
that and falls back, per kind of work:

- ``fallback=INLINE`` (the default, for short notification mails): the task runs here, in the request, so
  the mail still goes out; slower for one request, nothing lost.
- a callable (for the jaarbeeld build, far too long for a request): it is called with the error, and marks
  the work failed with a message the person sees, so they can start it again once the queue is back.

Publishing is not retried for long: with Redis down a request must not hang (``BROKER_PUBLISH_RETRY``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from kombu.exceptions import OperationalError

log = logging.getLogger("samennw.queue")

INLINE = "inline"
# One quick retry, then the fallback: a visitor waits about a second, not the default's several.
BROKER_PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
UNREACHABLE = (OperationalError, OSError)


def enqueue(task, *args: Any, fallback: str | Callable[[Exception], None] = INLINE) -> bool:
    """Queue ``task(*args)``; True when the broker took it, False when the fallback ran instead."""
    try:
        task.apply_async(args=args, retry_policy=BROKER_PUBLISH_RETRY)
    except UNREACHABLE as error:
        log.warning("the task queue is unreachable (%s); %s falls back", type(error).__name__, task.name)
        if fallback == INLINE:
            result = task.apply(args=args, throw=False)
            if result.failed():
                log.error("%s failed while running in-process: %s", task.name, type(result.result).__name__)
        else:
            fallback(error)
        return False
    return True


def enqueue_on_commit(task, *args: Any, fallback: str | Callable[[Exception], None] = INLINE) -> None:
    """``enqueue`` once the current transaction has committed (the task reads what it wrote)."""
    transaction.on_commit(lambda: enqueue(task, *args, fallback=fallback))
