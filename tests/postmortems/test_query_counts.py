"""Every page's SQL query count is fixed: the same with 10 rows as with 200."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from postmortems.models import (
    ActionItem,
    ContributingFactor,
    Incident,
    Postmortem,
    Service,
    TimelineEntry,
    Why,
)
from tests.factories import T0

pytestmark = pytest.mark.django_db

BUDGET = 22  # no page needs more queries than this, whatever the data


def populate(rows, owner, prefix):
    """``rows`` incidents, each with a postmortem and an action item; the first incident's
    postmortem gets ``rows`` timeline entries, whys, factors and action items."""
    services = Service.objects.bulk_create(
        Service(name=f"{prefix} service {i}", slug=f"{prefix}-service-{i}") for i in range(3))
    incidents = Incident.objects.bulk_create(
        Incident(title=f"Incident {i} pool exhausted", severity=1 + i % 4, owner=owner,
                 started_at=T0 - timedelta(hours=i), detected_at=T0 - timedelta(hours=i),
                 resolved_at=T0 - timedelta(hours=i) + timedelta(minutes=30),
                 status=Incident.Status.RESOLVED if i % 2 else Incident.Status.OPEN,
                 customer_facing=bool(i % 3))
        for i in range(rows))
    Incident.services.through.objects.bulk_create(
        Incident.services.through(incident_id=incident.pk, service_id=services[i % 3].pk)
        for i, incident in enumerate(incidents))
    postmortems = Postmortem.objects.bulk_create(
        Postmortem(incident=incident) for incident in incidents)
    first = postmortems[0]
    TimelineEntry.objects.bulk_create(
        TimelineEntry(postmortem=first, at=T0 + timedelta(minutes=i), text=f"Entry {i}")
        for i in range(rows))
    whys = Why.objects.bulk_create(
        Why(postmortem=first, position=i + 1, question=f"Why {i}?",
            answer=f"Connection pool exhausted {i}", is_root_cause=i == rows - 1)
        for i in range(rows))
    factors = ContributingFactor.objects.bulk_create(
        ContributingFactor(postmortem=first, position=i + 1, text=f"Factor {i}")
        for i in range(rows))
    Why.objects.bulk_create(
        Why(postmortem=pm, position=1, question="Why?", answer="Connection pool exhausted",
            is_root_cause=True) for pm in postmortems[1:])
    ActionItem.objects.bulk_create(
        ActionItem(incident=incidents[0], text=f"Item {i}", owner=owner if i % 2 else None,
                   due=T0.date() if i % 3 else None, ticket="OPS-1" if i % 5 else "",
                   addresses_why=whys[i], addresses_factor=factors[i] if i % 2 else None,
                   status=ActionItem.Status.OPEN)
        for i in range(rows))
    ActionItem.objects.bulk_create(
        ActionItem(incident=incident, text="Follow up", owner=owner, ticket="OPS-2")
        for incident in incidents[1:])
    return incidents[0]


PAGES = [
    "/",
    "/incidents/",
    "/incidents/?q=pool&severity=1&status=open&postmortem=needed",
    "/incidents/{pk}/",
    "/incidents/{pk}/edit/",
    "/incidents/{pk}/postmortem/",
    "/incidents/{pk}/postmortem/print/",
    "/incidents/{pk}/postmortem/export.md",
    "/incidents/{pk}/actions/new/",
    "/actions/",
    "/actions/?status=active&orphaned=on&sort=priority",
    "/actions/export.csv",
    "/actions/{item}/edit/",
    "/incidents/new/",
    "/incidents/import/",
    "/timeline/{entry}/edit/",
    "/whys/{why}/edit/",
    "/blameless-check/?text=who+caused+it",
]
HTMX_FRAGMENTS = ["/timeline/{entry}/", "/timeline/{entry}/edit/"]


def urls(first):
    postmortem = first.postmortem
    return {"pk": first.pk, "entry": postmortem.timeline.first().pk,
            "why": postmortem.whys.first().pk, "item": first.action_items.first().pk}


def count_queries(client, url, **headers):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize(("page", "headers"), [(page, {}) for page in PAGES] + [
    (page, {"HTTP_HX_REQUEST": "true"}) for page in HTMX_FRAGMENTS])
def test_the_query_count_does_not_grow_with_rows(editor_client, editor, page, headers,
                                                 django_assert_num_queries):
    first = populate(10, editor, "small")
    small = count_queries(editor_client, page.format(**urls(first)), **headers)
    assert small <= BUDGET
    url = page.format(**urls(populate(200, editor, "large")))
    with django_assert_num_queries(small):
        response = editor_client.get(url, **headers)
    assert response.status_code == 200
