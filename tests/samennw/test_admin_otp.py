"""The Django admin asks administrators for a verified second factor, like the case pages (issue 8).

Through the test client: an administrator without a verified session is sent to the portal's two-step page
with the admin page as ``next`` and reaches the admin after a right code; anonymous visitors and people
without the administrator role are refused exactly as before (the admin login page).
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.otp_session import verify_session

pytestmark = pytest.mark.django_db

PAGE = "/beheer/netwerkgroep/meeting/?o=1"


def _code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_administrator_without_device_is_sent_to_setup_with_next(client, people):
    client.force_login(people["beheerder"])
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('otp_setup')}?next=%2Fbeheer%2Fnetwerkgroep%2Fmeeting%2F%3Fo%3D1"
    assert "no-store" in response["Cache-Control"]


def test_administrator_with_device_is_sent_to_verify_and_then_reaches_the_admin(client, people):
    admin = people["beheerder"]
    device = TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    client.force_login(admin)
    response = client.get("/beheer/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('otp_verify')}?next=%2Fbeheer%2F"
    # The two-step page sends the administrator back once the code is right.
    answer = client.post(reverse("otp_verify"), {"code": _code(device), "next": "/beheer/"})
    assert answer["Location"] == "/beheer/"
    index = client.get("/beheer/")
    assert index.status_code == 200
    assert "Samen Nieuw-West — beheer" in index.content.decode()


def test_administrator_who_just_set_up_an_app_reaches_the_admin(client, people):
    admin = people["beheerder"]
    client.force_login(admin)
    setup = client.get(client.get("/beheer/")["Location"])
    assert setup.status_code == 200
    device = TOTPDevice.objects.get(user=admin)
    answer = client.post(reverse("otp_setup"), {"code": _code(device), "next": "/beheer/"})
    assert answer["Location"] == "/beheer/"
    assert client.get("/beheer/").status_code == 200


def test_verified_administrator_opens_every_kind_of_admin_page(client, people):
    verify_session(client, people["beheerder"])
    assert client.get("/beheer/").status_code == 200
    assert client.get("/beheer/netwerkgroep/").status_code == 200
    assert client.get(PAGE).status_code == 200


def test_admin_login_page_does_not_skip_the_second_factor(client, people):
    client.force_login(people["beheerder"])
    response = client.get("/beheer/login/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("otp_setup"))


def test_english_admin_sends_to_the_english_two_step_page(client, people):
    client.force_login(people["beheerder"])
    response = client.get("/en/beheer/")
    with translation.override("en"):
        expected = f"{reverse('otp_setup')}?next=%2Fen%2Fbeheer%2F"
    assert expected.startswith("/en/")
    assert response["Location"] == expected


def test_unverified_administrator_can_still_log_out(client, people):
    client.force_login(people["beheerder"])
    response = client.post("/beheer/logout/")
    assert not response["Location"].startswith(reverse("otp_verify"))
    assert not response["Location"].startswith(reverse("otp_setup"))
    assert "_auth_user_id" not in client.session
    assert client.get("/beheer/")["Location"] == "/beheer/login/?next=/beheer/"


def test_anonymous_visitor_gets_the_admin_login_as_before(client):
    response = client.get("/beheer/")
    assert response.status_code == 302
    assert response["Location"] == "/beheer/login/?next=/beheer/"


@pytest.mark.parametrize("kind", ["bewoner", "programmateam"])
@pytest.mark.parametrize("verified", [False, True])
def test_non_administrators_are_refused_as_before(client, people, kind, verified):
    user = people[kind]
    user.is_staff = True  # even a staff flag does not open the admin without the administrator role
    user.save()
    if verified:
        verify_session(client, user)
    else:
        client.force_login(user)
    response = client.get("/beheer/")
    # Refused by the admin itself, never sent to the two-step page (which would suggest a code helps).
    assert response.status_code == 302
    assert response["Location"] == "/beheer/login/?next=/beheer/"
    login = client.get(response["Location"])
    assert login.status_code == 200
    assert "maar niet bevoegd om deze pagina te bekijken" in login.content.decode()
