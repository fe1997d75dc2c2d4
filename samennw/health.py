"""Reachability of the services the portal depends on: database, cache, Celery broker."""

from __future__ import annotations

import time
import uuid

from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection


def check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, connection.vendor
    except Exception as exc:  # noqa: BLE001 - any failure means unreachable
        return False, type(exc).__name__


def check_cache() -> tuple[bool, str]:
    key = f"health:{uuid.uuid4().hex}"
    try:
        cache.set(key, "ok", 5)
        ok = cache.get(key) == "ok"
        cache.delete(key)
        return ok, caches["default"].__class__.__name__ if ok else "no round trip"
    except Exception as exc:  # noqa: BLE001
        return False, type(exc).__name__


def check_broker() -> tuple[bool, str]:
    if settings.CELERY_BROKER_URL.startswith("memory://"):
        return True, "eager (in-process)"
    from samennw.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True, conn.transport_cls if isinstance(conn.transport_cls, str) else "redis"
    except Exception as exc:  # noqa: BLE001
        return False, type(exc).__name__


def report() -> dict:
    started = time.monotonic()
    checks = {}
    for name, check in (("database", check_database), ("cache", check_cache), ("broker", check_broker)):
        ok, detail = check()
        checks[name] = {"ok": ok, "detail": detail}
    return {
        "status": "ok" if all(c["ok"] for c in checks.values()) else "degraded",
        "checks": checks,
        "seconds": round(time.monotonic() - started, 3),
    }
