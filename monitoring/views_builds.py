"""Pages for the built versions of a jaarbeeld edition (issue 7 items 3-5): starting a build, following
its progress, publishing it and downloading its files.

The "Versies" section of the editor (``versions_context``, included by ``edition_edit.html``) shows what the
preflight says before a build starts, the start form and every version. A version's page shows a
``<progress>`` bar and the log; while the build is queued or running, the fragment asks for itself again
every second (htmx). The fragment stops polling by leaving out ``hx-trigger`` once the build is complete or
failed; without JavaScript the page has a plain "Vernieuwen" link (no meta refresh: WCAG 2.2.1).

Editions come only through ``monitoring.jaarbeeld.edition_for``: for anyone but the programme team an
edition, and so each of its versions, is a 404 like a missing one. Downloads are the exception: a published
version is public; an unpublished one is the same 404 as a missing one for anyone else
(``monitoring.view_jaarbeeld_build``). The built HTML is served with a Content-Security-Policy of its own
that allows only its inline style and embedded images.
"""

from __future__ import annotations

from csp.constants import NONE, UNSAFE_INLINE
from csp.decorators import csp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from monitoring import builds
from monitoring import jaarbeeld as service
from monitoring.models import Build, Edition
from samennw import rights

KINDS = {"definitief": False, "concept": True}
FORMATS = {"pdf": "application/pdf", "html": "text/html; charset=utf-8"}
# The built HTML carries its CSS inline and its photos as data: URLs; nothing else may load or run.
HTML_POLICY = {"default-src": [NONE], "style-src": [UNSAFE_INLINE], "img-src": ["data:"]}
PUBLIC_MAX_AGE = 600  # seconds; a withdrawn version must not outlive this in a shared cache


def _edition(request, year: int) -> Edition:
    try:
        return service.edition_for(request.user, year)
    except Edition.DoesNotExist as exc:
        raise Http404 from exc


def _build(request, year: int, number: int) -> Build:
    edition = _edition(request, year)
    build = builds.builds_of(edition).filter(number=number).first()
    if build is None:
        raise Http404
    build.edition = edition
    return build


def _versions_url(edition: Edition) -> str:
    return reverse("monitoring:edition", kwargs={"year": edition.report_year}) + "#versies"


def versions_context(request, edition: Edition) -> dict:
    """What ``monitoring/jaarbeeld/_builds.html`` needs: the versions and what a final build would meet now.

    The queries do not grow with the number of versions (``builds_of`` joins the people).
    """
    checks = [
        (code, builds.LANGUAGE_NAMES.get(code, name), builds.preflight(edition, language=code, draft=False))
        for code, name in settings.LANGUAGES
    ]
    versions = list(builds.builds_of(edition))
    for build in versions:
        build.language_name = builds.LANGUAGE_NAMES.get(build.language, build.language)
    return {
        "edition": edition,
        "builds": versions,
        "checks": checks,
        "languages": [(code, builds.LANGUAGE_NAMES.get(code, name)) for code, name in settings.LANGUAGES],
        "can_build": rights.can(request.user, "monitoring.build_jaarbeeld"),
        "can_publish": rights.can(request.user, "monitoring.publish_jaarbeeld"),
    }


@login_required
@require_POST
def build_start(request, year: int):
    """Queue a version (language, concept or final); ``start_build``'s refusals come back as messages."""
    edition = _edition(request, year)
    rights.require(request.user, "monitoring.build_jaarbeeld", edition)
    kind = request.POST.get("soort", "definitief")
    if kind not in KINDS:
        messages.error(request, _("Kies een definitieve versie of een concept."))
        return redirect(_versions_url(edition))
    try:
        build = builds.start_build(by=request.user, edition=edition, language=request.POST.get("taal", "")[:8], draft=KINDS[kind])
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return redirect(_versions_url(edition))
    build.refresh_from_db()  # the job was handed over on commit: the queue may have refused it already
    if build.state == Build.State.MISLUKT:
        messages.error(request, _("Versie %(number)s is mislukt: %(reason)s") % {"number": build.number, "reason": _failure(build)})
    else:
        messages.success(request, _("Versie %(number)s wordt opgebouwd.") % {"number": build.number})
    return redirect("monitoring:build", year=edition.report_year, number=build.number)


def _state_key(build: Build) -> str:
    return f"{build.state}{build.step}"


def _progress_context(request, build: Build, *, seen: str | None = None) -> dict:
    label = builds.STEP_LABELS.get(build.step_label, "")
    build.language_name = builds.LANGUAGE_NAMES.get(build.language, build.language)
    return {
        "build": build,
        "edition": build.edition,
        "log": builds.log_lines(build),
        "step_text": _("stap %(step)s van %(total)s: %(label)s") % {
            "step": build.step, "total": build.total_steps, "label": label or build.get_state_display().lower(),
        },
        "state_key": _state_key(build),
        # htmx: the status text (a live region that stays in the page) is sent again only when it changed.
        "status_changed": seen != _state_key(build),
        "can_publish": rights.can(request.user, "monitoring.publish_jaarbeeld")
        and build.state == Build.State.KLAAR and not build.is_draft and build.published_at is None,
        "error_message": _failure(build),
    }


def _failure(build: Build) -> str:
    if build.state != Build.State.MISLUKT:
        return ""
    for entry in reversed(build.log):
        if entry.get("event") == "failed":
            return entry.get("message", "")
        if entry.get("event") == "abandoned":
            return _("de worker gaf geen teken van leven meer.")
    return ""


@login_required
def build_detail(request, year: int, number: int):
    """A version's progress and log; the same page without JavaScript, refreshed by a link."""
    build = _build(request, year, number)
    rights.require(request.user, "monitoring.build_jaarbeeld", build.edition)
    return render(request, "monitoring/jaarbeeld/build_detail.html", _progress_context(request, build))


@login_required
def build_status(request, year: int, number: int):
    """The progress fragment for htmx polling; a plain request (a bookmark, no JavaScript) gets the whole page."""
    build = _build(request, year, number)
    rights.require(request.user, "monitoring.build_jaarbeeld", build.edition)
    if not request.htmx:
        return render(request, "monitoring/jaarbeeld/build_detail.html", _progress_context(request, build))
    context = _progress_context(request, build, seen=request.GET.get("gezien", "")[:20])
    return render(request, "monitoring/jaarbeeld/_build_progress.html", {**context, "oob": True})


@login_required
@require_POST
def build_publish(request, year: int, number: int):
    build = _build(request, year, number)
    rights.require(request.user, "monitoring.publish_jaarbeeld", build.edition)
    try:
        builds.publish_build(by=request.user, build=build)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(
            request,
            _("Versie %(number)s (%(language)s) is gepubliceerd en staat in het archief.")
            % {"number": build.number, "language": builds.LANGUAGE_NAMES.get(build.language, build.language)},
        )
    return redirect(_versions_url(build.edition))


def download_name(build: Build, fmt: str) -> str:
    return f"jaarbeeld-{build.edition.report_year}-{build.language}-v{build.number}.{fmt}"


@csp(HTML_POLICY)
def build_download(request, year: int, number: int, fmt: str):
    """The PDF (as attachment) or the HTML (inline, under its own strict policy) of one complete version."""
    if fmt not in FORMATS:
        raise Http404
    build = (
        Build.objects.select_related("edition")
        .filter(edition__report_year=year, number=number, state=Build.State.KLAAR)
        .first()
    )
    if build is None or not rights.can(request.user, "monitoring.view_jaarbeeld_build", build):
        raise Http404
    name = (build.pdf_file if fmt == "pdf" else build.html_file).name
    try:
        handle = default_storage.open(name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=fmt == "pdf", filename=download_name(build, fmt), content_type=FORMATS[fmt]
    )
    response["X-Content-Type-Options"] = "nosniff"
    if build.published_at is None:
        response["Cache-Control"] = "private, no-store"
    else:
        response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    return response
