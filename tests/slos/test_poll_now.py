"""The "Poll now" button queues a poll of the SLO once the request has committed."""

import time

import pytest

pytestmark = pytest.mark.django_db


def test_it_requires_login(client, offline_source, make_slo):
    slo = make_slo(offline_source)
    assert client.post(f"/slos/{slo.pk}/poll/").status_code == 302


def test_it_refuses_get(editor_client, offline_source, make_slo):
    slo = make_slo(offline_source)
    assert editor_client.get(f"/slos/{slo.pk}/poll/").status_code == 405


@pytest.mark.prometheus
@pytest.mark.xdist_group("prometheus")
@pytest.mark.django_db(transaction=True)
def test_it_queues_a_poll_that_the_worker_runs(celery_worker_process, prometheus, editor,
                                               client, make_source, make_slo):
    slo = make_slo(make_source(prometheus.url), target="99")
    client.force_login(editor)

    response = client.post(f"/slos/{slo.pk}/poll/", follow=True)

    assert "A poll was queued" in response.content.decode()
    deadline = time.monotonic() + 30
    while not slo.snapshots.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert slo.snapshots.get().status == "ok"


def test_an_unknown_slo_is_404(editor_client):
    assert editor_client.post("/slos/999/poll/").status_code == 404
