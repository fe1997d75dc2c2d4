"""The "Doe mee" page: stored message and mail, honeypot, rate limit, escaping, Dutch field errors, inbox."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from monitoring.models import ContactBericht
from samennw.models import AuditEvent

URL = "monitoring:doe_mee"
VALID = {
    "name": "Sanne Demo",
    "email": "sanne@voorbeeld.nl",
    "organisation": "Buurtinitiatief",
    "message": "Ik wil meedoen met een wijkalliantie.",
    "consent": "on",
    "website": "",
}


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_page_renders(client, db):
    html = client.get(reverse(URL)).content.decode()
    assert "Wil je meedoen, maar weet je niet hoe?" in html
    assert 'tabindex="-1"' in html and 'autocomplete="off"' in html and "Laat dit veld leeg" in html


def test_message_stored_and_mailed(client, people, django_capture_on_commit_callbacks):
    people["programmateam"].email = "pt@voorbeeld.nl"
    people["programmateam"].save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(URL), VALID)
    assert response.status_code == 302
    bericht = ContactBericht.objects.get()
    assert bericht.name == "Sanne Demo" and not bericht.handled
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["pt@voorbeeld.nl"]
    assert "Ik wil meedoen" in mail.outbox[0].body
    assert AuditEvent.objects.filter(event="contact.received").exists()


def test_honeypot_accepted_but_not_stored(client, db):
    response = client.post(reverse(URL), {**VALID, "website": "http://spam.example"})
    assert response.status_code == 302
    assert not ContactBericht.objects.exists()
    assert not mail.outbox


def test_sixth_message_in_an_hour_is_429_and_keeps_data(client, db):
    for _ in range(5):
        assert client.post(reverse(URL), VALID).status_code == 302
    response = client.post(reverse(URL), {**VALID, "message": "Mijn zesde bericht"})
    assert response.status_code == 429
    html = response.content.decode()
    assert "Mijn zesde bericht" in html and "sanne@voorbeeld.nl" in html
    assert "Probeer het over een uur opnieuw" in html
    assert ContactBericht.objects.count() == 5


def test_other_ip_not_limited(client, db):
    for _ in range(5):
        client.post(reverse(URL), VALID)
    assert client.post(reverse(URL), VALID, REMOTE_ADDR="10.0.0.9").status_code == 302


def test_script_is_escaped(client, db):
    response = client.post(reverse(URL), {**VALID, "email": "", "message": "<script>alert(1)</script>"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_field_errors_in_dutch_and_input_kept(client, db):
    response = client.post(reverse(URL), {"name": "", "email": "geen-adres", "message": "Hallo", "organisation": "Club"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Vul je naam in." in html
    assert "Vul een geldig e-mailadres in" in html
    assert "Geef toestemming om je bericht te bewaren" in html
    assert 'value="geen-adres"' in html and "Hallo" in html and 'value="Club"' in html
    assert not ContactBericht.objects.exists()


@pytest.mark.parametrize(("kind", "status"), [("anoniem", 302), ("bewoner", 403), ("regisseur", 403), ("programmateam", 200)])
def test_inbox_rights(client, people, kind, status):
    if kind != "anoniem":
        client.force_login(people[kind])
    assert client.get(reverse("monitoring:contact_messages")).status_code == status


def test_mark_handled(client, people):
    client.post(reverse(URL), VALID)
    bericht = ContactBericht.objects.get()
    client.force_login(people["bewoner"])
    assert client.post(reverse("monitoring:contact_messages"), {"bericht": bericht.pk}).status_code == 403
    client.force_login(people["programmateam"])
    assert "Sanne Demo" in client.get(reverse("monitoring:contact_messages")).content.decode()
    assert client.post(reverse("monitoring:contact_messages"), {"bericht": bericht.pk}).status_code == 302
    bericht.refresh_from_db()
    assert bericht.handled and bericht.handled_by == people["programmateam"]
    assert AuditEvent.objects.filter(event="contact.handled").exists()


def test_jaarbeeld_archive(client, db):
    html = client.get(reverse("monitoring:jaarbeeld")).content.decode()
    assert "Jaarbeeld 2025" in html and "De PDF-versie volgt." in html
