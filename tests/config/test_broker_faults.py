"""The broker goes down (issue 10, finding 6): requests neither hang nor answer 500 after
saving; the work waits in the outbox and is sent when the broker is back. A second beat or an
overlapping cycle does not poll twice.

The broker here is a real redis-server of the test's own, stopped and started again."""

import shutil
import subprocess
import time

import pytest
import redis
from django.db import connection

from config import queue
from config.models import OutboxTask
from slos.tasks import poll_all
from tests.slos.servers import free_port

pytestmark = pytest.mark.django_db


class OwnRedis:
    def __init__(self, tmp_path):
        self.port = free_port()
        self.dir = tmp_path
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [shutil.which("redis-server"), "--bind", "127.0.0.1", "--port", str(self.port),
             "--save", "", "--appendonly", "no", "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(port=self.port)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(10)
            self.process = None

    def queued(self):
        """Messages waiting in any queue of this broker."""
        client = redis.Redis(port=self.port)
        return sum(client.llen(key) for key in client.scan_iter() if client.type(key) == b"list")


@pytest.fixture
def broker(tmp_path, settings):
    server = OwnRedis(tmp_path)
    server.start()
    settings.CELERY_BROKER_URL = server.url
    yield server
    server.stop()


def test_poll_now_with_the_broker_down_answers_at_once_and_keeps_the_task(
        editor_client, broker, offline_source, make_slo):
    slo = make_slo(offline_source)
    broker.stop()
    started = time.monotonic()
    response = editor_client.post(f"/slos/{slo.pk}/poll/", follow=True)
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert queue.NOT_SENT_MESSAGE in response.content.decode()
    assert elapsed < 10  # the report measured 19 s of hanging, then a 500
    (kept,) = OutboxTask.objects.all()
    assert (kept.task, kept.args) == ("slos.poll_one", [slo.pk])


def test_the_incident_slo_list_is_saved_and_says_the_work_is_pending(
        editor_client, broker, offline_source, make_slo, make, editor):
    slo = make_slo(offline_source)
    incident = make.incident(owner=editor)
    broker.stop()
    response = editor_client.post(f"/slos/incidents/{incident.pk}/", {"slos": [slo.pk]},
                                 follow=True)
    assert response.status_code == 200
    assert list(incident.slo_impacts.values_list("slo_id", flat=True)) == [slo.pk]


def test_the_outbox_is_sent_when_the_broker_is_back(broker, settings):
    from config.tasks import ping

    broker.stop()
    assert queue.send(ping, "first") is False
    assert queue.send(ping, "second") is False
    assert queue.send_outbox() == 0  # still down: kept
    assert OutboxTask.objects.get(args=["first"]).attempts == 2
    broker.start()
    assert queue.send_outbox() == 2
    assert not OutboxTask.objects.exists()
    assert broker.queued() == 2


def test_a_send_with_the_broker_up_goes_straight_out(broker, settings):
    from config.tasks import ping

    assert queue.send(ping, "x") is True
    assert broker.queued() == 1
    assert not OutboxTask.objects.exists()


def test_the_500_page_never_claims_nothing_was_saved(client):
    from config.errors import server_error

    page = server_error(None).content.decode()
    assert "Nothing you typed was saved" not in page
    assert "may already be saved" in page


def test_a_second_poll_cycle_is_skipped_while_one_runs(offline_source, make_slo):
    import psycopg

    from config.locks import lock_key

    make_slo(offline_source)
    params = connection.get_connection_params()
    with psycopg.connect(**{k: v for k, v in params.items() if k != "cursor_factory"}) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [lock_key("slos.poll_all")])
        assert poll_all() == {"skipped": "another poll cycle is running"}
        other.execute("SELECT pg_advisory_unlock(%s)", [lock_key("slos.poll_all")])
    assert poll_all()["polled"] == 1


def test_celery_gives_back_the_task_of_a_killed_worker():
    from django.conf import settings

    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert settings.CELERY_TASK_TIME_LIMIT < visibility < 3600
