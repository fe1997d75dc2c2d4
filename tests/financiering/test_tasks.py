"""E-mail tasks: who gets which mail, in their own language, with a link and no proposal content."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from financiering import services, tasks
from financiering.models import Meeting
from tests.financiering.conftest import to_advice

pytestmark = pytest.mark.django_db


def with_email(user, language="nl"):
    user.email = f"{user.username}@example.org"
    user.preferred_language = language
    user.save(update_fields=["email", "preferred_language"])
    return user


def mails_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def test_submitters_hear_of_each_status_change_in_their_own_language(people, proposal, django_capture_on_commit_callbacks):
    english = with_email(people["otlid"], "en")
    dutch = with_email(people["otvoorzitter"], "nl")
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(by=people["otlid"], proposal=proposal)
    assert len(mails_to(english)) == 1 and len(mails_to(dutch)) == 1
    en, nl = mails_to(english)[0], mails_to(dutch)[0]
    assert proposal.reference in en.subject and proposal.reference in nl.subject
    assert f"/en/funding/{proposal.reference}/" in en.body and "Dear" in en.body
    assert f"http://localhost:8000/financiering/{proposal.reference}/" in nl.body
    assert "Nieuwe status: Ingediend" in nl.body and "Ingediend" in nl.subject
    # Reference, title and state only: never the proposal's content.
    for message in (en, nl):
        assert proposal.purpose not in message.body and proposal.existing_means not in message.body
    assert len(mail.outbox) == 2  # aanvoerder has no address: nobody without one is mailed


def test_status_mail_still_goes_out_when_the_queue_is_down(people, proposal, broker_down, django_capture_on_commit_callbacks):
    """Redis down: the submit is kept and the mail is sent in-process instead of being lost (or a 500)."""
    member = with_email(people["otlid"])
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(by=people["otlid"], proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.state == "ingediend"
    assert len(mails_to(member)) == 1 and proposal.reference in mails_to(member)[0].subject


def test_the_reason_of_a_transition_goes_to_the_submitters(people, proposal, django_capture_on_commit_callbacks):
    member = with_email(people["otvoorzitter"])
    services.submit(by=people["otlid"], proposal=proposal)
    services.move(by=people["programmateam"], proposal=proposal, to="in-behandeling")
    with django_capture_on_commit_callbacks(execute=True):
        services.move(by=people["programmateam"], proposal=proposal, to="aangehouden", reason="Graag de begroting per maand.")
    (message,) = mails_to(member)
    assert "Graag de begroting per maand." in message.body and "Aangehouden" in message.subject


def test_reviewer_hears_of_the_assignment(people, proposal, django_capture_on_commit_callbacks):
    reviewer = with_email(people["regisseur"])
    services.submit(by=people["otlid"], proposal=proposal)
    services.move(by=people["programmateam"], proposal=proposal, to="in-behandeling")
    with django_capture_on_commit_callbacks(execute=True):
        services.assign_reviewer(by=people["programmateam"], proposal=proposal, reviewer=reviewer)
    (message,) = mails_to(reviewer)
    assert message.subject == f"Gevraagd advies over voorstel {proposal.reference}"
    assert f"/financiering/{proposal.reference}/" in message.body and proposal.purpose not in message.body


def test_board_members_hear_when_the_pack_is_sent(people, proposal, meeting, ab_voorzitter, django_capture_on_commit_callbacks):
    chair, member = with_email(ab_voorzitter), with_email(people["bestuur"], "en")
    services.add_agenda_item(by=people["programmateam"], meeting=meeting, title="Jaarbudget")
    with django_capture_on_commit_callbacks(execute=True):
        services.send_agenda_pack(by=people["programmateam"], meeting=meeting)
    assert len(mails_to(chair)) == 1 and len(mails_to(member)) == 1
    assert f"/financiering/bestuur/{meeting.pk}/agendapakket/" in mails_to(chair)[0].body
    assert f"/en/funding/board/{meeting.pk}/agenda-pack/" in mails_to(member)[0].body
    assert meeting.date.strftime("%d-%m-%Y") in mails_to(chair)[0].subject
    assert len(mail.outbox) == 2


def test_reminder_goes_once_for_a_meeting_within_a_week(people, proposal, meeting):
    reviewer = with_email(people["regisseur"])
    to_advice(people, proposal, reviewers=[reviewer])
    mail.outbox.clear()
    assert tasks.remind_reviewers() == 1
    (message,) = mails_to(reviewer)
    assert proposal.reference in message.subject and "Herinnering" in message.subject
    assert tasks.remind_reviewers() == 0
    assert len(mail.outbox) == 1


def test_no_reminder_without_a_meeting_within_a_week(people, proposal, structure):
    reviewer = with_email(people["regisseur"])
    services.create_meeting(
        by=people["programmateam"], body=structure["bodies"]["bestuur"], date=timezone.localdate() + datetime.timedelta(days=10)
    )
    to_advice(people, proposal, reviewers=[reviewer])
    mail.outbox.clear()
    assert tasks.remind_reviewers() == 0
    assert mail.outbox == []


def test_no_reminder_after_the_advice_was_given(people, proposal, meeting):
    from tests.financiering.conftest import GOOD_SCORES

    reviewer = with_email(people["regisseur"])
    (review,) = to_advice(people, proposal, reviewers=[reviewer])
    services.submit_review(by=reviewer, review=review, recommendation="positief", text="Doen.", scores=GOOD_SCORES)
    mail.outbox.clear()
    assert tasks.remind_reviewers() == 0


def test_tasks_are_queued_with_ids_only(people, proposal, meeting, django_capture_on_commit_callbacks):
    calls = []
    with (
        mock.patch.object(tasks.notify_transition, "apply_async", side_effect=lambda args, **kw: calls.append(args)),
        mock.patch.object(tasks.notify_agenda_pack, "apply_async", side_effect=lambda args, **kw: calls.append(args)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.submit(by=people["otlid"], proposal=proposal)
        services.add_agenda_item(by=people["programmateam"], meeting=meeting, title="Jaarbudget")
        services.send_agenda_pack(by=people["programmateam"], meeting=meeting)
    assert calls and all(len(args) == 1 and type(args[0]) is int for args in calls)


def test_tasks_with_a_missing_id_do_nothing():
    assert tasks.notify_transition(999999) == 0
    assert tasks.notify_reviewer_assigned(999999) == 0
    assert tasks.notify_agenda_pack(999999) == 0
    assert not Meeting.objects.exists()
