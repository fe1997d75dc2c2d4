"""Netwerkgroep jobs and e-mail. Tasks carry ids only (DECISIONS 24); e-mails carry a link, never case text."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from samennw import audit


def _case_link(case) -> str:
    try:
        path = reverse("netwerkgroep:case", kwargs={"code": case.code})
    except NoReverseMatch:  # the case pages are not routed yet: link to the portal
        path = reverse("my_portal")
    return settings.SAMENNW_SITE_URL + path


def _mail(user, subject: str, lines: list[str]) -> bool:
    if not user.is_active or not user.email:
        return False
    send_mail(subject, "\n\n".join(lines), None, [user.email])
    return True


def _regisseurs(body):
    from domains.models import Seat

    return [s.user for s in Seat.objects.active().filter(body=body, role=Seat.Role.NETWERKREGISSEUR).select_related("user")]


@shared_task
def notify_spoed(case_id: int) -> int:
    """An urgent case: the regisseur hears at once, with a link only (DECISIONS 11)."""
    from netwerkgroep.models import Case

    case = Case.objects.select_related("body").filter(pk=case_id).first()
    if case is None:
        return 0
    sent = 0
    for user in _regisseurs(case.body):
        with translation.override(user.preferred_language or "nl"):
            sent += _mail(
                user,
                _("Spoed in %(group)s") % {"group": case.body.name},
                [_("Er is een casus met spoed ingebracht. Bekijk hem in het portaal (inloggen met tweestapsverificatie):"), _case_link(case)],
            )
    audit.record("mail.case_spoed", target=case, sent=sent)
    return sent


@shared_task
def notify_agreement(agreement_id: int) -> int:
    """The owning organisation's members at the table hear of a new agreement (and that it needs acceptance)."""
    from domains.models import Seat
    from netwerkgroep.models import Agreement

    agreement = Agreement.objects.select_related("case__body", "owner_org").filter(pk=agreement_id).first()
    if agreement is None:
        return 0
    sent = 0
    seats = Seat.objects.active().filter(body=agreement.case.body, organisation=agreement.owner_org).select_related("user")
    for seat in seats:
        with translation.override(seat.user.preferred_language or "nl"):
            first = (
                _("Er is een afspraak voor jouw organisatie voorgesteld; accepteer of weiger haar in het portaal:")
                if agreement.status == Agreement.Status.VOORGESTELD
                else _("Er is een afspraak voor jouw organisatie vastgelegd:")
            )
            sent += _mail(seat.user, _("Nieuwe afspraak bij casus %(code)s") % {"code": agreement.case.code}, [first, _case_link(agreement.case)])
    audit.record("mail.agreement", target=agreement.case, agreement=agreement.pk, sent=sent)
    return sent


@shared_task
def notify_transfer(case_id: int) -> int:
    """The inbrenger is told that a formal partner took the case over, and stays involved (000:18)."""
    from netwerkgroep.models import Case

    case = Case.objects.select_related("inbrenger").filter(pk=case_id).first()
    if case is None or case.inbrenger is None:
        return 0
    with translation.override(case.inbrenger.preferred_language or "nl"):
        sent = _mail(
            case.inbrenger,
            _("Casus %(code)s is overgedragen") % {"code": case.code},
            [_("Een casus die jij inbracht is overgedragen aan een formele partner. Je blijft betrokken en ziet de casus aan tafel:"), _case_link(case)],
        )
    audit.record("mail.case_transfer", target=case, sent=int(sent))
    return int(sent)


@shared_task
def remind_overdue_agreements() -> int:
    """Daily: an overdue agreement is reminded once (a link only) to its owner, or, without a named owner,
    to the owning organisation's members at the table. Proposed ones not yet accepted are reminded too."""
    from domains.models import Seat
    from netwerkgroep.models import Agreement

    sent = 0
    today = timezone.localdate()
    overdue = Agreement.objects.filter(
        status__in=[Agreement.Status.OPEN, Agreement.Status.VOORGESTELD], deadline__lt=today, reminded_at__isnull=True
    ).select_related("case__body", "owner", "owner_org")
    for agreement in overdue:
        if agreement.owner is not None:
            recipients = [agreement.owner]
        else:
            seats = Seat.objects.active().filter(body=agreement.case.body, organisation=agreement.owner_org).select_related("user")
            recipients = list({seat.user.pk: seat.user for seat in seats}.values())
        mailed = 0
        for user in recipients:
            with translation.override(user.preferred_language or "nl"):
                mailed += _mail(
                    user,
                    _("Afspraak bij casus %(code)s is over tijd") % {"code": agreement.case.code},
                    [_("Een afspraak van jouw organisatie is over de uiterste datum. Werk haar bij in het portaal:"), _case_link(agreement.case)],
                )
        agreement.reminded_at = timezone.now()
        agreement.save(update_fields=["reminded_at"])
        audit.record("mail.agreement_overdue", target=agreement.case, agreement=agreement.pk, sent=mailed)
        sent += mailed
    return sent


@shared_task
def schedule_meetings() -> int:
    from netwerkgroep.services import ensure_meetings

    return ensure_meetings()


@shared_task
def retention() -> dict:
    from netwerkgroep.services import run_retention

    return run_retention()
