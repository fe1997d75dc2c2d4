"""Board PDFs (agenda pack and besluitenlijst) for meetings of growing size: ``python scripts/bench_pdf.py``.

Seeds a throwaway SQLite database with one board meeting holding N proposals (each with two amounts, a
co-financing row, advice with five scores and a decision), renders both PDFs through the real views as a
programme-team member, and prints seconds (without tracing), peak Python memory (tracemalloc, a second run) and size per PDF.
"""

from __future__ import annotations

import datetime
import os
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchjson import json_path as json_arg  # noqa: E402
from benchjson import write_json  # noqa: E402

SIZES = (5, 20, 60)


def main() -> int:
    json_path = json_arg()
    rows: list[dict] = []
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samennw.settings")
    os.environ.setdefault("SAMENNW_EPHEMERAL_SECRET", "true")
    os.environ.setdefault("SAMENNW_HTTPS", "false")
    holder = tempfile.TemporaryDirectory(prefix="samennw-pdf-")
    os.environ["SAMENNW_VAR_DIR"] = holder.name
    os.environ.pop("DATABASE_URL", None)
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    call_command("migrate", verbosity=0, interactive=False)
    from domains import services as domain_services
    from domains.models import Body, Domain, Organisation
    from financiering.models import (
        CRITERIA,
        AgendaItem,
        CoFinancing,
        Decision,
        DecisionLine,
        Fund,
        Meeting,
        Proposal,
        ProposalLine,
        Review,
        ReviewScore,
        State,
    )

    domain = Domain.objects.create(slug="veiligheid", name="Veiligheid")
    team = Body.objects.create(slug="ot", kind=Body.Kind.OPGAVETEAM, name="Opgaveteam Veiligheid", domain=domain)
    board = Body.objects.create(slug="ab", kind=Body.Kind.ALLIANTIEBESTUUR, name="Alliantiebestuur")
    pt = Body.objects.create(slug="pt", kind=Body.Kind.PROGRAMMATEAM, name="Programmateam")
    org = Organisation.objects.create(slug="vt", name="Veilig Thuis", kind="formeel", sector="zorg-welzijn")
    user = get_user_model().objects.create_user("bench", password="x" * 12, display_name="Bench")
    domain_services.assign_seat(by=None, user=user, body=pt, role="programmateam", starts_on=datetime.date(2026, 1, 1))
    pmg = Fund.objects.create(slug="pmg", name="Preventie met Gezag", source="JenV", first_year=2023, last_year=2027)
    spuk = Fund.objects.create(slug="spuk", name="SPUK Kansrijke wijk", source="VWS", first_year=2023, last_year=2027)
    client = Client()
    client.force_login(user)
    text = "Informele en formele partners werken samen aan vroegsignalering van huiselijk geweld in de buurt. " * 6
    print(f"{'proposals':>9}  {'PDF':<16}{'seconds':>9}{'peak MiB':>10}{'KiB':>8}")
    for size in SIZES:
        meeting = Meeting.objects.create(body=board, date=datetime.date(2026, 6, 3) + datetime.timedelta(days=size))
        for i in range(size):
            p = Proposal.objects.create(
                title=f"Voorstel {i}", domain=domain, body=team, purpose=text, existing_means=text, contribution=text,
                changes_the_rule=text, resident_ownership=text, learning=text, exit_route=text, state=State.TOEGEKEND,
            )
            ProposalLine.objects.create(proposal=p, fund=pmg, year=2026, amount=Decimal("40000"))
            ProposalLine.objects.create(proposal=p, fund=spuk, year=2027, amount=Decimal("25000"))
            CoFinancing.objects.create(proposal=p, organisation=org, kind="natura", amount=Decimal("5000"), description="Uren")
            review = Review.objects.create(proposal=p, reviewer=user, recommendation="positief", text=text)
            ReviewScore.objects.bulk_create(ReviewScore(review=review, criterion=c, score=4, text="Goed.") for c, _l in CRITERIA)
            AgendaItem.objects.create(meeting=meeting, proposal=p, title=p.title, order=i + 1)
            d = Decision.objects.create(meeting=meeting, proposal=p, outcome="toegekend", conditions="Tussenrapportage.")
            DecisionLine.objects.create(decision=d, fund=pmg, year=2026, amount=Decimal("35000"))
        for label, name in (("agenda pack", "agenda_pack_pdf"), ("besluitenlijst", "minutes_pdf")):
            from django.urls import reverse

            url = reverse(f"financiering:{name}", kwargs={"pk": meeting.pk})
            began = time.perf_counter()
            response = client.get(url)
            seconds = time.perf_counter() - began
            # Memory in a second run: tracemalloc slows Python down several times, so it never times a run.
            tracemalloc.start()
            client.get(url)
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            assert response.status_code == 200 and response.content.startswith(b"%PDF"), (url, response.status_code)
            print(f"{size:>9}  {label:<16}{seconds:>9.2f}{peak / 1024 / 1024:>10.1f}{len(response.content) / 1024:>8.0f}")
            for metric, value, unit in (
                ("seconds", round(seconds, 2), "s"), ("peak memory", round(peak / 1024 / 1024, 1), "MiB"),
                ("size", round(len(response.content) / 1024), "KiB"),
            ):
                rows.append({"benchmark": "board PDF", "size": f"{size} proposals", "metric": f"{label} {metric}", "value": value, "unit": unit})
    write_json(json_path, rows)
    holder.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
