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
SIZES = (10, 1_000)


def main() -> int:
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
    }
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
        made = size
        for name, (who, url) in pages.items():
            who.get(url)  # warm-up: session, translations
            with CaptureQueriesContext(connection) as ctx:
                response = who.get(url)
            assert response.status_code == 200, (url, response.status_code)
            results[name].append(len(ctx.captured_queries))
    print(f"{'page':<40}" + "".join(f"{f'{s} cards':>12}" for s in SIZES) + "   equal")
    ok = True
    for name, counts in results.items():
        equal = len(set(counts)) == 1
        ok &= equal
        print(f"{name:<40}" + "".join(f"{c:>12}" for c in counts) + f"   {'yes' if equal else 'NO'}")
    if holder is not None:
        holder.cleanup()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
