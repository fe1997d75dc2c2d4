"""/health/ reports database, cache and broker, and answers quickly when one of them is down."""

from __future__ import annotations

import time

import pytest
from django.db import connections
from django.test import override_settings

from samennw.celery import app as celery_app

pytestmark = pytest.mark.django_db

# A Redis that cannot be reached: nothing listens on port 1.
CLOSED = "redis://127.0.0.1:1/0"
BROKEN_CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CLOSED,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}
QUICK = 5.0  # seconds


def _get(client):
    started = time.monotonic()
    response = client.get("/health/")
    return response, time.monotonic() - started


def test_health_ok_in_default_setup(client):
    response, _ = _get(client)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    assert data["status"] == "ok"
    for part in ("database", "cache", "broker"):
        assert data["checks"][part]["ok"] is True, data


def test_health_is_not_cached_and_not_redirected(client):
    response, _ = _get(client)
    assert "no-cache" in response.get("Cache-Control", "") or "max-age=0" in response.get("Cache-Control", "")
    assert response.status_code != 301


def test_health_reports_unreachable_cache(client):
    with override_settings(CACHES=BROKEN_CACHES):
        response, seconds = _get(client)
    assert response.status_code == 503
    data = response.json()
    assert data["status"] == "degraded"
    assert data["checks"]["cache"]["ok"] is False
    assert data["checks"]["database"]["ok"] is True
    assert seconds < QUICK


def test_health_reports_unreachable_broker(client, monkeypatch):
    # The Celery app read its configuration once; point both it and the settings at the closed port.
    monkeypatch.setitem(celery_app.conf, "broker_url", CLOSED)
    with override_settings(CELERY_BROKER_URL=CLOSED):
        response, seconds = _get(client)
    assert response.status_code == 503
    data = response.json()
    assert data["checks"]["broker"]["ok"] is False
    assert data["checks"]["database"]["ok"] is True
    assert seconds < QUICK


def test_health_reports_failing_database(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("database down")

    monkeypatch.setattr(connections["default"], "cursor", refuse)
    response, seconds = _get(client)
    assert response.status_code == 503
    data = response.json()
    assert data["checks"]["database"]["ok"] is False
    assert seconds < QUICK
