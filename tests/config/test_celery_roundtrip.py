"""A task goes through the real broker (Redis) to a real worker process and back."""

import pytest
from django.conf import settings

from config.tasks import ping


def test_the_test_suite_uses_redis_as_the_broker():
    assert settings.CELERY_BROKER_URL.startswith("redis://")


@pytest.mark.django_db(transaction=True)
def test_a_task_round_trips_through_redis_and_a_worker(celery_worker_process):
    result = ping.delay({"hello": "worker"})
    assert result.get(timeout=30) == {"pong": {"hello": "worker"}}
