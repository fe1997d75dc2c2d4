"""PDF printouts (besluitenlijst, agendapakket) rendered by WeasyPrint, never reaching outside the portal.

DECISIONS 20: with WeasyPrint's default fetcher, HTML that an editor wrote can pull any local file
(``file:///proc/self/environ``) or any network address into the PDF. Here the fetcher serves only
the portal's own static files, found through ``django.contrib.staticfiles.finders`` (or in
``STATIC_ROOT`` after collectstatic), and refuses everything else: other hosts, ``file://``,
``data:``, redirects (nothing is ever fetched over the network, so nothing can redirect).

DECISIONS 26: WeasyPrint needs Pango. It is imported only when a PDF is built, so the portal starts
without it and the PDF view answers with a clear message naming the missing packages.
"""

from __future__ import annotations

import calendar
import datetime
import mimetypes
import os
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

MISSING_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core"


class PdfUnavailable(RuntimeError):
    """WeasyPrint or the system libraries it needs are not installed."""


def _static_roots() -> list[Path]:
    roots = [Path(p).resolve() for p in getattr(settings, "STATICFILES_DIRS", [])]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


def static_file_for(url: str, *, base_url: str) -> Path:
    """The static file a URL points at, or ValueError when the URL is anything else.

    Only ``<base_url origin>/static/...`` (or a bare ``/static/...`` path) is accepted; the file must
    resolve inside a static root, so ``..`` and symlinks out of it are refused too.
    """
    parts = urlsplit(url)
    base = urlsplit(base_url)
    foreign = parts.scheme not in ("http", "https") or (parts.scheme, parts.netloc) != (base.scheme, base.netloc)
    if (parts.scheme or parts.netloc) and foreign:
        raise ValueError(f"refused (not the portal's own static files): {url[:200]}")
    path = unquote(parts.path)
    static_url = urlsplit(settings.STATIC_URL).path
    if not path.startswith(static_url):
        raise ValueError(f"refused (not under {static_url}): {url[:200]}")
    relative = posixpath.normpath(path[len(static_url):])
    if relative.startswith(("..", "/")) or relative in ("", "."):
        raise ValueError(f"refused (outside the static files): {url[:200]}")
    found = finders.find(relative)
    candidates = [Path(found)] if found else []
    if settings.STATIC_ROOT:
        candidates.append(Path(settings.STATIC_ROOT) / relative)
    roots = _static_roots()
    for candidate in candidates:
        resolved = candidate.resolve()
        if resolved.is_file() and any(resolved.is_relative_to(root) for root in roots):
            return resolved
    raise ValueError(f"refused (no such static file): {url[:200]}")


def media_file_for(url: str, *, base_url: str, allowed: dict[str, Path]) -> Path | None:
    """The uploaded file for ``url`` when the caller allowed exactly that path (e.g. the photos of the
    jaarbeeld's stories); ``None`` otherwise. Media is never served by directory: an attachment of a
    funding proposal lives under the same root and must stay out of every PDF."""
    if not allowed:
        return None
    parts = urlsplit(url)
    base = urlsplit(base_url)
    if (parts.scheme or parts.netloc) and (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        return None
    path = allowed.get(unquote(parts.path))
    if path is None:
        return None
    if not path.is_file():
        raise ValueError(f"refused (missing media file): {url[:200]}")
    return path


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Serves the portal's static files from disk; raises ValueError for every other URL."""

        def __init__(self, *, base_url: str, media: dict[str, Path] | None = None):
            super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=False)
            self.base_url = base_url
            self.media = media or {}
            self.refused: list[str] = []
            self.served: list[str] = []

        def fetch(self, url, headers=None):
            try:
                path = media_file_for(url, base_url=self.base_url, allowed=self.media) or static_file_for(url, base_url=self.base_url)
            except ValueError:
                self.refused.append(url)
                raise
            self.served.append(url)
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime})

    return StaticOnlyFetcher


def static_only_fetcher(*, base_url: str, media: dict[str, Path] | None = None):
    """A WeasyPrint URL fetcher that only serves static files and the listed media files (see the module docstring)."""
    try:
        return _fetcher_class()(base_url=base_url, media=media)
    except (ImportError, OSError) as exc:
        raise PdfUnavailable(MISSING_PACKAGES) from exc


def render_pdf(html: str, *, base_url: str, url_fetcher=None) -> bytes:
    """The PDF of ``html``; relative URLs resolve against ``base_url`` (the portal's own address)."""
    fetcher = url_fetcher or static_only_fetcher(base_url=base_url)
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:
        raise PdfUnavailable(MISSING_PACKAGES) from exc
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf()


def render_pdf_pages(
    html: str, *, base_url: str, media: dict[str, Path] | None = None, source_date: datetime.date | None = None
) -> tuple[bytes, int, list[str]]:
    """The PDF of ``html``, its page count and the URLs the fetcher refused (a missing photo shows up there).

    ``source_date`` makes the bytes reproducible: fontTools stamps every embedded font subset with "now"
    unless ``SOURCE_DATE_EPOCH`` says otherwise, so the same HTML gave a different PDF each second.
    """
    fetcher = static_only_fetcher(base_url=base_url, media=media)
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:
        raise PdfUnavailable(MISSING_PACKAGES) from exc
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    if source_date is not None:
        os.environ["SOURCE_DATE_EPOCH"] = str(calendar.timegm(source_date.timetuple()))
    try:
        document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render()
        return document.write_pdf(), len(document.pages), list(fetcher.refused)
    finally:
        if source_date is not None:
            if previous is None:
                os.environ.pop("SOURCE_DATE_EPOCH", None)
            else:
                os.environ["SOURCE_DATE_EPOCH"] = previous


def pdf_response(request, template: str, context: dict, filename: str) -> HttpResponse:
    """Render ``template`` to a PDF download; a clear 503 when the PDF libraries are missing."""
    html = render_to_string(template, context, request=request)
    try:
        pdf = render_pdf(html, base_url=request.build_absolute_uri("/"))
    except PdfUnavailable as exc:
        message = _("De PDF kan niet worden gemaakt: op de server ontbreken de pakketten %(packages)s.") % {"packages": exc}
        return HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    safe_name = "".join(c for c in filename if c.isalnum() or c in "-_.") or "document.pdf"
    response["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    response["Cache-Control"] = "private, no-store"
    return response
