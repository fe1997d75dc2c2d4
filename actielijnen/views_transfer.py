"""Spreadsheet export and import of action-line cards (issue 3 item 5); programme team only.

Import is two steps. A file of more than ``imports.SYNC_ROWS`` rows passes the same checks and then runs
as a Celery job with a progress page (``actielijnen/imports.py``; the views at the end of this module);
what follows describes a small file, which stays in the request. The upload is checked before parsing (size, type by content, macros,
uncompressed size, rows; DECISIONS 22, 23), then planned as a dry run that writes nothing and shows
every row. The checked file waits in a private temporary folder under a random name whose token
lives only in the uploader's session (a large file's job keeps it instead, never a path); confirming plans the same file again
inside one transaction and saves all rows or none. The file is deleted after confirming, after a
refusal, and by the next visit once it is older than ``UPLOAD_TTL``. With several application
servers the folder must be shared between them (``tempfile.gettempdir()``, set with ``TMPDIR``).
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
import time
from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from actielijnen import imports, resources, selectors
from actielijnen.models import ImportJob, Status
from samennw import audit, rights
from samennw.spreadsheets import (
    CSV,
    MAX_ROWS,
    XLSX,
    SpreadsheetRefused,
    TooManyRows,
    check_upload,
    read_sheet,
    too_many_rows,
    write_csv,
    write_xlsx,
)

UPLOAD_DIR = Path(tempfile.gettempdir()) / "samennw-imports"
UPLOAD_TTL = 60 * 60  # seconds a checked file waits for confirmation
SESSION_KEY = "actielijnen_import"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")

CONTENT_TYPES = {
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    CSV: "text/csv; charset=utf-8",
}


class ImportForm(forms.Form):
    bestand = forms.FileField(
        label=gettext_lazy("Spreadsheet met kaarten"),
        help_text=gettext_lazy(
            "Een .xlsx- of .csv-bestand (UTF-8) met de kolommen van de export, hoogstens 10 MB en 10.000 rijen."
        ),
        widget=forms.FileInput(attrs={"accept": ".xlsx,.csv"}),
    )


# --- export -------------------------------------------------------------------------------------

@login_required
@require_GET
def export_cards(request):
    """All cards the user may see, or those of one domain and/or status, as XLSX or CSV (neutralised)."""
    rights.require(request.user, "actielijnen.export")
    kind = CSV if request.GET.get("formaat") == CSV else XLSX
    queryset = selectors.cards_for(request.user)
    filters = {}
    if domein := request.GET.get("domein", "").strip():
        queryset = queryset.filter(domain__slug=domein)
        filters["domein"] = domein
    if (status := request.GET.get("status", "").strip()) and status in Status.values:
        queryset = queryset.filter(status=status)
        filters["status"] = status
    headers, rows = resources.export_rows(queryset)
    rows = list(rows)
    body = write_xlsx(headers, rows, title="Actielijnen") if kind == XLSX else write_csv(headers, rows)
    audit.record(
        "cards.exported", actor=request.user, ip_address=audit.client_ip(request),
        count=len(rows), format=kind, filters=filters,
    )
    response = HttpResponse(body, content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="actielijnen-{timezone.localdate():%Y-%m-%d}.{kind}"'
    response["Cache-Control"] = "no-store"
    return response


# --- the waiting file ---------------------------------------------------------------------------

def _purge_expired() -> None:
    if not UPLOAD_DIR.is_dir():
        return
    limit = time.time() - UPLOAD_TTL
    for path in UPLOAD_DIR.iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except FileNotFoundError:
            continue


def _store(upload, kind: str) -> tuple[str, Path]:
    UPLOAD_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    path = UPLOAD_DIR / f"{token}.{kind}"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        upload.seek(0)
        for chunk in upload.chunks():
            out.write(chunk)
    return token, path


def _waiting(request) -> tuple[Path, dict] | None:
    """The checked file of this session, if it is still there and not expired."""
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict) or data.get("kind") not in (XLSX, CSV) or not _TOKEN.match(str(data.get("token", ""))):
        return None
    path = UPLOAD_DIR / f"{data['token']}.{data['kind']}"
    if time.time() - float(data.get("created", 0)) > UPLOAD_TTL or not path.is_file():
        _discard(request)
        return None
    return path, data


def _discard(request, path: Path | None = None) -> None:
    data = request.session.pop(SESSION_KEY, None)
    if path is None and isinstance(data, dict) and _TOKEN.match(str(data.get("token", ""))) and data.get("kind") in (XLSX, CSV):
        path = UPLOAD_DIR / f"{data['token']}.{data['kind']}"
    if path is not None:
        path.unlink(missing_ok=True)


def _read(path: Path, kind: str, *, max_rows: int = MAX_ROWS):
    with path.open("rb") as handle:
        return read_sheet(handle, kind, max_rows=max_rows)


# --- import -------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def import_cards(request):
    """Upload form; on upload the bounded checks and a dry run whose outcome is shown per row."""
    rights.require(request.user, "actielijnen.import")
    _purge_expired()
    if request.method != "POST":
        return render(request, "actielijnen/import.html", {"form": ImportForm()})
    _discard(request)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "actielijnen/import.html", {"form": form}, status=400)
    upload = form.cleaned_data["bestand"]
    try:
        kind = check_upload(upload)
    except SpreadsheetRefused as exc:
        form.add_error("bestand", str(exc))
        return render(request, "actielijnen/import.html", {"form": form}, status=400)
    token, path = _store(upload, kind)
    try:
        sheet = _read(path, kind, max_rows=imports.SYNC_ROWS)
    except TooManyRows as exc:  # a large file: checked the same way, planned and saved by a job
        return _start_job(request, form, upload=upload, token=token, kind=kind, path=path, headers=exc.headers)
    except SpreadsheetRefused as exc:
        path.unlink(missing_ok=True)
        form.add_error("bestand", str(exc))
        return render(request, "actielijnen/import.html", {"form": form}, status=400)
    plan = resources.plan_import(sheet)
    if plan.header_errors:
        path.unlink(missing_ok=True)
        for message in plan.header_errors:
            form.add_error("bestand", message)
        return render(request, "actielijnen/import.html", {"form": form}, status=400)
    if plan.has_errors:
        path.unlink(missing_ok=True)
    else:
        request.session[SESSION_KEY] = {
            "token": token, "kind": kind, "created": time.time(), "digest": plan.digest, "name": upload.name[:200],
        }
    return render(
        request,
        "actielijnen/import_preview.html",
        {"plan": plan, "rows": resources.rows_in_order(plan), "can_confirm": not plan.has_errors,
         "file_name": upload.name, "form": ImportForm()},
        status=200 if not plan.has_errors else 400,
    )


@login_required
@require_POST
def import_confirm(request):
    """Save the checked file for real: all rows or none, through the card services."""
    rights.require(request.user, "actielijnen.import")
    waiting = _waiting(request)
    if waiting is None:
        messages.error(request, _("Er staat geen gecontroleerd bestand klaar (meer). Laad het bestand opnieuw."))
        return redirect("actielijnen:import")
    path, data = waiting
    try:
        plan = resources.apply_import(_read(path, data["kind"]), by=request.user, expected_digest=data.get("digest"))
    except resources.ImportRefused as exc:
        messages.error(request, str(exc))
        context = {"plan": exc.plan, "rows": resources.rows_in_order(exc.plan) if exc.plan else [],
                   "can_confirm": False, "file_name": data.get("name", ""), "form": ImportForm()}
        return render(request, "actielijnen/import_preview.html", context, status=409)
    except (SpreadsheetRefused, ValidationError) as exc:
        messages.error(request, _("Er is niets opgeslagen: %(reason)s") % {"reason": " ".join(getattr(exc, "messages", [str(exc)]))})
        return redirect("actielijnen:import")
    finally:
        _discard(request, path)
    messages.success(
        request,
        _("Import opgeslagen: %(new)s nieuw, %(changed)s gewijzigd, %(unchanged)s ongewijzigd.")
        % {"new": plan.count(resources.NEW), "changed": plan.count(resources.CHANGED),
           "unchanged": plan.count(resources.UNCHANGED)},
    )
    return redirect("actielijnen:import")


# --- large imports: a job with a progress page ----------------------------------------------------

def _start_job(request, form, *, upload, token: str, kind: str, path: Path, headers: list[str]):
    """The header is checked here, at once; the rows by the job, whose page the uploader is sent to."""
    try:
        _check_row_limit(path, kind)
    except SpreadsheetRefused as exc:
        path.unlink(missing_ok=True)
        form.add_error("bestand", str(exc))
        return render(request, "actielijnen/import.html", {"form": form}, status=400)
    header_errors = resources.check_headers(headers)
    if header_errors:
        path.unlink(missing_ok=True)
        for message in header_errors:
            form.add_error("bestand", message)
        return render(request, "actielijnen/import.html", {"form": form}, status=400)
    job = imports.start_job(
        by=request.user, token=token, kind=kind, file_name=upload.name, language=translation.get_language() or "nl",
    )
    job.refresh_from_db()  # handed over on commit: the queue may have refused it already
    if job.state == ImportJob.State.MISLUKT:
        messages.error(request, _("De import is niet gestart: %(reason)s") % {"reason": job.error})
    return redirect("actielijnen:import_job", code=job.code)


def _check_row_limit(path: Path, kind: str) -> None:
    """The row limit, still at the upload for a large file: a CSV is read whole (fast); an XLSX is judged by
    the size its worksheet declares, since reading it is the slow part the job is for. The job's own read
    enforces the limit exactly either way."""
    if kind == CSV:
        _read(path, kind)
        return
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken workbook
        raise SpreadsheetRefused(_("Dit is geen spreadsheet: de werkmap kan niet worden gelezen.")) from exc
    try:
        declared = workbook.worksheets[0].max_row or 0
    finally:
        workbook.close()
    if declared - 1 > MAX_ROWS:
        raise too_many_rows(MAX_ROWS, [])


def _job(request, code: str, *, with_report: bool = True) -> ImportJob:
    """The requester's own job; anyone else's, like a missing one, is a 404."""
    rights.require(request.user, "actielijnen.import")
    jobs = imports.jobs_for(request.user)
    if not with_report:
        jobs = jobs.defer("report")  # the status fragment: a fixed number of queries whatever the rows
    job = jobs.filter(code=code).first()
    if job is None:
        raise Http404
    return imports.expire_if_stale(job)


def _state_key(job: ImportJob) -> str:
    return f"{job.state}{job.phase}{job.total_rows > 0}"


def _progress_context(job: ImportJob, *, seen: str | None = None) -> dict:
    return {
        "job": job,
        "state_key": _state_key(job),
        # htmx: the status sentence (a live region that stays in the page) is sent again only when it changed.
        "status_changed": seen != _state_key(job),
        "can_restart": imports.can_restart(job),
    }


def _job_page(request, job: ImportJob):
    report = job.report or {}
    if report.get("rows") and (job.state != ImportJob.State.KLAAR or job.phase == ImportJob.Phase.CONTROLE):
        # The plan is done (or the save was refused): the same preview as a small file, per row.
        return render(request, "actielijnen/import_preview.html", {
            **_progress_context(job), "plan": report, "rows": report["rows"], "file_name": job.file_name,
            "form": ImportForm(), "job_error": job.error if job.state == ImportJob.State.MISLUKT else "",
            "can_confirm": job.state == ImportJob.State.KLAAR and not report.get("has_errors"),
            "confirm_url": reverse("actielijnen:import_job_confirm", kwargs={"code": job.code}),
        })
    return render(request, "actielijnen/import_job.html", {
        **_progress_context(job), "header_errors": report.get("header_errors", []), "counts": report.get("counts", {}),
    })


@login_required
@require_GET
def import_job(request, code: str):
    """A large import: its progress while it runs (polled by htmx, or the "Vernieuwen" link), then its preview
    with the confirm button, then its result."""
    return _job_page(request, _job(request, code))


@login_required
@require_GET
def import_job_status(request, code: str):
    """The progress fragment for htmx polling; once the job stops, the page reloads itself to show the outcome.
    A plain request (a bookmark, no JavaScript) gets the whole page."""
    if not request.htmx:
        return _job_page(request, _job(request, code))
    job = _job(request, code, with_report=False)
    if not job.is_active:
        return HttpResponseClientRefresh()
    context = _progress_context(job, seen=request.GET.get("gezien", "")[:40])
    return render(request, "actielijnen/_import_job_progress.html", {**context, "oob": True})


@login_required
@require_POST
def import_job_confirm(request, code: str):
    """Save a planned large import: queued as the job's second step, all rows or none."""
    job = _job(request, code, with_report=False)
    try:
        job = imports.confirm_job(by=request.user, job=job)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        job.refresh_from_db()
        if job.state == ImportJob.State.MISLUKT:
            messages.error(request, _("Het opslaan is niet gestart: %(reason)s") % {"reason": job.error})
    return redirect("actielijnen:import_job", code=code)


@login_required
@require_POST
def import_job_restart(request, code: str):
    """Start a failed job again where it stopped (its worker died or the queue was down)."""
    job = _job(request, code, with_report=False)
    try:
        imports.restart_job(by=request.user, job=job)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("De import is opnieuw gestart."))
    return redirect("actielijnen:import_job", code=code)
