"""The retention purge: announce, purge a week later, tombstone and counts, hold back once (issue 6, item 9; DECISIONS 13c)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from netwerkgroep import services, tasks
from netwerkgroep.models import AgendaItem, Agreement, Case, CaseStat, Consent, Lesson, Note, Tombstone
from samennw.models import AuditEvent
from tests.netwerkgroep.conftest import QUESTION, bring, in_days

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _closed(people, structure, meetings=None, **fields):
    case = bring(people, structure, **fields)
    services.add_note(by=people["formeel"], case=case, text="Huisverbod afgelopen.", visibility="formeel")
    services.add_agreement(
        by=people["regisseur"], case=case, text="Zoekt samen met moeder een time-out plek.",
        owner_org=structure["orgs"]["formeel"], deadline=in_days(7),
    )
    if meetings is not None:
        services.build_agenda(by=people["regisseur"], meeting=meetings[0])
    return services.close_case(by=people["regisseur"], case=case, reason="doorbraak", terugblik_on=in_days(60), lesson="Vasthouden loont.")


def test_announce_first_then_purge_with_tombstone_and_counts(people, structure, meetings):
    case = _closed(people, structure, meetings, bouwstenen=["samenwerking", "time-out"])
    code = case.code
    early = services.run_retention(today=TODAY() + datetime.timedelta(days=300))
    assert early["announced"] == [] and early["purged"] == []
    year = TODAY() + datetime.timedelta(days=365)
    first = services.run_retention(today=year)
    assert first["announced"] == [code] and first["purged"] == []
    case.refresh_from_db()
    assert case.purge_announced_on == year
    assert services.run_retention(today=year + datetime.timedelta(days=6))["purged"] == []

    second = services.run_retention(today=year + datetime.timedelta(days=7))
    assert second["purged"] == [code]
    assert not Case.objects.filter(code=code).exists()
    for model in (Note, Consent, Agreement, AgendaItem):
        assert not model.objects.exists(), model
    tomb = Tombstone.objects.get(code=code)
    assert tomb.closed_on == TODAY() and tomb.close_reason == "doorbraak" and tomb.run == second["run"]
    stats = {(s.bouwsteen, s.outcome, s.inbrenger_side): s.count for s in CaseStat.objects.all()}
    assert stats == {("", "doorbraak", "informeel"): 1, ("samenwerking", "doorbraak", "informeel"): 1, ("time-out", "doorbraak", "informeel"): 1}
    assert Lesson.objects.get().text == "Vasthouden loont."

    again = services.run_retention(today=year + datetime.timedelta(days=8))
    assert again["purged"] == [] and again["announced"] == []
    assert CaseStat.objects.get(bouwsteen="").count == 1

    run = AuditEvent.objects.filter(event="retention.run").order_by("pk").last()
    assert run.details["purged"] == [code]
    everything = " ".join(str(e.details) for e in AuditEvent.objects.all())
    for text in (QUESTION, "Huisverbod afgelopen", "time-out plek", "Vasthouden"):
        assert text not in everything


def test_counts_add_up_over_cases(people, structure):
    for _ in range(2):
        _closed(people, structure, bouwstenen=["plegeraanpak"])
    year = TODAY() + datetime.timedelta(days=365)
    services.run_retention(today=year)
    assert len(services.run_retention(today=year + datetime.timedelta(days=7))["purged"]) == 2
    assert CaseStat.objects.get(bouwsteen="").count == 2
    assert CaseStat.objects.get(bouwsteen="plegeraanpak").count == 2


def test_open_case_is_never_purged(people, structure):
    case = bring(people, structure)
    far = TODAY() + datetime.timedelta(days=900)
    services.run_retention(today=far)
    services.run_retention(today=far + datetime.timedelta(days=10))
    assert Case.objects.filter(pk=case.pk).exists()


def test_hold_back_once_with_reason(people, structure):
    open_case = bring(people, structure)
    with pytest.raises(ValidationError):
        services.hold_back(by=people["regisseur"], case=open_case, reason="Nog nodig.")
    case = _closed(people, structure)
    year = TODAY() + datetime.timedelta(days=365)
    services.run_retention(today=year)
    with pytest.raises(PermissionDenied):
        services.hold_back(by=people["formeel"], case=case, reason="Nog nodig.")
    with pytest.raises(PermissionDenied):
        services.hold_back(by=people["regisseur_zo"], case=case, reason="Nog nodig.")
    with pytest.raises(ValidationError):
        services.hold_back(by=people["regisseur"], case=case, reason="  ")
    held = services.hold_back(by=people["regisseur"], case=case, reason="Terugblik met de partners nog niet gehouden.")
    assert held.purge_announced_on is None and held.held_back_until > TODAY()
    with pytest.raises(ValidationError):
        services.hold_back(by=people["regisseur"], case=case, reason="Nog een keer.")
    assert services.run_retention(today=year + datetime.timedelta(days=7))["purged"] == []
    event = AuditEvent.objects.get(event="case.held_back")
    assert "Terugblik" not in str(event.details)


def test_retention_task_runs_the_service(people, structure):
    _closed(people, structure)
    assert tasks.retention()["purged"] == []
