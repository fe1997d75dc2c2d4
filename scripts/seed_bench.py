"""A year of portal data for the jaarbeeld benchmark: ``seed_year(scale=1)`` (used by ``bench_jaarbeeld.py``).

At scale 1: 80 action lines, 1,000 status updates, 300 organisations, 150 funding decisions ("toegekend",
recorded in the year, each with decision lines), 400 netwerkgroep cases whose yearly figures are computed
and signed off by the regisseur (the jaarbeeld reads only those, DECISIONS 17), and 40 public indicators
with a measurement per month. Scale 10 is ten times every count. Bulk rows go in with ``bulk_create`` but
stay valid (states, foreign keys, unique codes, closed cases with a reason); people, seats, the edition,
its stories and blocks go through the services, with their audit rows.

The edition is editorial text from the 2025 jaarbeeld (``../shared/seeds/001_*.txt``, when present), nine
published stories with a small generated photo and alt text, and every generated block on and approved.
Its size does not grow with the scale: an edition has nine stories whatever the year held.
"""

from __future__ import annotations

import datetime
import io
import random
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
BENCH_USER = "bench-jaarbeeld"
BASE = {"actielijnen": 80, "statusupdates": 1_000, "organisations": 300, "decisions": 150, "cases": 400, "indicators": 40}
DOMAINS = (
    ("eigenaarschap", "Eigenaarschap, inclusie en democratie"),
    ("veiligheid", "Veiligheid"),
    ("wonen", "Wonen en leefomgeving"),
    ("werk", "Werk en bestaanszekerheid"),
    ("jeugd", "Kansen voor de Jeugd"),
)
THEMES = (
    "Straatcoaches in de avond", "Huiswerkbegeleiding in de buurt", "Schuldhulp aan de keukentafel", "Jongerenwerk op het plein",
    "Ontwikkelplein", "Time-out plekken", "Buurtbus voor ouderen", "Vroegsignalering huiselijk geweld", "Wijkalliantie",
    "Taalcafé", "Werkgarantie voor jongeren", "Groen schoolplein", "Energiecoaches", "Moedergroepen", "Sportlessen na school",
)
STORY_TITLES = (
    "Confuciusbuurt: bouwen aan vertrouwen", "FC de Kikker: ouders, kinderen en professionals", "De buslijn die iedereen laat winnen",
    "Kerngroep jongeren aan tafel", "Het ontwikkelplein gaat open", "Straatcoaches dichtbij", "Een huis vol moeders",
    "Samen tegen huiselijk geweld", "Wijkallianties die blijven",
)
FALLBACK = (
    "In de wijken van Nieuw-West werken bewoners, informele organisaties en professionals samen aan gelijke kansen. "
    "Ze zoeken elkaar op, nemen verantwoordelijkheid en laten niet los als het ingewikkeld wordt."
)


def _seed_text() -> str:
    files = sorted(SEEDS.glob("001_*.txt"))
    return files[0].read_text(encoding="utf-8") if files else ""


def _between(text: str, start: str, end: str, fallback: str) -> str:
    """The seed text from ``start`` up to and including ``end``; ``fallback`` when either is missing."""
    i = text.find(start)
    j = text.find(end, i + 1) if i >= 0 else -1
    if i < 0 or j < 0:
        return fallback
    paragraphs = [p.strip() for p in text[i : j + len(end)].split("\n\n") if len(p.strip()) > 80]
    return "\n\n".join(paragraphs)


def editorial_texts() -> dict[str, str]:
    text = _seed_text()
    voorwoord = _between(text, "In september toen ik begon", "bouwen we verder aan wat er al in beweging is gezet. Samen.", FALLBACK)
    introduction = _between(text, "In Nederland heeft de overheid twintig gebieden", "Neem contact op via", FALLBACK)
    money = _between(text, "Het Nationaal Programma Samen Nieuw-West is een samenwerking van inmiddels", "die er al is.", FALLBACK)
    return {
        "voorwoord_nl": voorwoord, "voorwoord_author": "Annerieke Coenraads",
        "voorwoord_author_role_nl": "Directeur Nationaal Programma Samen Nieuw-West", "introduction_nl": introduction,
        "money_text_nl": money, "colofon_nl": "Uitgave van het Nationaal Programma Samen Nieuw-West. Tekst en redactie: het programmateam.",
    }


def story_paragraphs() -> list[str]:
    """Dutch paragraphs of the seed's stories (image descriptions, in English, left out)."""
    paragraphs = [p.strip() for p in _seed_text().split("\n\n")]
    dutch = [p for p in paragraphs if len(p) > 200 and not p.startswith(("A ", "An ", "The ", "Two ", "Three "))]
    return dutch or [FALLBACK] * 6


def png_bytes(seed: int) -> bytes:
    """A small photo-like PNG (a gradient), different per story."""
    from PIL import Image

    rng = random.Random(seed)  # noqa: S311 - reproducible pictures, not secrets
    image = Image.new("RGB", (480, 300))
    base = (rng.randrange(40, 200), rng.randrange(40, 200), rng.randrange(40, 200))
    image.putdata([((base[0] + x // 4) % 256, (base[1] + y // 3) % 256, base[2]) for y in range(300) for x in range(480)])
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _codes(rng: random.Random, n: int, make) -> list[str]:
    seen: set[str] = set()
    while len(seen) < n:
        seen.add(make(rng))
    return sorted(seen)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _moment(year: int, rng: random.Random) -> datetime.datetime:
    day = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(365))
    return _at(day, rng.randrange(8, 20), rng.randrange(60))


def seed_year(*, scale: int, year: int) -> dict:
    """Seed everything (see the module docstring); returns counts and seconds per part."""
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction
    from django.utils import translation

    from actielijnen.models import Actielijn, Status, Statusupdate
    from domains import services as domain_services
    from domains.models import Body, Domain, Organisation, Seat
    from financiering.models import (
        AgendaItem,
        Decision,
        DecisionLine,
        Fund,
        Meeting,
        Proposal,
        ProposalLine,
        State,
    )
    from monitoring import jaarbeeld as editions
    from monitoring import services as story_services
    from monitoring.models import EditionBlock, Indicator, Measurement
    from monitoring.models.indicators import Granularity
    from netwerkgroep import views_figures
    from netwerkgroep.models import Bouwsteen, Case

    rng = random.Random(20_250_000 + scale)  # noqa: S311 - reproducible benchmark data, not secrets
    n = {name: count * scale for name, count in BASE.items()}
    seconds: dict[str, float] = {}
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)

    def part(name: str, began: float) -> float:
        now = time.perf_counter()
        seconds[name] = round(now - began, 2)
        return now

    began = time.perf_counter()
    with translation.override("nl"), transaction.atomic():
        domains = [Domain.objects.create(slug=slug, name=name, name_nl=name) for slug, name in DOMAINS]
        teams = {
            d.pk: Body.objects.create(slug=f"opgaveteam-{d.slug}", kind=Body.Kind.OPGAVETEAM, name=f"Opgaveteam {d.name}", domain=d)
            for d in domains
        }
        pt_body = Body.objects.create(slug="programmateam", kind=Body.Kind.PROGRAMMATEAM, name="Programmateam")
        board = Body.objects.create(slug="alliantiebestuur", kind=Body.Kind.ALLIANTIEBESTUUR, name="Alliantiebestuur")
        ng_nw = Body.objects.create(
            slug="netwerkgroep-hgkm-nieuw-west", kind=Body.Kind.NETWERKGROEP, name="Netwerkgroep HGKM Nieuw-West", domain=domains[1]
        )
        blijf = Organisation.objects.create(
            slug="blijf-groep", name="Blijf Groep", kind=Organisation.Kind.FORMEEL, sector=Organisation.Sector.ZORG_WELZIJN,
            partner_since=datetime.date(2023, 1, 1),
        )
        users = get_user_model().objects
        editor = users.create_user(BENCH_USER, password=None, display_name="Redactie Jaarbeeld")
        regisseur = users.create_user("bench-regisseur", password=None, display_name="Netwerkregisseur")
        domain_services.assign_seat(by=None, user=editor, body=pt_body, role="programmateam", starts_on=start)
        domain_services.assign_seat(by=None, user=regisseur, body=ng_nw, role="netwerkregisseur", organisation=blijf, starts_on=start)
        began = part("people", began)

        sectors = list(Organisation.Sector.values)
        orgs = Organisation.objects.bulk_create([
            Organisation(
                slug=f"partner-{i:05d}", name=f"{rng.choice(THEMES)} {i}",
                kind=Organisation.Kind.INFORMEEL if i % 3 == 0 else Organisation.Kind.FORMEEL, sector=sectors[i % len(sectors)],
                is_alliance_partner=True, partner_since=datetime.date(rng.choice((2023, 2024, year)), rng.randrange(1, 13), 1),
            )
            for i in range(n["organisations"] - 1)
        ])
        orgs.append(blijf)
        began = part("organisations", began)

        lines = Actielijn.objects.bulk_create([
            Actielijn(
                code=f"actielijn-{i:04d}", domain=domains[i % len(domains)], opgaveteam=teams[domains[i % len(domains)].pk],
                status=Status.AFGEROND if i % 4 == 3 else Status.GEPUBLICEERD,
                title=f"{THEMES[i % len(THEMES)]} ({i + 1})", title_nl=f"{THEMES[i % len(THEMES)]} ({i + 1})",
                goal_nl=FALLBACK, published_at=_at(datetime.date(year - 1, 12, 1), 10),
            )
            for i in range(n["actielijnen"])
        ])
        updates = []
        for i in range(n["statusupdates"]):
            state = Statusupdate.State.GEPLAATST if i % 10 else rng.choice((Statusupdate.State.VOORGESTELD, Statusupdate.State.AFGEWEZEN))
            text = f"Stand van zaken {i + 1}: de partners spraken af wat zij de komende maand doen en wie wat oppakt."
            updates.append(Statusupdate(
                actielijn=lines[i % len(lines)], text=text, text_nl=text, author=editor, state=state, created_at=_moment(year, rng)
            ))
        Statusupdate.objects.bulk_create(updates)
        latest: dict[int, datetime.datetime] = {}
        for update in updates:
            if update.state == Statusupdate.State.GEPLAATST:
                latest[update.actielijn_id] = max(latest.get(update.actielijn_id, update.created_at), update.created_at)
        for line in lines:
            line.last_status_update_at = latest.get(line.pk)
        Actielijn.objects.bulk_update(lines, ["last_status_update_at"])
        began = part("actielijnen", began)

        funds = [
            Fund.objects.create(slug="pmg", name="Preventie met Gezag", source="Rijk (JenV)", first_year=2023, last_year=2027),
            Fund.objects.create(slug="spuk", name="SPUK Kansrijke wijk", source="Rijk (VWS)", first_year=2023, last_year=2027),
            Fund.objects.create(slug="gemeente", name="Gemeentelijke middelen NP", source="Gemeente Amsterdam", first_year=2023, last_year=2030),
        ]
        meetings = Meeting.objects.bulk_create([
            Meeting(body=board, date=datetime.date(year, month, 10), status=Meeting.Status.VASTGESTELD) for month in range(1, 13)
        ])
        alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
        references = _codes(rng, n["decisions"], lambda r: f"FV-{year}-" + "".join(r.choice(alphabet) for _ in range(4)))
        proposals = Proposal.objects.bulk_create([
            Proposal(
                reference=ref, title=f"{THEMES[i % len(THEMES)]}: voorstel {i + 1}", domain=lines[i % len(lines)].domain,
                body=teams[lines[i % len(lines)].domain_id], state=State.TOEGEKEND, purpose=FALLBACK, created_by=editor,
                created_at=_at(meetings[i % 12].date.replace(day=1), 9),
                submitted_at=_at(meetings[i % 12].date.replace(day=1), 9),
                decided_at=_at(meetings[i % 12].date, 20),
            )
            for i, ref in enumerate(references)
        ])
        Proposal.actielijnen.through.objects.bulk_create([
            Proposal.actielijnen.through(proposal_id=p.pk, actielijn_id=lines[i % len(lines)].pk) for i, p in enumerate(proposals)
        ])
        AgendaItem.objects.bulk_create([
            AgendaItem(meeting=meetings[i % 12], proposal=p, title=p.title, order=i // 12 + 1) for i, p in enumerate(proposals)
        ])
        decisions = Decision.objects.bulk_create([
            Decision(
                meeting=meetings[i % 12], proposal=p, outcome=Decision.Outcome.TOEGEKEND, recorded_by=editor,
                recorded_at=_at(meetings[i % 12].date, 20),
            )
            for i, p in enumerate(proposals)
        ])
        asked, granted = [], []
        for i, (p, d) in enumerate(zip(proposals, decisions, strict=True)):
            for fund in funds[: 1 + i % 2] if i % 3 else funds[2:]:
                amount = Decimal(rng.randrange(5, 80) * 1000)
                asked.append(ProposalLine(proposal=p, fund=fund, year=year, amount=amount))
                granted.append(DecisionLine(decision=d, fund=fund, year=year, amount=amount))
        ProposalLine.objects.bulk_create(asked)
        DecisionLine.objects.bulk_create(granted)
        began = part("funding", began)

        case_alphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
        codes = _codes(
            rng, n["cases"],
            lambda r: "NW-" + "".join(r.choice(case_alphabet) for _ in range(4)) + "-" + "".join(r.choice(case_alphabet) for _ in range(2)),
        )
        bouwstenen = list(Bouwsteen.values)
        reasons = list(Case.CloseReason.values)
        cases = []
        for i, code in enumerate(codes):
            org = orgs[i % len(orgs)]
            brought_in = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(330))
            closed = i % 3 == 0
            cases.append(Case(
                code=code, body=ng_nw, inbrenger_org=org, inbrenger_side=Seat.Side(org.kind), inbrenger=regisseur,
                brought_in_on=brought_in, status=Case.Status.AFGESLOTEN if closed else Case.Status.OPVOLGEN,
                bouwstenen=rng.sample(bouwstenen, rng.randrange(1, 3)),
                question="Hoe krijgen we zicht op wat dit huishouden nodig heeft, en wie aan tafel kan helpen?",
                closed_on=brought_in + datetime.timedelta(days=30) if closed else None,
                close_reason=reasons[i % len(reasons)] if closed else "",
                created_at=_at(brought_in, 11),
            ))
        Case.objects.bulk_create(cases)
        figures = views_figures.generate_figures(by=regisseur, body=ng_nw, year=year)
        views_figures.sign_off_figures(by=regisseur, figures=figures, confirmed=True)
        began = part("netwerkgroep", began)

        units = (Indicator.Unit.AANTAL, Indicator.Unit.PROCENT, Indicator.Unit.EURO, Indicator.Unit.SCORE)
        indicators = []
        for i in range(n["indicators"]):
            unit = units[i % len(units)]
            name = f"{THEMES[i % len(THEMES)]}: bereik {i + 1}"
            indicators.append(Indicator(
                slug=f"indicator-{i:04d}", domain=domains[i % len(domains)], name=name, name_nl=name, unit=unit,
                source_kind=Indicator.SourceKind.EIGEN, source="Eigen registratie alliantie",
                direction=Indicator.Direction.HOGER if i % 5 else Indicator.Direction.LAGER,
                baseline_value=Decimal(40), baseline_year=2023, target_value=Decimal(60), target_year=2027, is_public=True, order=i,
            ))
        indicators = Indicator.objects.bulk_create(indicators)
        measurements = []
        for indicator in indicators:
            value = 40.0
            for month in range(1, 13):
                value = min(100.0, max(0.0, value + rng.uniform(-3, 4)))
                measurements.append(Measurement(
                    indicator=indicator, period_start=datetime.date(year, month, 1), granularity=Granularity.MAAND,
                    value=Decimal(f"{value:.1f}"), created_by=editor,
                ))
        Measurement.objects.bulk_create(measurements)
        began = part("indicators", began)

        edition = editions.create_edition(
            by=editor, report_year=year, publication_year=year + 1, period_start=start, period_end=end,
            as_of=datetime.date(year + 1, 1, 15), title=f"Jaarbeeld {year}",
        )
        edition = editions.update_editorial(by=editor, edition=edition, version=edition.version, changes=editorial_texts())
        paragraphs = story_paragraphs()
        stories = []
        for i, title in enumerate(STORY_TITLES):
            body = "\n\n".join(paragraphs[(i * 5 + k) % len(paragraphs)] for k in range(5))
            story = story_services.create_story(
                by=editor, slug=f"verhaal-{i + 1}", persons=[], title_nl=title, summary_nl=paragraphs[i % len(paragraphs)][:300],
                body_nl=body, story_date=datetime.date(year, 1 + i, 15), domain=domains[i % len(domains)],
                image=SimpleUploadedFile(f"verhaal-{i + 1}.png", png_bytes(i), content_type="image/png"),
                image_alt_nl=f"Bewoners en partners bij {title.split(':')[0]}", image_credit="Samen Nieuw-West",
            )
            stories.append((story_services.publish_story(by=editor, story=story), ""))
        editions.set_story_selection(by=editor, edition=edition, stories=stories)
        for kind in EditionBlock.Kind.values:
            editions.set_block(by=editor, edition=edition, kind=kind, enabled=True)
            editions.set_block(by=editor, edition=edition, kind=kind, approve=True)
        part("edition", began)
    counts = {**n, "measurements": len(measurements), "decision lines": len(granted), "stories": len(stories)}
    return {"counts": counts, "seconds": seconds}
