"""SVG charts: well-formed XML, labelled for assistive technology, CSP-safe, deterministic."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from monitoring.charts import BAR, LINE, Point, Reference, render_chart

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, parsed to prove it is well-formed


def series(n: int) -> list[Point]:
    return [Point(str(2020 + i), Decimal(10 + i * 3)) for i in range(n)]


@pytest.mark.parametrize("kind", [LINE, BAR])
@pytest.mark.parametrize("n", [0, 1, 2, 30])
def test_well_formed_with_title_and_desc(kind, n):
    svg = render_chart(
        chart_id="grafiek-x", title="Extra <toezichthouders> & meer", points=series(n), unit="toezichthouders", kind=kind,
        baseline=Reference(Decimal("5"), 2020), target=Reference(Decimal("40"), 2030), x_label="Periode", y_label="aantal",
    )
    root = parse(svg)
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "grafiek-x-title grafiek-x-desc"
    assert root.find(f"{NS}title").text == "Extra <toezichthouders> & meer"
    assert root.find(f"{NS}desc").text
    # CSP style-src 'self': no style attributes or elements anywhere
    assert "style" not in svg
    for element in root.iter():
        assert "style" not in element.attrib


def test_empty_series_says_no_measurements():
    root = parse(render_chart(chart_id="leeg", title="Leeg", points=[]))
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert texts == ["Nog geen metingen"]
    assert "Nog geen metingen" in root.find(f"{NS}desc").text


def test_single_point_has_one_marker_and_no_line():
    root = parse(render_chart(chart_id="een", title="Eén", points=series(1)))
    assert len(list(root.iter(f"{NS}circle"))) == 1
    assert not list(root.iter(f"{NS}path"))
    assert "Eén meting" in root.find(f"{NS}desc").text


def test_baseline_and_target_are_drawn_and_described():
    root = parse(render_chart(
        chart_id="r", title="R", points=series(3), baseline=Reference(Decimal("4"), 2022), target=Reference(Decimal("50"), 2030),
    ))
    dashed = [line for line in root.iter(f"{NS}line") if line.get("stroke-dasharray")]
    assert len(dashed) == 2
    desc = root.find(f"{NS}desc").text
    assert "Nulmeting" in desc and "Streefwaarde" in desc and "2030" in desc


def test_deterministic():
    kwargs = {"chart_id": "d", "title": "D", "points": series(12), "target": Reference(Decimal("33.5"), 2028)}
    assert render_chart(**kwargs).encode() == render_chart(**kwargs).encode()


def test_negative_and_equal_values_do_not_break_the_scale():
    points = [Point("2024", Decimal("-5")), Point("2025", Decimal("-5"))]
    parse(render_chart(chart_id="n", title="N", points=points, kind=BAR))
    parse(render_chart(chart_id="z", title="Z", points=[Point("2024", Decimal(0))]))
