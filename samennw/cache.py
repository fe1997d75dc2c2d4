"""A Redis cache that degrades to "no cache" while Redis is unreachable (issue 8, item 3).

Django's ``RedisCache`` raises ``redis.ConnectionError`` on every call when Redis is down, which turns the
public pages (``{% cache %}`` fragments, ``public_cache.content_version()``) and the rate limits into 500s.
The cache holds nothing that is not also in the database, so an unreachable Redis is a miss: reads answer
the default, writes are dropped, ``incr`` says the key is missing. The outage is logged (once a minute per
process, without keys or values) and stays visible on ``/health/``, which asks Redis itself.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger("samennw.cache")

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
_LOG_EVERY = 60.0
_last_logged = 0.0


def _degraded(operation: str, error: Exception) -> None:
    global _last_logged  # noqa: PLW0603 - one timestamp per process rate-limits the warning
    now = time.monotonic()
    if now - _last_logged >= _LOG_EVERY:
        _last_logged = now
        log.warning("Redis is unreachable; the cache answers as empty (%s: %s)", operation, type(error).__name__)


class TolerantRedisCache(RedisCache):
    """``RedisCache`` that treats an unreachable Redis as an empty cache instead of an error."""

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNREACHABLE as error:
            _degraded("get", error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except UNREACHABLE as error:
            _degraded("get_many", error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except UNREACHABLE as error:
            _degraded("has_key", error)
            return False

    def add(self, key, value, timeout=..., version=None):
        timeout = self.default_timeout if timeout is ... else timeout
        try:
            return super().add(key, value, timeout, version)
        except UNREACHABLE as error:
            _degraded("add", error)
            return False

    def set(self, key, value, timeout=..., version=None):
        timeout = self.default_timeout if timeout is ... else timeout
        try:
            super().set(key, value, timeout, version)
        except UNREACHABLE as error:
            _degraded("set", error)

    def set_many(self, data, timeout=..., version=None):
        timeout = self.default_timeout if timeout is ... else timeout
        try:
            return super().set_many(data, timeout, version)
        except UNREACHABLE as error:
            _degraded("set_many", error)
            return list(data)

    def touch(self, key, timeout=..., version=None):
        timeout = self.default_timeout if timeout is ... else timeout
        try:
            return super().touch(key, timeout, version)
        except UNREACHABLE as error:
            _degraded("touch", error)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except UNREACHABLE as error:
            _degraded("delete", error)
            return False

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except UNREACHABLE as error:
            _degraded("delete_many", error)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except UNREACHABLE as error:
            _degraded("incr", error)
            raise ValueError(f"Key '{key}' not found (cache unreachable)") from error

    def clear(self):
        try:
            return super().clear()
        except UNREACHABLE as error:
            _degraded("clear", error)
            return False
