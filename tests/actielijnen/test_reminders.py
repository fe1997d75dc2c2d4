"""Stale cards: the overview filter and the weekly reminder to each aanvoerder."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from actielijnen import selectors, services
from actielijnen.models import Actielijn
from actielijnen.tasks import remind_stale_cards


@pytest.fixture
def old_card(card, people):
    people["aanvoerder"].email = "aanvoerder@example.org"
    people["aanvoerder"].save()
    Actielijn.objects.filter(pk=card.pk).update(created_at=timezone.now() - datetime.timedelta(weeks=10))
    card.refresh_from_db()
    return card


@pytest.mark.django_db
def test_reminder_mails_aanvoerder_once_per_week(old_card):
    assert remind_stale_cards.delay().get() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["aanvoerder@example.org"]
    assert "Tegengaan huiselijk geweld en kindermishandeling" in message.body
    assert "/actielijnen/tegengaan-hgkm/" in message.body
    assert remind_stale_cards.delay().get() == 0  # idempotent within the week
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_fresh_status_update_stops_the_reminder(old_card, people):
    services.add_status_update(by=people["aanvoerder"], card=old_card, text="Werkgroep is gestart.")
    assert remind_stale_cards.delay().get() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_archived_cards_are_never_stale(old_card):
    Actielijn.objects.filter(pk=old_card.pk).update(status="gearchiveerd")
    assert remind_stale_cards.delay().get() == 0


@pytest.mark.django_db
def test_overview_filters(card, other_card, people, structure):
    pt = people["programmateam"]
    assert set(selectors.overview(pt)) == {card, other_card}
    assert list(selectors.overview(pt, domain="veiligheid")) == [card]
    assert list(selectors.overview(pt, trekker="aanvoerder")) == [card]
    assert list(selectors.overview(pt, status="gepubliceerd")) == []
    Actielijn.objects.filter(pk=card.pk).update(created_at=timezone.now() - datetime.timedelta(weeks=7))
    assert list(selectors.overview(pt, stale_weeks=6)) == [card]
    counts = selectors.status_counts(selectors.overview(pt))
    assert counts["concept"] == 2 and counts["gepubliceerd"] == 0


@pytest.mark.django_db
def test_overview_is_scoped_by_user(card, other_card, people):
    assert set(selectors.overview(people["aanvoerder"])) == {card}
    assert list(selectors.overview(people["bewoner"])) == []
