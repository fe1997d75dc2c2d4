"""Open data: the public parts of the programme as JSON and CSV at stable URLs (issue 4).

Three datasets: action lines (only published and completed cards, only the parts their public page
shows: no money, risks, people, comments, proposed updates or account names), organisations (no
people) and domains with their opdrachten and opbrengsten. ``DATASETS`` describes each field once;
the documentation page and the serialisers read the same table. JSON comes in a small envelope
(dataset, generated_at, licence, items); CSV goes through ``samennw.spreadsheets.write_csv`` so no
cell is taken for a formula (DECISIONS 21). The licence, CC-BY 4.0, is a proposal until the
alliance decides on it. Each dataset costs a fixed number of queries whatever its size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from domains.models import Domain, Opbrengst, Opdracht, Organisation
from samennw.spreadsheets import write_csv

LICENCE = "CC-BY-4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.nl"
FORMATS = ("json", "csv")


@dataclass(frozen=True)
class Field:
    name: str
    description: object


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: object
    description: object
    fields: tuple[Field, ...]


DATASETS: tuple[Dataset, ...] = (
    Dataset(
        "actielijnen",
        _("Actielijnen"),
        _("De gepubliceerde en afgeronde actielijnen, met alleen wat hun openbare pagina ook toont."),
        (
            Field("code", _("Vaste code van de actielijn.")),
            Field("title", _("Titel (Nederlands).")),
            Field("title_en", _("Titel (Engels), leeg als er geen vertaling is.")),
            Field("domain", _("Slug van het domein (zie de dataset domeinen).")),
            Field("status", _("gepubliceerd of afgerond.")),
            Field("goal", _("Doel (Nederlands).")),
            Field("goal_en", _("Doel (Engels), leeg als er geen vertaling is.")),
            Field("opbrengsten", _("Codes van de opbrengsten waaraan de actielijn bijdraagt.")),
            Field("partners", _("Slugs van de betrokken organisaties (zie de dataset organisaties).")),
            Field("focusbuurten", _("Slugs van de focusbuurten waarin de actielijn loopt.")),
            Field("last_status_update", _("Datum van de laatste geplaatste stand van zaken (JJJJ-MM-DD).")),
            Field("url", _("Adres van de openbare pagina.")),
        ),
    ),
    Dataset(
        "organisaties",
        _("Organisaties"),
        _("De organisaties in de alliantie en andere organisaties die de documenten noemen; geen personen."),
        (
            Field("slug", _("Vaste code van de organisatie.")),
            Field("name", _("Naam.")),
            Field("kind", _("formeel of informeel: de soort partner, zoals de alliantie die vastlegde.")),
            Field("sector", _("Sector (vaste waarde, bijvoorbeeld zorg-welzijn).")),
        ),
    ),
    Dataset(
        "domeinen",
        _("Domeinen"),
        _("De domeinen en het domeinoverstijgende programma, met hun opdrachten (lange termijn) en opbrengsten (middellange termijn)."),
        (
            Field("slug", _("Vaste code van het domein.")),
            Field("kind", _("domein of programma.")),
            Field("name", _("Naam (Nederlands).")),
            Field("name_en", _("Naam (Engels).")),
            Field("opdrachten", _("In JSON een lijst met code, nummer, titel en opbrengsten; in CSV één regel per opbrengst.")),
        ),
    ),
)
BY_SLUG = {d.slug: d for d in DATASETS}


# --- serialisers: each returns the items and their CSV form ---------------------------------------


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)


def card_items(request) -> list[dict[str, Any]]:
    """Public cards only (``public_cards``); four queries."""
    from actielijnen.selectors import public_cards

    cards = (
        public_cards()
        .select_related("domain")
        .prefetch_related(
            Prefetch("opbrengsten", queryset=Opbrengst.objects.order_by("code")),
            Prefetch("partners", queryset=Organisation.objects.order_by("slug")),
            "focusbuurten",
        )
        .order_by("code")
    )
    with translation.override("nl"):
        return [
            {
                "code": card.code,
                "title": card.title_nl or "",
                "title_en": card.title_en or "",
                "domain": card.domain.slug,
                "status": card.status,
                "goal": card.goal_nl or "",
                "goal_en": card.goal_en or "",
                "opbrengsten": [o.code for o in card.opbrengsten.all()],
                "partners": [o.slug for o in card.partners.all()],
                "focusbuurten": sorted(b.slug for b in card.focusbuurten.all()),
                "last_status_update": card.last_status_update_at.date().isoformat() if card.last_status_update_at else None,
                "url": _absolute(request, card.get_absolute_url()),
            }
            for card in cards
        ]


def organisation_items(request) -> list[dict[str, Any]]:
    return [
        {"slug": o.slug, "name": o.name, "kind": o.kind, "sector": o.sector}
        for o in Organisation.objects.order_by("slug").only("slug", "name", "kind", "sector")
    ]


def domain_items(request) -> list[dict[str, Any]]:
    """Domains with their opdrachten and opbrengsten; three queries."""
    domains = Domain.objects.order_by("slug").prefetch_related(
        Prefetch(
            "opdrachten",
            queryset=Opdracht.objects.order_by("number", "code").prefetch_related(
                Prefetch("opbrengsten", queryset=Opbrengst.objects.order_by("number", "code"))
            ),
        )
    )
    return [
        {
            "slug": d.slug,
            "kind": d.kind,
            "name": d.name_nl or "",
            "name_en": d.name_en or "",
            "opdrachten": [
                {
                    "code": o.code,
                    "number": o.number,
                    "title": o.title_nl or "",
                    "title_en": o.title_en or "",
                    "opbrengsten": [
                        {"code": b.code, "number": b.number, "title": b.title_nl or "", "title_en": b.title_en or ""}
                        for b in o.opbrengsten.all()
                    ],
                }
                for o in d.opdrachten.all()
            ],
        }
        for d in domains
    ]


def _joined(values: Iterable[str]) -> str:
    return ";".join(values)


def _card_rows(items: list[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    headers = [f.name for f in BY_SLUG["actielijnen"].fields]
    rows = [
        [_joined(item[h]) if isinstance(item[h], list) else item[h] for h in headers]
        for item in items
    ]
    return headers, rows


def _organisation_rows(items: list[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    headers = [f.name for f in BY_SLUG["organisaties"].fields]
    return headers, [[item[h] for h in headers] for item in items]


def _domain_rows(items: list[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    headers = [
        "slug", "kind", "name", "name_en",
        "opdracht_code", "opdracht_number", "opdracht_title", "opdracht_title_en",
        "opbrengst_code", "opbrengst_number", "opbrengst_title", "opbrengst_title_en",
    ]
    rows: list[list[Any]] = []
    for d in items:
        head = [d["slug"], d["kind"], d["name"], d["name_en"]]
        if not d["opdrachten"]:
            rows.append(head + [""] * 8)
        for o in d["opdrachten"]:
            opdracht = [o["code"], o["number"], o["title"], o["title_en"]]
            if not o["opbrengsten"]:
                rows.append(head + opdracht + [""] * 4)
            for b in o["opbrengsten"]:
                rows.append(head + opdracht + [b["code"], b["number"], b["title"], b["title_en"]])
    return headers, rows


SERIALISERS: dict[str, tuple[Callable[[Any], list[dict[str, Any]]], Callable[[list[dict[str, Any]]], tuple[list[str], list[list[Any]]]]]] = {
    "actielijnen": (card_items, _card_rows),
    "organisaties": (organisation_items, _organisation_rows),
    "domeinen": (domain_items, _domain_rows),
}


# --- views ----------------------------------------------------------------------------------------


def dataset_view(request, dataset: str, fmt: str):
    """One dataset as JSON (with envelope) or CSV (formulas neutralised, as a download)."""
    if dataset not in SERIALISERS or fmt not in FORMATS:
        raise Http404
    items_of, rows_of = SERIALISERS[dataset]
    items = items_of(request)
    if fmt == "json":
        response = JsonResponse(
            {
                "dataset": dataset,
                "generated_at": timezone.now().isoformat(timespec="seconds"),
                "licence": LICENCE,
                "licence_url": LICENCE_URL,
                "documentation": _absolute(request, _docs_url()),
                "items": items,
            },
            json_dumps_params={"ensure_ascii": False, "indent": 1},
        )
    else:
        headers, rows = rows_of(items)
        response = HttpResponse(write_csv(headers, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="samen-nieuw-west-{dataset}.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _docs_url() -> str:
    with translation.override("nl"):
        return reverse("open_data")


def open_data_page(request):
    """What each dataset holds, its fields, formats and licence."""
    datasets = [
        {
            "dataset": d,
            "urls": {fmt: reverse("open_data_file", kwargs={"dataset": d.slug, "fmt": fmt}) for fmt in FORMATS},
        }
        for d in DATASETS
    ]
    return render(
        request,
        "samennw/open_data.html",
        {"datasets": datasets, "licence": LICENCE, "licence_url": LICENCE_URL},
    )
