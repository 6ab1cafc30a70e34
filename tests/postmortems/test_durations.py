"""One way to write a duration (postmortems/durations.py): measured spans exactly, SLO figures
in their largest unit; both apps' templates use it."""

from datetime import timedelta

import pytest
from django.template import Context, Template

from postmortems import durations


@pytest.mark.parametrize(("value", "text"), [
    (timedelta(hours=2, minutes=5), "2 h 05 min"),
    (timedelta(minutes=4, seconds=30), "4 min 30 s"),
    (timedelta(minutes=4), "4 min"),
    (timedelta(seconds=45), "45 s"),
    (timedelta(days=1, hours=3, minutes=20), "1 d 3 h"),
    (timedelta(minutes=-5), "-5 min"),
    (None, "—"),
])
def test_a_measured_span_is_written_exactly(value, text):
    assert durations.span(value) == text


@pytest.mark.parametrize(("seconds", "text"), [
    (2592, "43.2 min"),     # 99.9% of 30 days
    (2419.2, "40.3 min"),   # 99.9% of 28 days
    (25920, "7.2 h"),       # 99% of 30 days
    (31536, "8.76 h"),      # 99.9% of a year
    (259.2, "4.32 min"),    # 99.99% of 30 days
    (30, "30 s"),
    (12 * 86400, "12 days"),
    (400 * 86400, "400 days"),
    (None, "—"),
])
def test_an_slo_figure_is_written_in_its_largest_unit(seconds, text):
    assert durations.approximate(seconds) == text


def test_whole_rounds_to_the_unit():
    assert durations.approximate(0.6 * 30 * 86400 / 15.2, whole=True) == "28 h"


def test_both_apps_templates_write_durations_the_same_way():
    template = Template("{% load postmortems slo_tags %}")  # both libraries load side by side
    assert template.render(Context()) == ""
    incident = Template("{% load postmortems %}{{ value|duration }}")
    assert incident.render(Context({"value": timedelta(minutes=65)})) == "1 h 05 min"
    slo = Template("{% load slo_tags %}{{ value|duration }} {{ value|days_left }}")
    assert slo.render(Context({"value": 2592})) == "43.2 min ~43 min at the current burn rate"
