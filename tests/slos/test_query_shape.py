"""Findings 2 and 5, on a real Prometheus scraping the workload (2% errors): a query of the
wrong shape is "broken query", never a perfect SLO; ``le`` bounds are read the way Prometheus
prints them; the save check explains the missing sum() and warns about a side with no series."""

import math

import pytest

from slos import poller, promql, rules
from slos.models import SLO, Snapshot
from tests.factories import slo_form_data as form_data
from tests.slos.servers import WORKLOAD_ERROR_RATIO

pytestmark = [pytest.mark.prometheus, pytest.mark.xdist_group("prometheus"),
              pytest.mark.django_db]

WITHOUT_SUM_GOOD = 'rate(http_requests_total{job="workload",status!~"5.."}[$window])'
WITHOUT_SUM_TOTAL = 'rate(http_requests_total{job="workload"}[$window])'


def test_good_and_total_without_sum_is_a_broken_query_not_a_perfect_slo(
        prometheus, make_source, make_slo):
    slo = make_slo(make_source(prometheus.url), name="No sum", good=WITHOUT_SUM_GOOD,
                   total=WITHOUT_SUM_TOTAL)

    (snapshot,) = poller.poll([slo])

    assert snapshot.status == Snapshot.Status.BROKEN
    assert snapshot.sli is None and snapshot.budget_remaining is None
    assert snapshot.error.startswith("the all events query returns 2 series where one is "
                                     "expected: aggregate it, e.g. sum(")
    slo.refresh_from_db()
    assert slo.gate()["allowed"] is False  # the deploy gate no longer waves risky changes


def test_the_recorded_path_says_broken_query_too(prometheus, make_source, make_slo):
    slo = make_slo(make_source(prometheus.url), name="No sum", good=WITHOUT_SUM_GOOD,
                   total=WITHOUT_SUM_TOTAL)
    prometheus.load_rules(rules.to_yaml([slo]),
                          wait_for=f'{rules.SERIES_METRIC}{{slo="{slo.slug}"}}')
    try:
        (snapshot,) = poller.poll([slo])
    finally:
        prometheus.unload_rules()

    assert snapshot.source == Snapshot.Source.RECORDED
    assert snapshot.status == Snapshot.Status.BROKEN, snapshot.error
    assert snapshot.fault == "many"


def test_good_above_total_is_a_broken_query_not_clamped(prometheus, make_source, make_slo):
    # Swapped by mistake: "good" counts every request, "total" only the successful ones.
    slo = make_slo(make_source(prometheus.url), name="Swapped",
                   good='sum(rate(http_requests_total{job="workload"}[$window]))',
                   total='sum(rate(http_requests_total{job="workload",status="200"}[$window]))')

    (snapshot,) = poller.poll([slo])

    assert snapshot.status == Snapshot.Status.BROKEN
    assert snapshot.fault == "good_above_total"
    assert "good events exceed all events (error ratio -0.02" in snapshot.error
    assert snapshot.sli is None


@pytest.mark.parametrize("bound", ["0.250", "1.0", "1", "2.50"])
def test_a_bucket_bound_written_another_way_still_measures(prometheus, make_source, make_slo,
                                                           bound):
    slo = make_slo(
        make_source(prometheus.url), name=f"Latency {bound}", kind=SLO.Kind.LATENCY,
        target="99",
        good='sum(rate(http_request_duration_seconds_bucket{job="workload",'
             f'le="{bound}"}}[$window]))',
        total='sum(rate(http_request_duration_seconds_count{job="workload"}[$window]))')

    (snapshot,) = poller.poll([slo])

    assert snapshot.status == Snapshot.Status.OK, snapshot.error
    # 1% of the workload's requests take 1 s: below 1 s (and 0.25 s) 99% are fast.
    expected = 0.99 if float(bound) < 1 else 1.0
    assert math.isclose(snapshot.sli, expected, abs_tol=2e-3)


def test_le_is_written_as_prometheus_prints_it():
    assert promql.canonical_le("0.250") == "0.25"
    assert promql.canonical_le("1.0") == "1"
    assert promql.canonical_le("+inf") == "+Inf"
    assert promql.normalise_le('x{le="0.250"}') == 'x{le="0.25"}'


def test_the_save_check_explains_the_missing_sum(editor_client, service, prometheus,
                                                 make_source):
    source = make_source(prometheus.url)
    response = editor_client.post("/slos/new/", form_data(
        service, source, good_query=WITHOUT_SUM_GOOD, total_query=WITHOUT_SUM_TOTAL))
    text = response.content.decode()

    assert response.status_code == 200
    assert "returns 2 series where one is expected: aggregate it, e.g. sum(" in text
    assert "divided series by series" in text
    assert not SLO.objects.exists()


def test_the_save_check_warns_when_a_side_returns_no_series(editor_client, service, prometheus,
                                                            make_source):
    source = make_source(prometheus.url)
    response = editor_client.post("/slos/new/", form_data(
        service, source,
        good_query='sum(rate(http_requests_totl{job="workload",status!~"5.."}[$window]))'),
        follow=True)

    assert SLO.objects.count() == 1  # saved: a new service may have no traffic yet
    assert "The good events query returns no series now" in response.content.decode()


def test_with_sum_the_same_workload_measures_its_errors(prometheus, make_source, make_slo):
    """The control: the same workload with sum() measures its 2% errors."""
    slo = make_slo(make_source(prometheus.url), name="With sum")
    (snapshot,) = poller.poll([slo])
    assert snapshot.status == Snapshot.Status.OK
    assert math.isclose(1 - snapshot.sli, WORKLOAD_ERROR_RATIO, abs_tol=2e-3)
