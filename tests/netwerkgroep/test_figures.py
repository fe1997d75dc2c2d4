"""The netwerkgroep's yearly figures for the jaarbeeld (DECISIONS 17): computed suppressed, signed off by
the own regisseur with a confirmation, recomputing clears the sign-off; the page is guarded like a case page."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from netwerkgroep import views_figures
from netwerkgroep.models import YearlyFigures
from samennw.models import AuditEvent
from tests.netwerkgroep.conftest import bring

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def verified(user) -> Client:
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def test_generate_sign_off_and_regenerate(people, structure, nw):
    for _n in range(3):
        bring(people, structure)
    figures = views_figures.generate_figures(by=people["regisseur"], body=nw, year=YEAR)
    assert figures.figures["brought_in"] == "<5"
    assert not figures.is_signed_off
    with pytest.raises(ValidationError):
        views_figures.sign_off_figures(by=people["regisseur"], figures=figures, confirmed=False)
    with pytest.raises(ValidationError):
        views_figures.sign_off_figures(by=people["formeel"], figures=figures, confirmed=True)
    with pytest.raises(ValidationError):
        views_figures.sign_off_figures(by=people["regisseur_zo"], figures=figures, confirmed=True)
    signed = views_figures.sign_off_figures(by=people["regisseur"], figures=figures, confirmed=True)
    assert signed.signed_off_by == people["regisseur"]
    assert AuditEvent.objects.filter(event="netwerkgroep.figures_signed_off").exists()
    again = views_figures.generate_figures(by=people["regisseur"], body=nw, year=YEAR)
    assert again.pk == figures.pk and not again.is_signed_off
    assert YearlyFigures.objects.count() == 1


def test_only_suppressed_text_is_stored(people, structure, nw):
    for _n in range(6):
        bring(people, structure)
    figures = views_figures.generate_figures(by=people["regisseur"], body=nw, year=YEAR)
    assert figures.figures["brought_in"] == "6"
    assert all(isinstance(v, str) for v in figures.figures["per_outcome"].values())


@pytest.mark.parametrize("kind,status", [("formeel", 403), ("regisseur_zo", 404), ("programmateam", 403)])
def test_page_refuses_others(people, structure, kind, status):
    url = reverse("netwerkgroep:figures", kwargs={"group": "netwerkgroep-hgkm-nieuw-west"})
    assert verified(people[kind]).get(url).status_code == status


def test_page_needs_second_factor(client, people):
    client.force_login(people["regisseur"])
    response = client.get(reverse("netwerkgroep:figures", kwargs={"group": "netwerkgroep-hgkm-nieuw-west"}))
    assert response.status_code == 302


def test_page_generate_and_sign_off(people, structure, nw):
    bring(people, structure)
    client = verified(people["regisseur"])
    url = reverse("netwerkgroep:figures", kwargs={"group": nw.slug})
    assert client.get(url).status_code == 200
    assert client.post(url, {"jaar": YEAR, "actie": "berekenen"}).status_code == 302
    response = client.get(f"{url}?jaar={YEAR}")
    assert "&lt;5" in response.content.decode()
    assert response["Cache-Control"].count("no-store")
    assert client.post(url, {"jaar": YEAR, "actie": "vrijgeven"}).status_code == 400
    assert not YearlyFigures.objects.get().is_signed_off
    assert client.post(url, {"jaar": YEAR, "actie": "vrijgeven", "confirm": "on"}).status_code == 302
    assert YearlyFigures.objects.get().is_signed_off
