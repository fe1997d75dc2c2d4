"""``manage.py backup --to DIR``: one timestamped backup of the database and the uploaded media.

See ``samennw/backups.py`` for what the backup holds and README.md (Backups) for the procedure.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand

from samennw import backups


class Command(BaseCommand):
    help = (
        "Maakt een back-up van de database en van alle geüploade bestanden (MEDIA_ROOT) in een nieuwe map "
        "samennw-backup-<tijd> onder --to, met een manifest met controlesommen."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--to", required=True, type=Path, help="Map waarin de back-up komt.")
        parser.add_argument("--database", default="default", help="Database-alias (standaard: default).")

    def handle(self, *args, to: Path, database: str, **options) -> None:
        started = time.monotonic()
        outcome = backups.make_backup(to=to, alias=database)
        self.stdout.write(
            self.style.SUCCESS(f"Back-up gemaakt in {outcome.path} ({time.monotonic() - started:.1f} s)")
        )
        self.stdout.write(backups.describe(outcome.manifest))
