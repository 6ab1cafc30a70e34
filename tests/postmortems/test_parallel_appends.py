"""Ten people add a why (or a factor) at the same moment: every add is saved, none answers
500, and the chain still reads 1 … 10 (the postmortem row is locked while the position is
computed). Real threads, each with its own PostgreSQL connection."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.db import connection
from django.test import Client

PARALLEL = 10

pytestmark = pytest.mark.django_db(transaction=True)


def post_together(user, url, data_for):
    """POST ``data_for(n)`` to ``url`` from PARALLEL threads released at once."""
    start = Barrier(PARALLEL)

    def post(n):
        client = Client()
        client.force_login(user)
        try:
            start.wait(timeout=30)
            return client.post(url, data_for(n)).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(PARALLEL) as pool:
        return list(pool.map(post, range(1, PARALLEL + 1)))


def test_ten_parallel_whys_get_positions_one_to_ten(editor, postmortem):
    statuses = post_together(editor, f"/incidents/{postmortem.incident_id}/whys/",
                             lambda n: {"why-question": f"Why {n}?", "why-answer": f"{n}"})
    assert statuses == [302] * PARALLEL
    positions = sorted(postmortem.whys.values_list("position", flat=True))
    assert positions == list(range(1, PARALLEL + 1))


def test_ten_parallel_root_causes_leave_exactly_one(editor, postmortem):
    statuses = post_together(editor, f"/incidents/{postmortem.incident_id}/whys/",
                             lambda n: {"why-question": f"Why {n}?", "why-answer": f"{n}",
                                        "why-is_root_cause": "on"})
    assert statuses == [302] * PARALLEL
    assert postmortem.whys.count() == PARALLEL
    assert postmortem.whys.filter(is_root_cause=True).count() == 1


def test_ten_parallel_factors_get_distinct_positions(editor, postmortem):
    statuses = post_together(editor, f"/incidents/{postmortem.incident_id}/factors/",
                             lambda n: {"factor-text": f"Factor {n}"})
    assert statuses == [302] * PARALLEL
    positions = sorted(postmortem.factors.values_list("position", flat=True))
    assert positions == list(range(1, PARALLEL + 1))
