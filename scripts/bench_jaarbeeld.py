"""Jaarbeeld builds at 1× and 10× a year of data: ``python scripts/bench_jaarbeeld.py [--quick] [--profile] [--json [PATH]]``.

Per size, in a temporary ``SAMENNW_VAR_DIR`` (a fresh SQLite database there, or ``DATABASE_URL`` when given,
which must be a throwaway database: it is emptied first), two fresh subprocesses:

1. the seeding (``scripts/seed_bench.py``): a year of data at that scale and an edition with every
   generated block on and approved;
2. the build, through the real code (``monitoring.builds.start_build``, then ``run_build`` as the Celery
   task calls it): a cold build (the first in the process, as in a fresh worker) and a warm one, both
   timed without tracing, then (at 1× only: tracing slows WeasyPrint about nine times, which at 10× would
   be half an hour) a third under ``tracemalloc`` for the peak Python memory of the build call.
   ``ru_maxrss`` (the process's peak resident memory) is read before the first build and after the
   second. HTML and PDF seconds, pages and sizes come from the build row.

Prints a table with the growth factor 10× vs 1×. ``--quick``: 1× only. ``--profile``: a fourth build under
cProfile, printing the top 15 functions by cumulative time. ``--json PATH`` writes the rows
(benchmark, size, metric, value, unit) for ``bench_all.py``; ``--json`` alone prints them on stdout (and the
table on stderr).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCHMARK = "jaarbeeld build"
TIMEOUT = 1200  # seconds per subprocess: the 10× build must finish in a few minutes; longer is a finding


def _django(var_dir: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samennw.settings")
    os.environ.setdefault("SAMENNW_EPHEMERAL_SECRET", "true")
    os.environ.setdefault("SAMENNW_HTTPS", "false")
    os.environ["SAMENNW_VAR_DIR"] = var_dir
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)
    from django.conf import settings

    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


def _year() -> int:
    import datetime

    return datetime.datetime.now(tz=datetime.UTC).year - 1


# --- the subprocesses ------------------------------------------------------------------------------

def child_seed(scale: int, var_dir: str) -> dict:
    _django(var_dir)
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from scripts.seed_bench import BENCH_USER, seed_year

    began = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrate_seconds = time.perf_counter() - began
    if os.environ.get("DATABASE_URL"):
        others = get_user_model().objects.exclude(username__startswith="bench-")
        if others.exists():
            raise SystemExit(f"DATABASE_URL holds accounts other than {BENCH_USER}: not a throwaway database, refusing to empty it.")
        call_command("flush", verbosity=0, interactive=False)
    began = time.perf_counter()
    result = seed_year(scale=scale, year=_year())
    result["seed_seconds"] = round(time.perf_counter() - began, 2)
    result["migrate_seconds"] = round(migrate_seconds, 2)
    return result


def _rss_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child_build(var_dir: str, *, profile: bool, trace: bool) -> dict:
    _django(var_dir)
    from unittest import mock

    from django.contrib.auth import get_user_model

    from monitoring import builds, tasks
    from monitoring.models import Build, Edition
    from scripts.seed_bench import BENCH_USER

    rss_before = _rss_mib()
    editor = get_user_model().objects.get(username=BENCH_USER)
    edition = Edition.objects.get(report_year=_year())

    def build_once() -> tuple[Build, float]:
        with mock.patch.object(tasks.build_jaarbeeld, "apply_async"):  # the job runs here, not on a queue
            queued = builds.start_build(by=editor, edition=edition, language="nl")
        began = time.perf_counter()
        done = builds.run_build(queued.pk)
        seconds = time.perf_counter() - began
        if done is None:
            queued.refresh_from_db()
            raise SystemExit(f"build failed: {queued.error} {queued.log[-1:]}")
        return done, seconds

    cold, cold_seconds = build_once()
    warm, warm_seconds = build_once()
    rss_after = _rss_mib()
    assert cold.data_version == warm.data_version, "same data, same version"
    peak = None
    if trace:
        import tracemalloc

        tracemalloc.start()
        build_once()
        peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
        tracemalloc.stop()
    result = {
        "cold": {"wall": cold_seconds, "html": cold.html_seconds, "pdf": cold.pdf_seconds},
        "warm": {"wall": warm_seconds, "html": warm.html_seconds, "pdf": warm.pdf_seconds},
        "pdf_pages": warm.pdf_pages, "pdf_size": warm.pdf_size, "html_size": warm.html_size,
        "rss_before": rss_before, "rss_after": rss_after, "tracemalloc_peak": peak,
    }
    if profile:
        import cProfile
        import io
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        build_once()
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(15)
        result["profile"] = out.getvalue()
    return result


def _run_child(argv: list[str], env: dict, result_file: Path, timeout: int) -> tuple[dict | None, str]:
    command = [sys.executable, str(Path(__file__).resolve()), *argv, "--result", str(result_file)]
    try:
        process = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False)  # noqa: S603
    except subprocess.TimeoutExpired:
        return None, f"timeout after {timeout} s"
    if process.returncode != 0:
        tail = (process.stderr or process.stdout).strip().splitlines()[-5:]
        return None, f"exit {process.returncode}: " + " | ".join(tail)
    return json.loads(result_file.read_text()), ""


# --- the parent ------------------------------------------------------------------------------------

METRICS = (
    ("seeding", "s", lambda r: r["seed"]["seed_seconds"]),
    ("HTML render, cold", "s", lambda r: r["build"]["cold"]["html"]),
    ("PDF render, cold", "s", lambda r: r["build"]["cold"]["pdf"]),
    ("build wall time, cold (fresh process)", "s", lambda r: r["build"]["cold"]["wall"]),
    ("HTML render, warm", "s", lambda r: r["build"]["warm"]["html"]),
    ("PDF render, warm", "s", lambda r: r["build"]["warm"]["pdf"]),
    ("build wall time, warm", "s", lambda r: r["build"]["warm"]["wall"]),
    ("PDF pages", "pages", lambda r: r["build"]["pdf_pages"]),
    ("PDF size", "KiB", lambda r: r["build"]["pdf_size"] / 1024),
    ("HTML size", "KiB", lambda r: r["build"]["html_size"] / 1024),
    ("max RSS before the builds", "MiB", lambda r: r["build"]["rss_before"]),
    ("max RSS after two builds", "MiB", lambda r: r["build"]["rss_after"]),
    ("tracemalloc peak, build call", "MiB", lambda r: r["build"]["tracemalloc_peak"]),
)


def _rounded(value: float, unit: str) -> float | int:
    return int(value) if unit == "pages" else round(value, 0 if unit == "KiB" else 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1× only")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top 15 of one more build per size")
    parser.add_argument("--json", nargs="?", const="-", metavar="PATH", help="write the rows to PATH (or stdout without PATH)")
    parser.add_argument("--sizes", type=int, nargs="+", metavar="N", help="scales to run (default 1 10; --quick: 1)")
    parser.add_argument("--no-tracemalloc", action="store_true", help="skip the traced build (it runs several times slower)")
    parser.add_argument("--timeout", type=int, default=TIMEOUT, help="seconds per subprocess (default %(default)s)")
    parser.add_argument("--child-seed", type=int, metavar="SCALE", help=argparse.SUPPRESS)
    parser.add_argument("--child-build", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child_seed or args.child_build:
        var_dir = os.environ["SAMENNW_VAR_DIR"]
        if args.child_seed:
            result = child_seed(args.child_seed, var_dir)
        else:
            result = child_build(var_dir, profile=args.profile, trace=not args.no_tracemalloc)
        args.result.write_text(json.dumps(result))
        return 0

    out = sys.stderr if args.json == "-" else sys.stdout
    scales = tuple(args.sizes or ((1,) if args.quick else (1, 10)))
    results: dict[int, dict] = {}
    rows: list[dict] = []
    for scale in scales:
        with tempfile.TemporaryDirectory(prefix=f"samennw-jaarbeeld-{scale}x-") as var_dir:
            env = {**os.environ, "SAMENNW_VAR_DIR": var_dir, "SAMENNW_EPHEMERAL_SECRET": "true", "SAMENNW_HTTPS": "false",
                   "DJANGO_SETTINGS_MODULE": "samennw.settings"}
            result_file = Path(var_dir) / "result.json"
            print(f"[{scale}×] seeding ...", file=out, flush=True)
            seed, problem = _run_child(["--child-seed", str(scale)], env, result_file, args.timeout)
            if seed is None:
                print(f"[{scale}×] seeding failed: {problem}", file=out)
                rows.append({"benchmark": BENCHMARK, "size": f"{scale}×", "metric": f"FAILED seeding: {problem}", "value": "", "unit": ""})
                continue
            print(f"[{scale}×] seeded in {seed['seed_seconds']} s: {seed['counts']}; per part {seed['seconds']}", file=out, flush=True)
            print(f"[{scale}×] building ...", file=out, flush=True)
            trace = not args.no_tracemalloc and scale == 1  # at 10× a traced build would take ~9× its three minutes
            flags = [*(["--profile"] if args.profile else []), *([] if trace else ["--no-tracemalloc"])]
            build, problem = _run_child(["--child-build", *flags], env, result_file, args.timeout)
            if build is None:
                print(f"[{scale}×] build failed: {problem}", file=out)
                rows.append({"benchmark": BENCHMARK, "size": f"{scale}×", "metric": f"FAILED build: {problem}", "value": "", "unit": ""})
                continue
            if build.get("profile"):
                print(f"[{scale}×] cProfile, one build:\n{build['profile']}", file=out)
            results[scale] = {"seed": seed, "build": build}
            for label, unit, get in METRICS:
                if get(results[scale]) is not None:
                    rows.append({"benchmark": BENCHMARK, "size": f"{scale}×", "metric": label,
                                 "value": _rounded(get(results[scale]), unit), "unit": unit})

    header = f"{'':<40}" + "".join(f"{f'{s}×':>10}" for s in results) + ("    10×/1×" if {1, 10} <= set(results) else "")
    print("\n" + header, file=out)
    for label, unit, get in METRICS:
        if not results:
            break
        values = {s: get(r) for s, r in results.items()}
        line = f"{f'{label} ({unit})':<40}" + "".join(f"{'-' if v is None else _rounded(v, unit):>10}" for v in values.values())
        if {1, 10} <= set(values) and values[1] and values[10] is not None:
            growth = values[10] / values[1]
            line += f"{growth:>9.1f}×"
            rows.append({"benchmark": BENCHMARK, "size": "10× vs 1×", "metric": f"{label} growth", "value": round(growth, 1), "unit": "×"})
        print(line, file=out)
    if 1 in results:
        counts = results[1]["seed"]["counts"]
        print("\n1×: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()) + "; 10× is ten times each (the edition's nine stories excepted).",
              file=out)
    if args.json == "-":
        print(json.dumps(rows, indent=1))
    elif args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    return 0 if len(results) == len(scales) else 1


if __name__ == "__main__":
    sys.exit(main())
