"""The demo workload's counts are exact: a known error ratio gives known figures."""

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from slos.workload import Workload
from tests.slos.servers import free_port


def samples(workload):
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in workload.collect() for s in family.samples}


def test_the_error_ratio_is_exact_over_any_number_of_requests():
    workload = Workload(error_ratio=0.003)
    for _ in range(1000):
        workload.serve(7)
    assert workload.ok + workload.errors == 7000
    assert workload.errors == 21


def test_the_histogram_is_cumulative_and_counts_every_request():
    workload = Workload(latency=0.08, slow_ratio=0.25, slow_latency=1.0)
    workload.serve(100)
    values = samples(workload)
    bucket = "http_request_duration_seconds_bucket"
    assert values[(bucket, (("le", "0.1"),))] == 75
    assert values[(bucket, (("le", "0.5"),))] == 75
    assert values[(bucket, (("le", "1.0"),))] == 100
    assert values[(bucket, (("le", "+Inf"),))] == 100
    assert values[("http_request_duration_seconds_count", ())] == 100


def test_settings_change_while_running():
    workload = Workload(error_ratio=0.0)
    workload.serve(100)
    workload.set(error_ratio=0.5)
    workload.serve(100)
    assert workload.errors == 50
    with pytest.raises(TypeError):
        workload.set(colour="red")


def test_it_serves_the_openmetrics_a_prometheus_scrapes():
    workload = Workload(rate=1000, error_ratio=0.1)
    port = free_port()
    workload.start(port)
    try:
        workload.serve(10)
        text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    finally:
        workload.shutdown()
    families = {f.name: f for f in text_string_to_metric_families(text)}
    statuses = {s.labels["status"] for s in families["http_requests"].samples}
    assert statuses == {"200", "500"}
    assert families["http_request_duration_seconds"].type == "histogram"
