"""The "Geleerde lessen" page of a netwerkgroep (DECISIONS 13): who may read it, what it shows and what never,
its filters (also with bad values), the audit row of each reading and a query count that does not grow."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from netwerkgroep import services
from netwerkgroep.models import Lesson
from samennw.models import AuditEvent
from tests.netwerkgroep.conftest import bring, in_days
from tests.netwerkgroep.test_case_access import verified_client

LESSON = "Een vertrouwd gezicht uit de wijk opende de deur die voor de hulpverlening dicht bleef."


def _lesson(body, text: str, **fields) -> Lesson:
    lesson = Lesson(body=body, text=text, **fields)
    lesson.full_clean()
    lesson.save()
    return lesson


def _url(body) -> str:
    return reverse("netwerkgroep:lessons", args=[body.slug])


@pytest.fixture
def closed(people, structure):
    """A Nieuw-West case closed by its regisseur with a lesson, through the service as the portal does."""
    case = bring(people, structure, bouwstenen=["samenwerking", "time-out"])
    services.close_case(
        by=people["regisseur"], case=case, reason="doorbraak", terugblik_on=in_days(42), lesson=LESSON, new_route=True
    )
    return case


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("regisseur", 200),  # the regisseur of group A (Nieuw-West)
        ("formeel", 200),  # a formal partner at the table
        ("informeel", 200),  # an informal partner at the table: lessons carry no case details
        ("regisseur_zo", 404),  # the regisseur of group B: the same answer as for a group that does not exist
        ("programmateam", 403),  # no seat at any netwerkgroep table
        ("bewoner", 403),
        ("privacy", 403),
    ],
)
def test_who_reads_the_lessons_of_nieuw_west(people, structure, closed, role, status):
    response = verified_client(people[role]).get(_url(structure["bodies"]["ng_nw"]))
    assert response.status_code == status
    assert (LESSON in response.content.decode()) is (status == 200)
    if status != 200:
        assert AuditEvent.objects.filter(event="access.denied", actor=people[role]).exists()


def test_anonymous_is_sent_to_the_login_page(structure, closed):
    response = verified_client(None).get(_url(structure["bodies"]["ng_nw"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert LESSON not in response.content.decode()


def test_without_second_factor_nobody_reads_them(people, structure, closed):
    from django.test import Client

    client = Client()
    client.force_login(people["regisseur"])
    response = client.get(_url(structure["bodies"]["ng_nw"]))
    assert response.status_code == 302 and LESSON not in response.content.decode()


def test_the_other_group_sees_only_its_own_lessons(people, structure, closed):
    zo = structure["bodies"]["ng_zo"]
    _lesson(zo, "In Zuidoost hielp een vaste contactpersoon per huishouden.")
    response = verified_client(people["regisseur_zo"]).get(_url(zo))
    page = response.content.decode()
    assert response.status_code == 200
    assert "vaste contactpersoon" in page and LESSON not in page


def test_lesson_shows_reason_bouwstenen_route_and_terugblik_but_no_case(people, structure, closed):
    response = verified_client(people["informeel"]).get(_url(structure["bodies"]["ng_nw"]))
    page = response.content.decode()
    assert LESSON in page
    assert "Doorbraak bereikt" in page
    assert "Samenwerking informeel &amp; formeel" in page and "Time-out plekken" in page
    assert Lesson.objects.get().terugblik_on == in_days(42)
    assert f"{in_days(42).day} " in page and str(in_days(42).year) in page
    # A lesson is a separate record: not its case code, not its question, not who brought it in.
    assert closed.code not in page
    assert closed.question not in page
    assert "Nisa 4 Nisa" not in page
    assert reverse("netwerkgroep:case", args=[closed.code]) not in page


def test_newest_first(structure, people):
    nw = structure["bodies"]["ng_nw"]
    now = timezone.now()
    _lesson(nw, "Oude les over geduld.", created_at=now - datetime.timedelta(days=30))
    _lesson(nw, "Nieuwe les over samenwerken.", created_at=now)
    page = verified_client(people["formeel"]).get(_url(nw)).content.decode()
    assert page.index("Nieuwe les over samenwerken.") < page.index("Oude les over geduld.")


@pytest.fixture
def three_kinds(structure):
    nw = structure["bodies"]["ng_nw"]
    _lesson(nw, "Les een: doorbraak via de moskee.", close_reason="doorbraak", bouwstenen=["bewustwording-dialoog"], new_route=True)
    _lesson(nw, "Les twee: overdracht ging soepel.", close_reason="overgedragen", bouwstenen=["samenwerking"])
    _lesson(nw, "Les drie: het huishouden wilde rust.", close_reason="huishouden-wil-niet", bouwstenen=[])
    return nw


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ({}, {"een", "twee", "drie"}),
        ({"reden": "overgedragen"}, {"twee"}),
        ({"bouwsteen": "bewustwording-dialoog"}, {"een"}),
        ({"route": "ja"}, {"een"}),
        ({"route": "nee"}, {"twee", "drie"}),
        ({"reden": "doorbraak", "route": "nee"}, set()),
    ],
)
def test_filters(people, three_kinds, query, shown):
    response = verified_client(people["regisseur"]).get(_url(three_kinds), query)
    page = response.content.decode()
    assert response.status_code == 200
    assert {word for word in ("een", "twee", "drie") if f"Les {word}:" in page} == shown
    if not shown:
        assert "Geen lessen met deze filters." in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"reden": "zomaar"}, "Kies een reden uit de lijst"),
        ({"bouwsteen": "<script>"}, "Kies een bouwsteen uit de lijst"),
        ({"route": "misschien"}, "Kies ja of nee bij nieuwe route"),
    ],
)
def test_a_bad_filter_value_is_named_and_ignored(people, three_kinds, query, message):
    response = verified_client(people["regisseur"]).get(_url(three_kinds), {**query, "pagina": "abc"})
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert all(f"Les {word}:" in page for word in ("een", "twee", "drie"))  # the bad filter is not applied
    assert "<script>" not in page


def test_a_bad_value_leaves_the_other_filters_working(people, three_kinds):
    response = verified_client(people["regisseur"]).get(_url(three_kinds), {"reden": "overgedragen", "route": "misschien"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Les twee:" in page and "Les een:" not in page and "Les drie:" not in page


def test_paginated_with_filters_kept(people, structure):
    nw = structure["bodies"]["ng_nw"]
    now = timezone.now()
    for n in range(25):
        _lesson(nw, f"Les nummer {n:02d}.", close_reason="doorbraak", created_at=now - datetime.timedelta(hours=n))
    client = verified_client(people["formeel"])
    first = client.get(_url(nw), {"reden": "doorbraak"}).content.decode()
    assert "Les nummer 00." in first and "Les nummer 19." in first and "Les nummer 20." not in first
    assert "Pagina 1 van 2" in first and "reden=doorbraak" in first and "pagina=2" in first
    second = client.get(_url(nw), {"reden": "doorbraak", "pagina": "2"}).content.decode()
    assert "Les nummer 20." in second and "Les nummer 24." in second and "Les nummer 00." not in second
    beyond = client.get(_url(nw), {"pagina": "99"})
    assert beyond.status_code == 200 and "Les nummer 24." in beyond.content.decode()


def test_every_reading_is_audited_with_filters(people, three_kinds):
    regisseur = people["regisseur"]
    verified_client(regisseur).get(_url(three_kinds), {"reden": "overgedragen"})
    event = AuditEvent.objects.get(event="netwerkgroep.lessons_viewed")
    assert event.actor == regisseur
    assert event.target_id == str(three_kinds.pk)
    assert event.details["close_reason"] == "overgedragen" and event.details["page"] == 1
    assert event.ip_address


def test_group_page_links_to_the_lessons_for_members(people, structure):
    nw = structure["bodies"]["ng_nw"]
    for role in ("regisseur", "formeel", "informeel"):
        page = verified_client(people[role]).get(reverse("netwerkgroep:group", args=[nw.slug])).content.decode()
        assert _url(nw) in page, role


def test_query_count_does_not_grow_with_the_number_of_lessons(people, structure):
    nw = structure["bodies"]["ng_nw"]
    client = verified_client(people["regisseur"])

    def count(n: int) -> int:
        Lesson.objects.all().delete()
        for i in range(n):
            _lesson(nw, f"Les {i}.", close_reason="doorbraak", bouwstenen=["samenwerking", "plegeraanpak"], new_route=bool(i % 2))
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(_url(nw), {"pagina": "2" if n > 20 else "1"})
        assert response.status_code == 200
        return len(ctx.captured_queries)

    assert count(3) == count(30)
