"""Search over what the portal publishes: action lines, stories, meeting reports and organisations.

Only public content is searched: cards with status gepubliceerd or afgerond, stories with status
gepubliceerd, published meeting reports, and organisations (names and descriptions, no people).
Card fields about money, risks and people are never searched: they are not on the public page.

On PostgreSQL the search is full text with the Dutch configuration (stemming: "wijken" finds
"wijk"), ranked; in English the English configuration is used over the English texts, which fall
back to the Dutch ones where they are empty. On SQLite (development, some tests) every word of the
query must occur somewhere in the texts (``icontains``); there is no ranking beyond the date.

Each kind of content costs one query whatever the number of matches: results are capped per kind
(``PER_KIND``) and combined in Python.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.db import connection
from django.db.models import F, FloatField, Q, QuerySet, TextField, Value
from django.db.models.functions import Cast, Coalesce, NullIf
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

MAX_QUERY_LENGTH = 200
MAX_WORDS = 12
PER_KIND = 200
SNIPPET_LENGTH = 220

KIND_LABELS = {
    "actielijn": _("Actielijn"),
    "verhaal": _("Verhaal"),
    "verslag": _("Verslag"),
    "organisatie": _("Organisatie"),
}

# The searchable text fields of each kind; card fields about money, risks and people are left out.
# Only the parts the public card page shows (issue 4): never SMART notes, results, money, risks or people.
CARD_FIELDS = ("title", "goal", "resident_ownership", "problem", "must_change", "current_state", "way_of_working")
STORY_FIELDS = ("title", "summary", "body", "title_variants")
REPORT_FIELDS = ("title", "text")
ORGANISATION_FIELDS = ("name", "description")
# Fields that modeltranslation translates; the others have one column.
TRANSLATED: dict[str, set[str]] = {
    "actielijn": set(CARD_FIELDS),
    "verhaal": {"title", "summary", "body"},
    "verslag": set(REPORT_FIELDS),
    "organisatie": {"description"},
}


@dataclass(frozen=True)
class Result:
    kind: str
    title: str
    url: str
    snippet: str
    date: datetime.date | None
    rank: float = 0.0

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])


def clean_query(raw: str) -> tuple[str, bool]:
    """The query as searched, and whether it was cut to ``MAX_QUERY_LENGTH`` characters.

    Control characters (NUL bytes included) become spaces: PostgreSQL refuses NUL in a string.
    """
    text = unicodedata.normalize("NFC", raw or "")
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") else ch for ch in text)
    text = " ".join(text.split())
    cut = len(text) > MAX_QUERY_LENGTH
    return text[:MAX_QUERY_LENGTH].strip(), cut


def story_url(story) -> str:
    """The story's page; an anchor on the home page until the stories' pages are routed."""
    try:
        return story.get_absolute_url()
    except NoReverseMatch:
        return f"{reverse('home')}#verhaal-{story.slug}"


def search(query: str, *, domain: str = "", buurt: str = "", language: str = "nl") -> list[Result]:
    """Published content matching ``query``, best first (newest first among equals).

    ``domain`` and ``buurt`` are slugs; content that has no domain (or neighbourhood) is left out
    when that filter is given. Four queries whatever the number of matches.
    """
    query, _cut = clean_query(query)
    if not query:
        return []
    language = language if language in ("nl", "en") else "nl"
    results: list[Result] = []
    results += _cards(query, domain=domain, buurt=buurt, language=language)
    results += _stories(query, domain=domain, buurt=buurt, language=language)
    results += _reports(query, domain=domain, buurt=buurt, language=language)
    if not domain and not buurt:
        results += _organisations(query, language=language)
    results.sort(key=lambda r: (-r.rank, -(r.date or datetime.date.min).toordinal(), r.title.lower()))
    return results


# --- matching -----------------------------------------------------------------------------------


def _column(kind: str, field: str, language: str):
    """The text of ``field`` in ``language``, falling back to Dutch when it is empty."""
    text = TextField()
    if field not in TRANSLATED[kind]:
        return Cast(F(field), output_field=text)
    if language == "nl":
        return Coalesce(F(f"{field}_nl"), Value(""), output_field=text)
    return Coalesce(
        NullIf(F(f"{field}_en"), Value(""), output_field=text), F(f"{field}_nl"), Value(""), output_field=text
    )


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _match(qs: QuerySet, kind: str, fields: tuple[str, ...], query: str, language: str) -> QuerySet:
    if _is_postgres():
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        config = "dutch" if language == "nl" else "english"
        weights = ["A"] + ["B"] * (len(fields) - 1)
        vector = None
        for field, weight in zip(fields, weights, strict=True):
            part = SearchVector(_column(kind, field, language), config=config, weight=weight)
            vector = part if vector is None else vector + part
        search_query = SearchQuery(query, config=config, search_type="websearch")
        return qs.annotate(search=vector).filter(search=search_query).annotate(rank=SearchRank(vector, search_query))
    words = [w for w in re.split(r"\s+", query.replace('"', " ")) if w and w not in ("OR", "or", "-")][:MAX_WORDS]
    annotations = {f"_t_{field}": _column(kind, field, language) for field in fields}
    qs = qs.annotate(**annotations)
    condition = Q()
    for word in words:
        word = word.lstrip("-") or word
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"_t_{field}__icontains": word})
        condition &= any_field
    return qs.filter(condition).annotate(rank=Value(0.0, output_field=FloatField()))


def _text(obj, field: str, language: str) -> str:
    value = ""
    if language != "nl":
        value = getattr(obj, f"{field}_{language}", "") or ""
    return value or getattr(obj, f"{field}_nl", None) or getattr(obj, field, "") or ""


def _snippet(obj, fields: tuple[str, ...], query: str, language: str) -> str:
    """A piece of plain text around the first query word found; the template escapes it."""
    words = [w.strip('"-').lower() for w in query.split() if len(w.strip('"-')) > 1]
    texts = [" ".join(_text(obj, f, language).split()) for f in fields[1:]] or [""]
    for text in texts:
        lowered = text.lower()
        for word in words:
            stem = word[: max(4, len(word) - 2)]
            at = lowered.find(stem)
            if at >= 0:
                start = max(0, at - SNIPPET_LENGTH // 3)
                piece = text[start : start + SNIPPET_LENGTH]
                return ("… " if start else "") + piece + (" …" if start + SNIPPET_LENGTH < len(text) else "")
    first = next((t for t in texts if t), "")
    return first[:SNIPPET_LENGTH] + (" …" if len(first) > SNIPPET_LENGTH else "")


def _translated_only(fields: tuple[str, ...], kind: str, language: str) -> list[str]:
    """The columns to load: both languages of the translated fields, the field itself otherwise."""
    columns = []
    for field in fields:
        if field in TRANSLATED[kind]:
            columns += [f"{field}_nl", f"{field}_{language}"] if language != "nl" else [f"{field}_nl"]
        else:
            columns.append(field)
    return columns


# --- per kind -----------------------------------------------------------------------------------


def _cards(query: str, *, domain: str, buurt: str, language: str) -> list[Result]:
    from actielijnen.models import Actielijn
    from actielijnen.selectors import public_cards

    qs = public_cards()
    if domain:
        qs = qs.filter(domain__slug=domain)
    if buurt:
        qs = qs.filter(pk__in=Actielijn.focusbuurten.through.objects.filter(focusbuurt__slug=buurt).values("actielijn_id"))
    qs = _match(qs, "actielijn", CARD_FIELDS, query, language)
    qs = qs.only("code", "last_status_update_at", "published_at", *_translated_only(CARD_FIELDS, "actielijn", language))
    results = []
    for card in qs.order_by("-rank", "-published_at", "code")[:PER_KIND]:
        moment = card.last_status_update_at or card.published_at
        results.append(
            Result(
                kind="actielijn",
                title=_text(card, "title", language),
                url=card.get_absolute_url(),
                snippet=_snippet(card, CARD_FIELDS, query, language),
                date=moment.date() if moment else None,
                rank=card.rank,
            )
        )
    return results


def _stories(query: str, *, domain: str, buurt: str, language: str) -> list[Result]:
    from monitoring.selectors import published_stories

    qs = published_stories().select_related(None)
    if domain:
        qs = qs.filter(domain__slug=domain)
    if buurt:
        qs = qs.filter(focusbuurt__slug=buurt)
    qs = _match(qs, "verhaal", STORY_FIELDS, query, language)
    qs = qs.only("slug", "story_date", *_translated_only(STORY_FIELDS, "verhaal", language))
    return [
        Result(
            kind="verhaal",
            title=_text(story, "title", language),
            url=story_url(story),
            snippet=_snippet(story, STORY_FIELDS, query, language),
            date=story.story_date,
            rank=story.rank,
        )
        for story in qs.order_by("-rank", "-story_date", "slug")[:PER_KIND]
    ]


def _reports(query: str, *, domain: str, buurt: str, language: str) -> list[Result]:
    from domains.models import Body, MeetingReport

    qs = MeetingReport.objects.filter(is_published=True, body__is_active=True).exclude(body__kind=Body.Kind.NETWERKGROEP)
    if domain:
        qs = qs.filter(body__domain__slug=domain)
    if buurt:
        qs = qs.filter(body__in=Body.focusbuurten.through.objects.filter(focusbuurt__slug=buurt).values("body_id"))
    qs = _match(qs, "verslag", REPORT_FIELDS, query, language)
    qs = qs.select_related("body").only(
        "slug", "held_on", "body__slug", *_translated_only(REPORT_FIELDS, "verslag", language)
    )
    return [
        Result(
            kind="verslag",
            title=_text(report, "title", language),
            url=f"{report.body.get_absolute_url()}#reports-title",
            snippet=_snippet(report, REPORT_FIELDS, query, language),
            date=report.held_on,
            rank=report.rank,
        )
        for report in qs.order_by("-rank", "-held_on", "slug")[:PER_KIND]
    ]


def _organisations(query: str, *, language: str) -> list[Result]:
    from domains.models import Organisation

    qs = _match(Organisation.objects.all(), "organisatie", ORGANISATION_FIELDS, query, language)
    qs = qs.only("slug", *_translated_only(ORGANISATION_FIELDS, "organisatie", language))
    url = reverse("domains:organisations")
    return [
        Result(
            kind="organisatie",
            title=org.name,
            url=f"{url}#{org.slug}",
            snippet=_snippet(org, ORGANISATION_FIELDS, query, language),
            date=None,
            rank=org.rank,
        )
        for org in qs.order_by("-rank", "name")[:PER_KIND]
    ]
