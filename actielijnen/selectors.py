"""Reads of action-line cards, scoped by the user first: a card you may not see is a 404 like a missing one."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from actielijnen.models import Actielijn, Mijlpaal, Status, Statusupdate
from samennw import rights
from samennw.rights import Role


def cards_for(user) -> QuerySet[Actielijn]:
    """Every card the user may view: public ones for all; concepts for leads, the domain's teams,
    the board and the programme team (mirrors ``actielijnen.view_card`` in ``samennw.rights``)."""
    public = Q(status__in=[Status.GEPUBLICEERD, Status.AFGEROND])
    roles = rights.roles_of(user)
    if roles & {Role.PROGRAMMATEAM, Role.BESTUURSLID}:
        return Actielijn.objects.all()
    if not roles:
        return Actielijn.objects.filter(public)
    from guardian.shortcuts import get_objects_for_user

    led = get_objects_for_user(user, "actielijnen.edit_card", klass=Actielijn, with_superuser=False, accept_global_perms=False)
    team_domains = {
        seat.body.domain_id
        for seat in rights.active_seats(user)
        if seat.body.kind in ("opgaveteam", "werkgroep") and seat.body.domain_id
    }
    return Actielijn.objects.filter(public | Q(pk__in=led.values("pk")) | Q(domain_id__in=team_domains))


def card_detail(user, code: str) -> Actielijn:
    """One card with everything its page shows, in a fixed number of queries. Raises DoesNotExist."""
    return (
        cards_for(user)
        .select_related("domain", "opgaveteam", "aanvoerder", "published_by")
        .prefetch_related(
            "opbrengsten__opdracht",
            "partners",
            "trekker_organisations",
            "trekkers",
            "focusbuurten",
            Prefetch("mijlpalen", queryset=Mijlpaal.objects.order_by("due_on", "id")),
            Prefetch(
                "statusupdates",
                queryset=Statusupdate.objects.select_related("author").order_by("-created_at", "-id"),
            ),
        )
        .get(code=code)
    )


def public_cards() -> QuerySet[Actielijn]:
    return Actielijn.objects.filter(status__in=[Status.GEPUBLICEERD, Status.AFGEROND])


STALE_WEEKS = 6  # a card without a status update for six weeks gets a reminder (issue 3)

SORTS = {
    "titel": ("title",),
    "domein": ("domain__name", "title"),
    "status": ("status", "title"),
    "update": ("last_status_update_at", "title"),
    "-update": ("-last_status_update_at", "title"),
}


def stale_cutoff(weeks: int = STALE_WEEKS):
    from datetime import timedelta

    from django.utils import timezone

    return timezone.now() - timedelta(weeks=weeks)


def is_stale(card: Actielijn, *, cutoff=None) -> bool:
    """No status update for STALE_WEEKS weeks (counted from creation when it never had one)."""
    cutoff = cutoff or stale_cutoff()
    moment = card.last_status_update_at or card.created_at
    return card.status in (Status.CONCEPT, Status.TER_REVIEW, Status.GEPUBLICEERD) and moment < cutoff


def overview(
    user,
    *,
    domain: str = "",
    status: str = "",
    buurt: str = "",
    trekker: str = "",
    stale_weeks: int | None = None,
    sort: str = "domein",
) -> QuerySet[Actielijn]:
    """The programme team's list of cards with filters; a fixed number of queries for any size."""
    from django.db.models.functions import Coalesce

    qs = cards_for(user).select_related("domain", "aanvoerder").prefetch_related("trekker_organisations", "focusbuurten")
    if domain:
        qs = qs.filter(domain__slug=domain)
    if status:
        qs = qs.filter(status=status)
    if buurt:
        qs = qs.filter(focusbuurten__slug=buurt)
    if trekker:
        qs = qs.filter(Q(trekker_organisations__slug=trekker) | Q(aanvoerder__username=trekker) | Q(trekkers__username=trekker))
    if stale_weeks:
        qs = qs.annotate(_moment=Coalesce("last_status_update_at", "created_at")).filter(
            _moment__lt=stale_cutoff(stale_weeks), status__in=[Status.CONCEPT, Status.TER_REVIEW, Status.GEPUBLICEERD]
        )
    return qs.distinct().order_by(*SORTS.get(sort, SORTS["domein"]))


def status_counts(qs: QuerySet[Actielijn]) -> dict[str, int]:
    from django.db.models import Count

    counts = dict(qs.order_by().values_list("status").annotate(n=Count("pk", distinct=True)))
    return {value: counts.get(value, 0) for value in Status.values}


def stale_cards_by_aanvoerder(weeks: int = STALE_WEEKS) -> dict:
    """Cards in work without a status update for ``weeks`` weeks, grouped by their aanvoerder."""
    from django.db.models.functions import Coalesce

    cards = (
        Actielijn.objects.filter(aanvoerder__isnull=False, aanvoerder__is_active=True)
        .filter(status__in=[Status.CONCEPT, Status.TER_REVIEW, Status.GEPUBLICEERD])
        .annotate(_moment=Coalesce("last_status_update_at", "created_at"))
        .filter(_moment__lt=stale_cutoff(weeks))
        .select_related("aanvoerder")
        .order_by("aanvoerder_id", "title")
    )
    grouped: dict = {}
    for card in cards:
        grouped.setdefault(card.aanvoerder, []).append(card)
    return grouped


def _label(field_name: str) -> str:
    base = field_name.rsplit("_", 1)[0] if field_name.endswith(("_nl", "_en")) else field_name
    try:
        label = str(Actielijn._meta.get_field(base).verbose_name)
    except Exception:  # noqa: BLE001 - a field that no longer exists keeps its raw name
        return field_name
    if field_name.endswith("_en"):
        return f"{label} (English)"
    return label


_HIDDEN_IN_DIFF = {"version", "updated_at", "last_status_update_at", "created_at", "title", "goal"} | {
    name for name in ("smart", "resident_ownership", "problem", "must_change", "current_state", "way_of_working", "result",
                      "learning", "monitoring", "risks", "money", "people_needed", "time_needed", "policy_changes")
}


def _display(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


def diff(newer, older) -> list[dict]:
    """Readable per-field changes between two history records.

    simple-history registered its tracked fields before modeltranslation added the per-language
    columns, so those are listed explicitly; the untranslated mirror fields are hidden, and an empty
    value stored as None in one version and "" in the next is not a change.
    """
    from django.conf import settings

    from actielijnen.translation import CARD_TEXT_FIELDS

    languages = [code for code, _name in settings.LANGUAGES]
    included = (
        {f.name for f in older.tracked_fields if f.editable}
        | {f"{name}_{lang}" for name in CARD_TEXT_FIELDS for lang in languages}
        | {f.name for f in older._history_m2m_fields}
    )
    delta = newer.diff_against(older, included_fields=sorted(included))
    rows = []
    for change in delta.changes:
        if change.field in _HIDDEN_IN_DIFF:
            continue
        old, new = change.old, change.new
        if isinstance(old, list) or isinstance(new, list):
            old = _m2m_names(change.field, old)
            new = _m2m_names(change.field, new)
        if _display(old) == _display(new):
            continue
        rows.append({"field": change.field, "label": _label(change.field), "old": _display(old), "new": _display(new)})
    return rows


def _m2m_names(field: str, rows) -> list[str]:
    if not rows:
        return []
    model = Actielijn._meta.get_field(field).related_model
    key = f"{model._meta.model_name}"
    ids = [row.get(key) for row in rows]
    names = {obj.pk: str(obj) for obj in model.objects.filter(pk__in=ids)}
    return [names.get(i, f"#{i}") for i in ids]


def versions_with_diffs(card: Actielijn) -> list[dict]:
    """Every version of a card, newest first, each with who, when, why and its changes."""
    records = list(card.history.select_related("history_user").order_by("-history_date", "-history_id"))
    out = []
    for i, record in enumerate(records):
        older = records[i + 1] if i + 1 < len(records) else None
        out.append(
            {
                "record": record,
                "changes": diff(record, older) if older is not None else [],
                "is_current": i == 0,
            }
        )
    return out


def changes_since(card: Actielijn, version: int) -> list[dict]:
    """What others changed after ``version``: shown when a save is refused as a concurrent edit."""
    records = list(card.history.order_by("-history_date", "-history_id"))
    base = next((r for r in records if r.version == version), None)
    if base is None or not records:
        return []
    return diff(records[0], base)
