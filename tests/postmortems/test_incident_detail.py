"""The incident page: derived durations, which rule requires a postmortem, action items with
orphan/overdue badges and their reasons."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from postmortems import blameless
from postmortems.models import AlertGroup, Incident
from tests.factories import T0

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def test_it_needs_a_login(client, make):
    assert client.get(f"/incidents/{make.incident().pk}/").status_code == 302


def test_it_shows_durations_and_the_rule_that_requires_a_postmortem(editor_client, make):
    incident = make.incident(severity=Incident.Severity.SEV4, data_loss=True,
                             mitigated_at=T0 + timedelta(minutes=40),
                             resolved_at=T0 + timedelta(hours=2, minutes=5),
                             status=Incident.Status.RESOLVED)
    content = editor_client.get(f"/incidents/{incident.pk}/").content.decode()
    assert "2026-03-04 10:00:00 UTC" in content
    assert "Postmortem required" in content and "Data loss." in content
    assert "2 h 05 min" in content  # duration
    assert "5 min" in content  # time to detect
    assert "40 min" in content  # time to mitigate


def test_it_flags_orphaned_and_overdue_items_with_the_reason(editor_client, make, editor):
    incident = make.incident()
    make.action_item(incident, "Nobody owns me", owner=None)
    make.action_item(incident, "Late", owner=editor,
                     due=timezone.now().date() - timedelta(days=3))
    content = editor_client.get(f"/incidents/{incident.pk}/").content.decode()
    assert "Orphaned: no owner" in content
    assert "Overdue since" in content
    assert "Not linked to a cause" in content


def test_the_users_names_are_read_only_for_a_summary_that_could_blame_one(editor_client, make):
    neutral = make.incident("Quiet", summary="Errors rose at 10:05 UTC.")
    blaming = make.incident("Blaming", summary="@bob broke the load balancer.")
    with CaptureQueriesContext(connection) as without_names:
        quiet = editor_client.get(f"/incidents/{neutral.pk}/")
    with CaptureQueriesContext(connection) as with_names:
        hinted = editor_client.get(f"/incidents/{blaming.pk}/")
    assert len(with_names) == len(without_names) + 1
    assert blameless.PERSON_HINT not in quiet.content.decode()
    assert blameless.PERSON_HINT in hinted.content.decode()


def test_the_postmortem_is_read_with_the_incident(editor_client, make):
    with_postmortem = make.incident("Written")
    make.postmortem(with_postmortem)
    without = make.incident("Not yet")
    with CaptureQueriesContext(connection) as written:
        response = editor_client.get(f"/incidents/{with_postmortem.pk}/")
    assert response.context["postmortem"] == with_postmortem.postmortem
    assert b"Open the postmortem" in response.content
    response = editor_client.get(f"/incidents/{without.pk}/")
    assert response.context["postmortem"] is None
    assert b"Write the postmortem" in response.content
    assert not any('FROM "postmortems_postmortem"' in query["sql"].split(" WHERE ")[0]
                   for query in written.captured_queries)


# Session, user, the user's role, the incident with its owner, postmortem and services' names,
# its action items (the session is not saved again within its refresh interval).
PAGE_QUERIES = 5


def test_the_page_reads_the_incident_with_its_services_then_its_items(
        editor_client, make, editor, django_assert_num_queries):
    incident = make.incident(owner=editor, services=[make.service("Search"),
                                                     make.service("Checkout")])
    make.postmortem(incident)
    make.action_item(incident, "Add an alert", owner=editor)
    with django_assert_num_queries(PAGE_QUERIES):
        response = editor_client.get(f"/incidents/{incident.pk}/")
    assert b"Services: Checkout, Search</p>" in response.content
    assert b"Add an alert" in response.content
    assert b'data-testid="alert-group"' not in response.content
    bare = make.incident("Bare")  # no postmortem, services or items: the same queries
    with django_assert_num_queries(PAGE_QUERIES):
        response = editor_client.get(f"/incidents/{bare.pk}/")
    assert b"Services: none</p>" in response.content
    assert b"Write the postmortem" in response.content


def test_alert_groups_are_read_only_for_an_incident_opened_from_alerts(
        editor_client, make, django_assert_num_queries):
    incident = make.incident()
    AlertGroup.objects.create(source="alertmanager", key="{}:{alertname=\"Down\"}",
                              incident=incident, receiver="<pager>",
                              external_url="https://am.example.com/#/alerts?a=1&b=2")
    AlertGroup.objects.create(source="grafana", key="g", incident=incident,
                              all_resolved_at=T0 + timedelta(minutes=30))
    with django_assert_num_queries(PAGE_QUERIES + 1):
        content = editor_client.get(f"/incidents/{incident.pk}/").content.decode()
    assert content.count('data-testid="alert-group"') == 2
    assert ('Opened from Alertmanager (<a href="https://am.example.com/#/alerts?a=1&amp;b=2" '
            'rel="noreferrer">&lt;pager&gt;</a>).') in content
    assert "<strong>Alerts are still firing.</strong>" in content
    assert "<strong>Every alert of this group resolved</strong> at 2026-03-04 10:30:00 UTC" \
        in content


def test_the_items_flags_follow_the_day(editor_client, make, editor, time_machine):
    """The page's items are built once a day: the next day's page flags what has become
    overdue since."""
    incident = make.incident()
    make.action_item(incident, "Due tomorrow", owner=editor, due=T0.date() + timedelta(days=6))
    assert "Overdue since" not in editor_client.get(f"/incidents/{incident.pk}/").content.decode()

    time_machine.move_to(timezone.now() + timedelta(days=2), tick=False)
    editor_client.force_login(editor)  # the session has ended meanwhile
    page = editor_client.get(f"/incidents/{incident.pk}/").content.decode()
    assert "Overdue since 2026-03-10" in page
