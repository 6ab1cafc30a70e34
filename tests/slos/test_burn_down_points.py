"""The burn-down chart's points: the budget remaining averaged per UTC hour over the good polls,
each hour an aware UTC datetime (on SQLite too: test_slo_pages_on_sqlite)."""

from collections import defaultdict
from datetime import UTC, datetime
from statistics import fmean

import pytest

TIMES = [datetime(2026, 3, 9, 9, 0, tzinfo=UTC),  # an hour's first instant and its last
         datetime(2026, 3, 9, 9, 59, 59, 999999, tzinfo=UTC),
         datetime(2026, 3, 9, 10, 0, 0, 1, tzinfo=UTC), datetime(2026, 3, 9, 10, 30, tzinfo=UTC),
         datetime(2026, 3, 9, 23, 59, 59, tzinfo=UTC), datetime(2026, 3, 10, 0, 0, tzinfo=UTC),
         datetime(2026, 3, 10, 11, 17, 3, 250000, tzinfo=UTC)]


def expected(polls):
    hours = defaultdict(list)
    for at, remaining in polls:
        hours[at.replace(minute=0, second=0, microsecond=0)].append(remaining)
    return [(hour, fmean(values)) for hour, values in sorted(hours.items())]


@pytest.mark.django_db
def test_the_points_are_hourly_averages_of_good_polls(make_slo, offline_source, record_poll):
    slo = make_slo(offline_source)
    polls = []
    for i, at in enumerate(TIMES):
        ratio = 0.0001 * (i + 1)
        polls.append((at, record_poll(slo, error_ratio=ratio, at=at).budget_remaining))
    record_poll(slo, status="error", fault="refused", error="down", at=TIMES[0])
    points = slo.snapshots.within(TIMES[0]).burn_down_points()
    assert [hour for hour, _ in points] == [hour for hour, _ in expected(polls)]
    assert all(hour.tzinfo is UTC for hour, _ in points)
    assert [round(value, 12) for _, value in points] == [
        round(value, 12) for _, value in expected(polls)]
