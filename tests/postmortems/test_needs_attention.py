"""What needs attention (postmortems.attention): the dashboard's counts and lists are what the
named querysets give, read from SQL compiled once per day and run in one round trip; a new day
is a new statement, so "overdue" is never a day late."""

from datetime import timedelta

import pytest
from django.utils import timezone

from postmortems.attention import ListedItem, needs_attention, statements
from postmortems.models import ActionItem, Incident, Postmortem
from postmortems.people import display_name

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def _listed(items):
    return [ListedItem(item.pk, item.text, item.due, item.incident_id, item.incident.title,
                       item.orphan_reason, item.is_orphaned, item.is_overdue)
            for item in items]


def test_the_lists_and_counts_are_the_named_querysets(make, editor, admin,
                                                      django_assert_num_queries):
    today = timezone.now().date()
    sev1 = make.incident("Checkout <down>", severity=Incident.Severity.SEV1)
    make.postmortem(sev1, state=Postmortem.State.IN_REVIEW)
    make.incident("Search slow", severity=Incident.Severity.SEV2)
    make.incident("Minor", severity=Incident.Severity.SEV4, status=Incident.Status.RESOLVED,
                  resolved_at=timezone.now())
    make.action_item(sev1, "no owner", owner=None)
    make.action_item(sev1, "late, no ticket", owner=editor, ticket="",
                     due=today - timedelta(days=3))
    make.action_item(sev1, "late", owner=admin, due=today - timedelta(days=1))
    make.action_item(sev1, "imported owner", owner=None, owner_name="Sam",
                     due=today - timedelta(days=2))
    make.action_item(sev1, "fine", owner=editor)
    admin.is_active = False
    admin.save()

    with django_assert_num_queries(1):  # the five statements in one round trip
        attention = needs_attention()

    assert attention["counts"] == ActionItem.objects.attention_counts(
        open=Incident.objects.open(), due=Incident.objects.needing_postmortem())
    assert attention["counts"] == {"orphaned": 4, "overdue": 3, "open": 2, "due": 2}
    assert [(i.pk, i.title, i.severity, i.started_at, i.get_severity_display())
            for i in attention["open_incidents"]] == [
        (i.pk, i.title, i.severity, i.started_at, i.get_severity_display())
        for i in Incident.objects.open()]
    assert [(i.pk, i.title, i.postmortem_state_display) for i in attention["due"]] == [
        (i.pk, i.title, i.postmortem.get_state_display() if hasattr(i, "postmortem") else None)
        for i in Incident.objects.needing_postmortem()]
    assert attention["orphans"] == _listed(
        ActionItem.objects.orphaned().order_by("incident_id", "pk"))
    overdue = ActionItem.objects.overdue().select_related("owner").order_by("due", "pk")
    assert [(i.pk, i.is_orphaned, i.orphan_reason, i.owner_display)
            for i in attention["overdue"]] == [
        (i.pk, i.is_orphaned, i.orphan_reason, i.owner_display) for i in overdue]
    assert [i.owner_display for i in attention["overdue"]] == [
        display_name(editor), "Sam", display_name(admin)]


def test_the_sql_is_compiled_once_a_day(make, editor, time_machine):
    incident = make.incident("Checkout down")
    tomorrow = timezone.now().date() + timedelta(days=1)
    make.action_item(incident, "due tomorrow", owner=editor, due=tomorrow)
    statements.cache_clear()

    assert needs_attention()["counts"]["overdue"] == 0
    assert needs_attention()["overdue"] == []
    assert statements.cache_info().misses == 1  # compiled once, run twice

    time_machine.move_to(timezone.now() + timedelta(days=2), tick=False)
    assert [item.text for item in needs_attention()["overdue"]] == ["due tomorrow"]
    assert needs_attention()["counts"]["overdue"] == 1
    assert statements.cache_info().misses == 2
