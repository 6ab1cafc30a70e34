"""The burn-down chart's SVG is written in Python (slo_tags.burn_down_svg): its numbers print
as the template's ``floatformat:1`` printed them, and its texts are escaped."""

import random
from datetime import UTC, datetime, timedelta

from django.template.defaultfilters import floatformat

from slos import chart
from slos.templatetags.slo_tags import burn_down_svg, one_decimal

START = datetime(2026, 11, 1, 0, 0, 0, 250000, tzinfo=UTC)
END = START + timedelta(days=28)


def test_one_decimal_prints_as_floatformat_does():
    draws = random.Random(9)
    values = [0.25, 0.35, -0.25, -0.04, 2.675, 4, 48, 696.05, 12.45, 0.0, -0.0, 719.95]
    values += [draws.uniform(-50, 760) for _ in range(5000)]
    values += [round(draws.uniform(0, 720), 2) for _ in range(5000)]  # many exact halves
    assert [one_decimal(v) for v in values] == [floatformat(v, 1) for v in values]


def test_the_svg_escapes_its_texts_and_marks_the_incidents():
    drawn = chart.burn_down([(START.timestamp(), 1.0), (END.timestamp(), 0.5)], START, END,
                            [(START + timedelta(days=3), None, "<b>DB & cache</b>")])
    svg = burn_down_svg(drawn, START, 1)
    assert "<title>&lt;b&gt;DB &amp; cache&lt;/b&gt;</title>" in svg
    assert "from 2026-11-01 to now, with 1 incident(s) marked</title>" in svg
    assert f'<path d="{drawn.path}"' in svg and "Collecting data" not in svg
    assert svg.count('<line x1="48" x2="696"') == len(drawn.ticks) + 1


def test_without_points_the_svg_says_it_is_collecting_data():
    svg = burn_down_svg(chart.burn_down([], START, END), START, 0)
    assert "<path" not in svg and "Collecting data" in svg and "marked" not in svg
