"""Netwerkgroep test helpers: cases, schedules and agreements made through the services, as the portal does."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from netwerkgroep import services
from netwerkgroep.models import Schedule
from samennw import rights

QUESTION = "Moeder wil veilig blijven wonen met de kinderen; hoe houden we samen zicht op de situatie thuis?"


def consent(**changes):
    data = {
        "given_on": timezone.localdate() - datetime.timedelta(days=2),
        "form": "mondeling",
        "scope": "Bespreken aan de tafel van de netwerkgroep, zonder namen.",
        "household_wishes": "Moeder wil eerst zelf rust; stap voor stap.",
    }
    data.update(changes)
    return data


def bring(people, structure, who: str = "informeel", group: str = "ng_nw", **fields):
    """A case brought in by ``who`` in ``group`` (``ng_nw`` or ``ng_zo``), with consent."""
    fields.setdefault("question", QUESTION)
    fields.setdefault("has_slachtoffer", True)
    fields.setdefault("children_4_12", 2)
    return services.bring_in(by=people[who], body=structure["bodies"][group], consent=consent(), **fields)


def in_days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def make_schedule(body, **changes) -> Schedule:
    data = {
        "body": body,
        "weekday": Schedule.Weekday.WOENSDAG,
        "starts_at": datetime.time(13, 30),
        "ends_at": datetime.time(15, 30),
        "location": "Stadsdeelkantoor Nieuw-West",
        "weeks_ahead": 4,
        "confidentiality": "Wat aan deze tafel besproken wordt, blijft aan deze tafel.",
    }
    data.update(changes)
    schedule = Schedule(**data)
    schedule.full_clean()
    schedule.save()
    return schedule


def fresh(*users) -> None:
    for user in users:
        rights.forget(user)


@pytest.fixture
def nw(structure):
    return structure["bodies"]["ng_nw"]


@pytest.fixture
def zo(structure):
    return structure["bodies"]["ng_zo"]


@pytest.fixture
def orgs(structure):
    return structure["orgs"]


@pytest.fixture
def meetings(nw, zo):
    """Weekly Wednesday meetings for both groups, four weeks ahead."""
    make_schedule(nw)
    make_schedule(zo, location="Zuidoost")
    services.ensure_meetings()
    return nw.ng_meetings.order_by("date")


@pytest.fixture
def mailable(people):
    """Give every demo person an e-mail address (the shared fixture makes accounts without one)."""
    for kind, user in people.items():
        if getattr(user, "pk", None):
            user.email = f"{kind}@example.org"
            user.save(update_fields=["email"])
    return people
