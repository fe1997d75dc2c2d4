"""Query counts of list pages at two sizes: ``python scripts/bench_queries.py``.

A list page must make the same number of SQL queries for 10 rows as for 1,000 (issue 3). Seeds a
temporary SQLite database (or ``DATABASE_URL``, a throwaway one), logs in as a programme-team member
through the test client and prints the count per page and size.
"""

from __future__ import annotations

import datetime
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchjson import json_path as json_arg  # noqa: E402
from benchjson import write_json  # noqa: E402

SIZES = (10, 1_000)


def main() -> int:
    json_path = json_arg()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samennw.settings")
    os.environ.setdefault("SAMENNW_EPHEMERAL_SECRET", "true")
    os.environ.setdefault("SAMENNW_HTTPS", "false")
    holder = None
    if not os.environ.get("DATABASE_URL"):
        holder = tempfile.TemporaryDirectory(prefix="samennw-queries-")
        os.environ["SAMENNW_VAR_DIR"] = holder.name
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    call_command("migrate", verbosity=0, interactive=False)
    from actielijnen.models import Actielijn, Status
    from domains import services as domain_services
    from domains.models import Body, Domain

    domain = Domain.objects.create(slug="veiligheid", name="Veiligheid")
    team = Body.objects.create(slug="pt", kind=Body.Kind.PROGRAMMATEAM, name="Programmateam")
    user = django.contrib.auth.get_user_model().objects.create_user("bench", password="x" * 12)
    domain_services.assign_seat(by=None, user=user, body=team, role="programmateam", starts_on=datetime.date(2026, 1, 1))
    client = Client()
    client.force_login(user)
    anonymous = Client()
    pages = {
        "overview (programme team)": (client, "/actielijnen/?sorteer=titel"),
        "overview filtered (programme team)": (client, "/actielijnen/?domein=veiligheid&status=gepubliceerd"),
        "domain page (anonymous)": (anonymous, "/domeinen/veiligheid/"),
        "funding proposals (programme team)": (client, "/financiering/"),
        "funding proposals filtered": (client, "/financiering/?status=toegekend"),
        "budget overview (programme team)": (client, "/financiering/budget/"),
        "public grants (anonymous)": (anonymous, "/financiering/toekenningen/"),
    }
    funding = _funding_seed(domain)
    cases, regisseur = _case_seed(domain)
    pages["netwerkgroep cases (regisseur, 2FA)"] = (regisseur, "/netwerkgroep/netwerkgroep-bench/")
    results: dict[str, list[int]] = {name: [] for name in pages}
    made = 0
    for size in SIZES:
        Actielijn.objects.bulk_create(
            Actielijn(
                code=f"bench-{i}", domain=domain, title=f"Actielijn {i}", title_nl=f"Actielijn {i}",
                status=Status.GEPUBLICEERD, created_at=timezone.now(),
            )
            for i in range(made, size)
        )
        funding(made_before=made, size=size)
        cases(made_before=made, size=size)
        made = size
        for name, (who, url) in pages.items():
            who.get(url)  # warm-up: session, translations
            with CaptureQueriesContext(connection) as ctx:
                response = who.get(url)
            assert response.status_code == 200, (url, response.status_code)
            results[name].append(len(ctx.captured_queries))
    print(f"{'page':<40}" + "".join(f"{f'{s} rows':>12}" for s in SIZES) + "   equal")
    ok = True
    for name, counts in results.items():
        equal = len(set(counts)) == 1
        ok &= equal
        print(f"{name:<40}" + "".join(f"{c:>12}" for c in counts) + f"   {'yes' if equal else 'NO'}")
    write_json(json_path, [
        {"benchmark": "list-page queries", "size": f"{size} rows", "metric": name, "value": count, "unit": "queries"}
        for name, counts in results.items()
        for size, count in zip(SIZES, counts, strict=True)
    ])
    if holder is not None:
        holder.cleanup()
    return 0 if ok else 1


def _case_seed(domain):
    """A netwerkgroep with a regisseur holding a verified second factor, and bulk-created anonymised cases."""
    import django
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from domains import services as domain_services
    from domains.models import Body, Organisation
    from netwerkgroep.models import Case

    group = Body.objects.create(slug="netwerkgroep-bench", kind=Body.Kind.NETWERKGROEP, name="Netwerkgroep", domain=domain)
    org = Organisation.objects.create(slug="nisa-bench", name="Nisa 4 Nisa", kind="informeel", sector="gemeenschap")
    user = django.contrib.auth.get_user_model().objects.create_user("regisseur-bench", password="x" * 12)
    domain_services.assign_seat(
        by=None, user=user, body=group, role="netwerkregisseur", organisation=org, starts_on=datetime.date(2026, 1, 1)
    )
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()

    def seed(*, made_before: int, size: int) -> None:
        Case.objects.bulk_create(
            Case(
                code=f"NW-B{i:05d}", body=group, inbrenger_org=org, inbrenger_side="informeel", inbrenger=user,
                question="Voorbeeld: hoe krijgen we contact met moeder?", bouwstenen=["samenwerking"],
            )
            for i in range(made_before, size)
        )

    return seed, client


def _funding_seed(domain):
    """Proposals in two states (half in process, half granted in a board meeting), bulk-created."""
    from decimal import Decimal

    from domains.models import Body
    from financiering.models import (
        Decision,
        DecisionLine,
        Fund,
        FundYear,
        Meeting,
        Proposal,
        ProposalLine,
        State,
    )

    team = Body.objects.create(slug="ot-bench", kind=Body.Kind.OPGAVETEAM, name="Opgaveteam", domain=domain)
    board = Body.objects.create(slug="ab-bench", kind=Body.Kind.ALLIANTIEBESTUUR, name="Alliantiebestuur")
    fund = Fund.objects.create(slug="pmg", name="Preventie met Gezag", source="JenV", first_year=2023, last_year=2027)
    FundYear.objects.create(fund=fund, year=2026, available=Decimal("36000000"))
    meeting = Meeting.objects.create(body=board, date=datetime.date(2026, 6, 3))

    def seed(*, made_before: int, size: int) -> None:
        from django.utils import timezone

        proposals = Proposal.objects.bulk_create(
            Proposal(
                reference=f"FV-BENCH-{i:05d}", title=f"Voorstel {i}", domain=domain, body=team, purpose="Doel",
                state=State.TOEGEKEND if i % 2 else State.INGEDIEND, decided_at=timezone.now() if i % 2 else None,
            )
            for i in range(made_before, size)
        )
        ProposalLine.objects.bulk_create(ProposalLine(proposal=p, fund=fund, year=2026, amount=Decimal("1000")) for p in proposals)
        decisions = Decision.objects.bulk_create(
            Decision(meeting=meeting, proposal=p, outcome=Decision.Outcome.TOEGEKEND) for p in proposals if p.state == State.TOEGEKEND
        )
        DecisionLine.objects.bulk_create(DecisionLine(decision=d, fund=fund, year=2026, amount=Decimal("900")) for d in decisions)

    return seed


if __name__ == "__main__":
    sys.exit(main())
