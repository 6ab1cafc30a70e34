"""Polling a real Prometheus with a backfilled 28-day history: every stored figure equals
what the maths gives for the known history at the poll's evaluation time, across a counter
reset."""

import itertools
import math

import pytest

from slos import budget, poller
from slos.models import Snapshot
from tests.slos.history import HISTORY_GOOD, HISTORY_TOTAL

pytestmark = [pytest.mark.prometheus, pytest.mark.xdist_group("prometheus"),
              pytest.mark.django_db]


def test_window_figures_match_the_known_history_exactly(prometheus, make_source, make_slo):
    source = make_source(prometheus.url)
    slo = make_slo(source, name="History", good=HISTORY_GOOD, total=HISTORY_TOTAL,
                   target="99.9", window="28d")

    (snapshot,) = poller.poll([slo])

    assert snapshot.status == Snapshot.Status.OK, snapshot.error
    assert snapshot.source == Snapshot.Source.RAW
    expected_ratio = prometheus.history.error_ratio(snapshot.taken_at, 28 * budget.DAY)
    assert math.isclose(snapshot.sli, 1 - expected_ratio, abs_tol=1e-12)
    assert math.isclose(snapshot.budget_remaining,
                        budget.budget_remaining(expected_ratio, 0.001), abs_tol=1e-9)
    # The bad afternoon 20 days ago is inside the window, so the budget is partly spent.
    assert 0 < snapshot.budget_remaining < 1
    for window in budget.BURN_WINDOWS:
        expected = prometheus.history.error_ratio(snapshot.taken_at,
                                                  budget.parse_duration(window))
        stored = snapshot.error_ratios[window]
        if expected is None:
            assert stored is None, window
        else:
            assert math.isclose(stored, expected, abs_tol=1e-12), window


def test_a_seven_day_window_leaves_the_old_incident_out(prometheus, make_source, make_slo):
    slo = make_slo(make_source(prometheus.url), name="History 7d", good=HISTORY_GOOD,
                   total=HISTORY_TOTAL, window="7d")

    (snapshot,) = poller.poll([slo])

    expected_ratio = prometheus.history.error_ratio(snapshot.taken_at, 7 * budget.DAY)
    assert math.isclose(snapshot.sli, 1 - expected_ratio, abs_tol=1e-12)
    assert expected_ratio < prometheus.history.error_ratio(snapshot.taken_at, 28 * budget.DAY)


def test_a_counter_reset_inside_the_window_is_not_a_drop_in_traffic(prometheus, make_source,
                                                                    make_slo):
    history = prometheus.history
    assert any(later < earlier for earlier, later in itertools.pairwise(history.good))
    slo = make_slo(make_source(prometheus.url), name="Across the restart", good=HISTORY_GOOD,
                   total=HISTORY_TOTAL, window="28d")

    (snapshot,) = poller.poll([slo])

    # Reading last minus first would give a negative count: the maths corrects the reset as
    # Prometheus does, and both agree exactly.
    expected = history.error_ratio(snapshot.taken_at, 28 * budget.DAY)
    assert 0 < expected < 0.01
    assert math.isclose(1 - snapshot.sli, expected, abs_tol=1e-12)
