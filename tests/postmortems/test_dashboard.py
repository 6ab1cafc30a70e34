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


def test_the_query_count_is_the_same_at_two_sizes(editor_client, make, editor, admin, now,
                                                  django_assert_num_queries):
    """One of each thing the dashboard lists and counts, then more than a list shows (open
    incidents, postmortems due, orphaned items of every kind, overdue items, services hit
    twice): the same number of queries, and the counts follow the data."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from postmortems.models import ActionItem

    late = now.date() - timedelta(days=2)
    admin.is_active = False
    admin.save()
    checkout = make.service("Checkout")

    def add(count):
        for i in range(count):
            incident = make.incident(f"Outage {i}", started_at=now - timedelta(days=1),
                                     severity=Incident.Severity.SEV2, services=[checkout])
            make.action_item(incident, "no owner", owner=None)
            make.action_item(incident, "no ticket", owner=editor, ticket="")
            make.action_item(incident, "owner left", owner=admin)
            make.action_item(incident, "late", owner=editor, due=late)
            make.action_item(incident, "done", owner=None, status=ActionItem.Status.DONE)

    add(1)
    with CaptureQueriesContext(connection) as small:
        response = editor_client.get("/")
    # The session, the user, everything the page reads in one round trip (see
    # postmortems.statements), then the titles of the recurring causes' incidents.
    assert len(small) == 4, [query["sql"][:60] for query in small]
    context = response.context
    assert (context["open_count"], context["due_count"], context["orphan_count"],
            context["overdue_count"], len(context["orphans"])) == (1, 1, 3, 1, 3)
    add(11)
    with django_assert_num_queries(len(small)):
        response = editor_client.get("/")
    context = response.context
    assert (context["open_count"], context["due_count"], context["orphan_count"],
            context["overdue_count"]) == (12, 12, 36, 12)
    assert (len(context["open_incidents"]), len(context["due"]), len(context["orphans"]),
            len(context["overdue"])) == (8, 8, 8, 8)
    assert [(s.name, s.recent) for s in context["recurring_services"]] == [("Checkout", 12)]
