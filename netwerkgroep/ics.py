"""The iCalendar feed of a netwerkgroep's meetings (issue 6, item 6), written by hand after RFC 5545.

Only the meeting itself goes in: date, times, place, status. No agenda, no case code, no change reason
(free text that could name a household). Times are written in UTC ("Z"), so no VTIMEZONE is needed.

Calendar apps cannot log in, so the feed URL carries a personal signed token (``token_for``): user id
and group slug, signed with the secret key and its own salt. ``user_for`` gives the user back only if
the token is genuine, is for this group, and the user still holds an active seat at its table;
anything else is ``None`` (the view answers 404).
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext as _

from domains.models import Body
from netwerkgroep.models import Meeting
from samennw import rights

SALT = "netwerkgroep.ics.v1"
LINE_OCTETS = 75
CRLF = "\r\n"
PRODID = "-//Nationaal Programma Samen Nieuw-West//Netwerkgroep//NL"
UID_DOMAIN = "netwerkgroep.samennieuwwest"


def token_for(user, body: Body) -> str:
    return signing.dumps({"u": user.pk, "g": body.slug}, salt=SALT, compress=False)


def user_for(token: str, body: Body):
    """The member this token belongs to, or None (bad signature, other group, seat ended, inactive)."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("g") != body.slug:
        return None
    user = get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or not rights.can(user, "netwerkgroep.view_case", body):
        return None
    return user


def escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11): backslash, semicolon, comma, newline."""
    text = str(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character."""
    out: list[str] = []
    current, size, limit = "", 0, LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, LINE_OCTETS
        current += char
        size += width
    out.append(current)
    return CRLF.join(out)


def _utc(date: datetime.date, time: datetime.time) -> str:
    local = datetime.datetime.combine(date, time, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
    return local.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def uid(meeting: Meeting) -> str:
    """Stable per slot: a moved meeting keeps its UID, so calendars update it instead of adding one."""
    return f"{meeting.body.slug}-{meeting.slot:%Y%m%d}@{UID_DOMAIN}"


def sequence(meeting: Meeting) -> int:
    """Revision number: calendars take a higher SEQUENCE as the newer version of the same UID."""
    return (1 if meeting.date != meeting.slot else 0) + (2 if meeting.status == Meeting.Status.GEANNULEERD else 0)


STATUS = {
    Meeting.Status.GEPLAND: "CONFIRMED",
    Meeting.Status.BEZIG: "CONFIRMED",
    Meeting.Status.GEHOUDEN: "CONFIRMED",
    Meeting.Status.GEANNULEERD: "CANCELLED",
}


def calendar(body: Body, meetings, *, now: datetime.datetime | None = None) -> str:
    """The whole VCALENDAR as text with CRLF line endings."""
    stamp = (now or timezone.now()).astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(body.name)}",
    ]
    title = _("Bijeenkomst %(group)s") % {"group": body.name}
    for meeting in meetings:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid(meeting)}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_utc(meeting.date, meeting.starts_at)}",
            f"DTEND:{_utc(meeting.date, meeting.ends_at)}",
            f"SEQUENCE:{sequence(meeting)}",
            f"SUMMARY:{escape(title)}",
            f"STATUS:{STATUS.get(meeting.status, 'CONFIRMED')}",
        ]
        if meeting.location:
            lines.append(f"LOCATION:{escape(meeting.location)}")
        lines += ["TRANSP:OPAQUE", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return CRLF.join(fold(line) for line in lines) + CRLF
