"""Large card imports as a Celery job (``ImportJob``): the dry run and the save outside the web request.

Why: the dry run of 5,000 changed cards takes 30-36 s and saving costs about 37 s per 1,000 changed and
52 s per 1,000 new cards (README, "Benchmarks"), while gunicorn kills a request after 30 s. A file of at
most ``SYNC_ROWS`` rows stays in the request (``views_transfer.import_cards``); a larger one becomes a job:

1. ``start_job`` (the upload passed the same checks as a small one and waits in the same private folder)
   creates the job and queues ``actielijnen.tasks.run_import_job`` once the transaction commits;
2. ``run_job`` claims the job (state "bezig", its worker, a heartbeat) and plans the file as the small path
   does (``resources.plan_import``), writing the rows done every ``resources.PROGRESS_EVERY`` rows in a quick
   UPDATE of its own; the report (per row: outcome, changed columns, errors, notes) is stored in the job;
3. ``confirm_job`` queues the second step, which saves through ``resources.apply_import``: one transaction,
   all rows or none, refused when a card changed since the preview (``digest``). Rows saved inside that
   transaction are invisible to other connections, so the page shows an indeterminate bar, not a count;
4. a worker that died leaves no half-saved import (the transaction rolls back); its job is found stale (no
   heartbeat for ``STALE_AFTER``, or its process on this host is gone) and can be started again.

The file's token is kept in the job, never a path; the folder is the import page's
(``views_transfer.UPLOAD_DIR``) and files older than ``views_transfer.UPLOAD_TTL`` are removed there.
"""

from __future__ import annotations

import datetime
import logging
import os
import secrets
import time
from pathlib import Path
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from actielijnen import resources
from actielijnen.models import ImportJob
from samennw import audit, queue, rights
from samennw.spreadsheets import SpreadsheetRefused, read_sheet

logger = logging.getLogger(__name__)

# At or below this many rows the import stays in the request. Measured (README): planning costs 6-7 ms a
# row, saving 37 ms a changed and 52 ms a new card, and confirming plans again. 200 new cards: about 1.4 s
# for the dry run and 200 x (52 + 7) ms = 12 s for the confirm, well inside gunicorn's 30 s on a busier or
# slower server; 500 would already be about 30 s.
SYNC_ROWS = 200
STALE_AFTER = datetime.timedelta(minutes=5)  # a planning worker reports every 50 rows, well under a second
QUEUED_STALE_AFTER = queue.QUEUED_STALE_AFTER
# While saving, the heartbeat cannot be seen (one transaction): allow twice the measured 52 ms per new card.
APPLY_SECONDS_PER_ROW = 0.1


class Abandoned(Exception):
    """This worker no longer owns the job (it was found stale and started again)."""


def jobs_for(user) -> QuerySet[ImportJob]:
    """The import jobs ``user`` may see: their own, and only while they hold the import right."""
    if not rights.can(user, "actielijnen.import"):
        return ImportJob.objects.none()
    return ImportJob.objects.filter(requested_by=user)


def file_path(job: ImportJob) -> Path:
    from actielijnen import views_transfer  # the one folder of waiting files, shared with the small path

    return views_transfer.UPLOAD_DIR / f"{job.file_token}.{job.file_kind}"


def file_waiting(job: ImportJob) -> bool:
    """The checked file is still there and not older than the import page's time limit."""
    from actielijnen import views_transfer

    path = file_path(job)
    try:
        return time.time() - path.stat().st_mtime <= views_transfer.UPLOAD_TTL
    except FileNotFoundError:
        return False


def _remove_file(job: ImportJob) -> None:
    file_path(job).unlink(missing_ok=True)


worker_id = queue.worker_id


def is_stale(job: ImportJob, *, now: datetime.datetime | None = None) -> bool:
    """A queued job no worker took within ``QUEUED_STALE_AFTER``, or a running one whose worker is gone."""
    now = now or timezone.now()
    if job.state == ImportJob.State.WACHTEND:
        return now - (job.heartbeat_at or job.created_at) > QUEUED_STALE_AFTER
    if job.state != ImportJob.State.BEZIG:
        return False
    limit = STALE_AFTER
    if job.phase == ImportJob.Phase.OPSLAAN:
        limit += datetime.timedelta(seconds=job.total_rows * APPLY_SECONDS_PER_ROW)
    if job.heartbeat_at is None or now - job.heartbeat_at > limit:
        return True
    return queue.worker_gone(job.worker)


def _fail(job_id: int, message: str, *, report: dict | None = None) -> None:
    """Mark the job failed with a message for the uploader (and, after a refused save, its row report)."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state in (ImportJob.State.KLAAR, ImportJob.State.MISLUKT):
            return
        job.state = ImportJob.State.MISLUKT
        job.error = message
        job.finished_at = timezone.now()
        fields = ["state", "error", "finished_at"]
        if report is not None:
            job.report = report
            fields.append("report")
        job.save(update_fields=fields)


def expire_if_stale(job: ImportJob) -> ImportJob:
    """Show a job whose worker died as failed (so it can be started again); returns the job as it is now."""
    if job.is_active and is_stale(job):
        _fail(job.pk, _("de verwerking is gestopt: de worker gaf geen teken van leven meer. Er is niets opgeslagen."))
        job.refresh_from_db()
    return job


def _queue_down(job_id: int, error: Exception) -> None:
    """The broker did not take the job: it fails at once with a message, so it can be started again."""
    logger.warning("import job %s not queued: %s", job_id, type(error).__name__)
    _fail(job_id, _("de wachtrij (Redis) was niet bereikbaar. Start de import opnieuw als die weer werkt."))


def _enqueue(job: ImportJob) -> None:
    from actielijnen import tasks

    queue.enqueue_on_commit(tasks.run_import_job, job.pk, fallback=lambda error: _queue_down(job.pk, error))


def start_job(*, by, token: str, kind: str, file_name: str, language: str) -> ImportJob:
    """Queue the dry run of a checked file of more than ``SYNC_ROWS`` rows; it starts once this commits."""
    rights.require(by, "actielijnen.import")
    with transaction.atomic():
        job = ImportJob(
            code=secrets.token_urlsafe(15), requested_by=by, file_token=token, file_kind=kind,
            file_name=file_name[:200], language=language[:8], heartbeat_at=timezone.now(),
        )
        job.full_clean()
        job.save()
        audit.record("cards.import_job_started", actor=by, target=job, file_name=job.file_name)
        _enqueue(job)
    return job


def confirm_job(*, by, job: ImportJob) -> ImportJob:
    """Queue the save of a planned job without errors: all rows or none, in one transaction (DECISIONS 22)."""
    rights.require(by, "actielijnen.import")
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk, requested_by=by)
        if locked.phase != ImportJob.Phase.CONTROLE or locked.state != ImportJob.State.KLAAR:
            raise ValidationError(_("Deze import is al bevestigd of nog niet gecontroleerd."), code="state")
        if locked.report.get("has_errors"):
            raise ValidationError(_("Het bestand bevat fouten; verbeter ze en laad het opnieuw."), code="errors")
        if not file_waiting(locked):
            raise ValidationError(_("Het gecontroleerde bestand staat niet meer klaar. Laad het opnieuw."), code="gone")
        locked.phase = ImportJob.Phase.OPSLAAN
        locked.state = ImportJob.State.WACHTEND
        locked.done_rows = 0
        locked.error = ""
        locked.worker = ""
        locked.heartbeat_at = timezone.now()
        locked.started_at = locked.finished_at = None
        locked.save()
        _enqueue(locked)
    return locked


def can_restart(job: ImportJob) -> bool:
    return job.state == ImportJob.State.MISLUKT and file_waiting(job)


def restart_job(*, by, job: ImportJob) -> ImportJob:
    """Queue a failed job again (its worker died or the queue was down), in the phase where it stopped."""
    rights.require(by, "actielijnen.import")
    with transaction.atomic():
        locked = expire_if_stale(ImportJob.objects.select_for_update().get(pk=job.pk, requested_by=by))
        if not can_restart(locked):
            raise ValidationError(
                _("Deze import kan niet opnieuw worden gestart; laad het bestand opnieuw."), code="not_restartable"
            )
        locked.state = ImportJob.State.WACHTEND
        locked.done_rows = 0
        locked.error = ""
        locked.worker = ""
        locked.heartbeat_at = timezone.now()
        locked.finished_at = None
        locked.save()
        _enqueue(locked)
    return locked


# --- the job -----------------------------------------------------------------------------------

def _claim(job_id: int, me: str) -> ImportJob | None:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("requested_by").filter(pk=job_id).first()
        if job is None or job.state in (ImportJob.State.KLAAR, ImportJob.State.MISLUKT):
            return None
        if job.state == ImportJob.State.BEZIG and job.worker != me and not is_stale(job):
            return None  # delivered twice: the live worker keeps it
        now = timezone.now()
        job.state = ImportJob.State.BEZIG
        job.worker = me
        job.started_at = now
        job.heartbeat_at = now
        job.done_rows = 0
        job.save(update_fields=["state", "worker", "started_at", "heartbeat_at", "done_rows"])
        return job


def _beat(job: ImportJob, me: str, **fields: Any) -> None:
    """Progress and heartbeat in a quick UPDATE of its own, so the progress bar sees it at once."""
    if not ImportJob.objects.filter(pk=job.pk, worker=me, state=ImportJob.State.BEZIG).update(
        heartbeat_at=timezone.now(), **fields
    ):
        raise Abandoned


def report_of(plan: resources.ImportPlan) -> dict[str, Any]:
    """What the preview shows, as JSON: counts, header errors and per row outcome, columns, errors, notes."""
    return {
        "header_errors": list(plan.header_errors),
        "has_errors": plan.has_errors,
        "counts": plan.counts,
        "rows": [
            {"row": r.row, "code": r.code, "action": r.action, "changed": r.changed,
             "errors": [str(e) for e in r.errors], "notes": [str(n) for n in r.notes]}
            for r in resources.rows_in_order(plan)
        ],
    }


def _read(job: ImportJob):
    path = file_path(job)
    try:
        with path.open("rb") as handle:
            return read_sheet(handle, job.file_kind)
    except FileNotFoundError as exc:
        raise SpreadsheetRefused(_("Het bestand staat niet meer klaar; laad het opnieuw.")) from exc


def _plan(job: ImportJob, me: str) -> None:
    sheet = _read(job)
    _beat(job, me, total_rows=len(sheet.rows))
    plan = resources.plan_import(sheet, progress=lambda done: _beat(job, me, done_rows=done))
    report = report_of(plan)
    if plan.has_errors:
        _remove_file(job)
    else:
        os.utime(file_path(job))  # the time to confirm counts from the preview
    updated = ImportJob.objects.filter(pk=job.pk, worker=me, state=ImportJob.State.BEZIG).update(
        state=ImportJob.State.KLAAR, report=report, digest=plan.digest, done_rows=len(plan.rows),
        total_rows=len(plan.rows), finished_at=timezone.now(), heartbeat_at=timezone.now(),
    )
    if not updated:
        raise Abandoned


def _apply(job: ImportJob, me: str) -> None:
    sheet = _read(job)
    _beat(job, me, total_rows=len(sheet.rows))
    try:
        with transaction.atomic():
            plan = resources.apply_import(sheet, by=job.requested_by, expected_digest=job.digest)
            # Still ours? Otherwise the job was given up and started again: roll everything back.
            current = ImportJob.objects.select_for_update().get(pk=job.pk)
            if current.worker != me or current.state != ImportJob.State.BEZIG:
                raise Abandoned
            current.state = ImportJob.State.KLAAR
            current.report = report_of(plan)
            current.done_rows = len(plan.rows)
            current.finished_at = timezone.now()
            current.save(update_fields=["state", "report", "done_rows", "finished_at"])
    except resources.ImportRefused as exc:
        _remove_file(job)
        _fail(job.pk, str(exc), report=report_of(exc.plan) if exc.plan else None)
        return
    _remove_file(job)


def run_job(job_id: int) -> str:
    """Run the job's current phase (see the module docstring); returns what happened, for the task result."""
    me = worker_id()
    job = _claim(job_id, me)
    if job is None:
        return "skipped"
    try:
        with translation.override(job.language):
            if job.phase == ImportJob.Phase.CONTROLE:
                _plan(job, me)
            else:
                _apply(job, me)
    except Abandoned:
        return "abandoned"
    except (SpreadsheetRefused, ValidationError) as exc:
        _remove_file(job)
        with translation.override(job.language):
            reason = " ".join(getattr(exc, "messages", None) or [str(exc)])
            _fail(job.pk, _("Er is niets opgeslagen: %(reason)s") % {"reason": reason})
        return "failed"
    except SoftTimeLimitExceeded:  # past settings.IMPORT_JOB_SOFT_TIME_LIMIT; the save's transaction rolled back
        with translation.override(job.language):
            _fail(job.pk, _("De import duurde langer dan %(minutes)s minuten en is afgebroken; er is niets opgeslagen.")
                  % {"minutes": settings.IMPORT_JOB_SOFT_TIME_LIMIT // 60})
        return "failed"
    except Exception:  # a bug: the job fails visibly, the traceback goes to the log for the maintainers
        logger.exception("import job %s failed", job_id)
        with translation.override(job.language):
            _fail(job.pk, _("Onverwachte fout bij de import; er is niets opgeslagen. De beheerder ziet de details."))
        return "failed"
    return "done"
