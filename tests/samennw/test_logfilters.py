"""No case code in any log line (issue 8): Django's request warnings, runserver and gunicorn access lines.

The console tests configure logging the way ``django.setup()`` does, from Django's defaults and the real
``settings.LOGGING``, with the streams pointed at a StringIO: they read exactly what the console would show.
"""

from __future__ import annotations

import copy
import datetime
import io
import logging
import logging.config
import runpy
import types
from pathlib import Path

import pytest
from django.conf import settings
from django.core.servers.basehttp import WSGIRequestHandler
from django.urls import URLPattern, reverse
from django.utils import translation
from django.utils.log import DEFAULT_LOGGING, configure_logging
from gunicorn.config import Config

from netwerkgroep import urls as netwerkgroep_urls
from netwerkgroep.models import new_case_code
from samennw.logfilters import CaseCodeFilter, GunicornLogger, redact
from tests.netwerkgroep.conftest import bring, fresh
from tests.otp_session import verify_session

CODE = "NW-7K3Q-M2"  # the format of netwerkgroep.models.new_case_code


def _to(stream, config: dict) -> dict:
    config = copy.deepcopy(config)
    for handler in config["handlers"].values():
        if handler.get("class") == "logging.StreamHandler":
            handler["stream"] = stream
    return config


@pytest.fixture
def console():
    """Logging configured as ``django.setup()`` does it (Django's defaults, then ``settings.LOGGING``), with
    every stream handler writing to one StringIO instead of stderr; start-up logging is back afterwards."""
    before = {name: logging.getLogger(name).handlers[0].stream for name in ("", "django.server")}
    stream = io.StringIO()
    logging.config.dictConfig(_to(stream, DEFAULT_LOGGING))
    logging.config.dictConfig(_to(stream, settings.LOGGING))
    yield stream
    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    for name, original in before.items():
        logging.getLogger(name).handlers[0].setStream(original)


@pytest.fixture
def case(people, structure):
    case = bring(people, structure)
    fresh(*[p for p in people.values() if getattr(p, "pk", None)])
    return case


@pytest.mark.django_db
def test_a_refused_case_page_is_logged_without_its_code(console, client, people, case):
    verify_session(client, people["formeel"])  # a member of the table who may not edit the case
    assert client.get(reverse("netwerkgroep:case_edit", args=[case.code])).status_code == 403
    out = console.getvalue()
    assert "WARNING django.request Forbidden: /netwerkgroep/casus/[casus]/bewerken/" in out
    assert case.code not in out


@pytest.mark.django_db
def test_a_missing_case_page_is_logged_without_its_code_in_both_languages(console, client, people, case, settings):
    settings.DEBUG = True  # under DEBUG Django's default logging would print the warning a second time
    verify_session(client, people["bewoner"])  # no seat at the table: a case is "not found"
    assert client.get(reverse("netwerkgroep:case", args=[case.code])).status_code == 404
    with translation.override("en"):
        english = reverse("netwerkgroep:case_close", args=[case.code])
    assert client.get(english).status_code == 404
    out = console.getvalue()
    assert out.count("Not Found: /netwerkgroep/casus/[casus]/") == 1
    assert f"Not Found: {english.replace(case.code, '[casus]')}" in out
    assert case.code not in out


@pytest.mark.django_db
def test_a_traceback_is_logged_without_the_code(console):
    try:
        raise ValueError(f"kapot bij /netwerkgroep/casus/{CODE}/notities/")
    except ValueError:
        logging.getLogger("netwerkgroep.views").exception("Casus %s", CODE)
    out = console.getvalue()
    assert "Casus [casus]" in out
    assert "ValueError: kapot bij /netwerkgroep/casus/[casus]/notities/" in out
    assert CODE not in out


@pytest.mark.django_db
def test_other_paths_are_logged_untouched(console, client):
    assert client.get("/netwerkgroep-bestaat-niet/").status_code == 404
    out = console.getvalue()
    assert "WARNING django.request Not Found: /netwerkgroep-bestaat-niet/" in out
    assert "[casus]" not in out


def test_runserver_access_line_has_no_code(console):
    handler = WSGIRequestHandler.__new__(WSGIRequestHandler)  # only what log_request reads
    handler.request = None
    handler.requestline = f"GET /inloggen/?next=%2Fnetwerkgroep%2Fcasus%2F{CODE}%2F HTTP/1.1"
    handler.log_request(200, 1234)
    handler.requestline = f"POST /en/network-group/case/{CODE}/notes/ HTTP/1.1"
    handler.log_request(403, 56)
    out = console.getvalue()
    assert '"GET /inloggen/?next=%2Fnetwerkgroep%2Fcasus%2F[casus]%2F HTTP/1.1" 200 1234' in out
    assert '"POST /en/network-group/case/[casus]/notes/ HTTP/1.1" 403 56' in out
    assert CODE not in out


def test_gunicorn_access_and_error_logs_have_no_code(tmp_path):
    conf = runpy.run_path(str(Path(settings.BASE_DIR) / "gunicorn.conf.py"))
    cfg = Config()
    cfg.set("logger_class", conf["logger_class"])
    cfg.set("accesslog", str(tmp_path / "access.log"))
    cfg.set("errorlog", str(tmp_path / "error.log"))
    assert cfg.logger_class is GunicornLogger
    log = cfg.logger_class(cfg)
    try:
        environ = {
            "REQUEST_METHOD": "GET", "RAW_URI": f"/netwerkgroep/casus/{CODE}/", "PATH_INFO": f"/netwerkgroep/casus/{CODE}/",
            "QUERY_STRING": "", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "10.0.0.1",
            "HTTP_REFERER": f"https://samennieuwwest.nl/en/network-group/case/{CODE}/edit/", "HTTP_USER_AGENT": "test",
        }
        response = types.SimpleNamespace(status="404 Not Found", sent=99, headers=[])
        log.access(response, types.SimpleNamespace(headers=[]), environ, datetime.timedelta(milliseconds=5))
        log.error("Error handling request /netwerkgroep/casus/%s/", CODE)
        # A reload sets the logger up again; the filter stays once.
        log.setup(cfg)
        assert sum(isinstance(f, CaseCodeFilter) for f in log.access_log.filters) == 1
    finally:
        for logger in (log.access_log, log.error_log):
            for handler in list(logger.handlers):
                logger.removeHandler(handler)
                handler.close()
            logger.filters.clear()
    access = (tmp_path / "access.log").read_text()
    assert '"GET /netwerkgroep/casus/[casus]/ HTTP/1.1" 404 99 "https://samennieuwwest.nl/en/network-group/case/[casus]/edit/"' in access
    assert "Error handling request /netwerkgroep/casus/[casus]/" in (tmp_path / "error.log").read_text()
    assert CODE not in access + (tmp_path / "error.log").read_text()


def _case_routes() -> list[URLPattern]:
    return [p for p in netwerkgroep_urls.urlpatterns if "<str:code>" in str(p.pattern)]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_case_route_loses_its_code(structure, language):
    code = new_case_code(structure["bodies"]["ng_zo"])
    routes = _case_routes()
    assert len(routes) >= 11
    with translation.override(language):
        for route in routes:
            kwargs = {"code": code, **{name: 1 for name in route.pattern.converters if name != "code"}}
            url = reverse(f"netwerkgroep:{route.name}", kwargs=kwargs)
            assert redact(url) == url.replace(code, "[casus]"), url
            assert redact(f"Not Found: {url}?page=2") == f"Not Found: {url.replace(code, '[casus]')}?page=2"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("/netwerkgroep/casus/geraden/", "/netwerkgroep/casus/[casus]/"),  # a guessed code is a code too
        ("/en/network-group/case/NW-7K3Q-M2/edit/", "/en/network-group/case/[casus]/edit/"),
        ("next=%2Fnetwerkgroep%2Fcasus%2FZO-ABCD-EF%2Fnotities%2F", "next=%2Fnetwerkgroep%2Fcasus%2F[casus]%2Fnotities%2F"),
        ("agenda: NW-7K3Q-M2, ZO-2345-XY", "agenda: [casus], [casus]"),
        ("/netwerkgroep/netwerkgroep-nieuw-west/", "/netwerkgroep/netwerkgroep-nieuw-west/"),
        ("/netwerkgroep/bijeenkomst/12/agenda/", "/netwerkgroep/bijeenkomst/12/agenda/"),
        ("/financiering/voorstellen/NW-2026-01/", "/financiering/voorstellen/NW-2026-01/"),
    ],
)
def test_redact(text, expected):
    assert redact(text) == expected


def test_filter_keeps_other_arguments_and_lets_every_record_through():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s %d %s", ("/netwerkgroep/casus/NW-7K3Q-M2/", 7, None), None)
    assert CaseCodeFilter().filter(record) is True
    assert record.args == ("/netwerkgroep/casus/[casus]/", 7, None)
    assert record.getMessage() == "/netwerkgroep/casus/[casus]/ 7 None"
