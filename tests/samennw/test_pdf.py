"""PDF printouts: WeasyPrint renders, and its fetcher serves only static files (DECISIONS 20)."""

from __future__ import annotations

import socket

import pytest

from samennw import pdf

BASE = "http://testserver/"


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """Any attempt to open a socket fails the test: the PDF build must never reach the network."""

    def refuse(*args, **kwargs):
        raise AssertionError("the PDF build tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_renders_a_pdf():
    assert pdf.render_pdf("<h1>Besluitenlijst</h1><p>Tekst</p>", base_url=BASE).startswith(b"%PDF")


def test_static_css_is_served_and_foreign_urls_are_refused():
    fetcher = pdf.static_only_fetcher(base_url=BASE)
    html = (
        '<link rel="stylesheet" href="/static/snw/print.css">'
        '<h1>Agendapakket</h1>'
        '<img src="http://example.com/x.png" alt="">'
        '<img src="file:///etc/passwd" alt="">'
        '<img src="/static/../../../../etc/passwd" alt="">'
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="">'
    )
    assert pdf.render_pdf(html, base_url=BASE, url_fetcher=fetcher).startswith(b"%PDF")
    assert fetcher.served == ["http://testserver/static/snw/print.css"]
    assert "http://example.com/x.png" in fetcher.refused
    assert "file:///etc/passwd" in fetcher.refused
    assert len(fetcher.refused) == 4


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/x.png",
        "https://example.com/static/snw/print.css",
        "file:///etc/passwd",
        "http://testserver/media/voorstellen/x.pdf",
        "http://testserver/static/../../etc/passwd",
        "http://testserver/static/snw/does-not-exist.css",
        "data:text/plain,hallo",
        "ftp://testserver/static/snw/print.css",
    ],
)
def test_fetcher_refuses_everything_but_static_files(url):
    fetcher = pdf.static_only_fetcher(base_url=BASE)
    with pytest.raises(ValueError, match="refused"):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_fetcher_serves_a_static_file():
    response = pdf.static_only_fetcher(base_url=BASE).fetch("http://testserver/static/snw/print.css")
    assert b"@page" in response.read()
    assert response.content_type == "text/css"


def test_pdf_response_is_an_attachment(rf):
    response = pdf.pdf_response(rf.get("/"), "components/fallback_note.html", {}, "besluitenlijst 2026.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="besluitenlijst2026.pdf"'
    assert response.content.startswith(b"%PDF")


def test_missing_libraries_give_a_clear_message(rf, monkeypatch):
    def unavailable(*args, **kwargs):
        raise pdf.PdfUnavailable(pdf.MISSING_PACKAGES)

    monkeypatch.setattr(pdf, "render_pdf", unavailable)
    response = pdf.pdf_response(rf.get("/"), "components/fallback_note.html", {}, "x.pdf")
    assert response.status_code == 503
    assert "libpango" in response.content.decode()
