"""Celery jobs of the jaarbeeld (issue 7 item 3). Tasks receive ids only, never content.

``build_jaarbeeld`` is safe to run twice and to be redelivered after a worker died (``acks_late`` with
``reject_on_worker_lost`` in the settings): ``builds.run_build`` claims the build first and does nothing
for a build that is complete, failed, or held by a live worker. A transient error (database or broker
away) puts the build back in the queue and retries with backoff; after the last retry it fails visibly.

A build has a time limit (DECISIONS 20; ``JAARBEELD_BUILD_SOFT_TIME_LIMIT`` and ``JAARBEELD_BUILD_TIME_LIMIT``
in the settings): at the soft limit Celery raises ``SoftTimeLimitExceeded`` in the task, and the build fails
with a message and without files. That is not a transient error and is never retried.
"""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring import builds

logger = logging.getLogger(__name__)

MAX_RETRIES = 3


@shared_task(
    bind=True, max_retries=MAX_RETRIES, acks_late=True,
    soft_time_limit=settings.JAARBEELD_BUILD_SOFT_TIME_LIMIT, time_limit=settings.JAARBEELD_BUILD_TIME_LIMIT,
)
def build_jaarbeeld(self, build_id: int) -> str:
    try:
        return _build(self, build_id)
    except SoftTimeLimitExceeded:  # struck outside the build's own handler (while claiming or requeueing)
        builds.timed_out(build_id)
        return "failed"


def _build(task, build_id: int) -> str:
    retries = task.request.retries
    while True:
        try:
            build = builds.run_build(build_id)
        except builds.TRANSIENT as exc:
            reason = f"{type(exc).__name__}: {exc}"
            if retries >= MAX_RETRIES:
                builds.fail(build_id, reason=reason, message=_("De storing hield aan; start de opbouw later opnieuw."))
                return "failed"
            countdown = 10 * 2**retries
            if task.request.is_eager:
                # In-process (tests, `make run` without Redis): retry at once, there is no queue to wait in.
                builds.requeue(build_id, reason=reason, countdown=0)
                retries += 1
                continue
            builds.requeue(build_id, reason=reason, countdown=countdown)
            raise task.retry(exc=exc, countdown=countdown) from exc
        return "built" if build is not None else "skipped"


@shared_task
def draft_past_year() -> str:
    """Every 15 January: a concept version of last year's jaarbeeld, so the editors see what the data says.

    Creates the edition when it does not exist yet (periods: the calendar year, as-of date today); once per
    day at most, and never while a build of the edition runs.
    """
    from monitoring import jaarbeeld
    from monitoring.models import Build, Edition

    today = timezone.localdate()
    year = today.year - 1
    edition = Edition.objects.filter(report_year=year).first()
    if edition is None:
        edition = jaarbeeld.create_edition(
            by=None, system=True, report_year=year, publication_year=today.year, period_start=datetime.date(year, 1, 1),
            period_end=datetime.date(year, 12, 31), as_of=today, title=f"Jaarbeeld {year}",
        )
    if Build.objects.filter(edition=edition, is_draft=True, requested_at__gte=timezone.now() - datetime.timedelta(hours=20)).exists():
        return "already drafted today"
    try:
        builds.start_build(by=None, system=True, edition=edition, language="nl", draft=True)
    except ValidationError as exc:
        logger.warning("jaarbeeld draft %s not started: %s", year, "; ".join(exc.messages))
        return "refused"
    return "queued"
