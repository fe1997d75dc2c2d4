"""The pages of jaarbeeld versions (issue 7 items 3-5): the "Versies" section of the editor, a version's
progress page and its htmx fragment, publishing, downloads with their headers, and the public archive.
Every role gets the answer the rights table gives on every new URL; refusals come back as messages."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from monitoring import builds
from monitoring.models import Build
from tests.monitoring.test_jaarbeeld import YEAR, new_edition
from tests.monitoring.test_jaarbeeld_builds import build_now, written_edition

pytestmark = pytest.mark.django_db

ROLES = ["anoniem", "bewoner", "formeel", "regisseur", "bestuur", "aanvoerder", "programmateam"]
HTML_POLICY = {"default-src 'none'", "style-src 'unsafe-inline'", "img-src data:"}


def policy(response) -> set[str]:
    return {part.strip() for part in response["Content-Security-Policy"].split(";")}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def url(name: str, **kwargs) -> str:
    return reverse(f"monitoring:{name}", kwargs=kwargs)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


def login(client, people, kind: str) -> None:
    client.logout()
    if kind != "anoniem":
        client.force_login(people[kind])


@pytest.fixture
def versions(people, structure, django_capture_on_commit_callbacks):
    """An edition with a published final version 1 and an unpublished final version 2."""
    edition = written_edition(people, structure)
    published = build_now(people, edition, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        builds.publish_build(by=people["programmateam"], build=published)
    unpublished = build_now(people, edition, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert published.state == unpublished.state == Build.State.KLAAR
    return {"edition": edition, "published": published, "unpublished": unpublished}


# --- every role on every URL ----------------------------------------------------------------------

@pytest.mark.parametrize("kind", ROLES)
def test_each_role_gets_the_right_answer_on_every_url(client, people, versions, kind):
    login(client, people, kind)
    team, anonymous = kind == "programmateam", kind == "anoniem"
    closed = 302 if anonymous else 404  # the login page, or the same 404 as a missing edition
    v2 = {"year": YEAR, "number": 2}
    assert client.get(url("edition", year=YEAR)).status_code == (200 if team else closed)
    assert client.get(url("build", **v2)).status_code == (200 if team else closed)
    assert client.get(url("build_status", **v2), HTTP_HX_REQUEST="true").status_code == (200 if team else closed)
    assert client.post(url("build_publish", **v2)).status_code == (302 if team else closed)
    assert client.get(url("build_download", **v2, fmt="pdf")).status_code == (200 if team else 404)
    assert client.get(url("build_download", **v2, fmt="html")).status_code == (200 if team else 404)
    assert client.get(url("build_download", year=YEAR, number=1, fmt="pdf")).status_code == 200
    assert client.get(url("jaarbeeld")).status_code == 200
    before = Build.objects.count()
    response = client.post(url("build_start", year=YEAR), {"taal": "nl", "soort": "concept"})
    assert response.status_code == (302 if team else closed)
    assert Build.objects.count() == before + (1 if team else 0)
    if not team:
        assert Build.objects.get(number=2).published_at is None
    # GET on the POST-only URLs is refused for everyone who gets that far.
    if team:
        assert client.get(url("build_start", year=YEAR)).status_code == 405


def test_missing_version_or_year_is_a_404_for_the_programme_team(client, people, versions):
    client.force_login(people["programmateam"])
    assert client.get(url("build", year=YEAR, number=9)).status_code == 404
    assert client.get(url("build", year=1999, number=1)).status_code == 404
    assert client.get(url("build_download", year=YEAR, number=9, fmt="pdf")).status_code == 404
    assert client.post(url("build_start", year=1999), {"taal": "nl"}).status_code == 404


# --- the Versies section and starting a build -------------------------------------------------------

def test_start_a_build_from_the_editor_and_follow_it_to_complete(client, people, structure, django_capture_on_commit_callbacks):
    written_edition(people, structure)
    client.force_login(people["programmateam"])
    page = client.get(url("edition", year=YEAR)).content.decode()
    assert 'id="versies"' in page and "Er is nog geen versie gebouwd." in page
    assert f'action="{url("build_start", year=YEAR)}"' in page
    # The preflight speaks before the build: the English introduction is missing.
    assert "Nog niet vertaald" in page and "wie we zijn en wat we doen" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("build_start", year=YEAR), {"taal": "nl", "soort": "definitief"})
    assert response.status_code == 302 and response.url == url("build", year=YEAR, number=1)
    response = client.get(response.url)
    text = response.content.decode()
    assert "Versie 1 wordt opgebouwd." in messages_of(response)
    build = Build.objects.get()
    assert build.state == Build.State.KLAAR and not build.is_draft and build.language == "nl"
    assert f'<progress id="bouw-voortgang" class="snw-build__progress" max="{len(builds.STEPS)}" value="{len(builds.STEPS)}">' in text
    assert f"Stap {len(builds.STEPS)} van {len(builds.STEPS)}: Versie afronden" in text
    assert 'aria-live="polite"' in text and "Klaar: de versie is opgebouwd" in text
    assert "hx-trigger" not in text and 'http-equiv="refresh"' not in text
    assert "Stap: PDF opmaken." in text  # the log
    assert url("build_download", year=YEAR, number=1, fmt="pdf") in text
    assert f'action="{url("build_publish", year=YEAR, number=1)}"' in text
    # The list on the editor page: number, language, state, who, pages, size, data version, files, publish button.
    page = client.get(url("edition", year=YEAR)).content.decode()
    assert "Versie 1" in page and "Nederlands" in page and "Klaar" in page and "Demo Programmateam" in page
    assert build.data_version[:12] in page and build.data_version[:13] not in page
    assert f"{build.pdf_pages} pagina's" in page
    assert url("build_download", year=YEAR, number=1, fmt="html") in page
    assert f'action="{url("build_publish", year=YEAR, number=1)}"' in page


def test_concept_version_is_marked_and_has_no_publish_button(client, people, structure, django_capture_on_commit_callbacks):
    written_edition(people, structure)
    client.force_login(people["programmateam"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("build_start", year=YEAR), {"taal": "en", "soort": "concept"})
    build = Build.objects.get()
    assert build.is_draft and build.language == "en" and build.state == Build.State.KLAAR
    page = client.get(url("edition", year=YEAR)).content.decode()
    assert "concept" in page and "Engels" in page
    assert url("build_publish", year=YEAR, number=1) not in page
    response = client.post(url("build_publish", year=YEAR, number=1), follow=True)
    assert any("conceptversie kan niet worden gepubliceerd" in m for m in messages_of(response))
    assert Build.objects.get().published_at is None


@pytest.mark.django_db(transaction=True)  # real commits: the job is handed to the queue inside the request
def test_start_with_the_queue_down_says_so_and_can_start_again(client, people, structure, broker_down):
    """Redis down when the team starts a version: no 500, no version stuck "in de wachtrij"; a clear message."""
    written_edition(people, structure)
    client.force_login(people["programmateam"])
    response = client.post(url("build_start", year=YEAR), {"taal": "nl", "soort": "definitief"}, follow=True)
    assert response.status_code == 200
    assert any("Versie 1 is mislukt" in m and "wachtrij (Redis) was niet bereikbaar" in m for m in messages_of(response))
    failed = Build.objects.get()
    assert failed.state == Build.State.MISLUKT and not failed.html_file
    broker_down.conf.task_always_eager = True  # the queue is back
    response = client.post(url("build_start", year=YEAR), {"taal": "nl", "soort": "definitief"}, follow=True)
    assert any("Versie 2 wordt opgebouwd" in m for m in messages_of(response))
    assert Build.objects.get(number=2).state == Build.State.KLAAR


def test_beat_draft_shows_it_was_started_automatically(client, people, structure, django_capture_on_commit_callbacks):
    """The 15 January job starts drafts without a person: the pages say "automatisch" instead of failing."""
    edition = written_edition(people, structure)
    with django_capture_on_commit_callbacks(execute=True):
        builds.start_build(by=None, system=True, edition=edition, language="nl", draft=True)
    client.force_login(people["programmateam"])
    for page in (client.get(url("edition", year=YEAR)), client.get(url("build", year=YEAR, number=1))):
        assert page.status_code == 200
        assert "automatisch" in page.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"taal": "xx", "soort": "definitief"}, "Onbekende taal"),
        ({"taal": "nl", "soort": "half"}, "Kies een definitieve versie of een concept."),
    ],
)
def test_bad_start_input_gives_a_message(client, people, structure, data, message):
    written_edition(people, structure)
    client.force_login(people["programmateam"])
    response = client.post(url("build_start", year=YEAR), data, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == url("edition", year=YEAR) + "#versies"
    assert any(message in m for m in messages_of(response))
    assert not Build.objects.exists()


def test_year_without_data_is_refused_with_a_message(client, people):
    new_edition(people, year=2019)
    client.force_login(people["programmateam"])
    page = client.get(url("edition", year=2019)).content.decode()
    assert "Dit houdt de opbouw tegen:" in page and "Over 2019 staat er nog niets" in page
    response = client.post(url("build_start", year=2019), {"taal": "nl", "soort": "definitief"}, follow=True)
    assert any("Over 2019 staat er nog niets" in m for m in messages_of(response))
    assert not Build.objects.exists()


def test_double_start_is_refused_with_a_message(client, people, structure):
    edition = written_edition(people, structure)
    builds.start_build(by=people["programmateam"], edition=edition, language="nl")  # queued, the job not yet run
    client.force_login(people["programmateam"])
    response = client.post(url("build_start", year=YEAR), {"taal": "en", "soort": "definitief"}, follow=True)
    assert any("Er wordt al een versie van dit jaarbeeld opgebouwd (versie 1)" in m for m in messages_of(response))
    assert Build.objects.count() == 1
    # An unfinished version cannot be published either.
    response = client.post(url("build_publish", year=YEAR, number=1), follow=True)
    assert any("Alleen een afgeronde versie" in m for m in messages_of(response))


# --- progress: the htmx fragment and the page without JavaScript ---------------------------------------

def test_running_build_polls_with_htmx_and_stops_when_complete(client, people, structure, django_capture_on_commit_callbacks):
    edition = written_edition(people, structure)
    build = builds.start_build(by=people["programmateam"], edition=edition, language="nl")
    client.force_login(people["programmateam"])
    status_url = url("build_status", year=YEAR, number=1)

    page = client.get(url("build", year=YEAR, number=1)).content.decode()
    assert "<html" in page and "In de wachtrij." in page
    assert f'hx-get="{status_url}?gezien=wachtend0" hx-trigger="every 1s" hx-swap="outerHTML"' in page
    assert f'<a class="utrecht-link" href="{url("build", year=YEAR, number=1)}">Vernieuwen</a>' in page
    assert 'http-equiv="refresh"' not in page
    assert page.count('aria-live="polite"') == 1  # the status sentence only, not the log

    fragment = client.get(status_url + "?gezien=wachtend0", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and 'id="bouw-stand"' in fragment and 'hx-trigger="every 1s"' in fragment
    assert "hx-swap-oob" not in fragment  # the status did not change: the live region is left alone
    assert "Stap 0 van 6" in fragment and "<progress" in fragment

    Build.objects.filter(pk=build.pk).update(state=Build.State.BEZIG, step=3, step_label="html")
    fragment = client.get(status_url + "?gezien=wachtend0", HTTP_HX_REQUEST="true").content.decode()
    assert '<p id="bouw-status" hx-swap-oob="innerHTML">Bezig: stap 3 van 6: HTML opmaken.</p>' in fragment
    assert 'value="3"' in fragment and "gezien=bezig3" in fragment

    Build.objects.filter(pk=build.pk).update(state=Build.State.WACHTEND, step=0, step_label="")
    with django_capture_on_commit_callbacks(execute=True):
        builds.fail(build.pk, reason="test", message="De PDF is leeg gebleven.")  # as the job records a failure
    fragment = client.get(status_url + "?gezien=bezig3", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment and "hx-get" not in fragment
    assert "Mislukt: De PDF is leeg gebleven." in fragment

    # Without htmx the status URL is the whole page (a bookmark, a browser without JavaScript).
    page = client.get(status_url).content.decode()
    assert "<html" in page and "Vernieuwen" in page


# --- publishing and downloading --------------------------------------------------------------------

def test_publish_from_the_page(client, people, structure, django_capture_on_commit_callbacks):
    edition = written_edition(people, structure)
    build_now(people, edition, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    client.force_login(people["programmateam"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("build_publish", year=YEAR, number=1), follow=True)
    assert response.redirect_chain[-1][0] == url("edition", year=YEAR) + "#versies"
    assert any("is gepubliceerd en staat in het archief" in m for m in messages_of(response))
    assert Build.objects.get().published_by == people["programmateam"]
    page = response.content.decode()
    assert "Gepubliceerd" in page and url("build_publish", year=YEAR, number=1) not in page


def test_download_headers(client, people, versions):
    client.force_login(people["programmateam"])
    edition = versions["edition"]
    pdf = client.get(url("build_download", year=YEAR, number=2, fmt="pdf"))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == f'attachment; filename="jaarbeeld-{edition.report_year}-nl-v2.pdf"'
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert pdf["Cache-Control"] == "private, no-store"
    html = client.get(url("build_download", year=YEAR, number=2, fmt="html"))
    assert html["Content-Type"] == "text/html; charset=utf-8"
    assert html["Content-Disposition"].startswith("inline;")
    assert policy(html) == HTML_POLICY
    assert html["X-Content-Type-Options"] == "nosniff"
    assert html["Cache-Control"] == "private, no-store"
    assert "Samen bouwen we aan Nieuw-West." in b"".join(html.streaming_content).decode()
    client.logout()
    public = client.get(url("build_download", year=YEAR, number=1, fmt="html"))
    assert public.status_code == 200 and policy(public) == HTML_POLICY
    assert "no-store" not in public["Cache-Control"] and "public" in public["Cache-Control"]


@pytest.mark.parametrize("fmt", ["docx", "PDF", "xml"])
def test_unknown_format_is_a_404(client, people, versions, fmt):
    client.force_login(people["programmateam"])
    assert client.get(url("build_download", year=YEAR, number=1, fmt=fmt)).status_code == 404


def test_resident_cannot_download_an_unpublished_version(client, people, versions):
    client.force_login(people["bewoner"])
    assert client.get(url("build_download", year=YEAR, number=2, fmt="pdf")).status_code == 404
    assert client.get(url("build_download", year=YEAR, number=2, fmt="html")).status_code == 404
    # The same 404 as a version that does not exist.
    assert client.get(url("build_download", year=YEAR, number=7, fmt="pdf")).status_code == 404


# --- the public archive -------------------------------------------------------------------------------

def test_archive_lists_the_2025_edition_without_a_file_until_one_is_published(client, people, structure, django_capture_on_commit_callbacks):
    page = client.get(url("jaarbeeld")).content.decode()
    assert "Jaarbeeld 2025" in page and "De PDF-versie volgt." in page
    # A 2025 edition built and published: its files replace the placeholder at once (the cache is bumped).
    edition = written_edition(people, structure, year=2025, as_of=datetime.date(2026, 1, 15))
    build = build_now(people, edition, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url("jaarbeeld")).content.decode()
    assert "De PDF-versie volgt." in page  # built, not yet published: the cached fragment, no query for versions
    assert not [q for q in queries.captured_queries if "monitoring_build" in q["sql"]]
    with django_capture_on_commit_callbacks(execute=True):
        builds.publish_build(by=people["programmateam"], build=build)
    page = client.get(url("jaarbeeld")).content.decode()
    assert "De PDF-versie volgt." not in page and page.count("Jaarbeeld 2025") >= 1
    assert f"Download de PDF (Nederlands, {build.pdf_pages} pagina's, " in page
    assert url("build_download", year=2025, number=1, fmt="pdf") in page
    assert url("build_download", year=2025, number=1, fmt="html") in page
    assert client.get(url("build_download", year=2025, number=1, fmt="pdf")).status_code == 200


def test_archive_newest_first_with_each_published_language(client, people, structure, versions, django_capture_on_commit_callbacks):
    english = build_now(people, versions["edition"], language="en", django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        builds.publish_build(by=people["programmateam"], build=english)
    page = client.get(url("jaarbeeld")).content.decode()
    assert page.index(f"Jaarbeeld {YEAR}") < page.index("Jaarbeeld 2025")  # newest first, 2025 still listed
    assert "Download de PDF (Nederlands," in page and "Download de PDF (Engels," in page
    assert url("build_download", year=YEAR, number=1, fmt="pdf") in page  # the published Dutch version
    assert url("build_download", year=YEAR, number=2, fmt="pdf") not in page  # not published
    assert url("build_download", year=YEAR, number=english.number, fmt="html") in page


# --- queries -------------------------------------------------------------------------------------------

def _editor_queries(client, year: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("edition", year=year))
    assert response.status_code == 200
    return len(queries)


def test_versions_list_query_count_does_not_grow(client, people, structure, monkeypatch, django_capture_on_commit_callbacks):
    # A stand-in PDF renderer: twenty real WeasyPrint runs would only make this test slow.
    monkeypatch.setattr(builds.pdf, "render_pdf_pages", lambda html, **kwargs: (b"%PDF-1.7 stand-in", 3, []))
    edition = written_edition(people, structure)
    client.force_login(people["programmateam"])
    for _i in range(2):
        build_now(people, edition, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    few = _editor_queries(client, YEAR)
    for _i in range(18):
        build_now(people, edition, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert Build.objects.filter(state=Build.State.KLAAR).count() == 20
    assert _editor_queries(client, YEAR) == few
    assert client.get(url("edition", year=YEAR)).content.decode().count("Versie 20") == 1
