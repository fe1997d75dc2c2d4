"""The Django admin never exposes case texts (issue 6, item 7): only schedules and meetings are registered."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from netwerkgroep import services
from netwerkgroep.models import (
    AgendaItem,
    Agreement,
    Attendance,
    Case,
    Consent,
    Lesson,
    Meeting,
    Note,
    Schedule,
)
from tests.netwerkgroep.conftest import bring, make_schedule
from tests.otp_session import verify_session

pytestmark = pytest.mark.django_db

HIDDEN = (Case, Consent, Note, Agreement, AgendaItem, Lesson, Attendance)


def test_only_schedule_and_meeting_are_registered():
    registered = {model for model in admin.site._registry if model._meta.app_label == "netwerkgroep"}
    assert registered == {Schedule, Meeting}


@pytest.fixture
def admin_client(client, people):
    return verify_session(client, people["beheerder"])


def test_superuser_sees_no_case_pages(admin_client, people, structure):
    case = bring(people, structure)
    index = admin_client.get(reverse("admin:index"))
    assert index.status_code == 200
    body = index.content.decode()
    assert "/beheer/netwerkgroep/meeting/" in body
    for model in HIDDEN:
        assert f"/netwerkgroep/{model._meta.model_name}/" not in body
    assert case.code not in body
    for model in HIDDEN:
        with pytest.raises(NoReverseMatch):
            reverse(f"admin:netwerkgroep_{model._meta.model_name}_changelist")
        for suffix in ("", f"{case.pk}/change/", "add/"):
            response = admin_client.get(f"/beheer/netwerkgroep/{model._meta.model_name}/{suffix}")
            assert response.status_code == 404, (model, suffix, response.status_code)
            assert case.question.encode() not in response.content


def test_meeting_admin_shows_dates_and_status(admin_client, structure):
    make_schedule(structure["bodies"]["ng_nw"])
    services.ensure_meetings()
    meeting = Meeting.objects.first()
    assert admin_client.get("/beheer/netwerkgroep/meeting/").status_code == 200
    assert admin_client.get(f"/beheer/netwerkgroep/meeting/{meeting.pk}/change/").status_code == 200
    assert admin_client.get("/beheer/netwerkgroep/schedule/").status_code == 200
    assert admin_client.get("/beheer/netwerkgroep/meeting/add/").status_code == 403
