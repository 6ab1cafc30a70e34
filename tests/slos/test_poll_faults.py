"""Every fault ends in a snapshot that says which, never a crash and never a made-up 100%;
the panel figures go stale; the next good poll recovers."""

import pytest

from slos import poller
from slos.models import SLO, Snapshot

pytestmark = [pytest.mark.prometheus, pytest.mark.xdist_group("prometheus"),
              pytest.mark.django_db]


def poll_one(slo):
    (snapshot,) = poller.poll([SLO.objects.select_related("data_source").get(pk=slo.pk)])
    return snapshot


def assert_fault(snapshot, status, fault, text):
    assert snapshot.status == status
    assert snapshot.fault == fault
    assert text in snapshot.error
    assert snapshot.sli is None and snapshot.budget_remaining is None
    slo = SLO.objects.select_related("latest_snapshot").get(pk=snapshot.slo_id)
    figures = slo.figures()
    assert figures["stale"] is True
    assert figures["sli"] is None and figures["budget_remaining"] is None
    assert slo.gate()["allowed"] is False


def test_a_refused_connection_is_an_error(closed_port_url, make_source, make_slo):
    slo = make_slo(make_source(closed_port_url))
    assert_fault(poll_one(slo), Snapshot.Status.ERROR, "refused", "cannot connect")


def test_a_slow_prometheus_is_a_timeout(fake_prometheus, make_source, make_slo):
    slo = make_slo(make_source(f"{fake_prometheus.url}/sleep", timeout_seconds=0.3))
    assert_fault(poll_one(slo), Snapshot.Status.ERROR, "timeout", "did not answer within 0.3 s")


def test_a_server_error_is_an_http_5xx(fake_prometheus, make_source, make_slo):
    slo = make_slo(make_source(f"{fake_prometheus.url}/503"))
    assert_fault(poll_one(slo), Snapshot.Status.ERROR, "http_5xx",
                 "HTTP 503 from Prometheus: the query engine is overloaded")


def test_bad_promql_is_an_http_4xx_with_what_prometheus_said(prometheus, make_source, make_slo):
    """An SLO stored before PromQL was parsed on save (the form and imports refuse it now)."""
    slo = make_slo(make_source(prometheus.url))
    SLO.objects.filter(pk=slo.pk).update(good_query="sum(rate(http_requests_total[$window])")
    slo.refresh_from_db()
    snapshot = poll_one(slo)
    assert_fault(snapshot, Snapshot.Status.ERROR, "http_4xx", "HTTP 400 from Prometheus")
    assert "parse error" in snapshot.error


def test_status_error_is_reported(fake_prometheus, make_source, make_slo):
    slo = make_slo(make_source(f"{fake_prometheus.url}/status-error"))
    assert_fault(poll_one(slo), Snapshot.Status.ERROR, "prom_error",
                 "too many samples")


def test_an_answer_that_is_not_prometheus_is_reported(fake_prometheus, make_source, make_slo):
    slo = make_slo(make_source(f"{fake_prometheus.url}/html"))
    assert_fault(poll_one(slo), Snapshot.Status.ERROR, "bad_response", "not a Prometheus")


def test_an_empty_vector_is_no_data(prometheus, make_source, make_slo):
    slo = make_slo(make_source(prometheus.url),
                   good="sum(rate(no_such_metric_total[$window]))",
                   total="sum(rate(no_such_metric_total[$window]))")
    assert_fault(poll_one(slo), Snapshot.Status.NO_DATA, "empty", "no series")


def test_zero_traffic_is_no_data_not_a_hundred_percent(prometheus, make_source, make_slo):
    slo = make_slo(make_source(prometheus.url),
                   good='sum(rate(http_requests_total{job="idle",status!~"5.."}[$window]))',
                   total='sum(rate(http_requests_total{job="idle"}[$window]))')
    assert_fault(poll_one(slo), Snapshot.Status.NO_DATA, "nan", "no traffic")


def test_the_next_good_poll_recovers(closed_port_url, prometheus, make_source, make_slo):
    source = make_source(closed_port_url)
    slo = make_slo(source)
    assert poll_one(slo).status == Snapshot.Status.ERROR

    source.url = prometheus.url
    source.save()
    snapshot = poll_one(slo)

    assert snapshot.status == Snapshot.Status.OK
    slo.refresh_from_db()
    assert slo.figures()["stale"] is False
    assert slo.last_good_at == snapshot.taken_at
    assert list(slo.snapshots.values_list("status", flat=True)) == ["ok", "error"]
    # Saved while unreachable, the expressions count as checked once a poll succeeds.
    assert slo.query_check == SLO.QueryCheck.OK


def test_a_failing_slo_does_not_hold_back_the_others(fake_prometheus, prometheus, make_source,
                                                      make_slo):
    slow = make_slo(make_source(f"{fake_prometheus.url}/sleep", timeout_seconds=2), name="Slow")
    down = make_slo(make_source(fake_prometheus.url + "/503", name="down"), name="Down")
    good = make_slo(make_source(prometheus.url), name="Good")

    snapshots = poller.poll(list(SLO.objects.select_related("data_source")))

    by_slo = {s.slo_id: s for s in snapshots}
    assert by_slo[good.pk].status == Snapshot.Status.OK
    assert by_slo[down.pk].fault == "http_5xx"
    assert by_slo[slow.pk].fault == "timeout"
    # The good SLO was stored while the slow one was still waiting for its answer.
    assert by_slo[good.pk].pk < by_slo[slow.pk].pk


def test_raw_queries_run_with_bounded_concurrency(fake_prometheus, make_source, make_slo):
    source = make_source(f"{fake_prometheus.url}/concurrency")
    slos = [make_slo(source, name=f"SLO {i}") for i in range(6)]

    snapshots = poller.poll(list(SLO.objects.select_related("data_source")), max_workers=2)

    assert [s.status for s in snapshots] == ["ok"] * len(slos)
    assert fake_prometheus.max_in_flight == 2
