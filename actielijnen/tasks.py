from celery import shared_task
from django.conf import settings


@shared_task
def remind_stale_cards() -> int:
    """Weekly: e-mail every aanvoerder the cards without a status update for six weeks. Returns mails sent."""
    from actielijnen.services import send_stale_reminders

    return send_stale_reminders()


@shared_task(acks_late=True, soft_time_limit=settings.IMPORT_JOB_SOFT_TIME_LIMIT, time_limit=settings.IMPORT_JOB_TIME_LIMIT)
def run_import_job(job_id: int) -> str:
    """A large card import, one phase at a time (``actielijnen.imports.run_job``); takes the job's id only.

    Safe to deliver twice: the job is claimed first, and a complete, failed or live-held job is skipped.
    At the soft time limit (settings) the job fails with a message and nothing saved; it can be restarted.
    """
    from actielijnen.imports import run_job

    return run_job(job_id)
