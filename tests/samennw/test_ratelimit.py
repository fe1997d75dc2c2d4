"""Limits per purpose and address (samennw/ratelimit.py, issue 8): counting, the window, failing open, and
the limit on the search page and the "Doe mee" form as a visitor meets it.
"""

from __future__ import annotations

import re
import socket
import threading
import time

import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import translation

from monitoring.models import ContactBericht
from samennw import ratelimit
from samennw.views_search import SEARCH_LIMIT, SEARCH_WINDOW

LIMITED = "Je hebt in korte tijd veel zoekopdrachten gedaan."


@pytest.fixture(autouse=True)
def _dutch():
    with translation.override("nl"):
        yield


def request_from(ip: str | None = "192.0.2.1"):
    meta = {"REMOTE_ADDR": ip} if ip else {}
    request = RequestFactory().get("/", **meta)
    if not ip:
        request.META.pop("REMOTE_ADDR", None)
    return request


def dead_redis() -> dict:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    return {"default": {"BACKEND": "samennw.cache.TolerantRedisCache", "LOCATION": f"redis://127.0.0.1:{port}/0",
                        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}


class FakeClock:
    def __init__(self, now: float):
        self.now = now

    def time(self) -> float:
        return self.now


# --- The limiter ------------------------------------------------------------------------------------

def test_counts_up_to_the_limit_then_refuses_with_a_retry_time():
    rule = ratelimit.RateLimit("proef", requests=3, window=60)
    request = request_from()
    assert [ratelimit.hit(rule, request).allowed for _ in range(3)] == [True, True, True]
    refused = ratelimit.hit(rule, request)
    assert not refused.allowed and 59 <= refused.retry_after <= 60
    assert not ratelimit.peek(rule, request).allowed


def test_peek_does_not_count():
    rule = ratelimit.RateLimit("proef", requests=1, window=60)
    request = request_from()
    for _ in range(5):
        assert ratelimit.peek(rule, request) == ratelimit.Verdict(allowed=True)
    assert ratelimit.hit(rule, request).allowed
    assert not ratelimit.peek(rule, request).allowed


def test_addresses_and_purposes_are_counted_apart():
    search = ratelimit.RateLimit("zoeken-proef", requests=1, window=60)
    contact = ratelimit.RateLimit("contact-proef", requests=1, window=60)
    assert ratelimit.hit(search, request_from("192.0.2.1")).allowed
    assert not ratelimit.hit(search, request_from("192.0.2.1")).allowed
    assert ratelimit.hit(search, request_from("192.0.2.2")).allowed
    assert ratelimit.hit(search, request_from("2001:db8::1")).allowed
    assert ratelimit.hit(contact, request_from("192.0.2.1")).allowed
    # Requests without an address share one counter instead of escaping the limit.
    assert ratelimit.hit(search, request_from(None)).allowed
    assert not ratelimit.hit(search, request_from(None)).allowed


def test_window_ends_and_refused_requests_do_not_lengthen_it():
    rule = ratelimit.RateLimit("proef", requests=1, window=1)
    request = request_from()
    started = time.monotonic()
    assert ratelimit.hit(rule, request).allowed
    assert ratelimit.hit(rule, request) == ratelimit.Verdict(allowed=False, retry_after=1)
    time.sleep(0.6)
    assert not ratelimit.hit(rule, request).allowed  # still the first window
    time.sleep(max(0.0, 1.15 - (time.monotonic() - started)))
    # The window opened by the first request has passed; the refused one at 0.6 s did not extend it.
    assert ratelimit.hit(rule, request).allowed


def test_retry_after_counts_down_to_the_end_of_the_window(monkeypatch):
    clock = FakeClock(1_800_000_000.0)
    monkeypatch.setattr(ratelimit, "time", clock)
    rule = ratelimit.RateLimit("proef", requests=1, window=60)
    request = request_from()
    assert ratelimit.hit(rule, request).allowed
    clock.now += 45
    assert ratelimit.hit(rule, request) == ratelimit.Verdict(allowed=False, retry_after=15)
    clock.now += 14.2
    assert ratelimit.peek(rule, request) == ratelimit.Verdict(allowed=False, retry_after=1)  # whole seconds, rounded up


def test_parallel_requests_cannot_pass_the_limit_together():
    rule = ratelimit.RateLimit("proef", requests=5, window=60)
    barrier = threading.Barrier(20)
    verdicts = []

    def send():
        barrier.wait()
        verdicts.append(ratelimit.hit(rule, request_from()).allowed)

    threads = [threading.Thread(target=send) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert verdicts.count(True) == 5


def test_lets_requests_through_while_redis_is_unreachable():
    rule = ratelimit.RateLimit("proef", requests=1, window=60)
    started = time.monotonic()
    with override_settings(CACHES=dead_redis()):
        from django.core.cache import cache

        with pytest.raises(ValueError, match="not found"):  # what the limiter has to survive
            cache.incr("ratelimit:proef:192.0.2.1")
        for _ in range(5):
            assert ratelimit.hit(rule, request_from()) == ratelimit.Verdict(allowed=True)
            assert ratelimit.peek(rule, request_from()).allowed
    assert time.monotonic() - started < 5


# --- The search page ----------------------------------------------------------------------------------

def test_search_limit_numbers():
    assert (SEARCH_LIMIT, SEARCH_WINDOW) == (30, 60)


def test_searches_under_the_limit_answer_and_the_next_is_429(client, db):
    url = reverse("search")
    for _ in range(SEARCH_LIMIT):
        response = client.get(url, {"q": "veiligheid"})
        assert response.status_code == 200 and LIMITED not in response.content.decode()
    response = client.get(url, {"q": "veiligheid", "pagina": "2"})
    assert response.status_code == 429
    seconds = int(response["Retry-After"])
    assert 1 <= seconds <= SEARCH_WINDOW
    html = response.content.decode()
    assert f"{LIMITED} Probeer het over {seconds} seconden opnieuw." in html
    assert 'role="alert"' in html
    # The normal page with the form, still filled in, and no results section.
    assert "<title>" in html and 'role="search"' in html and 'name="q" value="veiligheid"' in html
    assert 'id="resultaten-titel"' not in html


def test_other_address_is_counted_apart(client, db):
    url = reverse("search")
    for _ in range(SEARCH_LIMIT + 1):
        client.get(url, {"q": "veiligheid"}, REMOTE_ADDR="192.0.2.10")
    assert client.get(url, {"q": "veiligheid"}, REMOTE_ADDR="192.0.2.10").status_code == 429
    response = client.get(url, {"q": "veiligheid"}, REMOTE_ADDR="192.0.2.11")
    assert response.status_code == 200 and "Retry-After" not in response


def test_the_empty_form_is_not_counted_and_stays_available(client, db):
    url = reverse("search")
    for _ in range(SEARCH_LIMIT + 5):
        assert client.get(url).status_code == 200
    assert client.get(url, {"q": "veiligheid"}).status_code == 200
    for _ in range(SEARCH_LIMIT):
        client.get(url, {"q": "veiligheid"})
    response = client.get(url)  # over the limit, a visitor can still open the page and its form
    assert response.status_code == 200 and 'role="search"' in response.content.decode()


def test_search_answers_while_redis_is_unreachable(client, db):
    url = reverse("search")
    with override_settings(CACHES=dead_redis()):
        statuses = {client.get(url, {"q": "veiligheid"}).status_code for _ in range(SEARCH_LIMIT + 2)}
    assert statuses == {200}


# --- "Doe mee" on the same limiter ----------------------------------------------------------------------

VALID = {"name": "Sanne Demo", "email": "sanne@voorbeeld.nl", "organisation": "", "message": "Ik doe mee.",
         "consent": "on", "website": ""}


def test_contact_form_counts_only_sent_messages_and_says_when_to_retry(client, db):
    url = reverse("monitoring:doe_mee")
    for _ in range(3):
        assert client.post(url, {**VALID, "email": "geen-adres"}).status_code == 400  # a typo costs nothing
    for _ in range(5):
        assert client.post(url, VALID).status_code == 302
    response = client.post(url, {**VALID, "email": "geen-adres"})  # refused before the fields are checked
    assert response.status_code == 429
    assert 3590 <= int(response["Retry-After"]) <= 3600
    assert re.search(r"Probeer het over een uur opnieuw", response.content.decode())
    assert ContactBericht.objects.count() == 5
