"""/metrics exposes the site's own request counter and latency histogram."""

import pytest
from prometheus_client.parser import text_string_to_metric_families


@pytest.fixture(autouse=True)
def _metrics_open(settings):
    settings.METRICS_PUBLIC = True


def samples(response):
    families = text_string_to_metric_families(response.content.decode())
    return {f.name: f.samples for f in families}


@pytest.mark.django_db
def test_metrics_counts_requests_by_view_and_status(client):
    client.get("/healthz")
    client.get("/no-such-page")
    metrics = samples(client.get("/metrics"))

    requests = {(s.labels["view"], s.labels["status"]): s.value
                for s in metrics["http_requests"] if s.name == "http_requests_total"}
    assert requests[("healthz", "200")] >= 1
    assert requests[("unmatched", "404")] >= 1


@pytest.mark.django_db
def test_metrics_has_latency_buckets_the_slo_queries_use(client):
    client.get("/healthz")
    response = client.get("/metrics")
    assert response["Content-Type"].startswith("text/plain")
    buckets = [s for s in samples(response)["http_request_duration_seconds"]
               if s.name == "http_request_duration_seconds_bucket"
               and s.labels["view"] == "healthz"]
    bounds = {s.labels["le"] for s in buckets}
    assert {"0.1", "0.3", "1.0", "+Inf"} <= bounds
    # Cumulative: the +Inf bucket holds every request.
    by_bound = {s.labels["le"]: s.value for s in buckets}
    assert by_bound["+Inf"] >= by_bound["0.1"] >= 0


@pytest.mark.django_db
def test_metrics_wants_the_bearer_token_when_one_is_set(client, settings):
    settings.METRICS_TOKEN = "s3cret"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    response = client.get("/metrics", headers={"Authorization": "Bearer s3cret"})
    assert response.status_code == 200
    assert b"http_requests_total" in response.content
