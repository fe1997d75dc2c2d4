"""Building jaarbeeld versions (issue 7 items 3-5): the job's states and steps, never a half-written
complete version, one build at a time, retries, publishing, the 15 January draft, reproducibility, and
Dutch and English builds. The PDF is real (WeasyPrint) and is checked by rendering a page to PNG."""

from __future__ import annotations

import datetime
import io
import shutil
import socket
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import OperationalError
from django.utils import timezone

from monitoring import builds, tasks
from monitoring import jaarbeeld as service
from monitoring.models import Build, Edition, Verhaal
from samennw.models import AuditEvent
from tests.monitoring.test_jaarbeeld import YEAR, enable, new_edition, published_story

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def png_bytes(colour=(200, 30, 30)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, "PNG")
    return buffer.getvalue()


def written_edition(people, structure, **changes) -> Edition:
    edition = new_edition(people, **changes)
    return service.update_editorial(
        by=people["programmateam"], edition=edition, version=edition.version,
        changes={
            "voorwoord_nl": "Samen bouwen we aan Nieuw-West.", "voorwoord_author": "Fatima Elatik",
            "voorwoord_en": "Together we build Nieuw-West.", "title_en": f"Annual review {edition.report_year}",
            "introduction_nl": "Meer dan honderd partners werken samen in vijf domeinen.",
        },
    )


def build_now(people, edition, language="nl", draft=False, django_capture_on_commit_callbacks=None) -> Build:
    with django_capture_on_commit_callbacks(execute=True):
        build = builds.start_build(by=people["programmateam"], edition=edition, language=language, draft=draft)
    build.refresh_from_db()
    return build


def test_build_writes_html_and_pdf_as_numbered_version(people, structure, django_capture_on_commit_callbacks):
    edition = written_edition(people, structure)
    build = build_now(people, edition, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert build.state == Build.State.KLAAR, build.log
    assert build.number == 1 and build.step == len(builds.STEPS) and build.percent == 100
    assert build.pdf_pages >= 3  # cover, contents, voorwoord...
    html = default_storage.open(build.html_file.name).read().decode()
    assert "Samen bouwen we aan Nieuw-West." in html and "Fatima Elatik" in html
    assert build.data_version[:12] in html
    assert default_storage.open(build.pdf_file.name).read().startswith(b"%PDF")
    assert [line["event"] for line in build.log][-1] == "done"
    assert [e["step"] for e in build.log if e["event"] == "step"] == [key for key, _label in builds.STEPS]
    second = build_now(people, edition, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert second.number == 2 and second.state == Build.State.KLAAR
    assert AuditEvent.objects.filter(event="jaarbeeld.build_done").count() == 2


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) not installed")
def test_pdf_page_renders_to_a_non_blank_png(people, structure, django_capture_on_commit_callbacks, tmp_path):
    from PIL import Image

    edition = written_edition(people, structure)
    build = build_now(people, edition, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    pdf_path = tmp_path / "jaarbeeld.pdf"
    pdf_path.write_bytes(default_storage.open(build.pdf_file.name).read())
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf_path), str(tmp_path / "page")], check=True)
    page = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    low, high = page.getextrema()
    assert high - low > 100, "the first page is blank"


def test_same_data_gives_the_same_report_and_changed_data_another(people, structure, django_capture_on_commit_callbacks):
    edition = written_edition(people, structure)
    first = build_now(people, edition, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    second = build_now(people, edition, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    read = lambda b, f: default_storage.open(getattr(b, f).name).read()  # noqa: E731
    assert first.data_version == second.data_version
    assert read(first, "html_file") == read(second, "html_file")
    assert read(first, "pdf_file") == read(second, "pdf_file")
    edition.refresh_from_db()
    service.update_editorial(by=people["programmateam"], edition=edition, version=edition.version, changes={"voorwoord_nl": "Anders."})
    third = build_now(people, edition, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert third.data_version != first.data_version
    assert b"Anders." in read(third, "html_file")


def test_english_build_uses_translated_texts_and_warns_about_fallback(people, structure, django_capture_on_commit_callbacks):
    edition = written_edition(people, structure)
    check = builds.preflight(edition, language="en")
    assert any("wie we zijn en wat we doen" in w for w in check.warnings)  # introduction only in Dutch
    build = build_now(people, edition, language="en", django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    html = default_storage.open(build.html_file.name).read().decode()
    assert '<html lang="en">' in html and "Together we build Nieuw-West." in html
    assert f"Annual review {YEAR}" in html and "Foreword" in html
    assert "Samen bouwen we" not in html


def test_second_start_while_running_is_refused(people, structure):
    edition = written_edition(people, structure)
    first = builds.start_build(by=people["programmateam"], edition=edition, language="nl")
    with pytest.raises(ValidationError) as exc:
        builds.start_build(by=people["programmateam"], edition=edition, language="en")
    assert "al een versie" in exc.value.messages[0]
    assert Build.objects.filter(edition=edition).count() == 1
    # A second delivery of the same job while a live worker holds it does nothing.
    Build.objects.filter(pk=first.pk).update(state=Build.State.BEZIG, worker="elders:1", heartbeat_at=timezone.now())
    assert builds.run_build(first.pk) is None
    first.refresh_from_db()
    assert first.state == Build.State.BEZIG and first.log[-1]["event"] == "refused"


def test_killed_worker_leaves_no_complete_version_and_can_be_rebuilt(people, structure, django_capture_on_commit_callbacks, monkeypatch):
    edition = written_edition(people, structure)
    build = builds.start_build(by=people["programmateam"], edition=edition, language="nl")

    def killed(*args, **kwargs):
        raise SystemExit("worker killed")  # what a SIGTERM'd worker does in the middle of the PDF

    monkeypatch.setattr(builds.pdf, "render_pdf_pages", killed)
    with pytest.raises(SystemExit):
        builds.run_build(build.pk)
    build.refresh_from_db()
    assert build.state == Build.State.BEZIG and not build.pdf_file and not build.html_file
    assert not Build.objects.filter(state=Build.State.KLAAR).exists()
    # The worker process is gone: its heartbeat stops; after STALE_AFTER a new start abandons it.
    Build.objects.filter(pk=build.pk).update(heartbeat_at=timezone.now() - builds.STALE_AFTER - datetime.timedelta(seconds=1))
    monkeypatch.undo()
    rebuilt = build_now(people, edition, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    build.refresh_from_db()
    assert build.state == Build.State.MISLUKT and build.log[-1]["event"] == "abandoned"
    assert rebuilt.state == Build.State.KLAAR and rebuilt.number == 2


def test_redelivered_job_of_a_dead_worker_on_this_host_rebuilds(people, structure):
    edition = written_edition(people, structure)
    build = builds.start_build(by=people["programmateam"], edition=edition, language="nl")
    dead = subprocess.Popen(["true"])
    dead.wait()
    Build.objects.filter(pk=build.pk).update(
        state=Build.State.BEZIG, worker=f"{socket.gethostname()}:{dead.pid}", heartbeat_at=timezone.now()
    )
    done = builds.run_build(build.pk)
    assert done is not None and done.state == Build.State.KLAAR and done.attempts == 1
    assert builds.run_build(build.pk) is None  # idempotent: a complete build is not built again


def test_queued_build_no_worker_took_blocks_for_30_minutes_then_a_new_start_goes_ahead(people, structure):
    """A job lost between the queue and a worker (the broker lost it) must not block the edition forever."""
    edition = written_edition(people, structure)
    lost = builds.start_build(by=people["programmateam"], edition=edition, language="nl")  # on_commit never ran
    with pytest.raises(ValidationError, match="wordt al een versie"):
        builds.start_build(by=people["programmateam"], edition=edition, language="nl")
    Build.objects.filter(pk=lost.pk).update(
        requested_at=timezone.now() - builds.QUEUED_STALE_AFTER - datetime.timedelta(seconds=1)
    )
    second = builds.start_build(by=people["programmateam"], edition=edition, language="nl")
    lost.refresh_from_db()
    assert lost.state == Build.State.MISLUKT and lost.log[-1]["event"] == "abandoned"
    assert second.number == 2 and second.state == Build.State.WACHTEND
    assert builds.run_build(lost.pk) is None  # a late delivery of the lost job does nothing


def test_transient_error_retries_then_completes(people, structure, django_capture_on_commit_callbacks, monkeypatch):
    edition = written_edition(people, structure)
    calls = {"n": 0}
    real = builds.render_document

    def flaky(context):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(context)

    monkeypatch.setattr(builds, "render_document", flaky)
    build = build_now(people, edition, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert build.state == Build.State.KLAAR and build.attempts == 2
    assert any(e["event"] == "retry" for e in build.log)


def test_persistent_transient_error_fails_visibly(people, structure, django_capture_on_commit_callbacks, monkeypatch):
    edition = written_edition(people, structure)

    def down(context):
        raise OperationalError("database is down")

    monkeypatch.setattr(builds, "render_document", down)
    build = build_now(people, edition, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert build.state == Build.State.MISLUKT and build.attempts == tasks.MAX_RETRIES + 1
    assert not build.pdf_file and not list(default_storage.listdir("jaarbeeld")[1]) if default_storage.exists("jaarbeeld") else True


def test_unexpected_error_fails_and_removes_written_files(people, structure, django_capture_on_commit_callbacks, monkeypatch):
    edition = written_edition(people, structure)
    real_progress = builds._progress

    def broken(build, me, step, **params):
        real_progress(build, me, step, **params)
        if step == "afronden":
            raise RuntimeError("disk full")

    monkeypatch.setattr(builds, "_progress", broken)
    build = build_now(people, edition, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert build.state == Build.State.MISLUKT and "RuntimeError" in build.error
    year_dir = f"jaarbeeld/{edition.report_year}"
    assert not default_storage.exists(year_dir) or default_storage.listdir(year_dir)[1] == []


# --- bad input -----------------------------------------------------------------------------------

def test_empty_year_is_refused_with_a_clear_message(people):
    edition = new_edition(people, year=2019)
    with pytest.raises(ValidationError) as exc:
        builds.start_build(by=people["programmateam"], edition=edition, language="nl")
    assert "Over 2019 staat er nog niets" in exc.value.messages[0]
    assert not Build.objects.exists()


def test_missing_photo_is_refused(people, structure, settings):
    story = published_story(people, structure)
    Verhaal.objects.filter(pk=story.pk).update(image="verhalen/weg.png", image_alt_nl="Twee buren", image_credit="NPSNW")
    story.refresh_from_db()
    edition = new_edition(people)
    service.set_story_selection(by=people["programmateam"], edition=edition, stories=[(story, "")])
    with pytest.raises(ValidationError) as exc:
        builds.start_build(by=people["programmateam"], edition=edition, language="nl")
    assert "niet gevonden" in exc.value.messages[0] and "weg.png" in exc.value.messages[0]


def test_story_photo_is_in_pdf_and_embedded_in_html(people, structure, django_capture_on_commit_callbacks):
    story = published_story(people, structure)
    name = default_storage.save("verhalen/buren.png", io.BytesIO(png_bytes()))
    Verhaal.objects.filter(pk=story.pk).update(image=name, image_alt_nl="Twee buren op een bankje", image_credit="NPSNW")
    story.refresh_from_db()
    edition = new_edition(people)
    service.set_story_selection(by=people["programmateam"], edition=edition, stories=[(story, "")])
    build = build_now(people, edition, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert build.state == Build.State.KLAAR, build.log
    html = default_storage.open(build.html_file.name).read().decode()
    assert 'src="data:image/png;base64,' in html and 'alt="Twee buren op een bankje"' in html
    assert b"/Subtype /Image" in default_storage.open(build.pdf_file.name).read()


def test_story_without_alt_text_refused_for_publication(people, structure, django_capture_on_commit_callbacks):
    story = published_story(people, structure)
    name = default_storage.save("verhalen/buren.png", io.BytesIO(png_bytes()))
    Verhaal.objects.filter(pk=story.pk).update(image=name, image_alt_nl="Twee buren", image_credit="NPSNW")
    story.refresh_from_db()
    edition = new_edition(people)
    service.set_story_selection(by=people["programmateam"], edition=edition, stories=[(story, "")])
    build = build_now(people, edition, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    Verhaal.objects.filter(pk=story.pk).update(image_alt_nl="")  # imported data lost its alt text afterwards
    with pytest.raises(ValidationError) as exc:
        builds.publish_build(by=people["programmateam"], build=build)
    assert "alt-tekst" in exc.value.messages[0]
    build.refresh_from_db()
    assert build.published_at is None
    with pytest.raises(ValidationError):
        builds.start_build(by=people["programmateam"], edition=edition, language="nl")


def test_unknown_language_refused(people, structure):
    edition = written_edition(people, structure)
    with pytest.raises(ValidationError):
        builds.start_build(by=people["programmateam"], edition=edition, language="fr")


@pytest.mark.parametrize("kind", ["bewoner", "formeel", "regisseur", "bestuur", "aanvoerder"])
def test_only_programme_team_builds_and_publishes(people, structure, kind, django_capture_on_commit_callbacks):
    edition = written_edition(people, structure)
    with pytest.raises(ValidationError):
        builds.start_build(by=people[kind], edition=edition, language="nl")
    build = build_now(people, edition, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError):
        builds.publish_build(by=people[kind], build=build)


# --- publishing ----------------------------------------------------------------------------------

def test_publish_replaces_the_public_version_per_language(people, structure, django_capture_on_commit_callbacks):
    edition = written_edition(people, structure)
    v1 = build_now(people, edition, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    v2 = build_now(people, edition, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    en = build_now(people, edition, language="en", django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    builds.publish_build(by=people["programmateam"], build=v1)
    builds.publish_build(by=people["programmateam"], build=en)
    builds.publish_build(by=people["programmateam"], build=v2)
    v1.refresh_from_db()
    assert v1.published_at is None and v1.state == Build.State.KLAAR  # still downloadable for the team
    [shown] = builds.published_editions()
    assert {b.number for b in shown.public_builds} == {v2.number, en.number}
    edition.refresh_from_db()
    assert edition.status == Edition.Status.GEPUBLICEERD


def test_draft_and_unfinished_versions_cannot_be_published(people, structure, django_capture_on_commit_callbacks):
    edition = written_edition(people, structure)
    draft = build_now(people, edition, draft=True, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError) as exc:
        builds.publish_build(by=people["programmateam"], build=draft)
    assert "concept" in exc.value.messages[0].lower()
    queued = builds.start_build(by=people["programmateam"], edition=edition, language="nl")
    with pytest.raises(ValidationError):
        builds.publish_build(by=people["programmateam"], build=queued)


def test_draft_shows_unapproved_blocks_marked_as_concept(people, structure, django_capture_on_commit_callbacks):
    edition = written_edition(people, structure)
    enable(people, edition, "partners", approve=False)
    final = build_now(people, edition, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    draft = build_now(people, edition, draft=True, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    final_html = default_storage.open(final.html_file.name).read().decode()
    draft_html = default_storage.open(draft.html_file.name).read().decode()
    assert "Formele partners" not in final_html
    assert "Formele partners" in draft_html and "Concept: niet gepubliceerd" in draft_html


# --- the 15 January beat job ---------------------------------------------------------------------

def test_beat_drafts_last_year_once_a_day(people, structure, django_capture_on_commit_callbacks, monkeypatch):
    from django.conf import settings

    from samennw.celery import app

    assert app.conf.beat_schedule["jaarbeeld-draft"]["task"] == "monitoring.tasks.draft_past_year"
    monkeypatch.setattr(tasks.timezone, "localdate", lambda: datetime.date(YEAR + 1, 1, 15))
    assert settings.CELERY_TASK_ALWAYS_EAGER
    # Last year has alliance partners (the fixtures), so the concept shows the partner block.
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.draft_past_year() == "queued"
    edition = Edition.objects.get(report_year=YEAR)
    assert edition.period_start == datetime.date(YEAR, 1, 1) and edition.period_end == datetime.date(YEAR, 12, 31)
    build = edition.builds.get()
    assert build.is_draft and build.requested_by is None
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.draft_past_year() == "already drafted today"
    assert edition.builds.count() == 1


# --- time limit (DECISIONS 20) ---------------------------------------------------------------------

def test_build_task_is_declared_with_the_time_limits_of_the_settings(settings):
    assert tasks.build_jaarbeeld.soft_time_limit == settings.JAARBEELD_BUILD_SOFT_TIME_LIMIT == 600
    assert tasks.build_jaarbeeld.time_limit == settings.JAARBEELD_BUILD_TIME_LIMIT == 660
    # the hard limit leaves the soft handler time to mark the build, and a stopped build is never taken for a
    # live one: no silence in a build the limit allows is longer than STALE_AFTER
    assert settings.JAARBEELD_BUILD_SOFT_TIME_LIMIT < settings.JAARBEELD_BUILD_TIME_LIMIT
    assert datetime.timedelta(seconds=settings.JAARBEELD_BUILD_SOFT_TIME_LIMIT) <= builds.STALE_AFTER


def test_build_past_its_time_limit_fails_with_a_message_without_files_and_is_not_retried(
    people, structure, django_capture_on_commit_callbacks, monkeypatch
):
    from celery.exceptions import SoftTimeLimitExceeded

    edition = written_edition(people, structure)
    calls = {"n": 0}

    def too_slow(*args, **kwargs):  # what Celery raises in the task when the soft limit strikes mid-PDF
        calls["n"] += 1
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(builds.pdf, "render_pdf_pages", too_slow)
    build = build_now(people, edition, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert build.state == Build.State.MISLUKT and build.finished_at is not None
    assert calls["n"] == 1 and build.attempts == 1 and not any(e["event"] == "retry" for e in build.log)
    assert build.error.startswith("SoftTimeLimitExceeded")
    message = "De opbouw duurde langer dan 10 minuten en is afgebroken."
    assert build.log[-1] == {**build.log[-1], "event": "failed", "message": message}
    assert ("Mislukt: " + message) in [text for _at, text in builds.log_lines(build)]
    assert not build.pdf_file and not build.html_file
    year_dir = f"jaarbeeld/{edition.report_year}"
    assert not default_storage.exists(year_dir) or default_storage.listdir(year_dir)[1] == []
    # nothing is left "bezig": a new version can be started at once
    monkeypatch.undo()
    again = build_now(people, edition, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert again.state == Build.State.KLAAR and again.number == 2


def test_time_limit_while_saving_removes_the_files_already_written(
    people, structure, django_capture_on_commit_callbacks, monkeypatch
):
    from celery.exceptions import SoftTimeLimitExceeded

    edition = written_edition(people, structure)
    real_progress = builds._progress

    def late(build, me, step, **params):
        real_progress(build, me, step, **params)
        if step == "afronden":  # both files are on disk by now
            raise SoftTimeLimitExceeded()

    monkeypatch.setattr(builds, "_progress", late)
    build = build_now(people, edition, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert build.state == Build.State.MISLUKT and build.log[-1]["event"] == "failed"
    assert "10 minuten" in build.log[-1]["message"]
    year_dir = f"jaarbeeld/{edition.report_year}"
    assert not default_storage.exists(year_dir) or default_storage.listdir(year_dir)[1] == []


def test_time_limit_outside_the_build_handler_still_fails_the_build(people, structure, django_capture_on_commit_callbacks, monkeypatch):
    """The limit can strike while the build is being claimed, before ``run_build``'s own handler is in place."""
    from celery.exceptions import SoftTimeLimitExceeded

    edition = written_edition(people, structure)

    def claim_too_slow(build_id, me):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(builds, "_claim", claim_too_slow)
    build = build_now(people, edition, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert build.state == Build.State.MISLUKT
    assert build.log[-1]["message"] == "De opbouw duurde langer dan 10 minuten en is afgebroken."
