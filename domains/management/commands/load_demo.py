"""``manage.py load_demo [--no-users] [--dir PATH]``: load the demo fixtures (see ``domains.fixtures_loader``)."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from actielijnen.fixtures_loader import load_actielijnen
from domains.fixtures_loader import DEFAULT_DIRECTORY, PASSWORD_ENV, FixtureError, load_fixtures
from financiering.fixtures_loader import load_financiering
from monitoring.fixtures_loader import load_verhalen
from monitoring.indicator_fixtures import load_indicators
from netwerkgroep.fixtures_loader import load_netwerkgroep


class Command(BaseCommand):
    help = (
        "Laadt de demo-inhoud (domeinen, opdrachten, opbrengsten, organen, organisaties, focusbuurten, verslag, "
        "actielijnen, fondsen en voorbeeldvoorstellen, vergaderritmes en voorbeeldcasussen van de netwerkgroepen) "
        "en de demo-accounts uit fixtures/. Idempotent: een tweede keer verandert niets."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--no-users", action="store_true", help="Geen demo-accounts en zetels aanmaken.")
        parser.add_argument(
            "--dir",
            type=Path,
            default=DEFAULT_DIRECTORY,
            help="Map met de fixture-bestanden (standaard: fixtures/).",
        )

    def handle(self, *args, no_users: bool = False, dir: Path = DEFAULT_DIRECTORY, **options) -> None:  # noqa: A002
        try:
            # One transaction: a fault in the action lines also undoes the structure of this run.
            with transaction.atomic():
                result = load_fixtures(directory=dir, with_users=not no_users)
                cards = load_actielijnen(directory=dir, with_users=not no_users)
                stories = load_verhalen(directory=dir)
                indicators = load_indicators(directory=dir)
                money = load_financiering(directory=dir, with_users=not no_users)
                tables = load_netwerkgroep(directory=dir, with_users=not no_users)
        except FixtureError as exc:
            raise CommandError(f"Demo-inhoud niet geladen, de database is ongewijzigd. {exc}") from exc
        for line in result.lines():
            self.stdout.write(line)
        for line in cards.lines():
            self.stdout.write(f"Actielijnen: {line}")
        for line in stories.lines():
            self.stdout.write(f"Verhalen: {line}")
        for line in indicators.lines():
            self.stdout.write(f"Indicatoren: {line}")
        for line in money.lines():
            self.stdout.write(f"Financiering: {line}")
        for line in tables.lines():
            self.stdout.write(f"Netwerkgroep: {line}")
        if result.new_users:
            self.stdout.write("")
            self.stdout.write(
                self.style.WARNING("Nieuwe demo-accounts (dit overzicht verschijnt maar één keer):")
            )
            width = max(len(u) for u, _r, _p in result.new_users)
            role_width = max(len(r) for _u, r, _p in result.new_users)
            self.stdout.write(f"{'gebruiker'.ljust(width)}  {'rol'.ljust(role_width)}  wachtwoord")
            for username, role, password in result.new_users:
                self.stdout.write(f"{username.ljust(width)}  {role.ljust(role_width)}  {password}")
            if not os.environ.get(PASSWORD_ENV):
                self.stdout.write(
                    "Bewaar deze wachtwoorden nu; bij een volgende run worden ze niet opnieuw getoond."
                )
        self.stdout.write(self.style.SUCCESS("Klaar."))
