"""/metrics under abuse (issue 10, finding 4): made-up methods and paths add no series, and
with DEBUG off the page wants a token unless it is opened on purpose."""

import pytest
from prometheus_client.parser import text_string_to_metric_families

pytestmark = pytest.mark.django_db


def label_values(text, label):
    return {sample.labels.get(label) for family in text_string_to_metric_families(text)
            for sample in family.samples if label in sample.labels}


def test_made_up_methods_are_counted_as_other(client, settings):
    settings.METRICS_PUBLIC = True
    for n in range(50):
        client.generic(f"BREW{n}", "/healthz")
        client.get(f"/made-up-{n}/")
    text = client.get("/metrics").content.decode()
    methods = label_values(text, "method")
    assert "other" in methods
    assert not any(method.startswith("BREW") for method in methods)
    views = label_values(text, "view")
    assert not any("made-up" in view for view in views)
    assert "unmatched" in views


def test_the_series_stop_growing_under_junk_requests(client, settings):
    settings.METRICS_PUBLIC = True
    for n in range(20):
        client.generic(f"X{n}", f"/junk/{n}")
    before = len(client.get("/metrics").content)
    for n in range(20, 520):
        client.generic(f"X{n}", f"/junk/{n}")
    assert len(client.get("/metrics").content) - before < 2_000


def test_metrics_are_closed_without_a_token_when_debug_is_off(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_PUBLIC = False
    response = client.get("/metrics")
    assert response.status_code == 403
    assert "METRICS_TOKEN" in response.content.decode()


def test_metrics_public_opens_them(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_PUBLIC = True
    assert client.get("/metrics").status_code == 200


def test_healthz_hides_host_details_from_anonymous_visitors(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    settings.HEALTHZ_BROKER_TIMEOUT = 1
    body = client.get("/healthz").json()
    assert body["checks"]["broker"] == {"ok": False, "error": "down",
                                        "ms": body["checks"]["broker"]["ms"]}


def test_healthz_shows_details_to_signed_in_users(editor_client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.HEALTHZ_BROKER_TIMEOUT = 1
    error = editor_client.get("/healthz").json()["checks"]["broker"]["error"]
    assert error != "down" and "1" in error
