"""Server-side SVG charts for indicators: pure Python, no JavaScript, no extra dependency.

Why it is built this way:

* **Accessible**: the ``<svg>`` has ``role="img"`` and is labelled by its own ``<title>`` and ``<desc>``;
  the description says in words what the chart shows (first and last period, last value, baseline and
  target). A data table sits beside every chart (``monitoring/indicators/_table.html``), because a
  picture alone is never the only way to read the figures (WCAG 1.1.1, 1.4.1).
* **CSP-safe**: the portal's CSP allows styles from ``'self'`` only, so the SVG uses presentation
  attributes (``fill``, ``stroke``, ``font-size``) and never a ``style`` attribute or element.
* **Contrast**: text and the series are dark on white (at least 4.5:1); baseline and target differ by
  dash pattern as well as colour, so colour is never the only cue.
* **Deterministic**: the same data and language give byte-identical output (numbers are written with a
  fixed number of decimals, no random ids, no dates), so two jaarbeeld builds of the same data compare
  equal (issue 7 item 4).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

TEXT = "#1a1a1a"  # 17:1 on white
SERIES = "#0b4f8a"  # 8.6:1 on white
BASELINE = "#4d4d4d"  # 8.5:1 on white, dashed
TARGET = "#8a3b00"  # 7.6:1 on white, long dashes
GRID = "#c8c8c8"  # decoration only

LINE = "line"
BAR = "bar"


@dataclass(frozen=True)
class Point:
    label: str
    value: Decimal


@dataclass(frozen=True)
class Reference:
    """A horizontal reference line: the baseline or the target, with its year."""

    value: Decimal
    year: int | None = None


def format_value(value: Decimal | float | int, unit: str = "") -> str:
    """A value in the active language's notation, trailing zeros dropped: ``12``, ``12,5``, ``1.234``."""
    number = Decimal(value)
    places = 0 if number == number.to_integral_value() else (1 if (number * 10) == (number * 10).to_integral_value() else 2)
    text = number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)
    if unit == "%":
        return f"{text}%"
    return f"{text} {unit}".strip() if unit else text


def _f(number: float) -> str:
    """Coordinates with one decimal: stable text for stable bytes."""
    text = f"{number:.1f}"
    return "0.0" if text == "-0.0" else text


def _nice_step(span: float, ticks: int) -> float:
    raw = span / max(ticks, 1)
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _scale(values: Sequence[float], ticks: int) -> tuple[float, float, float]:
    low = min([0.0, *values])
    high = max([0.0, *values])
    if high == low:
        high = low + 1
    step = _nice_step(high - low, ticks)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def describe(*, title: str, points: Sequence[Point], unit: str, baseline: Reference | None, target: Reference | None) -> str:
    """The chart in words, for ``<desc>``: what a sighted reader takes from it."""
    parts: list[str] = []
    if not points:
        parts.append(_("Nog geen metingen."))
    elif len(points) == 1:
        parts.append(_("Eén meting: %(value)s in %(period)s.") % {"value": format_value(points[0].value, unit), "period": points[0].label})
    else:
        parts.append(
            _("%(count)s metingen van %(first)s tot %(last)s; de laatste is %(value)s in %(last)s.")
            % {"count": len(points), "first": points[0].label, "last": points[-1].label, "value": format_value(points[-1].value, unit)}
        )
    if baseline is not None:
        parts.append(_("Nulmeting: %(value)s (%(year)s).") % {"value": format_value(baseline.value, unit), "year": baseline.year or "?"})
    if target is not None:
        parts.append(_("Streefwaarde: %(value)s (%(year)s).") % {"value": format_value(target.value, unit), "year": target.year or "?"})
    return " ".join(str(p) for p in parts)


def render_chart(
    *,
    chart_id: str,
    title: str,
    points: Sequence[Point],
    unit: str = "",
    kind: str = LINE,
    baseline: Reference | None = None,
    target: Reference | None = None,
    x_label: str = "",
    y_label: str = "",
    width: int = 640,
    height: int = 300,
    compact: bool = False,
) -> SafeString:
    """An SVG line or bar chart of ``points`` (in period order) with optional baseline and target lines.

    ``chart_id`` must be unique on the page and stable (use the indicator's code): it names the
    ``<title>`` and ``<desc>`` the chart is labelled by.
    """
    cid = escape(chart_id)
    font = 11 if compact else 13
    left = 8 if compact else 64
    right = 8 if compact else 24
    top = 8 if compact else 24
    bottom = 8 if compact else 56
    plot_w = width - left - right
    plot_h = height - top - bottom
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="snw-chart{" snw-chart--compact" if compact else ""}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc" font-family="sans-serif" font-size="{font}">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(describe(title=title, points=points, unit=unit, baseline=baseline, target=target))}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    if not points:
        out.append(
            f'<text x="{_f(width / 2)}" y="{_f(height / 2)}" text-anchor="middle" fill="{TEXT}">{escape(_("Nog geen metingen"))}</text>'
        )
        out.append("</svg>")
        return mark_safe("\n".join(out))  # noqa: S308 - every text above is escaped

    references = [r.value for r in (baseline, target) if r is not None]
    low, high, step = _scale([float(p.value) for p in points] + [float(v) for v in references], 2 if compact else 5)

    def y(value: Decimal | float) -> float:
        return top + plot_h - (float(value) - low) / (high - low) * plot_h

    slot = plot_w / len(points)

    def x(index: int) -> float:
        return left + slot * (index + 0.5)

    # grid and y axis
    tick = low
    while tick <= high + step / 1000:
        ty = y(tick)
        out.append(f'<line x1="{left}" y1="{_f(ty)}" x2="{left + plot_w}" y2="{_f(ty)}" stroke="{GRID}" stroke-width="1"/>')
        if not compact:
            out.append(
                f'<text x="{left - 6}" y="{_f(ty + 4)}" text-anchor="end" fill="{TEXT}">{escape(format_value(Decimal(str(round(tick, 6)))))}</text>'
            )
        tick += step
    out.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="{TEXT}" stroke-width="1"/>')
    out.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="{TEXT}" stroke-width="1"/>')

    # series
    if kind == BAR:
        bar_w = max(2.0, slot * 0.6)
        zero = y(max(low, 0.0))
        for index, point in enumerate(points):
            py = y(point.value)
            out.append(
                f'<rect x="{_f(x(index) - bar_w / 2)}" y="{_f(min(py, zero))}" width="{_f(bar_w)}" '
                f'height="{_f(abs(zero - py))}" fill="{SERIES}"/>'
            )
    else:
        if len(points) > 1:
            path = " ".join(f"{'M' if i == 0 else 'L'}{_f(x(i))} {_f(y(p.value))}" for i, p in enumerate(points))
            out.append(f'<path d="{path}" fill="none" stroke="{SERIES}" stroke-width="2.5"/>')
        radius = 3 if compact or len(points) > 24 else 4.5
        for index, point in enumerate(points):
            out.append(f'<circle cx="{_f(x(index))}" cy="{_f(y(point.value))}" r="{radius}" fill="{SERIES}"/>')

    # baseline and target: dash pattern as well as colour
    for reference, colour, dash, name in (
        (baseline, BASELINE, "4 3", _("Nulmeting")),
        (target, TARGET, "10 4", _("Streefwaarde")),
    ):
        if reference is None:
            continue
        ry = y(reference.value)
        out.append(
            f'<line x1="{left}" y1="{_f(ry)}" x2="{left + plot_w}" y2="{_f(ry)}" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>'
        )
        if not compact:
            label = f"{name} {reference.year}" if reference.year else str(name)
            out.append(
                f'<text x="{left + plot_w - 4}" y="{_f(ry - 5)}" text-anchor="end" fill="{colour}">{escape(label)}: '
                f"{escape(format_value(reference.value, unit))}</text>"
            )

    if not compact:
        # x labels: at most about ten, evenly spread, always the last one
        every = max(1, math.ceil(len(points) / 10))
        for index, point in enumerate(points):
            if index % every == 0 or index == len(points) - 1:
                out.append(
                    f'<text x="{_f(x(index))}" y="{top + plot_h + 18}" text-anchor="middle" fill="{TEXT}">{escape(point.label)}</text>'
                )
        if x_label:
            out.append(f'<text x="{_f(left + plot_w / 2)}" y="{height - 8}" text-anchor="middle" fill="{TEXT}">{escape(x_label)}</text>')
        if y_label:
            out.append(
                f'<text x="14" y="{_f(top + plot_h / 2)}" text-anchor="middle" fill="{TEXT}" '
                f'transform="rotate(-90 14 {_f(top + plot_h / 2)})">{escape(y_label)}</text>'
            )
    out.append("</svg>")
    return mark_safe("\n".join(out))  # noqa: S308 - every text above is escaped


def indicator_chart(indicator, measurements: Sequence, *, compact: bool = False, kind: str | None = None) -> SafeString:
    """The chart of one indicator from its measurements (already in period order)."""
    points = [Point(m.label, m.value) for m in measurements]
    unit = indicator.unit_display
    baseline = Reference(indicator.baseline_value, indicator.baseline_year) if indicator.baseline_value is not None else None
    target = Reference(indicator.target_value, indicator.target_year) if indicator.target_value is not None else None
    return render_chart(
        chart_id=f"grafiek-{indicator.slug}{'-klein' if compact else ''}",
        title=indicator.name,
        points=points,
        unit=unit,
        kind=kind or (BAR if indicator.unit in ("aantal", "euro") and len(points) <= 12 else LINE),
        baseline=baseline,
        target=target,
        x_label=_("Periode"),
        y_label=unit,
        width=240 if compact else 640,
        height=80 if compact else 300,
        compact=compact,
    )
