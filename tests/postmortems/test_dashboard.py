"""The dashboard: open incidents, postmortems due, orphaned and overdue counts, MTTD/MTTR over
90 days, recurring services and root causes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from postmortems.models import Incident

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


def test_it_needs_a_login(client):
    assert client.get("/").status_code == 302


def test_it_counts_what_needs_attention(editor_client, make, editor, now):
    checkout = make.service("Checkout")
    a = make.incident("A", started_at=now - timedelta(days=3), severity=Incident.Severity.SEV1,
                      services=[checkout], detected_at=now - timedelta(days=3) +
                      timedelta(minutes=10), resolved_at=now - timedelta(days=3) +
                      timedelta(hours=2), status=Incident.Status.RESOLVED)
    make.incident("B", started_at=now - timedelta(days=5), services=[checkout],
                  detected_at=now - timedelta(days=5) + timedelta(minutes=20))
    make.incident("Old", started_at=now - timedelta(days=200), severity=Incident.Severity.SEV4,
                  detected_at=now - timedelta(days=200) + timedelta(hours=9),
                  status=Incident.Status.RESOLVED, resolved_at=now - timedelta(days=199))
    make.action_item(a, "orphan", owner=None)
    make.action_item(a, "late", owner=editor, due=now.date() - timedelta(days=1))
    response = editor_client.get("/")
    context = response.context
    assert (context["open_count"], context["due_count"], context["orphan_count"],
            context["overdue_count"]) == (1, 1, 1, 1)
    assert context["times"]["incidents"] == 2
    assert context["times"]["mttd"] == timedelta(minutes=15)
    assert context["times"]["mttr"] == timedelta(hours=2)
    assert [s.name for s in context["recurring_services"]] == ["Checkout"]
    content = response.content.decode()
    assert "MTTD 15 min" in content and "MTTR 2 h 00 min" in content
    assert "Orphaned: no owner" in content
