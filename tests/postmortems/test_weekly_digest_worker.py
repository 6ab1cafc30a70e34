"""The digest task runs in a real Celery worker, through the real broker."""

import pytest

from postmortems.tasks import send_weekly_digest

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_a_worker_sends_the_digest(celery_worker_process, make, editor, admin):
    incident = make.incident(owner=editor)
    make.action_item(incident, "Ada's item", owner=admin)
    make.action_item(incident, "Nobody's item", owner=None)
    assert send_weekly_digest.delay().get(timeout=60) == 2
