"""The incident page: derived durations, which rule requires a postmortem, action items with
orphan/overdue badges and their reasons."""

from datetime import timedelta

import pytest
from django.utils import timezone

from postmortems.models import Incident
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
