"""A poll that fails for a passing reason is retried by the Celery worker with backoff."""

import pytest

from slos.models import Snapshot
from slos.tasks import poll_one

pytestmark = [pytest.mark.prometheus, pytest.mark.xdist_group("prometheus"),
              pytest.mark.django_db(transaction=True)]


def test_a_failed_poll_is_retried_until_it_succeeds(celery_worker_process, fake_prometheus,
                                                     make_source, make_slo):
    slo = make_slo(make_source(f"{fake_prometheus.url}/flaky-retry"))

    result = poll_one.delay(slo.pk).get(timeout=60)

    assert result["status"] == "ok"
    statuses = list(Snapshot.objects.filter(slo=slo).order_by("taken_at", "pk")
                    .values_list("status", "fault"))
    assert statuses == [("error", "http_5xx"), ("ok", "")]


def test_a_poll_of_a_deleted_slo_is_a_no_op(celery_worker_process):
    assert poll_one.delay(999_999).get(timeout=30) == {"slo": 999_999, "status": "deleted"}
