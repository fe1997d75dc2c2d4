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

import datetime
import logging
import os
import socket
from collections.abc import Callable
from typing import Any

from django.db import transaction
from kombu.exceptions import OperationalError

log = logging.getLogger("samennw.queue")

INLINE = "inline"
# A queued job no worker took within this was lost on the way: the broker delivers a taken-but-unfinished
# task again after its visibility timeout (15 minutes, settings), so twice that is safely past it.
QUEUED_STALE_AFTER = datetime.timedelta(minutes=30)
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


def worker_id() -> str:
    """Who holds a job row: host and process, so another process on the same host can tell it died."""
    return f"{socket.gethostname()}:{os.getpid()}"


def worker_gone(worker: str) -> bool:
    """True when ``worker`` (a ``worker_id``) ran on this host and its process no longer exists. A worker on
    another host cannot be checked from here: its heartbeat decides."""
    host, _sep, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, under another user
        return False
    return False
