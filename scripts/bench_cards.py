"""Benchmark of the card spreadsheet export and import: ``python scripts/bench_cards.py [N]``.

Seeds N cards (default 5,000; bulk creation, not the services) in a temporary SQLite database, or in
``DATABASE_URL`` when that is set (use a throwaway database: the import writes cards and audit rows
that stay), then measures time and peak Python memory (tracemalloc) of:

* export of all cards to XLSX and to CSV;
* import of the XLSX export as it is (dry run: every row unchanged);
* import of the N cards with one text column changed, dry run (all N) and for real (300 of them,
  through ``services.update_card``);
* import of 50 new cards, dry run and for real (``services.create_card``), also given per 1,000.
* the N changed cards as a background import job (``actielijnen.imports``) run through its task function:
  the plan, then the save of all N in one transaction (timed once; the save is the slow part).

Each step runs twice: timed without tracemalloc, then under tracemalloc for the peak.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

# Writing through the services is slow (simple-history records every link set), so the real imports
# run on a slice of the file and are also reported per 1,000 cards.
WRITE_CHANGED = 300
NEW_CARDS = 50
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchjson import json_path as json_arg  # noqa: E402
from benchjson import write_json  # noqa: E402


def _setup() -> tempfile.TemporaryDirectory | None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samennw.settings")
    os.environ.setdefault("SAMENNW_EPHEMERAL_SECRET", "true")
    os.environ.setdefault("SAMENNW_HTTPS", "false")
    holder = None
    if not os.environ.get("DATABASE_URL"):
        holder = tempfile.TemporaryDirectory(prefix="samennw-bench-")
        os.environ["SAMENNW_VAR_DIR"] = holder.name
    import logging

    import django

    django.setup()
    logging.disable(logging.INFO)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return holder


def _measure(label: str, func, results: list):
    """Run ``func`` twice: once for the time, once under tracemalloc for the peak memory (it slows
    Python down several times, so the two are not measured together). ``func`` must be repeatable."""
    started = time.perf_counter()
    value = func()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    func()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    results.append((label, seconds, peak / (1024 * 1024)))
    print(f"  {label}: {seconds:.2f} s, {peak / (1024 * 1024):.1f} MiB", flush=True)
    return value


def _seed(n: int):
    from django.contrib.auth import get_user_model

    from actielijnen.models import Actielijn
    from domains.models import Body, Domain, Focusbuurt, Opbrengst, Opdracht, Organisation

    user = get_user_model().objects.create_user(username="bench-programmateam", password=None)
    domains = [Domain.objects.create(slug=f"bench-domein-{i}", name=f"Domein {i}") for i in range(5)]
    teams = [
        Body.objects.create(slug=f"bench-ot-{d.slug}", kind=Body.Kind.OPGAVETEAM, name=f"OT {d.name}", domain=d)
        for d in domains
    ]
    orgs = [
        Organisation.objects.create(slug=f"bench-org-{i}", name=f"Org {i}", kind="formeel", sector="overheid")
        for i in range(40)
    ]
    buurten = [Focusbuurt.objects.create(slug=f"bench-buurt-{i}", name=f"Buurt {i}", gebied="G", cluster="A") for i in range(10)]
    opbrengsten = []
    for d in domains:
        opdracht = Opdracht.objects.create(domain=d, code="1", number=1, title="Opdracht")
        opbrengsten += [Opbrengst.objects.create(opdracht=opdracht, code=f"1-{j}", number=j, title="Opbrengst") for j in (1, 2, 3)]
    people = [get_user_model().objects.create_user(username=f"bench-persoon-{i}", password=None) for i in range(50)]
    text = "Een alinea tekst over wat er moet gebeuren, hoe en met wie. " * 6
    cards = [
        Actielijn(
            code=f"bench-kaart-{i:05d}", domain=domains[i % 5], opgaveteam=teams[i % 5], title_nl=f"Actielijn {i}",
            title_en=f"Action line {i}", goal_nl=text, smart_nl=text, problem_nl=text, way_of_working_nl=text,
            result_nl=text, risks_nl="- risico een\n- risico twee", contact="=programmabureau", aanvoerder=people[i % 50],
        )
        for i in range(n)
    ]
    Actielijn.objects.bulk_create(cards, batch_size=500)
    cards = list(Actielijn.objects.filter(code__startswith="bench-kaart-").order_by("code"))
    through = Actielijn.partners.through
    through.objects.bulk_create(
        [through(actielijn_id=c.pk, organisation_id=orgs[(c.pk + k) % 40].pk) for c in cards for k in range(3)], batch_size=1000
    )
    through = Actielijn.opbrengsten.through
    through.objects.bulk_create(
        [through(actielijn_id=c.pk, opbrengst_id=opbrengsten[c.pk % 15].pk) for c in cards], batch_size=1000
    )
    through = Actielijn.focusbuurten.through
    through.objects.bulk_create(
        [through(actielijn_id=c.pk, focusbuurt_id=buurten[c.pk % 10].pk) for c in cards], batch_size=1000
    )
    through = Actielijn.trekkers.through
    through.objects.bulk_create([through(actielijn_id=c.pk, user_id=people[(c.pk + 7) % 50].pk) for c in cards], batch_size=1000)
    return user


def _job_times(content: bytes, user, n: int) -> list[tuple[str, float]]:
    """The import job's two phases on ``content`` (every row changed), each through the Celery task function."""
    import secrets

    from actielijnen import tasks, views_transfer
    from actielijnen.models import ImportJob

    views_transfer.UPLOAD_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    (views_transfer.UPLOAD_DIR / f"{token}.xlsx").write_bytes(content)
    job = ImportJob.objects.create(code=f"bench-{token[:12]}", requested_by=user, file_token=token, file_kind="xlsx")
    times = []
    started = time.perf_counter()
    tasks.run_import_job(job.pk)
    times.append((f"import job, plan {n} changed (XLSX)", time.perf_counter() - started))
    job.refresh_from_db()
    assert job.state == ImportJob.State.KLAAR and job.report["counts"]["gewijzigd"] == n, (job.state, job.error)
    ImportJob.objects.filter(pk=job.pk).update(phase=ImportJob.Phase.OPSLAAN, state=ImportJob.State.WACHTEND)
    started = time.perf_counter()
    tasks.run_import_job(job.pk)
    times.append((f"import job, save {n} changed (XLSX, one transaction)", time.perf_counter() - started))
    job.refresh_from_db()
    assert job.state == ImportJob.State.KLAAR, (job.state, job.error)
    return times


def main() -> None:
    json_path = json_arg()
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000
    holder = _setup()
    from actielijnen import resources
    from actielijnen.models import Actielijn
    from samennw import spreadsheets

    print(f"Seeding {n} cards ...", flush=True)
    started = time.perf_counter()
    user = _seed(n)
    print(f"  seeded in {time.perf_counter() - started:.1f} s", flush=True)
    queryset = Actielijn.objects.filter(code__startswith="bench-kaart-")
    results: list[tuple[str, float, float]] = []

    def export(kind: str) -> bytes:
        headers, rows = resources.export_rows(queryset)
        writer = spreadsheets.write_xlsx if kind == "xlsx" else spreadsheets.write_csv
        return writer(headers, rows)

    xlsx = _measure(f"export {n} cards to XLSX", lambda: export("xlsx"), results)
    csv_bytes = _measure(f"export {n} cards to CSV", lambda: export("csv"), results)

    def read(content: bytes):
        upload = io.BytesIO(content)
        upload.name, upload.size = "bench.xlsx", len(content)
        kind = spreadsheets.check_upload(upload)
        return spreadsheets.read_sheet(upload, kind)

    plan = _measure(f"import {n} unchanged (XLSX, dry run)", lambda: resources.plan_import(read(xlsx)), results)
    assert plan.count(resources.UNCHANGED) == n, plan.counts

    sheet = read(xlsx)
    code, tijd = sheet.headers.index("Code"), sheet.headers.index("Tijd")

    def rewritten(prefix: str = "", time_text: str | None = None, limit: int | None = None) -> bytes:
        rows = []
        for _number, cells in sheet.rows[:limit]:
            cells = list(cells)
            if prefix:
                cells[code] = f"{prefix}-{cells[code]}"
            if time_text is not None:
                cells[tijd] = time_text
            rows.append(cells)
        return spreadsheets.write_xlsx(sheet.headers, rows)

    # N changed cards (one text column each), through services.update_card. The real import runs
    # twice (time, then memory), each time with a different text so that every row changes.
    changed = rewritten(time_text="Twee jaar")
    plan = _measure(f"import {n} changed (XLSX, dry run)", lambda: resources.plan_import(read(changed)), results)
    assert plan.count(resources.CHANGED) == n, (plan.counts, plan.errors[:3])
    k = min(n, WRITE_CHANGED)
    files = iter([rewritten(time_text="Twee jaar", limit=k), rewritten(time_text="Drie jaar", limit=k)])
    _measure(f"import {k} changed (XLSX, for real)", lambda: resources.apply_import(read(next(files)), by=user), results)
    per_thousand_changed = results[-1][1] / k * 1000

    # New cards through services.create_card: the history of every link makes this the slow path,
    # so it is measured on NEW_CARDS rows and reported per 1,000.
    m = min(n, NEW_CARDS)
    new_files = iter([rewritten("nieuw", limit=m), rewritten("nieuwer", limit=m)])
    plan = _measure(f"import {m} new (XLSX, dry run)", lambda: resources.plan_import(read(rewritten("nieuw", limit=m))), results)
    assert plan.count(resources.NEW) == m, (plan.counts, plan.errors[:3])
    _measure(f"import {m} new (XLSX, for real)", lambda: resources.apply_import(read(next(new_files)), by=user), results)
    assert Actielijn.objects.filter(code__startswith="nieuw").count() == 2 * m
    per_thousand = results[-1][1] / m * 1000

    job_times = _job_times(rewritten(time_text="Vier jaar"), user, n)

    print()
    print(f"File sizes: XLSX {len(xlsx) / 1024:.0f} KiB, CSV {len(csv_bytes) / 1024:.0f} KiB")
    print(f"{'step':<42} {'seconds':>9} {'peak MiB':>9}")
    print("-" * 62)
    for label, seconds, peak in results:
        print(f"{label:<42} {seconds:>9.2f} {peak:>9.1f}")
    print(f"Writing through the services: {per_thousand_changed:.0f} s per 1,000 changed cards, "
          f"{per_thousand:.0f} s per 1,000 new cards.")
    rows = []
    for label, seconds, peak in results:
        rows.append({"benchmark": "cards import/export", "size": f"{n} cards", "metric": label, "value": round(seconds, 2), "unit": "s"})
        rows.append({"benchmark": "cards import/export", "size": f"{n} cards", "metric": f"{label} peak", "value": round(peak, 1), "unit": "MiB"})
    rows.append({"benchmark": "cards import/export", "size": "per 1,000", "metric": "import changed, for real",
                 "value": round(per_thousand_changed), "unit": "s"})
    rows.append({"benchmark": "cards import/export", "size": "per 1,000", "metric": "import new, for real",
                 "value": round(per_thousand), "unit": "s"})
    for label, seconds in job_times:
        print(f"{label}: {seconds:.1f} s")
        rows.append({"benchmark": "cards import/export", "size": f"{n} cards", "metric": label, "value": round(seconds, 1), "unit": "s"})
    write_json(json_path, rows)
    if holder is not None:
        holder.cleanup()


if __name__ == "__main__":
    main()
