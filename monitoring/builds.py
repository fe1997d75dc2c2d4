"""Building a jaarbeeld edition into a numbered version: an HTML file and a PDF (issue 7 items 3-5).

``start_build`` queues a version (one transaction, the edition row locked; the database allows one
queued or running build per edition). The Celery task ``monitoring.tasks.build_jaarbeeld`` calls
``run_build``, which

1. claims the build (state "bezig", its worker's name, a heartbeat), or does nothing when the build is
   already complete, failed, or held by a live worker elsewhere (a build started twice never runs twice);
2. walks through ``STEPS``, writing the step and a log line after each one so the editor's page can show
   "stap x van y" while it runs;
3. writes both files under random names and only then, in one transaction that checks it still owns the
   build, marks it "klaar" with the file names. A worker killed anywhere before that leaves no complete
   version: the row stays "bezig" until it is found stale (its worker process is gone, or no heartbeat
   for ``STALE_AFTER``), and the build can run again from the start.

Reproducibility (item 4): the document is rendered from a snapshot of everything it shows; the snapshot's
sha256 is the data version, printed in the report with the day it was built. The same data on the same
day gives byte-identical HTML and PDF (no ids, times or random names in the document; the PDF's
metadata date is the build day).

Language (item 5): the whole render runs under ``translation.override(build.language)``; editorial
texts use their English column where written and fall back to Dutch (modeltranslation), which the
preflight warns about.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import logging
import mimetypes
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import Max, Prefetch, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monitoring import jaarbeeld as editions
from monitoring.models import Build, Edition, EditionBlock
from samennw import audit, pdf, public_cache, queue, rights

logger = logging.getLogger(__name__)

STEPS = (
    ("controle", gettext_lazy("Invoer controleren")),
    ("gegevens", gettext_lazy("Gegevens verzamelen")),
    ("html", gettext_lazy("HTML opmaken")),
    ("pdf", gettext_lazy("PDF opmaken")),
    ("opslaan", gettext_lazy("Bestanden opslaan")),
    ("afronden", gettext_lazy("Versie afronden")),
)
STEP_LABELS = dict(STEPS)
STALE_AFTER = datetime.timedelta(minutes=10)
QUEUED_STALE_AFTER = queue.QUEUED_STALE_AFTER
# Errors a retry may cure: the database or the broker was away for a moment.
TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
CSS_FILES = ("snw/jaarbeeld-print.css", "snw/jaarbeeld-indicators.css")
LANGUAGE_NAMES = {"nl": gettext_lazy("Nederlands"), "en": gettext_lazy("Engels")}


class Abandoned(Exception):
    """This worker no longer owns the build (someone found it stale and moved on)."""


# --- checks before a build ---------------------------------------------------------------------

@dataclass
class Preflight:
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _image_path(story) -> Path | None:
    if not story.image:
        return None
    try:
        path = Path(default_storage.path(story.image.name))
    except NotImplementedError:  # a remote storage: the fetcher cannot read it from disk
        return None
    return path


def preflight(edition: Edition, *, language: str, draft: bool = False) -> Preflight:
    """What stops a build (``problems``) and what the editor should know (``warnings``).

    Refused: a story that is not published or whose photo lacks alt text (DECISIONS 18; a concept build
    only warns), a photo whose file is gone, and an edition with nothing to show (a year without texts,
    stories or data).
    """
    result = Preflight()
    stories = list(edition.stories.select_related("story").order_by("order"))
    for chosen in stories:
        story_issues = editions.story_problems(chosen.story)
        (result.warnings if draft else result.problems).extend(story_issues)
        path = _image_path(chosen.story)
        if chosen.story.image and (path is None or not path.is_file()):
            result.problems.append(
                _("De foto bij “%(title)s” is niet gevonden (%(name)s); upload hem opnieuw of haal hem weg.")
                % {"title": chosen.story.title, "name": Path(chosen.story.image.name).name}
            )
    shown = _shown_blocks(edition, draft=draft)
    with_data = [data for _block, data in shown if data is not None and data.available]
    texts = [edition.voorwoord, edition.introduction, edition.money_text]
    if not any((text or "").strip() for text in texts) and not stories and not with_data:
        result.problems.append(
            _("Over %(year)s staat er nog niets in dit jaarbeeld: geen teksten, geen verhalen en geen blokken met gegevens.")
            % {"year": edition.report_year}
        )
    for block, data in shown:
        if data is not None and not data.available:
            result.warnings.append(
                _("Het blok “%(block)s” heeft geen gegevens over deze periode; het jaarbeeld zegt dat.") % {"block": block.get_kind_display()}
            )
    if not draft:
        for block in edition.blocks.all():
            if block.enabled and not block.is_approved:
                result.warnings.append(
                    _("Het blok “%(block)s” staat aan maar is niet goedgekeurd en komt er niet in.") % {"block": block.get_kind_display()}
                )
    if language != settings.LANGUAGE_CODE:
        missing = [
            label for name, label in (
                ("title", _("titel")), ("voorwoord", _("voorwoord")), ("introduction", _("wie we zijn en wat we doen")),
                ("money_text", _("zo zetten we middelen in")),
            )
            if (getattr(edition, f"{name}_nl") or "").strip() and not (getattr(edition, f"{name}_{language}") or "").strip()
        ]
        if missing:
            result.warnings.append(
                _("Nog niet vertaald, deze delen verschijnen in het Nederlands: %(parts)s.") % {"parts": ", ".join(missing)}
            )
    return result


def _shown_blocks(edition: Edition, *, draft: bool):
    """The blocks a build shows: approved ones (final), or every enabled or available one (concept)."""
    if not draft:
        return editions.document_blocks(edition, preview=False)
    shown = []
    blocks = {block.kind: block for block in edition.blocks.all()}
    for kind in EditionBlock.Kind.values:
        block = blocks.get(kind) or EditionBlock(edition=edition, kind=kind)
        data = editions.block_data(edition, kind)
        if block.enabled or data.available:
            shown.append((block, data))
    return shown


# --- queueing ----------------------------------------------------------------------------------

worker_id = queue.worker_id


def is_stale(build: Build, *, now: datetime.datetime | None = None) -> bool:
    """A running build whose worker is gone (no heartbeat for ``STALE_AFTER``, or its process on this host died),
    or a queued one no worker took within ``QUEUED_STALE_AFTER``."""
    now = now or timezone.now()
    if build.state == Build.State.WACHTEND:
        # queued (or requeued after a transient error) and not taken again: the job was lost on the way,
        # since the broker would have delivered it again after its visibility timeout of 15 minutes
        return now - (build.heartbeat_at or build.requested_at) > QUEUED_STALE_AFTER
    if build.heartbeat_at is None or now - build.heartbeat_at > STALE_AFTER:
        return True
    return queue.worker_gone(build.worker)


def _event(kind: str, **params: Any) -> dict[str, Any]:
    return {"at": timezone.now().isoformat(timespec="seconds"), "event": kind, **params}


def _abandon(build: Build, reason: str) -> None:
    build.state = Build.State.MISLUKT
    build.error = reason
    build.finished_at = timezone.now()
    build.log = [*build.log, _event("abandoned", worker=build.worker)]
    build.save(update_fields=["state", "error", "finished_at", "log"])


def _queue_down(build_id: int, error: Exception) -> None:
    """The broker did not take the job: the version fails at once with a message, so it can be started again."""
    fail(
        build_id, reason=f"queue: {type(error).__name__}",
        message=str(_("de wachtrij (Redis) was niet bereikbaar. Start de versie opnieuw als die weer werkt.")),
    )


def start_build(*, by, edition: Edition, language: str, draft: bool = False, system: bool = False) -> Build:
    """Queue a new version of ``edition`` in ``language``; the job starts when the transaction commits.

    Refused with a clear message when a build of this edition is queued or running (never two builds at
    once; a stale one is marked failed first), or when the preflight finds a problem.
    """
    from monitoring import tasks

    if not system and not rights.can(by, "monitoring.build_jaarbeeld"):
        raise ValidationError(rights.why_not(by, "monitoring.build_jaarbeeld"), code="forbidden")
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Onbekende taal: kies Nederlands of Engels."), code="language")
    try:
        with transaction.atomic():
            locked = Edition.objects.select_for_update().get(pk=edition.pk)
            for active in Build.objects.select_for_update().filter(edition=locked, state__in=Build.ACTIVE):
                if not is_stale(active):
                    raise ValidationError(
                        _("Er wordt al een versie van dit jaarbeeld opgebouwd (versie %(number)s). Wacht tot die klaar is; "
                          "daarna kun je opnieuw bouwen.") % {"number": active.number},
                        code="busy",
                    )
                _abandon(active, "stale")
            check = preflight(locked, language=language, draft=draft)
            if check.problems:
                raise ValidationError(check.problems, code="preflight")
            number = (Build.objects.filter(edition=locked).aggregate(n=Max("number"))["n"] or 0) + 1
            build = Build.objects.create(
                edition=locked, number=number, language=language, is_draft=draft, requested_by=by if not system else None,
                total_steps=len(STEPS), log=[_event("queued", warnings=check.warnings)],
            )
            audit.record("jaarbeeld.build_started", actor=by, target=locked, number=number, language=language, draft=draft)
            queue.enqueue_on_commit(tasks.build_jaarbeeld, build.pk, fallback=lambda error: _queue_down(build.pk, error))
    except IntegrityError as exc:  # two requests in the same instant: the constraint lets one through
        raise ValidationError(_("Er wordt al een versie van dit jaarbeeld opgebouwd. Wacht tot die klaar is."), code="busy") from exc
    return build


# --- the job -----------------------------------------------------------------------------------

def _claim(build_id: int, me: str) -> Build | None:
    with transaction.atomic():
        build = Build.objects.select_for_update().select_related("edition").filter(pk=build_id).first()
        if build is None or build.state in (Build.State.KLAAR, Build.State.MISLUKT):
            return None
        if build.state == Build.State.BEZIG and build.worker != me and not is_stale(build):
            build.log = [*build.log, _event("refused", worker=build.worker)]
            build.save(update_fields=["log"])
            return None
        now = timezone.now()
        build.state = Build.State.BEZIG
        build.attempts += 1
        build.worker = me
        build.started_at = build.started_at or now
        build.heartbeat_at = now
        build.step = 0
        build.step_label = ""
        build.error = ""
        build.log = [*build.log, _event("claimed", attempt=build.attempts)]
        build.save()
        return build


def _progress(build: Build, me: str, step: str, **params: Any) -> None:
    """Record the step (its own small transaction, so the progress bar sees it at once)."""
    build.step = [key for key, _label in STEPS].index(step) + 1
    build.step_label = step
    build.heartbeat_at = timezone.now()
    build.log = [*build.log, _event("step", step=step, **params)]
    updated = Build.objects.filter(pk=build.pk, worker=me, state=Build.State.BEZIG).update(
        step=build.step, step_label=step, heartbeat_at=build.heartbeat_at, log=build.log
    )
    if not updated:
        raise Abandoned


def _note(build: Build, me: str, kind: str, **params: Any) -> None:
    build.log = [*build.log, _event(kind, **params)]
    Build.objects.filter(pk=build.pk, worker=me).update(log=build.log)


def fail(build_id: int, *, reason: str, message: str) -> None:
    """Mark a build failed (permanently), with a message for the editor; its files, if any, are removed."""
    with transaction.atomic():
        build = Build.objects.select_for_update().filter(pk=build_id).first()
        if build is None or build.state in (Build.State.KLAAR, Build.State.MISLUKT):
            return
        build.state = Build.State.MISLUKT
        build.error = reason[:2000]
        build.finished_at = timezone.now()
        build.log = [*build.log, _event("failed", message=message)]
        build.save(update_fields=["state", "error", "finished_at", "log"])


def requeue(build_id: int, *, reason: str, countdown: int) -> None:
    """After a transient error: back to the queue, with a log line; the task retries after ``countdown`` s."""
    Build.objects.filter(pk=build_id, state=Build.State.BEZIG).update(state=Build.State.WACHTEND, error=reason[:2000])
    build = Build.objects.filter(pk=build_id).first()
    if build is not None:
        Build.objects.filter(pk=build_id).update(log=[*build.log, _event("retry", countdown=countdown)])


def run_build(build_id: int) -> Build | None:
    """Build one version (see the module docstring); returns the build when this call completed it."""
    me = worker_id()
    build = _claim(build_id, me)
    if build is None:
        return None
    saved: list[str] = []
    try:
        edition = build.edition
        _progress(build, me, "controle")
        with translation.override(build.language):
            check = preflight(edition, language=build.language, draft=build.is_draft)
            if check.problems:
                fail(build.pk, reason="preflight", message=" ".join(check.problems))
                return None
            _progress(build, me, "gegevens")
            context, media = document_snapshot(edition, language=build.language, draft=build.is_draft)
            _progress(build, me, "html", data_version=context["data_version"][:12])
            started = time.perf_counter()
            html = render_document(context)
            html_seconds = time.perf_counter() - started
            _progress(build, me, "pdf")
            started = time.perf_counter()
            pdf_bytes, pages, refused = pdf.render_pdf_pages(
                html, base_url=PDF_BASE_URL, media=media, source_date=context["built_on"]
            )
            pdf_seconds = time.perf_counter() - started
        if refused:
            fail(build.pk, reason="refused: " + " ".join(refused), message=_("Een afbeelding kon niet worden geladen; controleer de foto's."))
            return None
        if pages < 1 or not pdf_bytes.startswith(b"%PDF"):
            fail(build.pk, reason="empty pdf", message=_("De PDF is leeg gebleven."))
            return None
        _progress(build, me, "opslaan", pages=pages)
        standalone = inline_media(html, media)
        stem = f"v{build.number}-{build.language}-{secrets.token_hex(8)}"
        saved.append(default_storage.save(build_path(build, f"{stem}.html"), ContentFile(standalone.encode())))
        saved.append(default_storage.save(build_path(build, f"{stem}.pdf"), ContentFile(pdf_bytes)))
        _progress(build, me, "afronden")
        with transaction.atomic():
            current = Build.objects.select_for_update().get(pk=build.pk)
            if current.worker != me or current.state != Build.State.BEZIG:
                raise Abandoned
            current.html_file.name, current.pdf_file.name = saved
            current.html_size, current.pdf_size = len(standalone.encode()), len(pdf_bytes)
            current.pdf_pages = pages
            current.html_seconds, current.pdf_seconds = round(html_seconds, 3), round(pdf_seconds, 3)
            current.data_version = context["data_version"]
            current.state = Build.State.KLAAR
            current.finished_at = timezone.now()
            current.log = [*build.log, _event("done", pages=pages, html_size=current.html_size, pdf_size=current.pdf_size)]
            current.save()
            audit.record("jaarbeeld.build_done", target=edition, number=current.number, data_version=current.data_version)
        return current
    except Abandoned:
        _remove(saved)
        return None
    except TRANSIENT:
        _remove(saved)
        raise
    except SoftTimeLimitExceeded:
        timed_out(build_id, saved)
        return None
    except pdf.PdfUnavailable as exc:
        _remove(saved)
        fail(build_id, reason=f"PdfUnavailable: {exc}", message=_("Op de server ontbreken de pakketten voor PDF: %(packages)s.") % {"packages": exc})
        return None
    except Exception as exc:  # a bug: the build fails visibly, the traceback goes to the log for the maintainers
        _remove(saved)
        logger.exception("jaarbeeld build %s failed", build_id)
        fail(build_id, reason=f"{type(exc).__name__}: {exc}", message=_("Onverwachte fout bij het opbouwen; de beheerder ziet de details."))
        return None


def timed_out(build_id: int, saved: list[str] | None = None) -> None:
    """The build ran past ``settings.JAARBEELD_BUILD_SOFT_TIME_LIMIT`` (Celery raised ``SoftTimeLimitExceeded``):
    it fails for good, not as a transient error to retry (a second try would take as long), and the files it
    wrote go. A build that was marked complete in the very last instant keeps its files."""
    minutes = settings.JAARBEELD_BUILD_SOFT_TIME_LIMIT // 60
    fail(
        build_id, reason=f"SoftTimeLimitExceeded: {settings.JAARBEELD_BUILD_SOFT_TIME_LIMIT} s",
        message=_("De opbouw duurde langer dan %(minutes)s minuten en is afgebroken.") % {"minutes": minutes},
    )
    if not Build.objects.filter(pk=build_id, state=Build.State.KLAAR).exists():
        _remove(saved or [])


def _remove(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("could not remove %s", name)


def build_path(build: Build, filename: str) -> str:
    return Build._meta.get_field("html_file").generate_filename(build, filename)


# --- the document ------------------------------------------------------------------------------

PDF_BASE_URL = "https://jaarbeeld.invalid/"  # relative URLs resolve here; the fetcher serves only static and listed media


def _css() -> str:
    parts = []
    for name in CSS_FILES:
        found = finders.find(name)
        if found:
            parts.append(Path(found).read_text(encoding="utf-8"))
    return "\n".join(parts)


def _digest_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _snapshot_value(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _snapshot_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_snapshot_value(v) for v in value]
    if isinstance(value, int | float | bool) or value is None:
        return value
    return str(value)


def document_snapshot(edition: Edition, *, language: str, draft: bool) -> tuple[dict[str, Any], dict[str, Path]]:
    """The template context of a build and the media files it may load; ``data_version`` is the sha256 of
    everything the document shows, so the same data gives the same version."""
    stories = list(edition.stories.select_related("story__domain").order_by("order"))
    blocks = _shown_blocks(edition, draft=draft)
    media: dict[str, Path] = {}
    story_rows = []
    for chosen in stories:
        story = chosen.story
        image_hash = ""
        path = _image_path(story)
        if story.image and path is not None:
            media[story.image.url] = path
            image_hash = _digest_file(path)
        story_rows.append([
            chosen.order, chosen.shown_title, story.summary, story.body, story.domain.name if story.domain else "",
            story.image.name if story.image else "", image_hash, story.image_alt, story.image_credit,
        ])
    edition_fields = [
        "title", "voorwoord", "voorwoord_author", "voorwoord_author_role", "introduction", "money_text", "colofon",
        "report_year", "publication_year", "period_start", "period_end", "as_of",
    ]
    snapshot = {
        "language": language,
        "draft": draft,
        "edition": {name: getattr(edition, name) for name in edition_fields},
        "stories": story_rows,
        "blocks": [[block.kind, block.note, data.__dict__ if data is not None else None] for block, data in blocks],
    }
    canonical = json.dumps(_snapshot_value(snapshot), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    data_version = hashlib.sha256(canonical.encode()).hexdigest()
    context = {
        "edition": edition,
        "stories": stories,
        "blocks": blocks,
        "preview": draft,
        "draft": draft,
        "language": language,
        "built_on": timezone.localdate(),
        "data_version": data_version,
        "css": _css(),
    }
    return context, media


def render_document(context: dict[str, Any]) -> str:
    return render_to_string("monitoring/jaarbeeld/build_document.html", context)


_SRC = re.compile(r'src="([^"]+)"')


def inline_media(html: str, media: dict[str, Path]) -> str:
    """The HTML file stands on its own: the photos it shows are embedded as data: URLs."""

    def replace(match: re.Match) -> str:
        path = media.get(match.group(1))
        if path is None or not path.is_file():
            return match.group(0)
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return f'src="data:{mime};base64,{base64.b64encode(path.read_bytes()).decode()}"'

    return _SRC.sub(replace, html)


# --- publishing and reading --------------------------------------------------------------------

@transaction.atomic
def publish_build(*, by, build: Build) -> Build:
    """Make ``build`` the public version of its edition in its language (the previous one stays downloadable
    for the programme team). Only a complete, final version whose stories still meet the rules."""
    if not rights.can(by, "monitoring.publish_jaarbeeld"):
        raise ValidationError(rights.why_not(by, "monitoring.publish_jaarbeeld"), code="forbidden")
    locked = Build.objects.select_for_update().select_related("edition").get(pk=build.pk)
    if locked.state != Build.State.KLAAR:
        raise ValidationError(_("Alleen een afgeronde versie kan worden gepubliceerd."), code="not_complete")
    if locked.is_draft:
        raise ValidationError(_("Een conceptversie kan niet worden gepubliceerd; bouw eerst een definitieve versie."), code="draft")
    if locked.published_at is not None:
        return locked
    problems = []
    for chosen in locked.edition.stories.select_related("story"):
        problems += editions.story_problems(chosen.story)
    if problems:
        raise ValidationError(problems, code="stories")
    Build.objects.filter(edition=locked.edition, language=locked.language, published_at__isnull=False).update(
        published_at=None, published_by=None
    )
    locked.published_at = timezone.now()
    locked.published_by = by
    locked.save(update_fields=["published_at", "published_by"])
    Edition.objects.filter(pk=locked.edition_id).update(status=Edition.Status.GEPUBLICEERD)
    audit.record("jaarbeeld.published", actor=by, target=locked.edition, number=locked.number, language=locked.language)
    public_cache.bump_on_commit()
    return locked


def builds_of(edition: Edition) -> QuerySet[Build]:
    return edition.builds.select_related("requested_by", "published_by").order_by("-number")


def published_editions() -> list[Edition]:
    """Editions with a public version, newest first, each with ``public_builds`` (one per language)."""
    published = Build.objects.filter(published_at__isnull=False).order_by("language")
    return list(
        Edition.objects.filter(builds__published_at__isnull=False).distinct().order_by("-report_year")
        .prefetch_related(Prefetch("builds", queryset=published, to_attr="public_builds"))
    )


def log_lines(build: Build) -> list[tuple[str, str]]:
    """The build's log as (time, sentence) in the reader's language."""
    lines = []
    for entry in build.log:
        at = entry.get("at", "")
        at = timezone.localtime(datetime.datetime.fromisoformat(at)).strftime("%H:%M:%S") if at else ""
        kind = entry.get("event")
        if kind == "queued":
            text = _("In de wachtrij gezet.")
            for warning in entry.get("warnings", []):
                lines.append((at, _("Let op: %(warning)s") % {"warning": warning}))
        elif kind == "claimed":
            text = _("Poging %(n)s begonnen.") % {"n": entry.get("attempt", 1)}
        elif kind == "step":
            text = _("Stap: %(label)s.") % {"label": STEP_LABELS.get(entry.get("step"), entry.get("step"))}
            if entry.get("data_version"):
                text += " " + _("Gegevensversie %(version)s.") % {"version": entry["data_version"]}
            if entry.get("pages"):
                text += " " + _("%(pages)s pagina's.") % {"pages": entry["pages"]}
        elif kind == "retry":
            text = _("Tijdelijke storing; nieuwe poging over %(seconds)s seconden.") % {"seconds": entry.get("countdown")}
        elif kind == "refused":
            text = _("Een tweede start is geweigerd: deze versie wordt al opgebouwd.")
        elif kind == "abandoned":
            text = _("Afgebroken: de worker gaf geen teken van leven meer.")
        elif kind == "failed":
            text = _("Mislukt: %(message)s") % {"message": entry.get("message", "")}
        elif kind == "done":
            text = _("Klaar.")
        else:
            text = str(kind)
        lines.append((at, text))
    return lines
