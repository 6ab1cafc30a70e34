"""The beat job, run by a real Celery worker against a real Prometheus scraping the demo
workload at a known error ratio: the stored figures match the maths."""

import math

import pytest

from slos import budget
from slos.models import SLO, Snapshot
from slos.tasks import poll_all
from tests.slos.servers import WORKLOAD_ERROR_RATIO

pytestmark = [pytest.mark.prometheus, pytest.mark.xdist_group("prometheus"),
              pytest.mark.django_db(transaction=True)]


def test_the_poll_task_stores_figures_that_match_the_maths(
        celery_worker_process, prometheus, make_source, make_slo):
    slo = make_slo(make_source(prometheus.url), target="99", window="7d")

    result = poll_all.delay().get(timeout=60)

    assert result["polled"] == 1
    slo = SLO.objects.select_related("latest_snapshot").get(pk=slo.pk)
    snapshot = slo.latest_snapshot
    assert snapshot.status == Snapshot.Status.OK, snapshot.error
    # The workload fails exactly 2% of its requests (to one request in a scrape).
    error_ratio = 1 - snapshot.sli
    assert math.isclose(error_ratio, WORKLOAD_ERROR_RATIO, abs_tol=2e-3)
    assert math.isclose(snapshot.budget_remaining, budget.budget_remaining(error_ratio, 0.01),
                        abs_tol=1e-9)
    assert snapshot.budget_remaining < 0  # 2% errors against a 1% budget: overspent
    for window in ("5m", "30m", "1h"):
        assert math.isclose(snapshot.error_ratios[window], WORKLOAD_ERROR_RATIO, abs_tol=2e-3)
    figures = slo.figures()
    assert math.isclose(figures["burn_rates"]["1h"], snapshot.error_ratios["1h"] / 0.01,
                        rel_tol=1e-9)
    assert figures["policy"] == budget.FEATURE_FREEZE
    assert figures["time_to_exhaustion_seconds"] == 0
    assert figures["stale"] is False
    assert slo.last_good_at == snapshot.taken_at


def test_a_latency_slo_counts_requests_under_the_threshold(
        celery_worker_process, prometheus, make_source, make_slo):
    slo = make_slo(
        make_source(prometheus.url), name="Latency", kind=SLO.Kind.LATENCY, target="99.5",
        good='sum(rate(http_request_duration_seconds_bucket{job="workload",le="0.5"}'
             "[$window]))",
        total='sum(rate(http_request_duration_seconds_count{job="workload"}[$window]))',
    )

    poll_all.delay().get(timeout=60)

    snapshot = SLO.objects.get(pk=slo.pk).latest_snapshot
    assert snapshot.status == Snapshot.Status.OK, snapshot.error
    # 1% of the workload's requests take 1 s, above the 0.5 s bucket.
    assert math.isclose(1 - snapshot.sli, 0.01, abs_tol=2e-3)


def test_a_whole_number_bucket_bound_matches_its_float_form(
        celery_worker_process, prometheus, make_source, make_slo):
    # The exporter writes le="1.0"; the SLO says le="1" and still finds the bucket.
    slo = make_slo(
        make_source(prometheus.url), name="Latency 1s", kind=SLO.Kind.LATENCY, target="99",
        good='sum(rate(http_request_duration_seconds_bucket{job="workload",le="1"}[$window]))',
        total='sum(rate(http_request_duration_seconds_count{job="workload"}[$window]))',
    )
    assert 'le=~"1(\\\\.0)?"' in slo.error_ratio_query("5m")

    poll_all.delay().get(timeout=60)

    snapshot = SLO.objects.get(pk=slo.pk).latest_snapshot
    assert snapshot.status == Snapshot.Status.OK, snapshot.error
    assert snapshot.sli == 1.0  # every request takes 1 s or less
