"""A Celery worker killed with SIGKILL in the middle of a poll (issue 10, finding 6): nothing
half-written is left, the poll lock dies with the worker's database session, and the next
cycle is right, with one snapshot per SLO and no duplicate. Real worker process, real Redis
broker, real HTTP (a Prometheus that takes 3 s to answer)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings

from slos.models import Snapshot
from slos.tasks import poll_all

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


def start_worker(queue):
    db = settings.DATABASES["default"]
    env = {**os.environ, "CELERY_TASK_DEFAULT_QUEUE": queue,
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/"
                           f"{connection.settings_dict['NAME']}"}
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
         "--loglevel=WARNING", "-Q", queue, "--without-heartbeat", "--without-gossip",
         "--without-mingle"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_for(condition, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_a_worker_killed_mid_poll_leaves_the_next_cycle_right(
        fake_prometheus, make_source, make_slo, celery_queue_per_test_worker):
    source = make_source(f"{fake_prometheus.url}/sleep", name="slow")
    slo = make_slo(source)
    queue = f"{celery_queue_per_test_worker}-killed"
    worker = start_worker(queue)
    try:
        asked = fake_prometheus.calls.get("sleep", 0)
        poll_all.apply_async(queue=queue)
        assert wait_for(lambda: fake_prometheus.calls.get("sleep", 0) > asked), \
            "the worker never started polling"
        os.kill(worker.pid, signal.SIGKILL)  # mid-poll: Prometheus is still answering
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()

    assert not Snapshot.objects.filter(slo=slo).exists()  # nothing half-written
    source.url = fake_prometheus.url  # Prometheus answers at once now
    source.save()
    result = poll_all()  # the lock died with the killed worker's session: not skipped
    assert result["polled"] == 1
    (snapshot,) = Snapshot.objects.filter(slo=slo)
    assert snapshot.status == Snapshot.Status.OK
    # The killed task redelivered within the cycle rewrites that cycle's row, adds none.
    with override_settings(SLO_POLL_INTERVAL=10**9):  # one cycle, whatever the clock
        poll_all()
        poll_all()
    assert Snapshot.objects.filter(slo=slo).count() == 2  # the cycle above's, and this one's
