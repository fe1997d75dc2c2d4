"""Indicators and measurements: the services that change them and the selectors that read them.

Services are keyword-only, one transaction each, ``full_clean()`` before saving, with the audit row in
the same transaction (STYLE 2, 7). Selectors scope by the user first (STYLE 3) and own their queries:
the dashboard and the panels read every indicator with its measurements in a fixed number of
queries, whatever the number of indicators (STYLE 11).

Who sees what: a public indicator is open to everyone (its domain pages are public); the rest is for
the programme team (``monitoring.view_indicator``, ``samennw.rights``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils.safestring import SafeString

from monitoring import charts
from monitoring.models import Indicator, Measurement
from samennw import audit, public_cache, rights

INDICATOR_FIELDS = {
    "domain", "actielijn", "name", "name_nl", "name_en", "definition", "definition_nl", "definition_en", "unit",
    "unit_label", "unit_label_nl", "unit_label_en", "source_kind", "source", "direction", "baseline_value",
    "baseline_year", "target_value", "target_year", "target_note", "target_note_nl", "target_note_en", "is_public", "order",
}


# --- services ---------------------------------------------------------------------------------------

@transaction.atomic
def create_indicator(*, by, slug: str, domain, name: str, **values: Any) -> Indicator:
    """A new indicator (issue 7 item 1); it starts non-public unless ``is_public`` is given."""
    unknown = set(values) - INDICATOR_FIELDS
    if unknown:
        raise TypeError(f"unknown indicator fields: {sorted(unknown)}")
    indicator = Indicator(slug=slug, domain=domain, name=name, **values)
    indicator.full_clean()
    indicator.save()
    audit.record("indicator.created", actor=by, target=indicator, slug=slug)
    if indicator.is_public:
        public_cache.bump_on_commit()
    return indicator


@transaction.atomic
def update_indicator(*, by, indicator: Indicator, changes: dict[str, Any]) -> Indicator:
    """Change an indicator's fields; the code (slug) stays, imports find the indicator by it."""
    unknown = set(changes) - INDICATOR_FIELDS
    if unknown:
        raise TypeError(f"unknown indicator fields: {sorted(unknown)}")
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    was_public = indicator.is_public
    for name, value in changes.items():
        setattr(indicator, name, value)
    indicator.full_clean()
    indicator.save()
    audit.record("indicator.updated", actor=by, target=indicator, fields=sorted(changes))
    if was_public or indicator.is_public:
        public_cache.bump_on_commit()
    return indicator


@transaction.atomic
def add_measurement(
    *,
    by,
    indicator: Indicator,
    period_start: datetime.date,
    granularity: str,
    value: Decimal,
    qualifier: str = Measurement.Qualifier.EXACT,
    source_note: str = "",
    is_demo: bool = False,
    audit_it: bool = True,
) -> Measurement:
    """One value for one period; a second value for the same period is refused (unique per period)."""
    measurement = Measurement(
        indicator=indicator, period_start=period_start, granularity=granularity, value=value, qualifier=qualifier,
        source_note=source_note, is_demo=is_demo, created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    measurement.full_clean()
    measurement.save()
    if audit_it:
        audit.record("indicator.measurement_added", actor=by, target=indicator, period=measurement.label, value=str(value))
    if indicator.is_public:
        public_cache.bump_on_commit()
    return measurement


@transaction.atomic
def update_measurement(*, by, measurement: Measurement, value: Decimal, qualifier: str | None = None,
                       source_note: str | None = None, audit_it: bool = True) -> Measurement:
    measurement = Measurement.objects.select_for_update().select_related("indicator").get(pk=measurement.pk)
    old = measurement.value
    measurement.value = value
    if qualifier is not None:
        measurement.qualifier = qualifier
    if source_note is not None:
        measurement.source_note = source_note
    measurement.full_clean()
    measurement.save()
    if audit_it:
        audit.record(
            "indicator.measurement_changed", actor=by, target=measurement.indicator, period=measurement.label,
            old=str(old), new=str(value),
        )
    if measurement.indicator.is_public:
        public_cache.bump_on_commit()
    return measurement


# --- selectors --------------------------------------------------------------------------------------

def _with_measurements(queryset: QuerySet[Indicator]) -> QuerySet[Indicator]:
    return queryset.select_related("domain", "actielijn").prefetch_related(
        Prefetch("measurements", queryset=Measurement.objects.order_by("granularity", "period_start"))
    )


def indicators_for(user) -> QuerySet[Indicator]:
    """The indicators ``user`` may see: all for the programme team, the public ones for everyone else."""
    queryset = Indicator.objects.all()
    if not rights.can(user, "monitoring.view_indicator_dashboard"):
        queryset = queryset.filter(is_public=True)
    return queryset


def indicator_for(user, slug: str) -> Indicator:
    """One indicator by code; a non-public one is ``DoesNotExist`` for who may not see it (same as missing)."""
    return _with_measurements(indicators_for(user)).get(slug=slug)


@dataclass
class IndicatorView:
    """One indicator as a page shows it: its series (one granularity), latest value and chart."""

    indicator: Indicator
    measurements: list[Measurement]
    compact: bool = False

    @property
    def latest(self) -> Measurement | None:
        return self.measurements[-1] if self.measurements else None

    @property
    def change(self) -> Decimal | None:
        """Latest value minus the one before, in the same granularity."""
        if len(self.measurements) < 2:
            return None
        return self.measurements[-1].value - self.measurements[-2].value

    @property
    def on_track(self) -> bool | None:
        """Whether the latest value has reached the target (in the indicator's direction)."""
        indicator, latest = self.indicator, self.latest
        if latest is None or indicator.target_value is None:
            return None
        if indicator.direction == Indicator.Direction.LAGER:
            return latest.value <= indicator.target_value
        return latest.value >= indicator.target_value

    @property
    def chart(self) -> SafeString:
        return charts.indicator_chart(self.indicator, self.measurements, compact=self.compact)


def _series(indicator: Indicator) -> list[Measurement]:
    """The measurements of the finest granularity that has the most values (a chart mixes no periods)."""
    every = list(indicator.measurements.all())
    if not every:
        return []
    by_kind: dict[str, list[Measurement]] = {}
    for m in every:
        by_kind.setdefault(m.granularity, []).append(m)
    kind = max(by_kind, key=lambda k: (len(by_kind[k]), ("jaar", "kwartaal", "maand").index(k)))
    return sorted(by_kind[kind], key=lambda m: m.period_start)


def view_of(indicator: Indicator, *, compact: bool = False) -> IndicatorView:
    return IndicatorView(indicator, _series(indicator), compact=compact)


def dashboard(user) -> list[tuple[Any, list[IndicatorView]]]:
    """All indicators ``user`` may see, grouped by domain, each with its series: three queries in all."""
    groups: dict[int, tuple[Any, list[IndicatorView]]] = {}
    for indicator in _with_measurements(indicators_for(user)).order_by("domain__kind", "domain__name", "order", "slug"):
        groups.setdefault(indicator.domain_id, (indicator.domain, []))[1].append(view_of(indicator, compact=True))
    return list(groups.values())


def public_panel(*, domain=None, actielijn=None) -> list[IndicatorView]:
    """The public indicators of a domain (those not tied to an action line) or of one action line.

    Only public indicators: the domain and card pages are cached for every visitor (samennw.public_cache).
    """
    queryset = Indicator.objects.filter(is_public=True)
    if actielijn is not None:
        queryset = queryset.filter(actielijn=actielijn)
    elif domain is not None:
        queryset = queryset.filter(domain=domain, actielijn__isnull=True)
    else:
        return []
    return [view_of(i) for i in _with_measurements(queryset).order_by("order", "slug")]
