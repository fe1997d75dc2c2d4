"""Load test over a realistic mix of users: ``python scripts/load.py [--duration 30] [--clients 10] [--workers 2]``.

Issue 8, item 4. What it does, in order:

1. Builds a throwaway database: SQLite in a temporary ``SAMENNW_VAR_DIR`` by default, or
   ``DATABASE_URL`` when that is set (it must be empty: the script refuses one with tables). Migrates,
   runs ``load_demo`` (demo accounts get a random password) and tops the content up to the sizes of
   ``bench_public.py`` (200 published action lines, 500 stories, 300 organisations, bulk-created).
   The netwerkregisseur ``regisseur`` gets a confirmed TOTP device whose key this script knows.
2. Counts the SQL queries of one request per page kind in-process (Django test client and
   ``CaptureQueriesContext``; gunicorn cannot report them): the first request and a repeat, since
   public pages cache their content fragments.
3. Runs ``collectstatic`` and starts gunicorn like production (``--workers`` sync workers, no DEBUG,
   random ``SAMENNW_SECRET_KEY``, ``SAMENNW_HTTPS=false``) on 127.0.0.1 on a free port.
4. Logs the programme team and the regisseur in through the real login form (CSRF token from the
   form), the regisseur also through the TOTP page, then runs ``--clients`` threads for ``--duration``
   seconds without think time (closed loop):

   * residents (the rest of the clients): home, domain pages, action-line cards, the story list and
     stories, search, the open-data page and the public grants, in weighted random order;
   * programme team (one in five clients, at least one): GET the edit form of the "werkwijze"
     section of its own card, then POST a change with the form's CSRF token and version (a 302 is
     success; a concurrent-edit answer would be a 200 with the form again);
   * netwerkregisseur (one in ten clients, at least one): the group's meeting list and the agenda
     page of its next meeting (case pages: verified second factor, no-store, an audit row per read).

Prints throughput, p50/p95/p99 latency and errors per page kind and overall, and the query counts.
Why not locust: it installs from PyPI, but brings 29 packages (gevent, Flask, pyzmq, requests, ...)
that the portal would have to pin for a benchmark alone, and its gevent monkey-patching does not mix
with running Django in the same process for seeding and query counts. The client here is plain
``http.client`` threads with keep-alive connections; with few CPUs the client shares them with the
server, which the output states.

``--json PATH`` also writes the figures as rows (benchmark, size, metric, value, unit) for
``scripts/bench_all.py``. Gunicorn is stopped and the temporary folder removed in all cases.
"""

from __future__ import annotations

import argparse
import html.parser
import http.client
import http.cookies
import io
import itertools
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _p in (str(ROOT), str(ROOT / "scripts")):
    if _p not in sys.path:
        sys.path.insert(0, _p)
from bench_public import _check_throwaway, _free_port, _seed  # noqa: E402

VENV_BIN = ROOT / ".venv" / "bin"
HOST = "127.0.0.1"
GROUP = "netwerkgroep-hgkm-nieuw-west"
EDITOR, REGISSEUR = "programmateam", "regisseur"
EDIT_SECTION = "werkwijze"
SEARCH_TERMS = ("veiligheid", "jongeren", "armoede", "huiselijk geweld", "school", "wijkalliantie", "taal")
# Weights of the resident page kinds: cards and the home page are what people land on from outside.
RESIDENT_MIX = {
    "home": 15, "domain": 15, "action line": 25, "stories": 5, "story": 10, "search": 10, "open data": 5,
    "public grants": 10,
}


# --- Setup --------------------------------------------------------------------------------------
def _setup_django(var_dir: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "samennw.settings"
    os.environ["SAMENNW_VAR_DIR"] = var_dir
    os.environ["SAMENNW_DEBUG"] = "false"
    os.environ["SAMENNW_HTTPS"] = "false"
    os.environ["SAMENNW_SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ.setdefault("SAMENNW_LOG_LEVEL", "WARNING")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)


def _targets(editors: int) -> dict:
    """The URLs of the mix, from the seeded database."""
    from actielijnen.models import Actielijn, Status
    from domains.models import Body, Domain
    from monitoring.models import Verhaal
    from netwerkgroep import services as ng_services

    cards = list(Actielijn.objects.filter(status=Status.GEPUBLICEERD).order_by("code").values_list("code", flat=True))
    stories = list(Verhaal.objects.filter(status=Verhaal.Status.GEPUBLICEERD).order_by("slug").values_list("slug", flat=True))
    # The editors change demo cards (real sections), one card each so they never conflict with one another.
    own = list(Actielijn.objects.exclude(code__startswith="bench-").order_by("code").values_list("code", flat=True))[:editors]
    group = Body.objects.get(slug=GROUP)
    meeting = ng_services.upcoming_meeting(group)
    if meeting is None:
        raise SystemExit(f"load_demo planned no upcoming meeting for {GROUP}: the regisseur has no agenda page.")
    return {
        "domain": [f"/domeinen/{s}/" for s in Domain.objects.order_by("slug").values_list("slug", flat=True)],
        "action line": [f"/actielijnen/{c}/" for c in cards],
        "story": [f"/verhalen/{s}/" for s in stories],
        "search": [f"/zoeken/?{urllib.parse.urlencode({'q': t})}" for t in SEARCH_TERMS],
        "edit": [f"/actielijnen/{c}/bewerken/{EDIT_SECTION}/" for c in own],
        "meetings": f"/netwerkgroep/{GROUP}/bijeenkomsten/",
        "meeting": f"/netwerkgroep/bijeenkomst/{meeting.pk}/",
    }


def _give_regisseur_a_device() -> bytes:
    """A confirmed TOTP device for the demo regisseur; returns its key so the client can compute codes."""
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.get(username=REGISSEUR)
    device = TOTPDevice(user=user, name="Authenticator-app", confirmed=True)
    device.full_clean()
    device.save()
    return device.bin_key


def _static_pages(targets: dict) -> dict[str, str]:
    pages = {"home": "/", "stories": "/verhalen/", "open data": "/open-data/", "public grants": "/financiering/toekenningen/"}
    return pages


def count_queries(targets: dict) -> dict[str, tuple[int, int]]:
    """Queries of one request per page kind (first and repeated), through the test client in-process."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.ALLOWED_HOSTS = ["*"]
    users = get_user_model().objects
    anonymous, editor, regisseur = Client(), Client(), Client()
    editor.force_login(users.get(username=EDITOR))
    regisseur.force_login(users.get(username=REGISSEUR))
    session = regisseur.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user__username=REGISSEUR).persistent_id
    session.save()
    pages = {name: (anonymous, path) for name, path in _static_pages(targets).items()}
    for name in ("domain", "action line", "story", "search"):
        pages[name] = (anonymous, targets[name][0])
    pages["edit form (GET)"] = (editor, targets["edit"][0])
    pages["ng meetings"] = (regisseur, targets["meetings"])
    pages["ng meeting agenda"] = (regisseur, targets["meeting"])
    out: dict[str, tuple[int, int]] = {}
    for name, (client, path) in pages.items():
        counts = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"{name} {path}: status {response.status_code} in-process")
            counts.append(len(ctx.captured_queries))
        out[name] = (counts[0], counts[1])
    # The POST of a changed section, as the load test sends it.
    form = FormParser.first_with(editor.get(targets["edit"][0]).content.decode(), "version")
    counts = []
    for i in range(2):
        data = dict(form)
        data["way_of_working_nl"] = f"{data.get('way_of_working_nl', '')} (meting {i})"
        data["version"] = str(_card_version(targets["edit"][0]))
        with CaptureQueriesContext(connection) as ctx:
            response = editor.post(targets["edit"][0], data)
        if response.status_code != 302:
            raise RuntimeError(f"edit POST: status {response.status_code} in-process")
        counts.append(len(ctx.captured_queries))
    out["edit save (POST)"] = (counts[0], counts[1])
    return out


def _card_version(edit_path: str) -> int:
    from actielijnen.models import Actielijn

    return Actielijn.objects.get(code=edit_path.split("/")[2]).version


# --- HTTP client --------------------------------------------------------------------------------
class FormParser(html.parser.HTMLParser):
    """The fields of every form in a page, as a browser would submit them (checked boxes, selected options)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self._form: list[tuple[str, str]] | None = None
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = []
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name") and "disabled" not in a:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file", "image", "reset"):
                self._form.append((a["name"], a.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], []
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self._form.append((self._select, a.get("value") or ""))

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._form = None

    @classmethod
    def first_with(cls, page: str, field: str) -> list[tuple[str, str]]:
        parser = cls()
        parser.feed(page)
        for form in parser.forms:
            if any(name == field for name, _v in form):
                return form
        raise RuntimeError(f"no form with a field {field!r} in the page")


# Each simulated visitor has an address of its own (TEST-NET-2), sent as X-Forwarded-For; gunicorn runs with
# SAMENNW_TRUSTED_PROXIES=127.0.0.1 as behind the production proxy, so the per-visitor rate limits (search,
# contact form) and login lockouts count visitors, as they would in production, not the load script.
_visitors = itertools.count()  # next() on a count is atomic under the GIL; a generator is not thread-safe


class Browser:
    """One keep-alive connection with a cookie jar (shared between the threads of one role)."""

    def __init__(self, port: int, jar: dict[str, str] | None = None):
        self.port = port
        self.jar = jar if jar is not None else {}
        self.conn: http.client.HTTPConnection | None = None
        self.address = f"198.51.100.{next(_visitors) % 250 + 1}"

    def request(self, method: str, path: str, fields: list[tuple[str, str]] | None = None) -> tuple[int, dict, bytes]:
        headers = {"Accept-Encoding": "gzip", "User-Agent": "samennw-load", "X-Forwarded-For": self.address}
        if self.jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.jar.items())
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.conn = self.conn or http.client.HTTPConnection(HOST, self.port, timeout=30)
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (OSError, http.client.HTTPException):
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        for key, value in response.getheaders():
            if key.lower() == "set-cookie":
                for name, morsel in http.cookies.SimpleCookie(value).items():
                    self.jar[name] = morsel.value
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data

    def page(self, path: str) -> str:
        status, headers, data = self.request("GET", path)
        if headers.get("content-encoding") == "gzip":
            import gzip

            data = gzip.decompress(data)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status}")
        return data.decode()

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


def log_in(port: int, username: str, password: str, totp_key: bytes | None = None) -> dict[str, str]:
    """Log in through the login form (and the TOTP page); returns the session's cookies."""
    browser = Browser(port)
    form = FormParser.first_with(browser.page("/inloggen/"), "csrfmiddlewaretoken")
    fields = [(k, v) for k, v in form if k not in ("username", "password")] + [("username", username), ("password", password)]
    status, headers, _b = browser.request("POST", "/inloggen/", fields)
    if status != 302:
        raise RuntimeError(f"login of {username} failed with status {status}")
    if totp_key is not None:
        from django_otp.oath import totp

        form = FormParser.first_with(browser.page("/tweestapsverificatie/"), "code")
        code = f"{totp(totp_key, 30, 0, 6, 0):06d}"
        status, _h, _b = browser.request("POST", "/tweestapsverificatie/", [(k, v) for k, v in form if k != "code"] + [("code", code)])
        if status != 302:
            raise RuntimeError(f"TOTP step of {username} failed with status {status}")
    browser.close()
    return browser.jar


# --- Load ---------------------------------------------------------------------------------------
class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.statuses: dict[int | str, int] = {}

    def add(self, kind: str, seconds: float, status: int | str, ok: bool) -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(seconds)
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if not ok:
                self.errors[kind] = self.errors.get(kind, 0) + 1


def _timed(recorder: Recorder, browser: Browser, kind: str, method: str, path: str, fields=None, expect=(200,)):
    started = time.perf_counter()
    try:
        status, headers, data = browser.request(method, path, fields)
    except (OSError, http.client.HTTPException) as exc:
        recorder.add(kind, time.perf_counter() - started, type(exc).__name__, False)
        return None
    recorder.add(kind, time.perf_counter() - started, status, status in expect)
    if headers.get("content-encoding") == "gzip":
        import gzip

        data = gzip.decompress(data)
    return data


def resident(port: int, targets: dict, deadline: float, recorder: Recorder, seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - a repeatable mix, not a secret
    kinds, weights = list(RESIDENT_MIX), list(RESIDENT_MIX.values())
    fixed = _static_pages(targets)
    browser = Browser(port)
    while time.monotonic() < deadline:
        kind = rng.choices(kinds, weights)[0]
        path = fixed.get(kind) or rng.choice(targets[kind])
        _timed(recorder, browser, kind, "GET", path)
    browser.close()


def editor(port: int, path: str, jar: dict, deadline: float, recorder: Recorder) -> None:
    browser = Browser(port, dict(jar))
    n = 0
    while time.monotonic() < deadline:
        page = _timed(recorder, browser, "edit form (GET)", "GET", path)
        if page is None:
            continue
        try:
            form = FormParser.first_with(page.decode(), "version")
        except RuntimeError:
            recorder.add("edit save (POST)", 0.0, "no form", False)
            continue
        n += 1
        fields = [(k, f"{v.split(' (bewerking')[0]} (bewerking {n})" if k == "way_of_working_nl" else v) for k, v in form]
        _timed(recorder, browser, "edit save (POST)", "POST", path, fields, expect=(302,))
    browser.close()


def regisseur(port: int, targets: dict, jar: dict, deadline: float, recorder: Recorder, seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - a repeatable mix, not a secret
    browser = Browser(port, dict(jar))
    while time.monotonic() < deadline:
        if rng.random() < 0.3:
            _timed(recorder, browser, "ng meetings", "GET", targets["meetings"])
        else:
            _timed(recorder, browser, "ng meeting agenda", "GET", targets["meeting"])
    browser.close()


def percentile(ordered: list[float], p: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


# --- Gunicorn ----------------------------------------------------------------------------------
class Server:
    """Gunicorn in its own process group; ``stop()`` ends that group and nothing else."""

    def __init__(self, var_dir: str, workers: int):
        self.port = _free_port()
        self.log = Path(var_dir) / "gunicorn.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("SAMENNW_")}
        env.update(
            DJANGO_SETTINGS_MODULE="samennw.settings", SAMENNW_SECRET_KEY=secrets.token_urlsafe(50),
            SAMENNW_HTTPS="false", SAMENNW_DEBUG="false", SAMENNW_VAR_DIR=var_dir, SAMENNW_TRUSTED_PROXIES="127.0.0.1",
            SAMENNW_LOG_LEVEL=os.environ.get("SAMENNW_LOG_LEVEL", "WARNING"),
        )
        command = [
            str(VENV_BIN / "gunicorn"), "samennw.wsgi:application", "--bind", f"{HOST}:{self.port}",
            "--workers", str(workers), "--chdir", str(ROOT), "--log-level", "warning", "--graceful-timeout", "5",
        ]
        self._log_file = open(self.log, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(  # noqa: S603 - fixed argument list, no shell
            command, cwd=ROOT, env=env, stdout=self._log_file, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}:\n{self.log.read_text()[-3000:]}")
            try:
                status, _h, _b = Browser(self.port).request("GET", "/health/")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn not healthy after {timeout:.0f} s:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
            except ProcessLookupError:
                pass
        self._log_file.close()


# --- Main ---------------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=30, help="seconds of load (default 30)")
    parser.add_argument("--clients", type=int, default=10, help="concurrent clients (default 10)")
    parser.add_argument("--workers", type=int, default=2, choices=range(1, 9), metavar="N", help="gunicorn workers (default 2)")
    parser.add_argument("--json", type=Path, help="also write the figures as rows to this JSON file")
    args = parser.parse_args()
    if not (VENV_BIN / "gunicorn").exists():
        print(f"gunicorn not found in {VENV_BIN}: run `make install` first.", file=sys.stderr)
        return 2
    editors = max(1, args.clients // 5)
    regisseurs = max(1, args.clients // 10)
    residents = max(1, args.clients - editors - regisseurs)

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda signum, _frame: sys.exit(128 + signum))
    holder = tempfile.TemporaryDirectory(prefix="samennw-load-")
    var_dir = holder.name
    server = None
    try:
        _setup_django(var_dir)
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        if os.environ.get("DATABASE_URL"):
            _check_throwaway()
        backend = f"{connection.vendor} ({'DATABASE_URL' if os.environ.get('DATABASE_URL') else 'temporary SQLite'})"
        cache_backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        password = secrets.token_urlsafe(16)
        os.environ["SAMENNW_DEMO_PASSWORD"] = password
        call_command("load_demo", stdout=io.StringIO())
        counts = _seed()
        totp_key = _give_regisseur_a_device()
        targets = _targets(editors)
        call_command("collectstatic", verbosity=0, interactive=False)
        print(f"Database: {backend}; cache: {cache_backend}; seeded in {time.perf_counter() - started:.0f} s: "
              + ", ".join(f"{v} {k}" for k, v in counts.items()), flush=True)
        queries = count_queries(targets)
        connection.close()

        server = Server(var_dir, args.workers)
        server.wait_healthy()
        editor_jar = log_in(server.port, EDITOR, password)
        regisseur_jar = log_in(server.port, REGISSEUR, password, totp_key)
        # Warm-up outside the measurement: imports, translations and the first fragments per worker.
        warm = Browser(server.port)
        for path in [*_static_pages(targets).values(), *(targets[k][0] for k in ("domain", "action line", "story", "search"))]:
            for _ in range(args.workers * 2):
                warm.request("GET", path)
        warm.close()

        print(f"Load: {residents} residents, {editors} programme team, {regisseurs} regisseur(s) for {args.duration} s "
              f"against gunicorn {args.workers} sync workers on {HOST}:{server.port} ...", flush=True)
        recorder = Recorder()
        load_before = os.getloadavg()
        began = time.monotonic()
        deadline = began + args.duration
        threads = [threading.Thread(target=resident, args=(server.port, targets, deadline, recorder, i), daemon=True)
                   for i in range(residents)]
        threads += [threading.Thread(target=editor, args=(server.port, targets["edit"][i % len(targets["edit"])], editor_jar,
                                                          deadline, recorder), daemon=True) for i in range(editors)]
        threads += [threading.Thread(target=regisseur, args=(server.port, targets, regisseur_jar, deadline, recorder, 100 + i),
                                     daemon=True) for i in range(regisseurs)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=args.duration + 60)
        seconds = time.monotonic() - began
        load_after = os.getloadavg()
        server.stop()
        server = None

        order = [*RESIDENT_MIX, "edit form (GET)", "edit save (POST)", "ng meetings", "ng meeting agenda"]
        rows = []
        all_latencies: list[float] = []
        for kind in order:
            lat = sorted(recorder.latencies.get(kind, []))
            all_latencies += lat
            rows.append((kind, len(lat), len(lat) / seconds, percentile(lat, 50), percentile(lat, 95), percentile(lat, 99),
                         recorder.errors.get(kind, 0), queries.get(kind)))
        all_latencies.sort()
        total_errors = sum(recorder.errors.values())
        rows.append(("overall", len(all_latencies), len(all_latencies) / seconds, percentile(all_latencies, 50),
                     percentile(all_latencies, 95), percentile(all_latencies, 99), total_errors, None))
        lines = [
            f"Load test: {args.clients} clients ({residents} residents, {editors} programme team, {regisseurs} regisseur), "
            f"no think time, {seconds:.1f} s; gunicorn {args.workers} sync workers; {backend}; cache {cache_backend}; "
            f"{os.cpu_count()} CPUs shared by client and server.",
            "",
            f"{'page kind':<20}{'requests':>9}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'errors':>7}"
            f"{'queries first/again':>21}",
            "-" * 89,
        ]
        for kind, n, rps, p50, p95, p99, errors, q in rows:
            qtext = f"{q[0]} / {q[1]}" if q else ""
            lines.append(f"{kind:<20}{n:>9}{rps:>8.1f}{p50:>8.1f}{p95:>8.1f}{p99:>8.1f}{errors:>7}{qtext:>21}")
        lines += [
            "",
            "Status codes: " + ", ".join(f"{k}: {v}" for k, v in sorted(recorder.statuses.items(), key=lambda kv: str(kv[0]))),
            "Queries: one request per page kind through Django's test client in-process (first, then again: public",
            "         pages cache their content fragments); the edit save counts one POST of a changed section.",
            "Editors save demo cards (concept or published); saving a published card bumps the public content",
            "         version, so residents' cached fragments are rebuilt after it (as in production).",
            f"Load average (1/5/15 min) before: {' '.join(f'{x:.2f}' for x in load_before)}, "
            f"after: {' '.join(f'{x:.2f}' for x in load_after)}.",
        ]
        print("\n" + "\n".join(lines))
        if args.json:
            size = f"{args.clients} clients, {args.workers} workers, {args.duration} s"
            out = [
                {"benchmark": "load test", "size": size, "metric": "throughput (all kinds)", "value": round(rows[-1][2], 1), "unit": "req/s"},
                {"benchmark": "load test", "size": size, "metric": "errors", "value": total_errors, "unit": "requests"},
            ]
            for kind, n, _rps, p50, p95, p99, _errors, q in rows:
                if n == 0:
                    continue
                for metric, value in (("p50", p50), ("p95", p95), ("p99", p99)):
                    out.append({"benchmark": "load test", "size": size, "metric": f"{kind} {metric}", "value": round(value, 1), "unit": "ms"})
                if q:
                    out.append({"benchmark": "load test", "size": "1 request", "metric": f"{kind} queries (first/again)",
                                "value": f"{q[0]}/{q[1]}", "unit": "queries"})
            args.json.write_text(json.dumps(out, indent=1))
        return 0 if total_errors == 0 else 1
    finally:
        if server is not None:
            server.stop()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001, S110 - Django may not have been set up
            pass
        holder.cleanup()


if __name__ == "__main__":
    sys.exit(main())
