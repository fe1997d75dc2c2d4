"""Load the indicators the documents give a figure for (``fixtures/indicators.json``).

Every indicator names its document line as source; measurements come only from a document figure
with its period (DECISIONS 3, 15): an indicator with only a target has none. Indicators are matched
on ``slug`` and measurements on period, never on a primary key; writes go through
``monitoring.indicators`` in one transaction, and a second run changes nothing. Keys starting with
``_`` are notes.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation

from domains.fixtures_loader import DEFAULT_DIRECTORY, FixtureError, LoadResult
from domains.models import Domain
from monitoring import indicators as services
from monitoring.models import Indicator, Measurement
from monitoring.models.indicators import parse_period

FILENAME = "indicators.json"
INDICATOR_KEYS = {
    "slug", "domain", "name", "name_en", "definition", "definition_en", "unit", "unit_label", "unit_label_en",
    "source_kind", "source", "direction", "baseline_value", "baseline_year", "target_value", "target_year", "target_note",
    "target_note_en", "is_public", "order", "measurements",
}
MEASUREMENT_KEYS = {"period", "value", "qualifier", "source_note", "is_demo"}
DECIMALS = {"baseline_value", "target_value"}


def _decimal(value: Any, label: str) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise FixtureError(f"{label}: '{value}' is geen getal.") from exc


def load_indicators(*, directory: Path | None = None) -> LoadResult:
    """Upsert the indicators and their document measurements in one transaction. Raises ``FixtureError``."""
    path = Path(directory or DEFAULT_DIRECTORY) / FILENAME
    result = LoadResult()
    if not path.is_file():
        return result
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FixtureError(f"{FILENAME}: kan niet worden gelezen ({exc}).") from exc
    with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE), transaction.atomic():
        for entry in data.get("indicators", []):
            entry = {k: v for k, v in entry.items() if not k.startswith("_")}
            label = f"{FILENAME}, indicator '{entry.get('slug', '?')}'"
            if unknown := set(entry) - INDICATOR_KEYS:
                raise FixtureError(f"{label}: onbekende sleutels {sorted(unknown)}.")
            domain = Domain.objects.filter(slug=entry.get("domain", "")).first()
            if domain is None:
                raise FixtureError(f"{label}: domein '{entry.get('domain')}' staat niet in de database; laad eerst de structuur.")
            values = {k: v for k, v in entry.items() if k not in ("slug", "domain", "name", "measurements")}
            values = {k: _decimal(v, label) if k in DECIMALS else v for k, v in values.items()}
            values = {f"{k}_nl" if k in ("definition", "unit_label", "target_note") else k: v for k, v in values.items()}
            values["name_nl"] = entry["name"]
            try:
                indicator = Indicator.objects.filter(slug=entry["slug"]).first()
                if indicator is None:
                    indicator = services.create_indicator(by=None, slug=entry["slug"], domain=domain, name=entry["name"], **values)
                    result.created("Indicator")
                else:
                    changes = {k: v for k, v in {**values, "domain": domain}.items() if getattr(indicator, k) != v}
                    if changes:
                        indicator = services.update_indicator(by=None, indicator=indicator, changes=changes)
                        result.updated("Indicator")
                for item in entry.get("measurements", []):
                    if unknown := set(item) - MEASUREMENT_KEYS:
                        raise FixtureError(f"{label}: onbekende sleutels in een meting {sorted(unknown)}.")
                    start, granularity = parse_period(str(item["period"]))
                    value = _decimal(item["value"], label)
                    existing = Measurement.objects.filter(indicator=indicator, granularity=granularity, period_start=start).first()
                    if existing is None:
                        services.add_measurement(
                            by=None, indicator=indicator, period_start=start, granularity=granularity, value=value,
                            qualifier=item.get("qualifier", Measurement.Qualifier.EXACT), source_note=item.get("source_note", ""),
                            is_demo=bool(item.get("is_demo", False)),
                        )
                        result.created("Meting")
                    elif existing.value != value or existing.source_note != item.get("source_note", ""):
                        services.update_measurement(
                            by=None, measurement=existing, value=value, qualifier=item.get("qualifier"),
                            source_note=item.get("source_note", ""),
                        )
                        result.updated("Meting")
            except (ValidationError, ValueError) as exc:
                messages = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                raise FixtureError(f"{label}: ongeldige waarde: {messages}") from exc
    return result
