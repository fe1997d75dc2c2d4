"""Two-step verification and the case-page guard (issue 6, item 8), through the test client.

``case_view`` is tested on a tiny view routed by a urlconf built here, next to the portal's own routes,
so these tests do not depend on the netwerkgroep pages.
"""

from __future__ import annotations

import re
import time
import types
from base64 import b32encode

import pytest
from django.http import HttpResponse
from django.urls import path, reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from netwerkgroep.security import SESSION_KEY, case_view
from samennw import urls as portal_urls
from samennw.models import AuditEvent


@case_view
def _secret_case(request):
    return HttpResponse("casusgegevens")


URLCONF = types.ModuleType("otp_test_urls")
URLCONF.urlpatterns = [path("test-casus/", _secret_case, name="test_case"), *portal_urls.urlpatterns]


@pytest.fixture
def urls(settings):
    settings.ROOT_URLCONF = URLCONF
    return URLCONF


@pytest.fixture
def member(people, client):
    client.force_login(people["formeel"])
    return people["formeel"]


def _code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead):06d}"


def _wrong(device: TOTPDevice) -> str:
    right = {_code(device, steps_ahead=s) for s in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in right)


def _confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def _page(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
def test_unverified_member_without_device_is_sent_to_setup(urls, member, client):
    response = client.get("/test-casus/?q=1")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('otp_setup')}?next=%2Ftest-casus%2F%3Fq%3D1"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_unverified_member_with_device_is_sent_to_verify(urls, member, client):
    _confirmed_device(member)
    response = client.get("/test-casus/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('otp_verify')}?next=%2Ftest-casus%2F"


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login(urls, client, db):
    response = client.get("/test-casus/")
    assert response["Location"].startswith(f"{reverse('login')}?next=")


@pytest.mark.django_db
def test_htmx_request_gets_a_client_redirect_to_the_page(urls, member, client):
    response = client.get(
        "/test-casus/", headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/casus/ABC/"}
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{reverse('otp_setup')}?next=%2Fcasus%2FABC%2F"


@pytest.mark.django_db
def test_setup_page_shows_qr_and_key_and_is_never_cached(urls, member, client):
    response = client.get(reverse("otp_setup"), {"next": "/test-casus/"})
    html = _page(response)
    device = TOTPDevice.objects.get(user=member)
    assert not device.confirmed
    assert '<svg role="img"' in html and "<title>" in html
    assert 'inputmode="numeric"' in html and 'autocomplete="one-time-code"' in html
    assert 'name="next" value="/test-casus/"' in html
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"
    # The key in groups of four for typing over, and the same device on a second visit.
    secret = b32encode(device.bin_key).decode().rstrip("=")
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in html
    client.get(reverse("otp_setup"))
    assert TOTPDevice.objects.filter(user=member).count() == 1


@pytest.mark.django_db
def test_setup_with_wrong_code_fails_in_dutch_and_confirms_nothing(urls, member, client):
    client.get(reverse("otp_setup"))
    device = TOTPDevice.objects.get(user=member)
    response = client.post(reverse("otp_setup"), {"code": _wrong(device), "next": "/test-casus/"})
    assert response.status_code == 200
    assert "Deze code klopt niet" in _page(response)
    assert 'aria-invalid="true"' in _page(response)
    device.refresh_from_db()
    assert not device.confirmed
    assert AuditEvent.objects.filter(event="otp.failed", actor=member, details__stage="setup").exists()
    assert client.get("/test-casus/")["Location"].startswith(reverse("otp_setup"))


@pytest.mark.django_db
def test_setup_with_format_error_says_six_digits(urls, member, client):
    client.get(reverse("otp_setup"))
    response = client.post(reverse("otp_setup"), {"code": "12ab"})
    assert "precies 6 cijfers" in _page(response)
    assert not AuditEvent.objects.filter(event__startswith="otp.").exists()


@pytest.mark.django_db
def test_setup_with_right_code_confirms_and_reaches_next(urls, member, client):
    client.get(reverse("otp_setup"))
    device = TOTPDevice.objects.get(user=member)
    code = _code(device)
    pasted = f"{code[:3]} {code[3:]}"  # a pasted code with a space still counts (WCAG 3.3.8)
    response = client.post(reverse("otp_setup"), {"code": pasted, "next": "/test-casus/"})
    assert response.status_code == 302
    assert response["Location"] == "/test-casus/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    case = client.get("/test-casus/")
    assert case.status_code == 200 and case.content == b"casusgegevens"
    event = AuditEvent.objects.get(event="otp.setup")
    assert event.actor == member and event.target_id == str(device.pk)


@pytest.mark.django_db
def test_setup_with_confirmed_device_goes_to_verify(urls, member, client):
    _confirmed_device(member)
    response = client.get(reverse("otp_setup"), {"next": "/test-casus/"})
    assert response["Location"] == f"{reverse('otp_verify')}?next=%2Ftest-casus%2F"


@pytest.mark.django_db
def test_verify_with_right_code_opens_case_pages(urls, member, client):
    device = _confirmed_device(member)
    response = client.post(reverse("otp_verify"), {"code": _code(device), "next": "/test-casus/"})
    assert response["Location"] == "/test-casus/"
    assert AuditEvent.objects.filter(event="otp.verified", actor=member).count() == 1
    assert client.get("/test-casus/").status_code == 200
    # Once verified, the code page sends the user straight on.
    assert client.get(reverse("otp_verify"), {"next": "/test-casus/"})["Location"] == "/test-casus/"


@pytest.mark.django_db
def test_verify_with_wrong_code_fails_then_throttles_in_dutch(urls, member, client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # a back-off long enough that a slow test run stays inside it
    device = _confirmed_device(member)
    response = client.post(reverse("otp_verify"), {"code": _wrong(device), "next": "/test-casus/"})
    assert response.status_code == 200
    assert "Deze code klopt niet" in _page(response)
    assert "no-store" in response["Cache-Control"]
    assert DEVICE_ID_SESSION_KEY not in client.session
    # Straight after a wrong code even the right one waits: django-otp's back-off, told in Dutch.
    response = client.post(reverse("otp_verify"), {"code": _code(device)})
    assert re.search(r"Wacht (59|60) seconden en vul dan de nieuwe code", _page(response))
    assert DEVICE_ID_SESSION_KEY not in client.session
    reasons = list(AuditEvent.objects.filter(event="otp.failed").values_list("details__reason", flat=True))
    assert sorted(reasons) == ["throttled", "wrong_code"]
    assert client.get("/test-casus/")["Location"].startswith(reverse("otp_verify"))


@pytest.mark.django_db
def test_a_code_cannot_be_used_twice(urls, member, client, people):
    device = _confirmed_device(member)
    code = _code(device)
    client.post(reverse("otp_verify"), {"code": code})
    client.logout()
    client.force_login(member)
    response = client.post(reverse("otp_verify"), {"code": code})
    assert "Deze code klopt niet" in _page(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "http://testserver.evil.example/"]
)
def test_open_redirect_next_is_ignored(urls, member, client, target):
    device = _confirmed_device(member)
    response = client.post(reverse("otp_verify"), {"code": _code(device), "next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("my_portal")


@pytest.mark.django_db
def test_open_redirect_next_is_ignored_on_setup(urls, member, client):
    page = _page(client.get(reverse("otp_setup"), {"next": "https://evil.example"}))
    assert f'name="next" value="{reverse("my_portal")}"' in page
    device = TOTPDevice.objects.get(user=member)
    response = client.post(f"{reverse('otp_setup')}?next=https://evil.example", {"code": _code(device)})
    assert response["Location"] == reverse("my_portal")


@pytest.mark.django_db
def test_code_pages_need_login(urls, client, db):
    for name in ("otp_setup", "otp_verify"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def _verified_session(client, device, *, seen: float | None):
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    if seen is not None:
        session[SESSION_KEY] = seen
    session.save()


@pytest.mark.django_db
def test_case_view_sends_no_store_and_no_referrer(urls, member, client):
    device = _confirmed_device(member)
    _verified_session(client, device, seen=None)
    response = client.get("/test-casus/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"
    assert abs(client.session[SESSION_KEY] - time.time()) < 60


@pytest.mark.django_db
def test_idle_case_session_is_logged_out_after_15_minutes(urls, member, client):
    device = _confirmed_device(member)
    _verified_session(client, device, seen=time.time() - 16 * 60)
    response = client.get("/test-casus/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    login_page = _page(client.get(response["Location"]))
    assert "langer dan 15 minuten niet actief" in login_page
    assert AuditEvent.objects.filter(event="case.idle_logout", actor=member).exists()


@pytest.mark.django_db
def test_active_case_session_stays(urls, member, client):
    device = _confirmed_device(member)
    _verified_session(client, device, seen=time.time() - 14 * 60)
    assert client.get("/test-casus/").status_code == 200


@pytest.mark.django_db
def test_audit_log_never_holds_the_secret(urls, member, client):
    client.get(reverse("otp_setup"))
    device = TOTPDevice.objects.get(user=member)
    client.post(reverse("otp_setup"), {"code": _wrong(device)})
    device.throttle_reset()
    client.post(reverse("otp_setup"), {"code": _code(device)})
    client.logout()
    client.force_login(member)
    device.refresh_from_db()
    client.post(reverse("otp_verify"), {"code": _code(device, steps_ahead=1)})
    secrets = {device.key.lower(), b32encode(device.bin_key).decode().rstrip("=").lower()}
    events = list(AuditEvent.objects.filter(event__startswith="otp."))
    assert {e.event for e in events} >= {"otp.failed", "otp.setup", "otp.verified"}
    for event in events:
        text = f"{event.details} {event.target_id} {event.target_type}".lower()
        assert not any(secret in text for secret in secrets)
        assert not any(secret[:8] in text for secret in secrets)


@pytest.mark.django_db
def test_my_portal_shows_the_two_step_status(member, client):
    page = _page(client.get(reverse("my_portal")))
    assert "Tweestapsverificatie" in page and reverse("otp_setup") in page
    _confirmed_device(member)
    page = _page(client.get(reverse("my_portal")))
    assert "Aan." in page and reverse("otp_setup") not in page


@pytest.mark.django_db
def test_otp_demo_command_only_in_debug_and_its_code_confirms_setup(urls, member, client, settings):
    from io import StringIO

    from django.core.management import CommandError, call_command

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("otp_demo", member.username)
    settings.DEBUG = True
    out = StringIO()
    call_command("otp_demo", member.username, stdout=out)
    code = re.search(r"Code van nu .*: (\d{6})", out.getvalue()).group(1)
    response = client.post(reverse("otp_setup"), {"code": code, "next": "/test-casus/"})
    assert response["Location"] == "/test-casus/"
    assert TOTPDevice.objects.get(user=member).confirmed
