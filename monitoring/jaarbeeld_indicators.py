"""The indicators block of a jaarbeeld edition (issue 7 items 2 and 4; DECISIONS 15, 16).

For every public indicator, grouped by domain in the dashboard's order, the block shows what happened over
the edition's reporting period (``period_start`` .. ``period_end``, DECISIONS 16):

- the series: the measurements whose whole period lies inside the reporting period, plus the last
  measurement before it as the starting point, all of one granularity (a chart mixes no periods);
- the value at the start and at the end, the change (absolute; in percentage points for a percentage, and
  relative for counts and amounts), and whether that change goes in the indicator's good direction;
- baseline and target with their years, the chart (``charts.indicator_chart``) and the data behind it.

What is not there is not invented (DECISIONS 3, 15): demo measurements are left out, and an indicator
without a measurement in the period is listed under "geen metingen in deze periode" with nothing filled in.
Non-public indicators never appear: the jaarbeeld is a public document.

The data is plain dicts, lists, strings and decimals, so a build's snapshot (``monitoring.builds``) hashes
what the reader sees, and the same data renders byte-identical HTML (no ids but the indicators' codes, no
dates but the edition's). Two queries whatever the number of indicators (STYLE 11).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from monitoring import charts
from monitoring.jaarbeeld import NOT_AVAILABLE, BlockData
from monitoring.models import EditionBlock, Indicator, Measurement
from monitoring.models.indicators import Granularity

FINENESS = (Granularity.JAAR, Granularity.KWARTAAL, Granularity.MAAND)
RELATIVE_UNITS = (Indicator.Unit.AANTAL, Indicator.Unit.EURO, Indicator.Unit.ANDERS)

GOED = "goed"
SLECHT = "slecht"
GELIJK = "gelijk"


def period_end(measurement: Measurement) -> datetime.date:
    """The last day of a measurement's period (year, quarter or month)."""
    start = measurement.period_start
    months = {Granularity.JAAR: 12, Granularity.KWARTAAL: 3}.get(measurement.granularity, 1)
    year, month = divmod(start.month - 1 + months, 12)
    return datetime.date(start.year + year, month + 1, 1) - datetime.timedelta(days=1)


def year_series(measurements: list[Measurement], start: datetime.date, end: datetime.date) -> tuple[Measurement | None, list[Measurement]]:
    """(starting point, measurements in the period) of the granularity with most values in the period.

    A measurement counts when its whole period lies in ``start`` .. ``end``; ties go to the finer
    granularity, as on the dashboard (``indicators._series``). The starting point is the last measurement
    of that granularity whose period ended before ``start``.
    """
    inside: dict[str, list[Measurement]] = {}
    for m in measurements:
        if m.period_start >= start and period_end(m) <= end:
            inside.setdefault(m.granularity, []).append(m)
    if not inside:
        return None, []
    kind = max(inside, key=lambda k: (len(inside[k]), FINENESS.index(k)))
    before = [m for m in measurements if m.granularity == kind and period_end(m) < start]
    in_period = sorted(inside[kind], key=lambda m: m.period_start)
    return (max(before, key=lambda m: m.period_start) if before else None), in_period


def _unit(indicator: Indicator) -> str:
    """The unit written after a value in a sentence: none for a plain count ("12", not "12 aantal")."""
    if indicator.unit == Indicator.Unit.AANTAL and not indicator.unit_label:
        return ""
    return indicator.unit_display


def _shown(measurement: Measurement, unit: str) -> str:
    """A value as a reader reads it: with its qualifier ("ruim 150") and unit."""
    text = charts.format_value(measurement.value, unit)
    if measurement.qualifier != Measurement.Qualifier.EXACT:
        text = f"{measurement.get_qualifier_display()} {text}"
    return text


def _signed(number: Decimal, suffix: str = "") -> str:
    sign = "+" if number > 0 else ("\u2212" if number < 0 else "±")
    return f"{sign}{charts.format_value(abs(number))}{suffix}"


def verdict(indicator: Indicator, change: Decimal) -> str:
    """Whether a change goes the good way for this indicator (``direction``), the wrong way, or nowhere."""
    if change == 0:
        return GELIJK
    higher_is_better = indicator.direction == Indicator.Direction.HOGER
    return GOED if (change > 0) == higher_is_better else SLECHT


def change_of(indicator: Indicator, first: Measurement, last: Measurement) -> dict[str, Any]:
    """The change from ``first`` to ``last``: absolute, relative where meaningful, its verdict and in words.

    A percentage changes in percentage points; counts and amounts also get the relative change (when the
    start is not zero); a score gets neither, its scale is the indicator's own.
    """
    unit = _unit(indicator)
    change = last.value - first.value
    if indicator.unit == Indicator.Unit.PROCENT:
        absolute = _signed(change, " " + _("procentpunt"))
    else:
        absolute = _signed(change, f" {unit}" if unit else "")
    relative = ""
    if indicator.unit in RELATIVE_UNITS and first.value != 0:
        relative = _signed((change / abs(first.value) * 100).quantize(Decimal("0.1")), "%")
    judged = verdict(indicator, change)
    values = {"start": _shown(first, unit), "end": _shown(last, unit), "change": absolute + (f"; {relative}" if relative else "")}
    if change > 0:
        words = _("gestegen van %(start)s naar %(end)s (%(change)s)") % values
    elif change < 0:
        words = _("gedaald van %(start)s naar %(end)s (%(change)s)") % values
    else:
        words = _("gelijk gebleven op %(end)s") % values
    direction = str(indicator.get_direction_display())
    judgement = {GOED: _("goede richting"), SLECHT: _("verkeerde richting"), GELIJK: _("geen verandering")}[judged]
    return {
        "absolute": absolute,
        "relative": relative,
        "verdict": judged,
        "text": f"{words}; {direction}: {judgement}",
    }


def _reference(value: Decimal | None, year: int | None, note: str, unit: str) -> str:
    if value is None and not note:
        return ""
    text = note or charts.format_value(value, unit)
    return f"{text} ({year})" if year else text


def _item(indicator: Indicator, starting: Measurement | None, in_period: list[Measurement]) -> dict[str, Any]:
    unit = _unit(indicator)
    series = ([starting] if starting else []) + in_period
    first, last = series[0], series[-1]
    rows = [
        {
            "label": m.label,
            "value": _shown(m, ""),  # the column header names the unit
            "source_note": m.source_note,
            "is_start": m is starting,
        }
        for m in series
    ]
    return {
        "slug": indicator.slug,
        "name": indicator.name,
        "definition": indicator.definition,
        "unit": indicator.unit_display,
        "source_kind": str(indicator.get_source_kind_display()),
        "source": indicator.source,
        "direction": str(indicator.get_direction_display()),
        "actielijn": indicator.actielijn.title if indicator.actielijn_id else "",
        "baseline": _reference(indicator.baseline_value, indicator.baseline_year, "", unit),
        "target": _reference(indicator.target_value, indicator.target_year, indicator.target_note, unit),
        "start": {"label": first.label, "value": _shown(first, unit), "before_period": first is starting},
        "end": {"label": last.label, "value": _shown(last, unit)},
        "change": change_of(indicator, first, last) if len(series) > 1 else None,
        "rows": rows,
        "chart": charts.indicator_chart(indicator, series),
    }


def public_indicators_until(end: datetime.date):
    """Public indicators in the dashboard's order, each with its real measurements up to ``end``: two queries."""
    return (
        Indicator.objects.filter(is_public=True)
        .select_related("domain", "actielijn")
        .prefetch_related(
            Prefetch(
                "measurements",
                queryset=Measurement.objects.filter(is_demo=False, period_start__lte=end).order_by("period_start", "granularity"),
            )
        )
        .order_by("domain__kind", "domain__name", "order", "slug")
    )


def indicators_block(edition) -> BlockData:
    """The indicators block of ``edition``; not available when there is no public indicator at all."""
    domains: list[dict[str, Any]] = []
    without: list[dict[str, str]] = []
    count = 0
    for indicator in public_indicators_until(edition.period_end):
        count += 1
        starting, in_period = year_series(list(indicator.measurements.all()), edition.period_start, edition.period_end)
        if not in_period:
            without.append({"slug": indicator.slug, "name": indicator.name, "domain": indicator.domain.name})
            continue
        if not domains or domains[-1]["slug"] != indicator.domain.slug:
            domains.append({"slug": indicator.domain.slug, "name": indicator.domain.name, "items": []})
        domains[-1]["items"].append(_item(indicator, starting, in_period))
    if not count:
        return BlockData(kind=EditionBlock.Kind.INDICATOREN, available=False, note=NOT_AVAILABLE)
    return BlockData(
        kind=EditionBlock.Kind.INDICATOREN, available=True, source=_("Indicatoren van de monitoring"), as_of=edition.as_of,
        data={"count": count, "domains": domains, "without": without},
    )
