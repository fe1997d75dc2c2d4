"""The visitor's address behind the reverse proxy (samennw.middleware.TrustedProxyMiddleware, issue 8).

Without it every request behind the production proxy comes from the proxy's address, so one resident over
the search limit, or five wrong passwords, would lock out everyone. X-Forwarded-For is believed only from a
trusted proxy, and only its right-most untrusted hop: what a visitor writes into the header is ignored.
"""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import reverse

from samennw.middleware import TrustedProxyMiddleware
from samennw.views_search import SEARCH_LIMIT
from tests.samennw.test_settings import _run


def seen_address(remote: str, forwarded: str | None, trusted: list[str]) -> str:
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    request = RequestFactory().get("/", **meta)
    with override_settings(SAMENNW_TRUSTED_PROXIES=trusted):
        TrustedProxyMiddleware(lambda r: HttpResponse())(request)
    return request.META["REMOTE_ADDR"]


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "expected"),
    [
        # no trusted proxy configured (the default): the header is ignored
        ("10.0.0.5", "203.0.113.7", [], "10.0.0.5"),
        # from the trusted proxy: the hop it saw
        ("10.0.0.5", "203.0.113.7", ["10.0.0.0/8"], "203.0.113.7"),
        # a visitor's own claims to the left are never believed
        ("10.0.0.5", "192.0.2.99, 203.0.113.7", ["10.0.0.0/8"], "203.0.113.7"),
        # two trusted proxies in a row: skip both
        ("10.0.0.5", "203.0.113.7, 10.0.0.9", ["10.0.0.0/8"], "203.0.113.7"),
        # the header from somebody who is not a trusted proxy: ignored
        ("198.51.100.4", "203.0.113.7", ["10.0.0.0/8"], "198.51.100.4"),
        # garbage in the header: keep the proxy's address rather than guess
        ("10.0.0.5", "niet-een-adres", ["10.0.0.0/8"], "10.0.0.5"),
        ("10.0.0.5", "", ["10.0.0.0/8"], "10.0.0.5"),
        # IPv6 proxy and visitor
        ("::1", "2001:db8::7", ["::1"], "2001:db8::7"),
    ],
)
def test_the_address_a_trusted_proxy_saw(remote, forwarded, trusted, expected):
    assert seen_address(remote, forwarded, trusted) == expected


@pytest.mark.django_db
@override_settings(SAMENNW_TRUSTED_PROXIES=["127.0.0.1"])
def test_visitors_behind_the_proxy_have_their_own_search_limit(client):
    url = reverse("search")
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for _ in range(SEARCH_LIMIT):
        client.get(url, {"q": "veiligheid"}, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    assert client.get(url, {"q": "veiligheid"}, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy).status_code == 429
    # The next resident behind the same proxy is not locked out by the first ...
    assert client.get(url, {"q": "veiligheid"}, HTTP_X_FORWARDED_FOR="203.0.113.8", **proxy).status_code == 200
    # ... and the first cannot escape by putting another address in front of their own.
    spoofed = client.get(url, {"q": "veiligheid"}, HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.7", **proxy)
    assert spoofed.status_code == 429


def test_a_wrong_proxy_setting_refuses_to_start(tmp_path):
    done = _run(tmp_path, "import django; django.setup()", SAMENNW_EPHEMERAL_SECRET="true",
                SAMENNW_TRUSTED_PROXIES="10.0.0.0/8,proxy.intern")
    assert done.returncode != 0
    assert "SAMENNW_TRUSTED_PROXIES: 'proxy.intern' is no IP address or network" in done.stderr
