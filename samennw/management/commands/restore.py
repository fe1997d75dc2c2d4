"""``manage.py restore --from PATH [--yes]``: database and uploaded media back from a backup.

Every checksum is checked before anything changes; a database with accounts in it is only overwritten
with ``--yes``. See ``samennw/backups.py`` and README.md (Backups).
"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from samennw import backups


class Command(BaseCommand):
    help = (
        "Zet de database en de geüploade bestanden terug uit een back-up van `manage.py backup`. "
        "Controleert eerst alle controlesommen; overschrijft een gevulde database alleen met --yes."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--from", dest="source", required=True, type=Path, help="De map van de back-up.")
        parser.add_argument("--yes", action="store_true", help="Ook een database met gegevens overschrijven.")
        parser.add_argument("--database", default="default", help="Database-alias (standaard: default).")

    def handle(self, *args, source: Path, yes: bool, database: str, **options) -> None:
        started = time.monotonic()
        manifest = backups.read_backup(source, alias=database)
        self.stdout.write(f"Back-up in orde: {backups.describe(manifest)}")
        if not yes and not backups.database_is_empty(database):
            raise CommandError(
                "De database bevat al gegevens; terugzetten vervangt alles (database én geüploade bestanden). "
                "Stop eerst het portaal en de Celery-worker en herhaal met --yes. Er is niets gewijzigd."
            )
        differences = backups.restore_backup(path=source, alias=database, manifest=manifest)
        if differences:
            listed = ", ".join(f"{t}: {want} verwacht, {got} gevonden" for t, (want, got) in sorted(differences.items()))
            raise CommandError(f"Teruggezet, maar de aantallen rijen wijken af van het manifest: {listed}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Teruggezet uit {source} ({time.monotonic() - started:.1f} s); alle aantallen rijen kloppen. "
                "Draai `manage.py migrate` als deze code nieuwer is dan de back-up."
            )
        )
