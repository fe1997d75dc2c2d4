"""Backups of the database and the uploaded media, and their restore (issue 8, item 6).

A backup is one directory ``samennw-backup-<UTC time>`` holding:

- ``database.pgdump`` (PostgreSQL, ``pg_dump --format=custom``) or ``database.sqlite3`` (SQLite, a copy
  made with sqlite3's online backup API, safe while the portal writes);
- ``media.tar``: everything under ``MEDIA_ROOT``, private uploads such as proposal attachments included;
- ``manifest.json``: when it was made, the engine, the applied migrations, the row count of every table
  and the sha256 of each file above and of each media file.

The directory is written under a ``.partial`` name and renamed when complete, so a half-written backup
never looks like a backup. A restore checks every checksum before it touches anything, refuses a backup
from another engine or with migrations this code does not know, unpacks the media beside ``MEDIA_ROOT``
first, then restores the database in one transaction and swaps the media folder in; afterwards it
compares the row counts with the manifest. The PostgreSQL password goes to pg_dump/pg_restore through
``PGPASSWORD`` in their environment, never on a command line that ``ps`` shows.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # pg_dump/pg_restore run with an argument list, never through a shell  # nosec B404
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_TAR = "media.tar"
DUMP_NAMES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Outcome:
    path: Path
    manifest: dict


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _vendor(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in DUMP_NAMES:
        raise CommandError(f"Back-ups werken alleen met PostgreSQL of SQLite, niet met {vendor}.")
    return vendor


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise CommandError(
            f"{name} is niet gevonden. Installeer de PostgreSQL-client (Debian: apt-get install postgresql-client) "
            "in dezelfde of een nieuwere versie dan de server."
        )
    return found


def _pg_args_env(alias: str) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore and an environment with the password, from the settings."""
    conf = connections[alias].settings_dict
    args = []
    if conf.get("HOST"):
        args += ["--host", str(conf["HOST"])]
    if conf.get("PORT"):
        args += ["--port", str(conf["PORT"])]
    if conf.get("USER"):
        args += ["--username", str(conf["USER"])]
    args += ["--dbname", str(conf["NAME"])]
    env = {**os.environ}
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = str(conf["PASSWORD"])
    sslmode = (conf.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return args, env


def _run(cmd: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603 - fixed argument list, no shell  # nosec B603
    if result.returncode != 0:
        raise CommandError(f"{what} is mislukt (exit {result.returncode}):\n{result.stderr.strip()}")


def table_counts(alias: str) -> dict[str, int]:
    """Rows per table of every installed model (many-to-many tables included) that exists in the database."""
    connection = connections[alias]
    existing = set(connection.introspection.table_names())
    tables = sorted({m._meta.db_table for m in apps.get_models(include_auto_created=True) if m._meta.managed} & existing)
    counts = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - names from the models  # nosec B608
            counts[table] = cursor.fetchone()[0]
    return counts


def applied_migrations(alias: str) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connections[alias]).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _write_media(target: Path) -> dict[str, str]:
    """Pack MEDIA_ROOT into ``target``; return the sha256 of each media file by its relative path."""
    root = _media_root()
    hashes = {}
    with tarfile.open(target, "w") as tar:
        if root.is_dir():
            for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
                relative = path.relative_to(root).as_posix()
                hashes[relative] = sha256_of(path)
                tar.add(path, arcname=relative, recursive=False)
    return hashes


def _check_writable(directory: Path) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".write-test-"):
            pass
    except OSError as exc:
        raise CommandError(f"Kan niet schrijven in {directory}: {exc.strerror or exc}.") from exc


def make_backup(*, to: Path, alias: str = "default") -> Outcome:
    """Write one complete backup directory under ``to`` and return its path and manifest."""
    vendor = _vendor(alias)
    if vendor == "postgresql":
        _tool("pg_dump")
    to = Path(to)
    _check_writable(to)
    now = datetime.datetime.now(datetime.UTC)
    name = f"samennw-backup-{now:%Y%m%dT%H%M%S}{now.microsecond // 1000:03d}Z"
    partial = to / f"{name}.partial"
    partial.mkdir()
    try:
        dump = partial / DUMP_NAMES[vendor]
        if vendor == "postgresql":
            counts, migrations = _dump_postgresql(alias, dump)
        else:
            counts, migrations = _dump_sqlite(alias, dump)
        media = _write_media(partial / MEDIA_TAR)
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(),
            "engine": vendor,
            "database": dump.name,
            "migrations": migrations,
            "row_counts": counts,
            "files": {p.name: sha256_of(p) for p in (dump, partial / MEDIA_TAR)},
            "media": media,
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        final = to / name
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return Outcome(final, manifest)


def _dump_postgresql(alias: str, dump: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    """pg_dump from the same snapshot the row counts are taken in, so the manifest describes the dump."""
    args, env = _pg_args_env(alias)
    connection = connections[alias]
    cmd = [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(dump), *args]
    if connection.in_atomic_block:
        # Inside an outer transaction (never the case from manage.py) no snapshot can be exported.
        counts, migrations = table_counts(alias), applied_migrations(alias)
        _run(cmd, env, "pg_dump")
        return counts, migrations
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts, migrations = table_counts(alias), applied_migrations(alias)
        _run([*cmd, "--snapshot", snapshot], env, "pg_dump")
    return counts, migrations


def _dump_sqlite(alias: str, dump: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    connection = connections[alias]
    connection.ensure_connection()
    target = sqlite3.connect(dump)
    try:
        connection.connection.backup(target)
        # Counted in the copy itself: exactly what the backup holds.
        counts = {}
        for table in table_counts(alias):
            counts[table] = target.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608 - names from the models  # nosec B608
        migrations: dict[str, list[str]] = {}
        for app, migration in target.execute("SELECT app, name FROM django_migrations ORDER BY app, name"):
            migrations.setdefault(app, []).append(migration)
    finally:
        target.close()
    return counts, migrations


# --- restore ------------------------------------------------------------------------------------------


def read_backup(path: Path, *, alias: str = "default") -> dict:
    """The manifest of the backup at ``path`` after every check that needs no change; else CommandError."""
    path = Path(path)
    manifest_path = path / MANIFEST
    if not manifest_path.is_file():
        raise CommandError(f"{path} is geen back-up: {MANIFEST} ontbreekt.")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        files, engine = manifest["files"], manifest["engine"]
        database, media = manifest["database"], manifest["media"]
    except (ValueError, KeyError, TypeError) as exc:
        raise CommandError(f"De back-up in {path} is beschadigd: {MANIFEST} is onleesbaar ({exc}). Er is niets gewijzigd.") from exc
    if manifest.get("format") != FORMAT:
        raise CommandError(f"Onbekende back-upversie {manifest.get('format')!r}; deze code leest versie {FORMAT}.")
    for name in (database, MEDIA_TAR):
        if name not in files or "/" in name or name.startswith("."):
            raise CommandError(f"De back-up in {path} is beschadigd: {name} staat niet goed in {MANIFEST}. Er is niets gewijzigd.")
    for name, expected in files.items():
        file = path / name
        if not file.is_file():
            raise CommandError(f"De back-up in {path} is onvolledig: {name} ontbreekt. Er is niets gewijzigd.")
        if sha256_of(file) != expected:
            raise CommandError(
                f"De back-up in {path} is beschadigd: de controlesom van {name} klopt niet. Er is niets gewijzigd."
            )
    vendor = _vendor(alias)
    if engine != vendor:
        raise CommandError(f"Deze back-up komt uit {engine}; de database hier is {vendor}. Er is niets gewijzigd.")
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(f"{app}.{name}" for app, names in manifest["migrations"].items() for name in names if (app, name) not in known)
    if unknown:
        raise CommandError(
            "De back-up is gemaakt met nieuwere code (onbekende migraties: "
            + ", ".join(unknown[:5])
            + "). Zet eerst die versie van het portaal terug. Er is niets gewijzigd."
        )
    with tarfile.open(path / MEDIA_TAR) as tar:
        members = {m.name: m for m in tar.getmembers()}
    if set(members) != set(media) or any(not m.isfile() for m in members.values()):
        raise CommandError(f"De back-up in {path} is beschadigd: {MEDIA_TAR} past niet bij {MANIFEST}. Er is niets gewijzigd.")
    return manifest


def database_is_empty(alias: str = "default") -> bool:
    """True when the database has no accounts (a fresh ``migrate`` creates none)."""
    table = get_user_model()._meta.db_table
    if table not in connections[alias].introspection.table_names():
        return True
    return not get_user_model().objects.using(alias).exists()


def restore_backup(*, path: Path, alias: str = "default", manifest: dict | None = None) -> dict[str, tuple[int, int]]:
    """Restore database and media from a checked backup; return tables whose counts differ (should be none)."""
    path = Path(path)
    manifest = manifest or read_backup(path, alias=alias)
    root = _media_root()
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".media-restore-", dir=root.parent))
    try:
        with tarfile.open(path / MEDIA_TAR) as tar:
            tar.extractall(staging, filter="data")
        for relative, expected in manifest["media"].items():
            if sha256_of(staging / relative) != expected:
                raise CommandError(f"Mediabestand {relative} in de back-up klopt niet met de controlesom. Er is niets gewijzigd.")
        if manifest["engine"] == "postgresql":
            _restore_postgresql(alias, path / manifest["database"])
        else:
            _restore_sqlite(alias, path / manifest["database"])
        _swap_media(staging, root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    now = table_counts(alias)
    return {
        table: (expected, now.get(table, -1))
        for table, expected in manifest["row_counts"].items()
        if now.get(table, -1) != expected
    }


def _restore_postgresql(alias: str, dump: Path) -> None:
    args, env = _pg_args_env(alias)
    connections[alias].close()
    cmd = [
        _tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error",
        *args, str(dump),
    ]
    _run(cmd, env, "pg_restore")


def _restore_sqlite(alias: str, dump: Path) -> None:
    connection = connections[alias]
    connection.ensure_connection()
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    try:
        # The backup API replaces every page of the live database in one step.
        source.backup(connection.connection)
    finally:
        source.close()


def _swap_media(staging: Path, root: Path) -> None:
    old = None
    if root.exists():
        old = root.parent / f".media-before-restore-{os.getpid()}"
        shutil.rmtree(old, ignore_errors=True)
        os.replace(root, old)
    os.replace(staging, root)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def describe(manifest: dict) -> str:
    """One Dutch line on what a backup holds."""
    return (
        f"{manifest['engine']}, gemaakt {manifest['created_at']}: {len(manifest['row_counts'])} tabellen, "
        f"{sum(manifest['row_counts'].values())} rijen, {len(manifest['media'])} mediabestanden"
    )
