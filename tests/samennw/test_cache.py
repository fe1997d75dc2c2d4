"""The Redis cache degrades to "no cache" while Redis is unreachable (samennw/cache.py, issue 8 item 3).

Against a real Redis client pointed at a port where nothing listens: every call answers like an empty
cache, quickly, instead of raising; the public page then renders fresh instead of a 500.
"""

from __future__ import annotations

import socket
import time

import pytest
from django.test import override_settings

from samennw import public_cache
from samennw.cache import TolerantRedisCache


def dead_redis_url() -> str:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        return f"redis://127.0.0.1:{free.getsockname()[1]}/0"


@pytest.fixture
def dead_cache():
    return TolerantRedisCache(dead_redis_url(), {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}})


def test_every_operation_answers_as_an_empty_cache(dead_cache):
    started = time.monotonic()
    assert dead_cache.get("k") is None and dead_cache.get("k", "standaard") == "standaard"
    assert dead_cache.get_many(["a", "b"]) == {}
    assert dead_cache.has_key("k") is False
    assert dead_cache.add("k", 1) is False
    dead_cache.set("k", 1)  # dropped, no error
    assert dead_cache.get("k") is None
    assert dead_cache.set_many({"a": 1, "b": 2}) == ["a", "b"]  # keys that were not stored
    assert dead_cache.touch("k") is False and dead_cache.delete("k") is False
    dead_cache.delete_many(["a", "b"])
    with pytest.raises(ValueError, match="not found"):
        dead_cache.incr("k")
    assert dead_cache.get_or_set("k", "vers") == "vers"  # computed, like a miss
    assert dead_cache.clear() is False
    assert time.monotonic() - started < 5  # a refused connection fails fast; it does not wait out timeouts


def test_a_bug_that_is_not_about_reaching_redis_still_raises(dead_cache):
    with pytest.raises(TypeError):
        dead_cache.get_many(None)


@pytest.mark.django_db
def test_public_pages_render_fresh_while_redis_is_down(client, structure):
    cache = {"BACKEND": "samennw.cache.TolerantRedisCache", "LOCATION": dead_redis_url(),
             "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}
    with override_settings(CACHES={"default": cache}):  # Django's setting_changed signal renews the handlers
        assert public_cache.content_version() == 1
        assert public_cache.bump() == 2  # the new version is lost with Redis; nothing raises
        for path in ("/", "/domeinen/veiligheid/", "/verhalen/"):
            response = client.get(path)
            assert response.status_code == 200, path
