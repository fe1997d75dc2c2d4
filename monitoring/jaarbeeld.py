"""Services and selectors of the jaarbeeld editions (issue 7, item 2; DECISIONS 15-17, 19).

State changes (``create_edition``, ``update_editorial``, ``set_story_selection``, ``set_block``) are one
transaction each, with their audit row. The selectors compute each generated block's data from the
portal's own tables for the edition's period, with its source and as-of date:

- partners: formal and informal alliance partners (``domains.Organisation``), new ones by ``partner_since``;
- financiering: amounts granted by the board (``financiering.DecisionLine`` of decisions "toegekend"
  recorded in the period), per fund and per domain, with totals;
- netwerkgroep: only the signed-off ``netwerkgroep.YearlyFigures`` of the Nieuw-West group (DECISIONS 14,
  17). Nothing here reads a case table;
- actielijnen: published and completed action lines and the status updates placed in the period;
- indicatoren: a hook, "not yet available" until ``monitoring.Indicator`` exists.

A block whose source is missing says so (``available=False`` with a note); nothing is invented.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring.models import Edition, EditionBlock, EditionStory, Verhaal
from samennw import audit, rights

EDITORIAL_FIELDS = (
    "title_nl", "title_en", "voorwoord_nl", "voorwoord_en", "voorwoord_author", "voorwoord_author_role_nl",
    "voorwoord_author_role_en", "introduction_nl", "introduction_en", "money_text_nl", "money_text_en",
    "colofon_nl", "colofon_en",
)
PERIOD_FIELDS = ("publication_year", "period_start", "period_end", "as_of", "status")
NOT_AVAILABLE = "missing"  # shown as "bron nog niet beschikbaar"
NOT_SIGNED_OFF = "not-signed-off"  # shown as "nog niet vrijgegeven door de regisseur"


def _check(by, action: str) -> None:
    if not rights.can(by, action):
        raise ValidationError(rights.why_not(by, action), code="forbidden")


# --- selectors -----------------------------------------------------------------------------------

def editions_for(user) -> QuerySet[Edition]:
    """Every edition for the programme team; nothing for anyone else (the same 404 as a missing one)."""
    if not rights.can(user, "monitoring.edit_jaarbeeld"):
        return Edition.objects.none()
    return Edition.objects.all()


def edition_for(user, report_year: int) -> Edition:
    """One edition with its stories and blocks; raises ``Edition.DoesNotExist`` when missing or not visible."""
    return editions_for(user).prefetch_related("stories__story__domain", "blocks__approved_by").get(report_year=report_year)


def selectable_stories() -> QuerySet[Verhaal]:
    """Stories an editor may choose: published ones only."""
    return Verhaal.objects.filter(status=Verhaal.Status.GEPUBLICEERD).select_related("domain").order_by("-story_date", "title")


def title_variants(story: Verhaal) -> list[str]:
    """The title and every variant the documents use (DECISIONS 19), without duplicates."""
    seen: list[str] = []
    for title in [story.title, *story.title_variants.splitlines()]:
        if title.strip() and title.strip() not in seen:
            seen.append(title.strip())
    return seen


@dataclass
class BlockData:
    """What a generated block shows: the data, or why there is none."""

    kind: str
    available: bool
    source: str = ""
    as_of: datetime.date | None = None
    note: str = ""
    data: dict[str, Any] = field(default_factory=dict)


def partners_data(edition: Edition) -> BlockData:
    from domains.models import Organisation

    partners = Organisation.objects.filter(is_alliance_partner=True)
    counts = partners.aggregate(
        formeel=Count("pk", filter=Q(kind=Organisation.Kind.FORMEEL)),
        informeel=Count("pk", filter=Q(kind=Organisation.Kind.INFORMEEL)),
        new=Count("pk", filter=Q(partner_since__range=(edition.period_start, edition.period_end))),
    )
    if not (counts["formeel"] or counts["informeel"]):
        return BlockData(kind=EditionBlock.Kind.PARTNERS, available=False, note=NOT_AVAILABLE)
    return BlockData(
        kind=EditionBlock.Kind.PARTNERS, available=True, source=_("Partnerregistratie van het portaal"), as_of=edition.as_of,
        data={**counts, "total": counts["formeel"] + counts["informeel"]},
    )


def funding_data(edition: Edition) -> BlockData:
    """Granted amounts per fund and per domain: decisions "toegekend" recorded within the period."""
    from financiering.models import Decision, DecisionLine

    lines = DecisionLine.objects.filter(
        decision__outcome=Decision.Outcome.TOEGEKEND,
        decision__recorded_at__date__range=(edition.period_start, edition.period_end),
    )
    per_fund = list(lines.values("fund__name").annotate(amount=Sum("amount")).order_by("fund__name"))
    per_domain = list(lines.values("decision__proposal__domain__name").annotate(amount=Sum("amount")).order_by("decision__proposal__domain__name"))
    if not per_fund:
        return BlockData(kind=EditionBlock.Kind.FINANCIERING, available=False, note=NOT_AVAILABLE)
    total = sum((row["amount"] for row in per_fund), Decimal("0"))
    return BlockData(
        kind=EditionBlock.Kind.FINANCIERING, available=True, source=_("Besluiten van het alliantiebestuur"), as_of=edition.as_of,
        data={
            "per_fund": [(row["fund__name"], row["amount"]) for row in per_fund],
            "per_domain": [(row["decision__proposal__domain__name"], row["amount"]) for row in per_domain],
            "total": total,
            "decisions": lines.values("decision").distinct().count(),
        },
    )


def netwerkgroep_data(edition: Edition) -> BlockData:
    """Only the Nieuw-West group's yearly figures, and only once its regisseur signed them off (DECISIONS 14, 17)."""
    from domains.models import Body
    from netwerkgroep.models import YearlyFigures

    nw = Body.objects.filter(kind=Body.Kind.NETWERKGROEP, slug__contains="nieuw-west").order_by("pk").first()
    figures = YearlyFigures.objects.filter(body=nw, year=edition.report_year).first() if nw else None
    if figures is None:
        return BlockData(kind=EditionBlock.Kind.NETWERKGROEP, available=False, note=NOT_AVAILABLE)
    if not figures.is_signed_off:
        return BlockData(kind=EditionBlock.Kind.NETWERKGROEP, available=False, note=NOT_SIGNED_OFF)
    from netwerkgroep.views_figures import labelled_rows

    return BlockData(
        kind=EditionBlock.Kind.NETWERKGROEP, available=True, source=_("Netwerkgroep HGKM Nieuw-West, vrijgegeven door de regisseur"),
        as_of=timezone.localdate(figures.signed_off_at), data={**figures.figures, **labelled_rows(figures.figures)},
    )


def actielijnen_data(edition: Edition) -> BlockData:
    from actielijnen.models import Actielijn, Status, Statusupdate

    lines = Actielijn.objects.filter(status__in=[Status.GEPUBLICEERD, Status.AFGEROND])
    updates = Statusupdate.objects.filter(
        actielijn__in=lines, state=Statusupdate.State.GEPLAATST, created_at__date__range=(edition.period_start, edition.period_end)
    )
    per_domain = list(
        lines.values("domain__name").annotate(
            n=Count("pk", distinct=True),
            afgerond=Count("pk", filter=Q(status=Status.AFGEROND), distinct=True),
        ).order_by("domain__name")
    )
    if not per_domain:
        return BlockData(kind=EditionBlock.Kind.ACTIELIJNEN, available=False, note=NOT_AVAILABLE)
    update_counts = dict(updates.values_list("actielijn__domain__name").annotate(n=Count("pk")).order_by())
    return BlockData(
        kind=EditionBlock.Kind.ACTIELIJNEN, available=True, source=_("Actielijnen en statusupdates in het portaal"), as_of=edition.as_of,
        data={
            "per_domain": [(row["domain__name"], row["n"], row["afgerond"], update_counts.get(row["domain__name"], 0)) for row in per_domain],
            "lines": sum(row["n"] for row in per_domain),
            "updates": sum(update_counts.values()),
        },
    )


def indicators_data(edition: Edition) -> BlockData:
    """Public indicators with their series in the period, change over the year and charts."""
    from monitoring.jaarbeeld_indicators import indicators_block

    return indicators_block(edition)


BLOCK_DATA = {
    EditionBlock.Kind.PARTNERS: partners_data,
    EditionBlock.Kind.FINANCIERING: funding_data,
    EditionBlock.Kind.NETWERKGROEP: netwerkgroep_data,
    EditionBlock.Kind.INDICATOREN: indicators_data,
    EditionBlock.Kind.ACTIELIJNEN: actielijnen_data,
}


def block_data(edition: Edition, kind: str) -> BlockData:
    return BLOCK_DATA[kind](edition)


def document_blocks(edition: Edition, *, preview: bool = True) -> list[tuple[EditionBlock, BlockData | None]]:
    """The enabled blocks in the order of ``EditionBlock.Kind``; data only for approved ones.

    In the preview an enabled block that waits for approval is listed with ``None`` (the page says so); a
    built document (``preview=False``) leaves it out.
    """
    blocks = {block.kind: block for block in edition.blocks.all()}
    result = []
    for kind in EditionBlock.Kind.values:
        block = blocks.get(kind)
        if block is None or not block.enabled:
            continue
        if block.is_approved:
            result.append((block, block_data(edition, kind)))
        elif preview:
            result.append((block, None))
    return result


# --- services ------------------------------------------------------------------------------------

@transaction.atomic
def create_edition(
    *, by, report_year: int, publication_year: int, period_start: datetime.date, period_end: datetime.date,
    as_of: datetime.date, title: str, system: bool = False,
) -> Edition:
    """A new edition in "concept", with every generated block present and off (DECISIONS 15, 16).

    ``system``: the 15 January beat job drafts last year's edition without a person behind it."""
    if not system:
        _check(by, "monitoring.edit_jaarbeeld")
    if Edition.objects.filter(report_year=report_year).exists():
        raise ValidationError({"report_year": _("Er is al een jaarbeeld over dit jaar.")}, code="duplicate")
    edition = Edition(
        report_year=report_year, publication_year=publication_year, period_start=period_start, period_end=period_end,
        as_of=as_of, title=title, title_nl=title, created_by=by,
    )
    edition.full_clean()
    edition.save()
    EditionBlock.objects.bulk_create([EditionBlock(edition=edition, kind=kind) for kind in EditionBlock.Kind.values])
    audit.record("jaarbeeld.created", actor=by, target=edition, report_year=report_year)
    return edition


@transaction.atomic
def update_editorial(*, by, edition: Edition, version: int, changes: dict[str, Any]) -> Edition:
    """Save editorial texts and periods; refused when someone else saved since ``version`` (nothing is lost:
    the form comes back with the input)."""
    _check(by, "monitoring.edit_jaarbeeld")
    locked = Edition.objects.select_for_update().get(pk=edition.pk)
    if locked.version != version:
        raise ValidationError(
            _("Iemand anders heeft dit jaarbeeld intussen opgeslagen. Laad de pagina opnieuw en breng je wijzigingen opnieuw aan."),
            code="stale",
        )
    allowed = set(EDITORIAL_FIELDS) | set(PERIOD_FIELDS)
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(_("Onbekende velden: %(names)s") % {"names": ", ".join(sorted(unknown))})
    changed = sorted(name for name, value in changes.items() if getattr(locked, name) != value)
    for name in changed:
        setattr(locked, name, changes[name])
    locked.full_clean()
    locked.version += 1
    locked.save()
    audit.record("jaarbeeld.updated", actor=by, target=locked, fields=changed, version=locked.version)
    return locked


def story_problems(story: Verhaal) -> list[str]:
    """Why a story may not be in a jaarbeeld: not published, or a photo without alt text (DECISIONS 18)."""
    problems = []
    if story.status != Verhaal.Status.GEPUBLICEERD:
        problems.append(_("“%(title)s” is niet gepubliceerd en kan niet in het jaarbeeld.") % {"title": story.title})
    if story.image and not (story.image_alt_nl or "").strip():
        problems.append(_("De foto bij “%(title)s” heeft geen alt-tekst; voeg die eerst toe.") % {"title": story.title})
    return problems


@transaction.atomic
def set_story_selection(*, by, edition: Edition, stories: Iterable[tuple[Verhaal, str]]) -> list[EditionStory]:
    """Replace the edition's stories by ``stories`` (story, chosen title) in this order.

    Only published stories whose photo has alt text (DECISIONS 18); a chosen title must be the story's title
    or one of its variants (DECISIONS 19). Refused as a whole, nothing changed, when one story fails.
    """
    _check(by, "monitoring.edit_jaarbeeld")
    Edition.objects.select_for_update().get(pk=edition.pk)
    stories = list(stories)
    problems: list[str] = []
    seen: set[int] = set()
    for story, title in stories:
        problems += story_problems(story)
        if title and title not in title_variants(story):
            problems.append(_("“%(title)s” is geen titel van dit verhaal.") % {"title": title})
        if story.pk in seen:
            problems.append(_("“%(title)s” staat er twee keer in.") % {"title": story.title})
        seen.add(story.pk)
    if problems:
        raise ValidationError(problems, code="stories")
    edition.stories.all().delete()
    chosen = EditionStory.objects.bulk_create(
        [
            EditionStory(edition=edition, story=story, order=number, title_choice=title, title_choice_nl=title)
            for number, (story, title) in enumerate(stories, 1)
        ]
    )
    audit.record("jaarbeeld.stories_set", actor=by, target=edition, stories=[story.pk for story, _title in stories])
    return chosen


def current_selection(edition: Edition) -> list[tuple[Verhaal, str]]:
    return [(chosen.story, chosen.title_choice) for chosen in edition.stories.select_related("story").order_by("order")]


@transaction.atomic
def set_block(*, by, edition: Edition, kind: str, enabled: bool | None = None, approve: bool = False, note: str | None = None) -> EditionBlock:
    """Switch a generated block on or off, approve it, or change its note (DECISIONS 15).

    Switching off or changing the note withdraws an approval: an editor approves what she saw. A block can be
    approved only while it is on.
    """
    _check(by, "monitoring.approve_jaarbeeld_block")
    if kind not in EditionBlock.Kind.values:
        raise ValidationError(_("Onbekend blok."), code="unknown_block")
    block, _created = EditionBlock.objects.select_for_update().get_or_create(edition=edition, kind=kind)
    changed = []
    if enabled is not None and enabled != block.enabled:
        block.enabled = enabled
        changed.append("enabled")
    if note is not None and note.strip() != block.note:
        block.note = note.strip()
        changed.append("note")
    if changed and block.is_approved:
        block.approved_by, block.approved_at = None, None
    if approve:
        if not block.enabled:
            raise ValidationError(_("Zet het blok eerst aan voordat je het goedkeurt."), code="not_enabled")
        block.approved_by, block.approved_at = by, timezone.now()
        changed.append("approved")
    block.full_clean()
    block.save()
    audit.record("jaarbeeld.block_changed", actor=by, target=edition, kind=kind, changed=changed)
    return block
