"""Earlier incidents whose root cause or factors look alike are shown with the state of their
action items; the dashboard lists recurring root causes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from postmortems import recurring
from postmortems.models import ActionItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def earlier(make, alice):
    started = timezone.now() - timedelta(days=20)
    pm = make.postmortem(make.incident("Login errors", started_at=started,
                                       detected_at=started))
    make.why(pm, answer="Connection pool exhausted by client retries", is_root_cause=True)
    make.action_item(pm.incident, "a", owner=alice, status=ActionItem.Status.DONE)
    make.action_item(pm.incident, "b", owner=alice, status=ActionItem.Status.DONE)
    make.action_item(pm.incident, "c", owner=alice, status=ActionItem.Status.WONT_DO,
                     wont_do_reason="superseded")
    unrelated = make.postmortem(make.incident("Disk full", started_at=started,
                                              detected_at=started))
    make.why(unrelated, answer="Log rotation was disabled", is_root_cause=True)
    return pm


def test_a_similar_root_cause_is_found_with_its_action_item_states(make, earlier):
    started = timezone.now() - timedelta(days=1)
    pm = make.postmortem(make.incident("Checkout 500s", started_at=started,
                                       detected_at=started))
    make.why(pm, answer="The DB connection pool was exhausted by retries", is_root_cause=True)
    matches = recurring.similar_incidents(pm)
    assert [m.incident.title for m in matches] == ["Login errors"]
    assert matches[0].actions == "2 done, 1 won't do"
    assert matches[0].kind == "root cause"


def test_a_similar_contributing_factor_counts_too(make, earlier):
    pm = make.postmortem(make.incident("Search down"))
    pm.factors.create(position=1, text="connection pool exhausted")
    assert [m.incident.title for m in recurring.similar_incidents(pm)] == ["Login errors"]


def test_nothing_alike_gives_nothing(make, earlier):
    pm = make.postmortem(make.incident("Certificate expired"))
    make.why(pm, answer="Renewal is a manual step nobody owns", is_root_cause=True)
    assert recurring.similar_incidents(pm) == []
    assert recurring.similar_incidents(make.postmortem(make.incident("Empty"))) == []


def test_the_editor_shows_seen_before(alice_client, make, earlier):
    pm = make.postmortem(make.incident("Checkout 500s"))
    make.why(pm, answer="Connection pool exhausted by retries", is_root_cause=True)
    content = alice_client.get(f"/incidents/{pm.incident_id}/postmortem/").content.decode()
    assert "Login errors" in content and "2 done, 1 won&#x27;t do" in content


def test_the_dashboard_lists_recurring_root_causes(alice_client, make, earlier):
    started = timezone.now() - timedelta(days=2)
    pm = make.postmortem(make.incident("Checkout 500s", started_at=started,
                                       detected_at=started))
    make.why(pm, answer="Connection pool exhausted by retries", is_root_cause=True)
    groups = recurring.recurring_root_causes()
    assert len(groups) == 1
    assert {incident.title for incident in groups[0][1]} == {"Checkout 500s", "Login errors"}
    assert "Checkout 500s" in alice_client.get("/").content.decode()
