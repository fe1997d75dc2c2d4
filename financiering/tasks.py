"""E-mail about proposals and board meetings. Tasks carry ids only (DECISIONS 24) and read the rest here.

A mail carries a proposal's reference, title and state and a link into the portal, never its content
(the reason of a status change goes to its own submitters only). Subject, body and link are made in
the recipient's own language: labels and URLs are lazy, so they resolve inside ``_mail``.
"""

from __future__ import annotations

import datetime

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse_lazy
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from samennw import audit

REMIND_DAYS_BEFORE = 7


def _mail(user, subject_nl: str, template: str, context: dict) -> bool:
    """One e-mail in the person's own language; nobody without an address or account is mailed."""
    if not user.is_active or not user.email:
        return False
    with translation.override(user.preferred_language or "nl"):
        body = render_to_string(template, {"user": user, "site_url": settings.SAMENNW_SITE_URL.rstrip("/"), **context})
        subject = " ".join((_(subject_nl) % {k: str(v) for k, v in context.get("subject_args", {}).items()}).split())
    send_mail(subject, body, None, [user.email])
    return True


def _submitters(proposal):
    from domains.models import Seat

    users = {seat.user for seat in Seat.objects.active().filter(body=proposal.body).select_related("user")}
    if proposal.created_by:
        users.add(proposal.created_by)
    return users


def _proposal_url(proposal):
    return reverse_lazy("financiering:proposal", kwargs={"ref": proposal.reference})


@shared_task
def notify_transition(transition_id: int) -> int:
    """Submitters hear about every status change of their proposal, with the reason."""
    from financiering.models import State, Transition

    transition = Transition.objects.select_related("proposal__body", "proposal__created_by").filter(pk=transition_id).first()
    if transition is None:
        return 0
    proposal = transition.proposal
    sent = 0
    for user in _submitters(proposal):
        sent += _mail(
            user,
            gettext_noop("Financieringsvoorstel %(ref)s: %(state)s"),
            "financiering/email/transition.txt",
            {
                "proposal": proposal,
                "transition": transition,
                "url": _proposal_url(proposal),
                "state": State(transition.target).label,
                "subject_args": {"ref": proposal.reference, "state": State(transition.target).label},
            },
        )
    audit.record("mail.proposal_transition", target=proposal, transition=transition.pk, sent=sent)
    return sent


@shared_task
def notify_reviewer_assigned(review_id: int) -> int:
    from financiering.models import Review

    review = Review.objects.select_related("proposal", "reviewer").filter(pk=review_id).first()
    if review is None:
        return 0
    sent = _mail(
        review.reviewer,
        gettext_noop("Gevraagd advies over voorstel %(ref)s"),
        "financiering/email/review_assigned.txt",
        {"proposal": review.proposal, "url": _proposal_url(review.proposal), "subject_args": {"ref": review.proposal.reference}},
    )
    audit.record("mail.review_assigned", target=review.proposal, review=review.pk, sent=int(sent))
    return int(sent)


@shared_task
def remind_reviewers() -> int:
    """Daily: reviewers whose advice is still open on a proposal for a meeting within a week get one reminder."""
    from financiering.models import Conflict, Meeting, Review, State
    from samennw.models import AuditEvent

    today = timezone.localdate()
    next_meeting = (
        Meeting.objects.filter(date__gte=today, date__lte=today + datetime.timedelta(days=REMIND_DAYS_BEFORE))
        .order_by("date")
        .first()
    )
    if next_meeting is None:
        return 0
    sent = 0
    open_reviews = Review.objects.filter(
        submitted_at__isnull=True, proposal__state__in=[State.IN_BEHANDELING, State.ADVIES]
    ).select_related("proposal", "reviewer")
    # A reviewer whose conflict of interest was confirmed gives no advice (DECISIONS 7): no reminder either.
    blocked = set(
        Conflict.objects.filter(context=Conflict.Context.REVIEW, status=Conflict.Status.CONFIRMED).values_list("proposal_id", "user_id")
    )
    for review in open_reviews:
        if review.round != review.proposal.round or (review.proposal_id, review.reviewer_id) in blocked:
            continue
        if AuditEvent.objects.filter(event="mail.review_reminder", target_id=str(review.proposal.pk), details__review=review.pk).exists():
            continue
        if _mail(
            review.reviewer,
            gettext_noop("Herinnering: advies over voorstel %(ref)s"),
            "financiering/email/review_reminder.txt",
            {
                "proposal": review.proposal,
                "meeting": next_meeting,
                "url": _proposal_url(review.proposal),
                "subject_args": {"ref": review.proposal.reference},
            },
        ):
            audit.record("mail.review_reminder", target=review.proposal, review=review.pk)
            sent += 1
    return sent


@shared_task
def notify_agenda_pack(meeting_id: int) -> int:
    """Board members hear that the agenda pack for a meeting is ready (a link, nothing of the content)."""
    from domains.models import Seat
    from financiering.models import Meeting

    meeting = Meeting.objects.select_related("body").filter(pk=meeting_id).first()
    if meeting is None:
        return 0
    sent = 0
    # One mail per person, even when someone holds two seats on the board.
    members = {seat.user for seat in Seat.objects.active(meeting.date).filter(body=meeting.body).select_related("user")}
    for member in sorted(members, key=lambda u: u.pk):
        sent += _mail(
            member,
            gettext_noop("Agendapakket alliantiebestuur %(date)s"),
            "financiering/email/agenda_pack.txt",
            {
                "meeting": meeting,
                "url": reverse_lazy("financiering:agenda_pack", kwargs={"pk": meeting.pk}),
                "subject_args": {"date": meeting.date.strftime("%d-%m-%Y")},
            },
        )
    audit.record("mail.agenda_pack", target=meeting, sent=sent)
    return sent
