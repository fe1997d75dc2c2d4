from celery import shared_task


@shared_task
def remind_stale_cards() -> int:
    """Weekly: e-mail every aanvoerder the cards without a status update for six weeks. Returns mails sent."""
    from actielijnen.services import send_stale_reminders

    return send_stale_reminders()


@shared_task(acks_late=True)
def run_import_job(job_id: int) -> str:
    """A large card import, one phase at a time (``actielijnen.imports.run_job``); takes the job's id only.

    Safe to deliver twice: the job is claimed first, and a complete, failed or live-held job is skipped.
    """
    from actielijnen.imports import run_job

    return run_job(job_id)
