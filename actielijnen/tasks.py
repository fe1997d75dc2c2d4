from celery import shared_task


@shared_task
def remind_stale_cards() -> int:
    """Weekly: e-mail every aanvoerder the cards without a status update for six weeks. Returns mails sent."""
    from actielijnen.services import send_stale_reminders

    return send_stale_reminders()
