"""Large card imports as a Celery job (actielijnen/imports.py): above ``SYNC_ROWS`` rows the upload goes to a
job page with progress, the job plans and shows the same preview, confirming saves all rows or none; only the
requester sees the job; a dead worker or an unreachable queue gives a clear message and a way to start again.

``SYNC_ROWS`` is lowered to 3 here, so a file of a handful of rows takes the job path (the real threshold is
about cost, not behaviour); Celery runs eagerly, and the on-commit hand-over is executed explicitly.
"""

from __future__ import annotations

import csv
import datetime
import html
import io
from pathlib import Path

import openpyxl
import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actielijnen import imports, resources, tasks, views_transfer
from actielijnen.models import Actielijn, ImportJob
from samennw.models import AuditEvent


@pytest.fixture(autouse=True)
def _small_threshold(tmp_path, monkeypatch):
    monkeypatch.setattr(views_transfer, "UPLOAD_DIR", tmp_path / "imports")
    monkeypatch.setattr(imports, "SYNC_ROWS", 3)


@pytest.fixture
def team(client, people):
    client.force_login(people["programmateam"])
    return client


def _row(code: str, title: str, **cells) -> list[str]:
    row = [""] * len(resources.COLUMNS)
    row[resources.COLUMNS.index("Code")] = code
    row[resources.COLUMNS.index("Domein")] = "veiligheid"
    row[resources.COLUMNS.index("Actielijn")] = title
    for column, value in cells.items():
        row[resources.COLUMNS.index(column)] = value
    return row


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([resources.COLUMNS, *rows])
    return out.getvalue().encode("utf-8")


def _new_rows(n: int, **cells) -> list[list[str]]:
    return [_row(f"groot-{i}", f"Kaart {i}", **cells) for i in range(1, n + 1)]


def _upload(client, content: bytes, capture, *, execute: bool = True):
    with capture(execute=execute):
        return client.post(reverse("actielijnen:import"), {"bestand": SimpleUploadedFile("groot.csv", content)})


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _job_url(job: ImportJob, name: str = "import_job") -> str:
    return reverse(f"actielijnen:{name}", kwargs={"code": job.code})


@pytest.mark.django_db
def test_a_file_at_the_threshold_stays_in_the_request(team, card, django_capture_on_commit_callbacks):
    response = _upload(team, _csv(_new_rows(3)), django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "actielijnen/import_preview.html"
    assert not ImportJob.objects.exists()
    assert views_transfer.SESSION_KEY in team.session


@pytest.mark.django_db
def test_a_large_file_is_planned_by_a_job_then_saved_all_at_once(
    team, card, people, tmp_path, django_capture_on_commit_callbacks
):
    rows = [_row(card.code, "Nieuwe titel"), *_new_rows(4, Aanvoerder="aanvoerder")]
    response = _upload(team, _csv(rows), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == _job_url(job)
    assert job.requested_by == people["programmateam"]
    assert (job.state, job.total_rows, job.done_rows) == (ImportJob.State.KLAAR, 5, 5)
    assert str(tmp_path) not in str(job.__dict__)  # the token only, never where the file is

    page = team.get(_job_url(job))
    text = _text(page)
    assert "4 nieuwe kaarten" in text and "1 gewijzigde kaart" in text
    assert "groot-4" in text and "Verandert: Opgaveteam, Actielijn," in text
    assert f'action="{_job_url(job, "import_job_confirm")}"' in text
    assert not Actielijn.objects.filter(code__startswith="groot-").exists()  # the plan writes nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = team.post(_job_url(job, "import_job_confirm"))
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.state, job.phase) == (ImportJob.State.KLAAR, ImportJob.Phase.OPSLAAN)
    assert "Import opgeslagen: 4 nieuw, 1 gewijzigd, 0 ongewijzigd." in _text(team.get(_job_url(job)))
    assert Actielijn.objects.filter(code__startswith="groot-", aanvoerder=people["aanvoerder"]).count() == 4
    card.refresh_from_db()
    assert card.title_nl == "Nieuwe titel"
    assert AuditEvent.objects.get(event="cards.imported").details["created"] == 4
    assert list((tmp_path / "imports").iterdir()) == []  # the waiting file is gone

    again = team.post(_job_url(job, "import_job_confirm"), follow=True)
    assert "al bevestigd" in _text(again)
    assert Actielijn.objects.filter(code__startswith="groot-").count() == 4


@pytest.mark.django_db
def test_the_job_page_shows_progress_and_polls_until_done(team, card, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        team.post(reverse("actielijnen:import"), {"bestand": SimpleUploadedFile("groot.csv", _csv(_new_rows(5)))})
    job = ImportJob.objects.get()
    text = _text(team.get(_job_url(job)))
    assert "In de wachtrij." in text
    assert "<progress" in text and 'hx-trigger="every 1s"' in text
    assert f'href="{_job_url(job)}">Vernieuwen</a>' in text

    fragment = team.get(_job_url(job, "import_job_status"), HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and "<progress" in fragment.content.decode()
    assert "<html" not in fragment.content.decode()

    for callback in callbacks:
        callback()
    done = team.get(_job_url(job, "import_job_status"), HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"  # the page reloads and shows the preview
    assert "Import bevestigen" in _text(team.get(_job_url(job)))


@pytest.mark.django_db
def test_a_bad_row_is_shown_and_nothing_can_be_confirmed(team, card, django_capture_on_commit_callbacks):
    rows = _new_rows(4)
    rows[2][resources.COLUMNS.index("Domein")] = "bestaat-niet"
    _upload(team, _csv(rows), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    text = _text(team.get(_job_url(job)))
    assert "Rij 4, kolom 'Domein': onbekend domein 'bestaat-niet'" in text
    assert "Import bevestigen" not in text and "Er is niets opgeslagen" in text
    response = team.post(_job_url(job, "import_job_confirm"), follow=True)
    assert "Het bestand bevat fouten" in _text(response)
    assert not Actielijn.objects.filter(code__startswith="groot-").exists()


@pytest.mark.django_db
def test_a_row_that_fails_while_saving_saves_nothing_and_is_named(
    team, card, people, django_capture_on_commit_callbacks
):
    rows = _new_rows(5)
    rows[4][resources.COLUMNS.index("Aanvoerder")] = "aanvoerder"
    _upload(team, _csv(rows), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    # Between the preview and the save, the person named in row 6 leaves under another name.
    people["aanvoerder"].username = "vertrokken"
    people["aanvoerder"].save()
    with django_capture_on_commit_callbacks(execute=True):
        team.post(_job_url(job, "import_job_confirm"))
    job.refresh_from_db()
    assert job.state == ImportJob.State.MISLUKT
    text = _text(team.get(_job_url(job)))
    assert "Mislukt: Het bestand bevat fouten; er is niets opgeslagen." in text
    assert "Rij 6, kolom 'Aanvoerder': onbekende gebruikersnaam 'aanvoerder'" in text
    assert not Actielijn.objects.filter(code__startswith="groot-").exists()  # not even the four good rows
    assert not AuditEvent.objects.filter(event="cards.imported").exists()


@pytest.mark.django_db
def test_only_the_requester_sees_the_job(client, team, card, people, make_person, django_capture_on_commit_callbacks):
    _upload(team, _csv(_new_rows(5)), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    colleague = make_person("programmateam", username="collega")
    client.force_login(colleague)
    for name, method in [("import_job", "get"), ("import_job_status", "get"), ("import_job_confirm", "post"),
                         ("import_job_restart", "post")]:
        assert getattr(client, method)(_job_url(job, name)).status_code == 404, name
    client.force_login(people["aanvoerder"])  # without the import right at all
    assert client.get(_job_url(job)).status_code == 403
    job.refresh_from_db()
    assert job.phase == ImportJob.Phase.CONTROLE  # the colleague's confirm changed nothing


@pytest.mark.django_db
def test_a_job_whose_worker_died_shows_failed_and_can_be_restarted(team, card, django_capture_on_commit_callbacks):
    _upload(team, _csv(_new_rows(5)), django_capture_on_commit_callbacks, execute=False)
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.BEZIG, worker="elders:1", done_rows=50,
        heartbeat_at=timezone.now() - imports.STALE_AFTER - datetime.timedelta(seconds=1),
    )
    text = _text(team.get(_job_url(job)))
    assert "de worker gaf geen teken van leven meer" in text
    assert "Opnieuw starten" in text and 'hx-trigger' not in text
    job.refresh_from_db()
    assert job.state == ImportJob.State.MISLUKT

    with django_capture_on_commit_callbacks(execute=True):
        team.post(_job_url(job, "import_job_restart"))
    response = team.get(_job_url(job))
    assert "De import is opnieuw gestart." in _text(response)
    assert "5 nieuwe kaarten" in _text(response)
    job.refresh_from_db()
    assert (job.state, job.done_rows) == (ImportJob.State.KLAAR, 5)


@pytest.mark.django_db
def test_a_job_that_is_not_failed_cannot_be_restarted(team, card, django_capture_on_commit_callbacks):
    _upload(team, _csv(_new_rows(5)), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    response = team.post(_job_url(job, "import_job_restart"), follow=True)
    assert "kan niet opnieuw worden gestart" in _text(response)


@pytest.mark.django_db
def test_an_unreachable_queue_fails_the_job_with_a_clear_message(
    team, card, broker_down, django_capture_on_commit_callbacks
):
    response = _upload(team, _csv(_new_rows(5)), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert job.state == ImportJob.State.MISLUKT
    text = _text(team.get(_job_url(job)))
    assert "de wachtrij (Redis) was niet bereikbaar. Start de import opnieuw als die weer werkt." in text
    assert "Opnieuw starten" in text  # the file still waits
    assert not Actielijn.objects.filter(code__startswith="groot-").exists()


@pytest.mark.django_db
def test_a_wrong_header_is_refused_at_once(team, card, django_capture_on_commit_callbacks):
    content = _csv(_new_rows(5)).replace(b"Domein", b"Domain", 1)
    response = _upload(team, content, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert "Deze kolommen ontbreken: &#x27;Domein&#x27;" in response.content.decode()
    assert not ImportJob.objects.exists()


def _running_job(user, rows: int) -> ImportJob:
    report = {"has_errors": False, "counts": {}, "rows": [
        {"row": i, "code": f"k-{i}", "action": "nieuw", "changed": [], "errors": [], "notes": []} for i in range(rows)
    ]}
    return ImportJob.objects.create(
        code=f"taak-{rows}", requested_by=user, state=ImportJob.State.BEZIG, file_token="x" * 32, file_kind="csv",
        total_rows=rows, done_rows=rows // 2, report=report, worker=imports.worker_id(), heartbeat_at=timezone.now(),
    )


@pytest.mark.django_db
def test_the_status_fragment_costs_the_same_queries_for_any_number_of_rows(team, people):
    counts = []
    for rows in (10, 5_000):
        job = _running_job(people["programmateam"], rows)
        with CaptureQueriesContext(connection) as queries:
            response = team.get(_job_url(job, "import_job_status"), HTTP_HX_REQUEST="true")
        assert f"Rij {rows // 2} van {rows} gecontroleerd" in _text(response)
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_a_large_xlsx_file_takes_the_job_path_too(team, card, django_capture_on_commit_callbacks):
    workbook = openpyxl.Workbook()
    for row in [resources.COLUMNS, *_new_rows(6)]:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    with django_capture_on_commit_callbacks(execute=True):
        response = team.post(reverse("actielijnen:import"), {"bestand": SimpleUploadedFile("groot.xlsx", out.getvalue())})
    job = ImportJob.objects.get()
    assert response["Location"] == _job_url(job)
    assert (job.state, job.file_kind, job.total_rows) == (ImportJob.State.KLAAR, "xlsx", 6)
    assert "6 nieuwe kaarten" in _text(team.get(_job_url(job)))


def test_the_job_templates_have_no_inline_scripts_or_styles_and_no_meta_refresh():
    folder = Path(__file__).resolve().parents[2] / "templates" / "actielijnen"
    for name in ("import_job.html", "_import_job_progress.html"):
        text = (folder / name).read_text()
        assert "<script" not in text and "style=" not in text and "http-equiv" not in text


# --- the time limit (IMPORT_JOB_SOFT_TIME_LIMIT): fails with a message, saves nothing, can be restarted ---

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
