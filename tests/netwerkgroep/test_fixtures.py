"""The netwerkgroepen's schedules and example cases (``fixtures/netwerkgroep.json``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from domains.fixtures_loader import DEFAULT_DIRECTORY, FixtureError, load_fixtures
from netwerkgroep import pii, services
from netwerkgroep.fixtures_loader import NETWERKGROEP_FILE, load_netwerkgroep, read_netwerkgroep
from netwerkgroep.models import Agreement, Case, Consent, Lesson, Meeting, Note, Schedule
from samennw.models import AuditEvent

pytestmark = pytest.mark.django_db

MODELS = (Schedule, Meeting, Case, Consent, Note, Agreement, Lesson)


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def loaded(db):
    load_fixtures(with_users=True)
    return load_netwerkgroep()


def test_schedules_for_both_groups_and_meetings(loaded):
    schedules = {s.body.slug: s for s in Schedule.objects.select_related("body")}
    assert set(schedules) == {"netwerkgroep-hgkm-nieuw-west", "netwerkgroep-hgkm-zuidoost"}
    for schedule in schedules.values():
        assert schedule.weekday == Schedule.Weekday.WOENSDAG
        assert (schedule.starts_at.isoformat(timespec="minutes"), schedule.ends_at.isoformat(timespec="minutes")) == ("13:30", "15:30")
        assert "blijft aan deze tafel" in schedule.confidentiality
        assert Meeting.objects.filter(body=schedule.body).count() == schedule.weeks_ahead


def test_example_cases_are_anonymous_examples_with_a_status_mix(loaded):
    cases = list(Case.objects.all())
    assert len(cases) == 4
    assert all(case.question.startswith("Voorbeeld:") for case in cases)
    assert {case.status for case in cases} == {"aangemeld", "geagendeerd", "wacht-op-huishouden", "doorbraak"}
    assert {case.inbrenger.username for case in cases} == {"informeel", "formeel"}
    texts = [c.question for c in cases] + [c.tried for c in cases] + [n.text for n in Note.objects.all()]
    texts += [a.text for a in Agreement.objects.all()] + [c.scope for c in Consent.objects.all()]
    assert all(not pii.find_personal_data(text) for text in texts)
    owners = {(a.owner_org.slug, a.status) for a in Agreement.objects.select_related("owner_org")}
    assert owners == {
        ("nisa-4-nisa", "voorgesteld"), ("nisa-4-nisa", "open"), ("veilig-thuis-amsterdam-amstelland", "open"),
    }
    assert Lesson.objects.count() == 1


def test_loading_twice_changes_nothing(loaded):
    before = _counts()
    again = load_netwerkgroep()
    assert not again.changed
    assert _counts() == before


def test_load_demo_loads_the_netwerkgroep(db, capsys, monkeypatch):
    from domains.fixtures_loader import LoadResult
    from domains.management.commands import load_demo

    for other in ("load_actielijnen", "load_verhalen", "load_financiering"):  # their own tests cover them
        monkeypatch.setattr(load_demo, other, lambda **kwargs: LoadResult())
    call_command("load_demo")
    assert Schedule.objects.count() == 2 and Case.objects.count() == 4
    assert "Netwerkgroep:" in capsys.readouterr().out
    assert not AuditEvent.objects.filter(event__startswith="mail.").exists()


def _broken(tmp_path: Path, change) -> Path:
    directory = tmp_path / "fixtures"
    shutil.copytree(DEFAULT_DIRECTORY, directory)
    path = directory / NETWERKGROEP_FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return directory


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda d: d["schedules"][0].update(weekday="zondag"), "vergaderritme 'netwerkgroep-hgkm-nieuw-west': onbekende dag 'zondag'"),
        (lambda d: d["schedules"][1].update(body="programmateam"), "'programmateam' is geen netwerkgroep"),
        (lambda d: d["cases"][0].update(question="Een moeder met kinderen."), "voorbeeldcasus 'voorbeeld-nieuw': veld 'question' moet beginnen"),
        (lambda d: d["cases"][1].update(tried="Voorbeeld: bel 06-12345678."), "voorbeeldcasus 'voorbeeld-opvolgen': veld 'tried' bevat een persoonsgegeven"),
        (lambda d: d["cases"][2].update(bouwstenen=["geen"]), "onbekende bouwsteen 'geen'"),
        (lambda d: d["cases"][1]["agreements"][0].update(org="bestaat-niet"), "afspraak 1: onbekende organisatie"),
        (lambda d: d["cases"][0].update(colour="rood"), "onbekend veld 'colour'"),
    ],
)
def test_errors_name_file_and_entry(tmp_path, change, message):
    with pytest.raises(FixtureError) as exc:
        read_netwerkgroep(directory=_broken(tmp_path, change))
    assert NETWERKGROEP_FILE in str(exc.value) and message in str(exc.value)


def test_without_users_only_schedules_and_meetings(db):
    load_fixtures(with_users=False)
    load_netwerkgroep(with_users=False)
    assert Schedule.objects.count() == 2 and not Case.objects.exists()
    assert services.ensure_meetings() == 0
