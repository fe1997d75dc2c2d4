"""Throughput of the public pages under load: ``python scripts/bench_public.py [--duration 10] [--clients 20]``.

Issue 4 ("Numbers to measure"). What it does, in order:

1. Builds a throwaway database: SQLite in a temporary ``SAMENNW_VAR_DIR`` by default, or
   ``DATABASE_URL`` when that is set (it must be a throwaway database: the script refuses one that
   already has tables). Migrates, runs ``load_demo`` and then seeds, with ``bulk_create`` (no
   services, so no history rows and no cache bumps; fine for a benchmark, not for real data), up to
   200 published action lines in the real domains (linked to the domains' opbrengsten, partners and
   focusbuurten), 500 published stories (``monitoring.Verhaal``) and 300 organisations.
2. Runs ``collectstatic``, renders the home page once through the Django test client and stores it
   as ``STATIC_ROOT/bench-home.html`` (plus a ``.gz`` next to it, as collectstatic would make) so that
   WhiteNoise serves the very same HTML as a static file: the baseline.
3. Starts gunicorn (2 workers, no debug, random secret, plain http, 127.0.0.1 on a free port) and
   loads it with ``wrk`` (Debian package ``wrk``) or, without wrk, a bounded Python thread client.
   Every page is measured for ``--duration`` seconds with ``--clients`` concurrent connections and
   ``Accept-Encoding: gzip``.

What "cold" and "warm" mean here. Public pages cache their content as template fragments keyed by
the public content version (``samennw.public_cache``). With the default LocMemCache every gunicorn
worker has its own cache that cannot be cleared from outside, and "the first requests after a
restart" are over after a handful of requests. So the cold run uses a second gunicorn that serves
``bench_public:cold_application`` (this module): the real WSGI application behind a wrapper that
calls ``public_cache.bump()`` before every request. Every request therefore misses the fragment
cache, renders the content with all its queries and stores the fragment, which is the cost of a
page right after an editor has published a change. The bump itself is one cache increment
(in-process with LocMemCache, one Redis round trip with ``REDIS_URL``). The warm run uses the plain
``samennw.wsgi:application``, primed with a few requests per page first.

The table is printed and written to ``bench-results-public.txt`` (ignored by git). Gunicorn is
stopped and the temporary folder removed in all cases.
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import http.client
import io
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
VENV_BIN = ROOT / ".venv" / "bin"
RESULTS = ROOT / "bench-results-public.txt"
HOST = "127.0.0.1"
ACTION_LINES, STORIES, ORGANISATIONS = 200, 500, 300
STATIC_NAME = "bench-home.html"


# --- The cold application (loaded by gunicorn from this file, never run in the script itself) -----
_inner_app = None


def cold_application(environ, start_response):
    """WSGI app for the cold run: bump the public content version, then serve the request."""
    global _inner_app
    if _inner_app is None:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samennw.settings")
        from samennw.wsgi import application

        _inner_app = application
    from samennw import public_cache

    public_cache.bump()
    return _inner_app(environ, start_response)


# --- Database and content ----------------------------------------------------------------------
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


def _check_throwaway() -> None:
    from django.db import connection

    tables = connection.introspection.table_names()
    if tables:
        raise SystemExit(
            f"DATABASE_URL points at a database that already has {len(tables)} tables. This script writes "
            "benchmark data: give it an empty, throwaway database (drop and create it first)."
        )


def _seed() -> dict[str, int]:
    """Top up the demo content to the target sizes with bulk_create (see the module docstring)."""
    from django.utils import timezone

    from actielijnen.models import Actielijn, Status
    from domains.models import Body, Domain, Focusbuurt, Opbrengst, Organisation
    from monitoring.models import Verhaal

    now = timezone.now()
    text = "Een alinea over wat er in Nieuw-West moet gebeuren, hoe, met wie en waarom het ertoe doet. " * 5
    kinds, sectors = Organisation.Kind.values, Organisation.Sector.values
    existing = Organisation.objects.count()
    Organisation.objects.bulk_create(
        [
            Organisation(
                slug=f"bench-org-{i:03d}", name=f"Bench-organisatie {i}", kind=kinds[i % len(kinds)],
                sector=sectors[i % len(sectors)], description=text[:200],
            )
            for i in range(max(0, ORGANISATIONS - existing))
        ],
        batch_size=500,
    )
    orgs = list(Organisation.objects.values_list("pk", flat=True))
    domains = list(Domain.objects.order_by("pk"))
    teams = {b.domain_id: b for b in Body.objects.filter(kind=Body.Kind.OPGAVETEAM, domain__isnull=False)}
    buurten = list(Focusbuurt.objects.values_list("pk", flat=True))
    opbrengsten: dict[int, list[int]] = {}
    for pk, domain_id in Opbrengst.objects.values_list("pk", "opdracht__domain_id"):
        opbrengsten.setdefault(domain_id, []).append(pk)
    published = Actielijn.objects.filter(status=Status.GEPUBLICEERD).count()
    cards = [
        Actielijn(
            code=f"bench-kaart-{i:03d}", domain=domains[i % len(domains)], opgaveteam=teams.get(domains[i % len(domains)].pk),
            status=Status.GEPUBLICEERD, title=f"Actielijn {i}", title_nl=f"Actielijn {i}", title_en=f"Action line {i}",
            goal_nl=text, smart_nl=text, problem_nl=text, way_of_working_nl=text, result_nl=text,
            published_at=now, created_at=now, updated_at=now,
        )
        for i in range(max(0, ACTION_LINES - published))
    ]
    Actielijn.objects.bulk_create(cards, batch_size=500)
    cards = list(Actielijn.objects.filter(code__startswith="bench-kaart-"))
    through = Actielijn.opbrengsten.through
    through.objects.bulk_create(
        [
            through(actielijn_id=c.pk, opbrengst_id=pk)
            for c in cards
            for pk in opbrengsten.get(c.domain_id, [])[c.pk % 3 :: 3][:2]
        ],
        batch_size=1000,
    )
    through = Actielijn.partners.through
    through.objects.bulk_create(
        [through(actielijn_id=c.pk, organisation_id=orgs[(c.pk * 7 + k) % len(orgs)]) for c in cards for k in range(3)],
        batch_size=1000,
    )
    if buurten:
        through = Actielijn.focusbuurten.through
        through.objects.bulk_create(
            [through(actielijn_id=c.pk, focusbuurt_id=buurten[c.pk % len(buurten)]) for c in cards], batch_size=1000
        )
    stories = Verhaal.objects.filter(status=Verhaal.Status.GEPUBLICEERD).count()
    today = now.date()
    Verhaal.objects.bulk_create(
        [
            Verhaal(
                slug=f"bench-verhaal-{i:03d}", title=f"Verhaal {i} uit Nieuw-West", summary=text[:180], body=text * 3,
                domain=domains[i % len(domains)], focusbuurt_id=buurten[i % len(buurten)] if buurten else None,
                story_date=today - datetime.timedelta(days=i), status=Verhaal.Status.GEPUBLICEERD, published_at=now,
            )
            for i in range(max(0, STORIES - stories))
        ],
        batch_size=500,
    )
    return {
        "published action lines": Actielijn.objects.filter(status=Status.GEPUBLICEERD).count(),
        "published stories": Verhaal.objects.filter(status=Verhaal.Status.GEPUBLICEERD).count(),
        "organisations": Organisation.objects.count(),
        "domains": len(domains),
    }


def _pick_card_url() -> str:
    """A published card from the demo (real content), in the veiligheid domain when there is one."""
    from actielijnen.models import Actielijn, Status

    cards = Actielijn.objects.filter(status=Status.GEPUBLICEERD).exclude(code__startswith="bench-")
    card = cards.filter(domain__slug="veiligheid").order_by("code").first() or cards.order_by("code").first()
    card = card or Actielijn.objects.filter(status=Status.GEPUBLICEERD).order_by("code").first()
    return f"/actielijnen/{card.code}/"


def _write_static_home(static_root: Path) -> tuple[Path, int]:
    """Render the home page as an anonymous visitor and store it (and its gzip) for WhiteNoise."""
    from django.test import Client

    response = Client().get("/")
    assert response.status_code == 200, response.status_code
    target = static_root / STATIC_NAME
    target.write_bytes(response.content)
    target.with_name(STATIC_NAME + ".gz").write_bytes(gzip.compress(response.content, compresslevel=9))
    return target, len(response.content)


# --- Gunicorn ----------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """One gunicorn in its own process group; ``stop()`` ends that group and nothing else."""

    def __init__(self, app: str, var_dir: str, log: Path):
        self.port = _free_port()
        self.log = log
        env = {k: v for k, v in os.environ.items() if not k.startswith("SAMENNW_")}
        env.update(
            DJANGO_SETTINGS_MODULE="samennw.settings", SAMENNW_SECRET_KEY=secrets.token_urlsafe(50),
            SAMENNW_HTTPS="false", SAMENNW_DEBUG="false", SAMENNW_VAR_DIR=var_dir,
            SAMENNW_LOG_LEVEL=os.environ.get("SAMENNW_LOG_LEVEL", "WARNING"),
        )
        command = [
            str(VENV_BIN / "gunicorn"), app, "--bind", f"{HOST}:{self.port}", "--workers", "2",
            "--pythonpath", f"{ROOT},{ROOT / 'scripts'}", "--chdir", str(ROOT), "--log-level", "warning",
            "--graceful-timeout", "5",
        ]
        self._log_file = open(log, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(  # noqa: S603 - fixed argument list, no shell
            command, cwd=ROOT, env=env, stdout=self._log_file, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}; see {self.log}:\n{self.log.read_text()[-3000:]}")
            try:
                status, _h, _b = fetch(self.port, "/health/")
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


def fetch(port: int, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


# --- Load ---------------------------------------------------------------------------------------
WRK_SCRIPT = """
wrk.headers["Accept-Encoding"] = "gzip"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH requests=%d duration_us=%d bytes=%d connect=%d read=%d write=%d status=%d timeout=%d p50=%d p95=%d p99=%d\\n",
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def run_wrk(port: int, path: str, duration: int, clients: int, lua: Path) -> dict:
    threads = max(1, min(clients, os.cpu_count() or 1))
    out = subprocess.run(  # noqa: S603 - fixed argument list, no shell
        ["wrk",  # noqa: S607 - Debian's wrk from PATH
         "-t", str(threads), "-c", str(clients), "-d", f"{duration}s", "--timeout", "10s", "-s", str(lua),
         f"http://{HOST}:{port}{path}"],
        capture_output=True, text=True, timeout=duration + 60, check=True,
    ).stdout
    match = re.search(r"^BENCH (.*)$", out, re.M)
    if not match:
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    v = {k: int(x) for k, x in (p.split("=") for p in match.group(1).split())}
    seconds = v["duration_us"] / 1e6
    return {
        "requests": v["requests"], "rps": v["requests"] / seconds, "p50": v["p50"] / 1000, "p95": v["p95"] / 1000,
        "p99": v["p99"] / 1000, "errors": v["connect"] + v["read"] + v["write"] + v["status"] + v["timeout"],
        "bytes": v["bytes"] / max(1, v["requests"]),
    }


def run_python(port: int, path: str, duration: int, clients: int) -> dict:
    """Fallback without wrk: ``clients`` threads with keep-alive http.client connections, until the deadline."""
    deadline = time.monotonic() + duration
    latencies: list[float] = []
    counts = {"errors": 0, "bytes": 0}
    lock = threading.Lock()

    def client() -> None:
        conn = None
        mine, errors, size = [], 0, 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                conn = conn or http.client.HTTPConnection(HOST, port, timeout=10)
                conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
                response = conn.getresponse()
                body = response.read()
                if response.status >= 400:
                    errors += 1
                size += len(body) + sum(len(k) + len(v) + 4 for k, v in response.getheaders())
                mine.append(time.perf_counter() - started)
            except (OSError, http.client.HTTPException):
                errors += 1
                if conn is not None:
                    conn.close()
                conn = None
        if conn is not None:
            conn.close()
        with lock:
            latencies.extend(mine)
            counts["errors"] += errors
            counts["bytes"] += size

    started = time.monotonic()
    workers = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for t in workers:
        t.start()
    for t in workers:
        t.join(timeout=duration + 30)
    seconds = time.monotonic() - started
    ordered = sorted(latencies) or [0.0]

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    return {
        "requests": len(latencies), "rps": len(latencies) / seconds, "p50": pct(50), "p95": pct(95), "p99": pct(99),
        "errors": counts["errors"], "bytes": counts["bytes"] / max(1, len(latencies)),
    }


def sizes(port: int, path: str) -> tuple[int, str]:
    """Body bytes without and with ``Accept-Encoding: gzip`` (as ``"12345 / 2345 gzip"``)."""
    status, _h, plain = fetch(port, path)
    assert status == 200, (path, status)
    status, headers, encoded = fetch(port, path, {"Accept-Encoding": "gzip"})
    assert status == 200, (path, status)
    enc = headers.get("content-encoding", "")
    return len(plain), f"{len(encoded)} {enc}" if enc else f"{len(encoded)} (none)"


# --- Main ---------------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per page and mode (default 10)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent connections (default 20)")
    parser.add_argument("--json", type=Path, help="also write the figures as rows to this JSON file")
    args = parser.parse_args()
    if not (VENV_BIN / "gunicorn").exists():
        print(f"gunicorn not found in {VENV_BIN}: run `make install` first.", file=sys.stderr)
        return 2
    use_wrk = shutil.which("wrk") is not None
    if not use_wrk:
        print("wrk not found; using the Python client (slower, it may limit the numbers itself).\n"
              "  For better numbers install it:  sudo apt-get install -y wrk", file=sys.stderr)

    # SIGTERM/SIGHUP end the run through the finally below (gunicorn stopped, temp dir removed), as Ctrl-C does.
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda signum, _frame: sys.exit(128 + signum))
    holder = tempfile.TemporaryDirectory(prefix="samennw-public-bench-")
    var_dir = holder.name
    servers: list[Server] = []
    try:
        _setup_django(var_dir)
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        if os.environ.get("DATABASE_URL"):
            _check_throwaway()
        backend = f"{connection.vendor} ({'DATABASE_URL' if os.environ.get('DATABASE_URL') else 'temporary SQLite'})"
        cache_backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
        print(f"Database: {backend}; cache: {cache_backend}; temp dir {var_dir}", flush=True)
        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        os.environ.setdefault("SAMENNW_DEMO_PASSWORD", secrets.token_urlsafe(16))
        call_command("load_demo", stdout=io.StringIO())
        counts = _seed()
        print("Content: " + ", ".join(f"{v} {k}" for k, v in counts.items())
              + f" (in {time.perf_counter() - started:.0f} s)", flush=True)
        call_command("collectstatic", verbosity=0, interactive=False)
        static_root = Path(settings.STATIC_ROOT)
        _static_file, home_bytes = _write_static_home(static_root)
        card_url = _pick_card_url()
        pages = [("home", "/"), ("domain", "/domeinen/veiligheid/"), ("action line", card_url)]
        static_page = ("static copy of home", f"{settings.STATIC_URL}{STATIC_NAME}")
        connection.close()

        lua = Path(var_dir) / "bench.lua"
        lua.write_text(WRK_SCRIPT)

        def load(port: int, path: str) -> dict:
            if use_wrk:
                return run_wrk(port, path, args.duration, args.clients, lua)
            return run_python(port, path, args.duration, args.clients)

        rows: list[tuple[str, str, dict, tuple[int, str]]] = []
        first_hits: list[str] = []
        load_before = os.getloadavg()

        # Cold: every request bumps the content version first, so every fragment misses.
        server = Server("bench_public:cold_application", var_dir, Path(var_dir) / "gunicorn-cold.log")
        servers.append(server)
        server.wait_healthy()
        for name, path in pages:
            fetch(server.port, path)  # import and first-request costs stay out of the measurement
            print(f"  cold  {name:<20} {path} ...", flush=True)
            rows.append((name, "cold", load(server.port, path), sizes(server.port, path)))
        server.stop()
        servers.remove(server)

        # Warm: the real application; a few requests per page fill the fragments of both workers.
        if cache_backend != "LocMemCache":
            from samennw import public_cache

            public_cache.bump()  # a shared cache may hold fragments of an earlier run
        server = Server("samennw.wsgi:application", var_dir, Path(var_dir) / "gunicorn-warm.log")
        servers.append(server)
        server.wait_healthy()
        for name, path in pages:
            t = time.perf_counter()
            status, _h, _b = fetch(server.port, path)
            first_hits.append(f"{name} {(time.perf_counter() - t) * 1000:.0f} ms")
            assert status == 200, (path, status)
        for name, path in pages:
            for _ in range(10):
                fetch(server.port, path)
            print(f"  warm  {name:<20} {path} ...", flush=True)
            rows.append((name, "warm", load(server.port, path), sizes(server.port, path)))
        name, path = static_page
        fetch(server.port, path)
        print(f"  file  {name:<20} {path} ...", flush=True)
        rows.append((name, "static", load(server.port, path), sizes(server.port, path)))
        server.stop()
        servers.remove(server)
        load_after = os.getloadavg()

        home_warm = next(r for n, m, r, _s in rows if n == "home" and m == "warm")
        static = rows[-1][2]
        lines = [
            f"Public pages under load: {args.clients} concurrent clients, {args.duration} s per row, "
            f"{'wrk' if use_wrk else 'Python http.client threads'}, Accept-Encoding: gzip.",
            f"gunicorn 2 sync workers on {HOST}; {backend}; cache {cache_backend}; {os.cpu_count()} CPUs "
            f"(client and server share them).",
            "Content: " + ", ".join(f"{v} {k}" for k, v in counts.items()) + f"; action line page {card_url}.",
            "",
            f"{'page':<21}{'mode':<8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'requests':>10}{'errors':>8}"
            f"{'bytes/resp':>12}  body bytes plain / with gzip",
            "-" * 128,
        ]
        for name, mode, r, (plain, encoded) in rows:
            lines.append(
                f"{name:<21}{mode:<8}{r['rps']:>9.1f}{r['p50']:>9.1f}{r['p95']:>9.1f}{r['p99']:>9.1f}{r['requests']:>10}"
                f"{r['errors']:>8}{r['bytes']:>12.0f}  {plain} / {encoded}"
            )
        lines += [
            "",
            f"Home (warm) vs. the same HTML as a static file: {home_warm['rps']:.1f} / {static['rps']:.1f} req/s = "
            f"{home_warm['rps'] / static['rps']:.2f} (static is {static['rps'] / home_warm['rps']:.1f}x faster).",
            "cold = every request bumps the public content version first (bench_public:cold_application), so the",
            "       content fragment is always rendered and stored: the cost right after a change is published.",
            "warm = the real application after 10 requests per page; fragments come from the cache.",
            "bytes/resp = everything received per response incl. headers; the app does not compress HTML (no",
            f"       GZipMiddleware), WhiteNoise serves the .gz of static files. Home as rendered: {home_bytes} bytes.",
            "First request per page after the warm gunicorn started (import + empty cache): " + ", ".join(first_hits) + ".",
            f"Load average (1/5/15 min) before: {' '.join(f'{x:.2f}' for x in load_before)}, "
            f"after: {' '.join(f'{x:.2f}' for x in load_after)}.",
        ]
        table = "\n".join(lines)
        print("\n" + table)
        RESULTS.write_text(table + "\n")
        if args.json:
            import json

            size = f"{args.clients} clients, {args.duration} s"
            out = [
                {"benchmark": "public pages", "size": size, "metric": f"{name} ({mode}) {key}", "value": round(r[key], 1),
                 "unit": "req/s" if key == "rps" else "ms"}
                for name, mode, r, _s in rows
                for key in ("rps", "p50", "p99")
            ]
            out.append({"benchmark": "public pages", "size": size, "metric": "home (warm) / static HTML throughput",
                        "value": round(home_warm["rps"] / static["rps"], 3), "unit": "ratio"})
            out.append({"benchmark": "public pages", "size": size, "metric": "errors",
                        "value": sum(r["errors"] for _n, _m, r, _s in rows), "unit": "requests"})
            args.json.write_text(json.dumps(out, indent=1))
        print(f"\nWritten to {RESULTS.relative_to(ROOT)}")
        return 0
    finally:
        for server in servers:
            server.stop()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001, S110 - Django may not have been set up
            pass
        holder.cleanup()


if __name__ == "__main__":
    sys.exit(main())
