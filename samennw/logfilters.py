"""Case codes never reach a log line (issue 8).

A case code (``NW-7K3Q-M2``) is a pseudonymous identifier of a household's case, and the paths of the case
pages carry it: ``/netwerkgroep/casus/<code>/...`` and ``/en/network-group/case/<code>/...``. Those paths
turn up in Django's ``django.request`` warnings ("Not Found: ...", "Forbidden (...): ..."), in the
runserver and gunicorn access lines (request line, ``next=`` in a query string, the Referer header) and
in tracebacks. ``CaseCodeFilter`` rewrites the code in any such path, plain or percent-encoded, and any
case code on its own to ``[casus]``; everything else in the record stays as it was.

Where it is attached:
- ``settings.LOGGING``: the ``console`` handler, through which every portal and Django logger writes, and
  the ``django.server`` logger (runserver), which has a handler of its own;
- gunicorn: ``GunicornLogger`` (named in ``gunicorn.conf.py``) puts it on ``gunicorn.access`` and
  ``gunicorn.error``, which write to their own handlers and never reach Django's.

Constraint: this module imports nothing of Django or the apps; ``logging.config`` loads it while the
settings are still being read, and the gunicorn master loads it before Django exists.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, MutableMapping

from gunicorn import glogging

PLACEHOLDER = "[casus]"

# A slash, also percent-encoded (``?next=%2Fnetwerkgroep%2Fcasus%2F...`` after a redirect to the login).
_SLASH = r"(?:/|%2F)"
# netwerkgroep/urls.py: every case route starts with "casus/<str:code>/" under "netwerkgroep/"; in English
# (locale/en) "network-group/" and "case/<str:code>/". Any segment there is treated as a code, also a
# guessed one: it may be the code of another case.
CASE_PATH = re.compile(
    rf"(?P<prefix>{_SLASH}(?:netwerkgroep|network-group){_SLASH}(?:casus|case){_SLASH})"
    rf"(?P<code>(?:(?!%2F)[^/?#&\s\"'<>])+)",
    re.IGNORECASE,
)
# netwerkgroep.models.new_case_code: group prefix, four and two characters of an alphabet without I, L, O, U.
CASE_CODE = re.compile(r"\b(?:NW|ZO)-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{2}\b")


def redact(text: str) -> str:
    """``text`` with the code in every case path, and every case code elsewhere, replaced by ``[casus]``."""
    text = CASE_PATH.sub(lambda match: match["prefix"] + PLACEHOLDER, text)
    return CASE_CODE.sub(PLACEHOLDER, text)


def _redact_value(value):
    return redact(value) if isinstance(value, str) else value


class CaseCodeFilter(logging.Filter):
    """Rewrites case codes in a record's message, arguments and traceback; lets every record through."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, MutableMapping):
            # In place: gunicorn's SafeAtoms answers "-" for an atom the format names but the request lacks.
            for key, value in list(args.items()):
                args[key] = _redact_value(value)
        elif isinstance(args, Mapping):
            record.args = {key: _redact_value(value) for key, value in args.items()}
        elif isinstance(args, tuple):
            record.args = tuple(_redact_value(value) for value in args)
        # What is left shows in the formatted message: a code in the format string itself, around a
        # placeholder ("/casus/%s/"), or printed by an argument that is not a string (a Case prints as its
        # code). Then the record carries the cleaned message and no arguments.
        try:
            message = record.getMessage()
        except (TypeError, ValueError, KeyError):
            # A broken logging call: the handler reports it (message and arguments) as it always does.
            if isinstance(record.msg, str):
                record.msg = redact(record.msg)
            return True
        safe = redact(message)
        if safe != message:
            record.msg, record.args = safe, ()
        if record.exc_info and not record.exc_text:
            # The formatter reuses exc_text, so the traceback is written with the codes taken out.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class GunicornLogger(glogging.Logger):
    """gunicorn's logger with ``CaseCodeFilter`` on its access and error logs (``logger_class``)."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        # On the loggers, not the handlers: a configuration reload replaces the handlers, not the loggers.
        for log in (self.access_log, self.error_log):
            if not any(isinstance(existing, CaseCodeFilter) for existing in log.filters):
                log.addFilter(CaseCodeFilter())
