"""The Celery app. Every periodic schedule of the portal is declared here, each with its rhythm in words."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samennw.settings")

app = Celery("samennw")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Every night at 00:10: seats that started or ended yesterday change who holds which role.
    "sync-seats": {"task": "domains.tasks.sync_seats", "schedule": crontab(hour=0, minute=10)},
    # Every Monday at 08:00: aanvoerders of cards without a status update for six weeks get a reminder.
    "remind-stale-cards": {
        "task": "actielijnen.tasks.remind_stale_cards",
        "schedule": crontab(day_of_week="mon", hour=8, minute=0),
    },
    # Every morning at 07:30: reviewers with open advice on a proposal, when a board meeting is within a week.
    "remind-reviewers": {"task": "financiering.tasks.remind_reviewers", "schedule": crontab(hour=7, minute=30)},
    # Every night at 01:00: the coming weekly netwerkgroep meetings exist (idempotent, one per slot).
    "netwerkgroep-meetings": {"task": "netwerkgroep.tasks.schedule_meetings", "schedule": crontab(hour=1, minute=0)},
    # Every night at 02:00: closed cases past their term are announced, and a week later purged.
    "netwerkgroep-retention": {"task": "netwerkgroep.tasks.retention", "schedule": crontab(hour=2, minute=0)},
    # Every morning at 07:45: owners of overdue agreements get one reminder (a link only).
    "netwerkgroep-overdue": {"task": "netwerkgroep.tasks.remind_overdue_agreements", "schedule": crontab(hour=7, minute=45)},
    # Every 15 January at 06:00: a concept version of last year's jaarbeeld (created when missing).
    "jaarbeeld-draft": {
        "task": "monitoring.tasks.draft_past_year",
        "schedule": crontab(month_of_year=1, day_of_month=15, hour=6, minute=0),
    },
}
