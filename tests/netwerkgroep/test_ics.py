"""The iCalendar feed of a netwerkgroep (issue 6, item 6): RFC 5545 structure, a personal signed token, no case data."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from domains.models import Seat
from netwerkgroep import ics, services
from tests.netwerkgroep.conftest import bring, fresh

pytestmark = pytest.mark.django_db


def _feed(user, body, token: str | None = None):
    return Client().get(reverse("netwerkgroep:ics", kwargs={"group": body.slug, "token": token or ics.token_for(user, body)}))


def test_feed_is_valid_icalendar_without_case_data(people, structure, nw, meetings):
    case = bring(people, structure)
    services.add_to_agenda(by=people["regisseur"], meeting=meetings[0], case=case)
    services.cancel_meeting(by=people["regisseur"], meeting=meetings[1], reason="Te weinig partners")
    response = _feed(people["informeel"], nw)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "no-store" in response["Cache-Control"]
    raw = response.content
    text = raw.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")  # CRLF only
    assert all(len(line.encode()) <= 75 for line in raw.decode().split("\r\n"))
    unfolded = text.replace("\r\n ", "")
    assert "VERSION:2.0" in unfolded and "PRODID:" in unfolded
    assert unfolded.count("BEGIN:VEVENT") == 4 == unfolded.count("END:VEVENT")
    assert unfolded.count("STATUS:CANCELLED") == 1
    assert unfolded.count("DTSTAMP:") == 4
    uids = [line for line in unfolded.split("\r\n") if line.startswith("UID:")]
    assert len(set(uids)) == 4
    assert case.code not in text and "Te weinig partners" not in text and "Moeder" not in text
    assert "LOCATION:Stadsdeelkantoor Nieuw-West" in unfolded


def test_uid_stays_when_a_meeting_moves(people, nw, meetings):
    before = ics.uid(meetings[0])
    moved = services.move_meeting(by=people["regisseur"], meeting=meetings[0], date=meetings[0].date + datetime.timedelta(days=1), reason="Feestdag")
    assert ics.uid(moved) == before and ics.sequence(moved) == 1


def test_bad_or_foreign_tokens_are_404(people, nw, zo, meetings):
    assert _feed(people["informeel"], nw, token="nonsense").status_code == 404
    token = ics.token_for(people["informeel"], nw)
    assert _feed(None, nw, token=token[:-2] + ("AA" if not token.endswith("AA") else "BB")).status_code == 404
    # A token for the other group's feed, or the ZO regisseur's token for the NW group.
    assert _feed(None, zo, token=token).status_code == 404
    assert _feed(people["regisseur_zo"], nw).status_code == 404
    assert _feed(people["programmateam"], nw).status_code == 404
    assert _feed(people["regisseur_zo"], zo).status_code == 200


def test_feed_stops_when_the_seat_ends(people, nw, meetings):
    token = ics.token_for(people["formeel"], nw)
    assert _feed(None, nw, token=token).status_code == 200
    Seat.objects.filter(user=people["formeel"], body=nw).update(ends_on=datetime.date(2026, 1, 2))
    fresh(people["formeel"])
    assert _feed(None, nw, token=token).status_code == 404


def test_escaping_and_folding():
    assert ics.escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    folded = ics.fold("DESCRIPTION:" + "é" * 80)
    lines = folded.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)
    assert all(line.startswith(" ") for line in lines[1:])
    assert "".join(line[1:] if i else line for i, line in enumerate(lines)) == "DESCRIPTION:" + "é" * 80
