"""Rules written once on the models: the UTC day overdue counts from, MTTD/MTTR in SQL,
accepting an orphan in a meeting, the tracker's counts."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from postmortems.models import ActionItem, Incident
from postmortems.models.actions import today_utc
from tests.factories import T0

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def test_today_is_the_utc_day_whatever_the_display_zone(settings):
    settings.TIME_ZONE = "Pacific/Kiritimati"  # UTC+14: its date is often tomorrow in UTC
    timezone.activate("Pacific/Kiritimati")
    try:
        assert timezone.localdate() != today_utc()  # frozen at 12:00 UTC: already tomorrow there
        assert today_utc() == datetime.now(UTC).date()
    finally:
        timezone.deactivate()


def test_mean_times_are_computed_in_one_query(make, django_assert_num_queries):
    make.incident("A", detected_at=T0 + timedelta(minutes=10), resolved_at=T0 + timedelta(hours=1))
    make.incident("B", detected_at=T0 + timedelta(minutes=20))
    make.incident("Old", started_at=T0 - timedelta(days=400),
                  detected_at=T0 - timedelta(days=400) + timedelta(hours=5))
    with django_assert_num_queries(1):
        times = Incident.objects.mean_times(since=T0 - timedelta(days=1))
    assert times == {"incidents": 2, "mttd": timedelta(minutes=15), "mttr": timedelta(hours=1)}


def test_the_tracker_counts_overdue_and_orphaned_with_the_rules_of_the_queryset(make, editor):
    incident = make.incident()
    make.action_item(incident, "late", owner=editor, due=today_utc() - timedelta(days=1))
    make.action_item(incident, "due today", owner=editor, due=today_utc())
    make.action_item(incident, "orphan", owner=None)
    make.action_item(incident, "done late", owner=editor, due=today_utc() - timedelta(days=9),
                     status=ActionItem.Status.DONE)
    counts = ActionItem.objects.filter_counts(editor)
    assert (counts["overdue"], counts["orphaned"], counts["mine"], counts["all"]) == (1, 1, 3, 4)
    assert counts["overdue"] == ActionItem.objects.overdue().count()
    assert counts["orphaned"] == ActionItem.objects.orphaned().count()


def test_accepting_an_orphan_twice_keeps_the_first_reason(meeting, make, editor):
    item = make.action_item(meeting.postmortem.incident, owner=None)
    first = meeting.accept_orphan(item, "  No team owns it yet ", editor)
    again = meeting.accept_orphan(item, "another reason", editor)
    assert (again.pk, again.reason) == (first.pk, "No team owns it yet")


def test_the_orphan_rule_without_the_owner_join_picks_the_same_items(make, editor,
                                                                     django_user_model):
    """orphan_condition_unjoined (the incident list's test) is orphan_condition, written with
    the deactivated accounts as a list of ids."""
    gone = django_user_model.objects.create(username="gone", is_active=False)
    incident = make.incident()
    for text, fields in [("complete", {"owner": editor}), ("no owner", {"owner": None}),
                         ("by name", {"owner": None, "owner_name": "Sam"}),
                         ("no due date", {"owner": editor, "due": None}),
                         ("no ticket", {"owner": editor, "ticket": ""}),
                         ("owner gone", {"owner": gone}),
                         ("owner gone, done", {"owner": gone, "status": "done"}),
                         ("no owner, won't do", {"owner": None, "status": "wont_do",
                                                   "wont_do_reason": "a duplicate"})]:
        make.action_item(incident, text, **fields)
    items = ActionItem.objects.all()

    def orphaned(condition):
        return set(items.filter(condition).values_list("text", flat=True))

    assert orphaned(items.orphan_condition_unjoined()) == orphaned(items.orphan_condition()) \
        == {"no owner", "by name", "no due date", "no ticket", "owner gone"}
