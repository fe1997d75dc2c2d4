"""Every benchmark of the portal in one table: ``python scripts/bench_all.py [--quick]`` (``make bench``).

Issue 8, item 5. Runs each benchmark script as a subprocess with ``--json`` (each seeds its own
throwaway SQLite database in a temporary folder; ``DATABASE_URL`` is not passed on, since several of
them write benchmark data), collects their rows (benchmark, size, metric, value, unit), prints one
table and writes it as markdown with the machine it ran on to ``var/bench/latest.md``. The full output
of every script goes to ``var/bench/logs/<name>.log``.

A script that fails is a failed row in the table, not the end of the run; a script that is not there
(``bench_jaarbeeld.py`` arrives with the jaarbeeld work) is a "not present" row. ``--quick`` runs the
smaller sizes and shorter loads, for a smoke test in a few minutes.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
PYTHON = ROOT / ".venv" / "bin" / "python"
OUT_DIR = ROOT / "var" / "bench"

# (name, script, arguments for the full run, arguments for --quick, timeout in seconds)
BENCHMARKS = [
    ("cards", "bench_cards.py", ["5000"], ["500"], 1800),
    ("queries", "bench_queries.py", [], [], 900),
    ("public", "bench_public.py", ["--duration", "10", "--clients", "20"], ["--duration", "2", "--clients", "10"], 900),
    ("pdf", "bench_pdf.py", [], [], 900),
    ("pii", "bench_pii.py", [], [], 600),
    ("load", "load.py", ["--duration", "20", "--clients", "10"], ["--duration", "5", "--clients", "6"], 900),
    ("jaarbeeld", "bench_jaarbeeld.py", [], ["--quick"], 1800),
]


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    python = subprocess.run(  # noqa: S603 - fixed argument list
        [str(PYTHON), "-c", "import platform; print(platform.python_version())"], capture_output=True, text=True, check=False
    ).stdout.strip() or platform.python_version()
    return {
        "CPU": f"{cpu}, {os.cpu_count()} logical CPUs",
        "RAM": ram,
        "OS": f"{platform.system()} {platform.release()}",
        "Python": python,
        "Database": f"SQLite {sqlite3.sqlite_version}, a temporary database per benchmark",
        "Date": datetime.datetime.now(tz=datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def run_one(name: str, script: str, argv: list[str], timeout: int, logs: Path) -> list[dict]:
    path = SCRIPTS / script
    if not path.exists():
        return [{"benchmark": name, "size": "", "metric": f"{script}", "value": "not present", "unit": ""}]
    source = path.read_text(encoding="utf-8")
    json_supported = "--json" in source or "benchjson" in source
    # The jaarbeeld script is written separately: pass --quick only when it knows the flag.
    argv = [a for a in argv if a != "--quick" or "--quick" in source]
    with tempfile.NamedTemporaryFile(prefix=f"bench-{name}-", suffix=".json", delete=False) as handle:
        json_file = Path(handle.name)
    command = [str(PYTHON), str(path), *argv, *(["--json", str(json_file)] if json_supported else [])]
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"SAMENNW_EPHEMERAL_SECRET": "true", "SAMENNW_HTTPS": "false", "CELERY_TASK_ALWAYS_EAGER": "true",
                "DJANGO_SETTINGS_MODULE": "samennw.settings"})
    log = logs / f"{name}.log"
    print(f"[{name}] {' '.join(Path(c).name if i < 2 else c for i, c in enumerate(command))} ...", flush=True)
    started = time.perf_counter()
    try:
        with open(log, "w", encoding="utf-8") as out:
            rc = subprocess.run(  # noqa: S603 - fixed argument list, no shell
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=timeout, check=False
            ).returncode
    except subprocess.TimeoutExpired:
        rc = f"timeout after {timeout} s"
    seconds = time.perf_counter() - started
    rows: list[dict] = []
    try:
        rows = json.loads(json_file.read_text() or "[]")
    except (OSError, ValueError):
        rows = []
    finally:
        json_file.unlink(missing_ok=True)
    print(f"[{name}] exit {rc} in {seconds:.0f} s, {len(rows)} figures; log {log.relative_to(ROOT)}", flush=True)
    if rc != 0:
        tail = " ".join(log.read_text(errors="replace").strip().splitlines()[-1:])[:120]
        rows.append({"benchmark": name, "size": "", "metric": f"FAILED (exit {rc}): {tail}", "value": "", "unit": ""})
    elif not rows:
        # A script without --json still ran: point at its log rather than guess at its output.
        rows.append({"benchmark": name, "size": "", "metric": f"ran, no --json output (see {log.relative_to(ROOT)})",
                     "value": round(seconds, 1), "unit": "s total"})
    return rows


def render(rows: list[dict]) -> tuple[str, str]:
    """The table as plain text (for the terminal) and as markdown."""
    cols = ("benchmark", "size", "metric", "value", "unit")
    cells = [[str(r.get(c, "")) for c in cols] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(cols)]
    text = ["  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)), "  ".join("-" * w for w in widths)]
    text += ["  ".join(v.rjust(w) if i == 3 else v.ljust(w) for i, (v, w) in enumerate(zip(row, widths, strict=True)))
             for row in cells]
    md = ["| " + " | ".join(cols) + " |", "|" + "|".join(["---", "---", "---", "---:", "---"]) + "|"]
    md += ["| " + " | ".join(v.replace("|", "\\|") for v in row) + " |" for row in cells]
    return "\n".join(text), "\n".join(md)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes and shorter loads (a smoke test)")
    parser.add_argument("--only", nargs="*", metavar="NAME", help="run only these: " + ", ".join(b[0] for b in BENCHMARKS))
    parser.add_argument("--output", type=Path, default=OUT_DIR / "latest.md", help="markdown file (default var/bench/latest.md)")
    args = parser.parse_args()
    if not PYTHON.exists():
        print(f"{PYTHON} not found: run `make install` first.", file=sys.stderr)
        return 2
    logs = OUT_DIR / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    info = machine()
    started = time.perf_counter()
    rows: list[dict] = []
    for name, script, full, quick, timeout in BENCHMARKS:
        if args.only and name not in args.only:
            continue
        rows += run_one(name, script, quick if args.quick else full, timeout, logs)
    minutes = (time.perf_counter() - started) / 60
    text, md = render(rows)
    mode = "quick" if args.quick else "full"
    print("\n" + text)
    print("\n" + "; ".join(f"{k}: {v}" for k, v in info.items()) + f"; {mode} run in {minutes:.1f} min")
    failed = sum(1 for r in rows if str(r["metric"]).startswith("FAILED"))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        f"# Benchmarks ({mode} run)\n\n"
        "Written by `make bench` (`scripts/bench_all.py`); logs per benchmark in `var/bench/logs/`.\n\n"
        + "\n".join(f"- **{k}**: {v}" for k, v in info.items())
        + f"\n- **Run time**: {minutes:.1f} min, {failed} failed\n\n{md}\n",
        encoding="utf-8",
    )
    print(f"Written to {args.output}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
