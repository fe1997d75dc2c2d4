"""A card import job past its time limit (``IMPORT_JOB_SOFT_TIME_LIMIT``): the job fails with a message that
says so, the save's transaction leaves nothing behind, and the job can be started again."""

from __future__ import annotations

import pytest
from celery.exceptions import SoftTimeLimitExceeded

from actielijnen import imports, resources, tasks, views_transfer
from actielijnen.models import Actielijn, ImportJob
from tests.actielijnen.test_import_jobs import _csv, _job_url, _new_rows, _text, _upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_threshold(tmp_path, monkeypatch):
    monkeypatch.setattr(views_transfer, "UPLOAD_DIR", tmp_path / "imports")
    monkeypatch.setattr(imports, "SYNC_ROWS", 3)


@pytest.fixture
def team(client, people):
    client.force_login(people["programmateam"])
    return client


def test_import_task_is_declared_with_the_time_limits_of_the_settings(settings):
    assert tasks.run_import_job.soft_time_limit == settings.IMPORT_JOB_SOFT_TIME_LIMIT == 1800
    assert tasks.run_import_job.time_limit == settings.IMPORT_JOB_TIME_LIMIT == 1860


def test_a_save_past_the_time_limit_saves_nothing_says_why_and_can_be_restarted(
    team, card, monkeypatch, django_capture_on_commit_callbacks
):
    _upload(team, _csv(_new_rows(5)), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    real_apply = resources.apply_import

    def too_slow(sheet, **kwargs):
        real_apply(sheet, **kwargs)  # every row written inside the transaction, then the limit strikes
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(resources, "apply_import", too_slow)
    with django_capture_on_commit_callbacks(execute=True):
        team.post(_job_url(job, "import_job_confirm"))
    job.refresh_from_db()
    assert job.state == ImportJob.State.MISLUKT
    assert job.error == "De import duurde langer dan 30 minuten en is afgebroken; er is niets opgeslagen."
    text = _text(team.get(_job_url(job)))
    assert "De import duurde langer dan 30 minuten en is afgebroken" in text and "Opnieuw starten" in text
    assert not Actielijn.objects.filter(code__startswith="groot-").exists()

    monkeypatch.setattr(resources, "apply_import", real_apply)
    with django_capture_on_commit_callbacks(execute=True):
        team.post(_job_url(job, "import_job_restart"))
    job.refresh_from_db()
    assert (job.state, job.phase) == (ImportJob.State.KLAAR, ImportJob.Phase.OPSLAAN)
    assert Actielijn.objects.filter(code__startswith="groot-").count() == 5
