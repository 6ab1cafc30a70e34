"""Calendar periods (UTC months, ISO weeks from Monday) and the period's time to exhaustion:
pure functions."""

from datetime import UTC, datetime

import pytest

from slos import budget, periods


def at(*args):
    return datetime(*args, tzinfo=UTC)


def test_a_month_and_its_label():
    november = periods.containing("monthly", at(2026, 11, 30, 23, 59))
    assert (november.start, november.end) == (at(2026, 11, 1), at(2026, 12, 1))
    assert november.label(at(2026, 11, 30, 23, 59)) == "November 2026 (day 30 of 30)"
    assert november.label(at(2026, 11, 1)) == "November 2026 (day 1 of 30)"
    assert november.key == "2026-11" and november.days == 30
    assert periods.month(2026, 12).next() == periods.month(2027, 1)
    assert periods.month(2027, 1).previous() == periods.month(2026, 12)
    assert periods.month(2028, 2).days == 29


def test_iso_weeks_begin_on_monday_and_cross_years():
    week = periods.containing("weekly", at(2026, 11, 26, 15))  # a Thursday
    assert week.start == at(2026, 11, 23) and week.end == at(2026, 11, 30)
    assert week.label(at(2026, 11, 26, 15)) == "week 48 of 2026 (day 4 of 7)"
    new_year = periods.containing("weekly", at(2027, 1, 1, 8))
    assert new_year.name == "week 53 of 2026" and new_year.key == "2026-W53"
    assert periods.containing("weekly", at(2026, 11, 30)).start == at(2026, 11, 30)


def test_the_range_read_is_the_period_so_far():
    november = periods.month(2026, 11)
    assert november.range_seconds(at(2026, 11, 10, 12)) == 9.5 * 86400
    assert november.range_seconds(at(2026, 11, 1)) == periods.MIN_RANGE_SECONDS
    assert november.elapsed_seconds(at(2027, 1, 1)) == november.seconds


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "26-11", "", None, "2026-11-01",
                                  "0000-01", "\uff12\uff10\uff12\uff16-11"])  # full-width digits
def test_a_month_that_is_not_one_is_refused(text):
    with pytest.raises(ValueError, match="is not a month like 2026-11"):
        periods.parse_month(text)


def test_a_periods_budget_runs_out_only_within_the_period():
    # Half the budget left after 10 days, burning 3x: allowed grows with traffic, so
    # 0.5 x 10 days / (3 - 1) = 2.5 days.
    assert budget.period_time_to_exhaustion(0.5, 3.0, 10 * 86400, 20 * 86400) == \
        2.5 * 86400
    assert budget.period_time_to_exhaustion(0.5, 1.0, 10 * 86400, 20 * 86400) is None
    assert budget.period_time_to_exhaustion(0.5, 1.1, 10 * 86400, 2 * 86400) is None
    assert budget.period_time_to_exhaustion(-0.2, 3.0, 10 * 86400, 20 * 86400) == 0.0
    assert budget.period_time_to_exhaustion(None, 3.0, 10 * 86400, 20 * 86400) is None
