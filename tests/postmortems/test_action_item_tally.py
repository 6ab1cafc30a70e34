"""The tracker's counts stay exact and immediate whatever writes the items: the tally the
database keeps per status and priority, the trash, the partial indexes of the flags."""

from datetime import timedelta

import pytest
from django.db.models import Count, Q

from postmortems.models import ActionItem, ActionItemTally
from postmortems.models.actions import today_utc
from postmortems.models.tally import FOLD_ABOVE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def counted_one_by_one(user):
    """The spec: every count as a plain aggregate over the items outside the trash."""
    items = ActionItem.objects.all()
    return items.aggregate(
        all=Count("pk"),
        active=Count("pk", filter=Q(status__in=ActionItem.OPEN_STATUSES)),
        **{status: Count("pk", filter=Q(status=status)) for status in ActionItem.Status.values},
        **{p: Count("pk", filter=Q(priority=p)) for p in ActionItem.Priority.values},
        mine=Count("pk", filter=Q(owner=user)),
        orphaned=Count("pk", filter=items.orphan_condition()),
        overdue=Count("pk", filter=items.overdue_condition()),
    )


@pytest.fixture
def incident(make):
    return make.incident("Checkout down")


def test_the_database_keeps_the_tally():
    assert ActionItemTally.kept()  # the suite runs on PostgreSQL, where the triggers are


def test_counts_follow_saves_bulk_writes_and_deletes(make, incident, editor, admin):
    late = make.action_item(incident, "late", owner=editor, due=today_utc() - timedelta(days=1))
    make.action_item(incident, "no owner", owner=None, priority=ActionItem.Priority.P0)
    assert ActionItem.objects.filter_counts(editor) == counted_one_by_one(editor)

    late.status = ActionItem.Status.DONE
    late.save()
    ActionItem.objects.bulk_create(
        ActionItem(incident=incident, text=f"bulk {i}", owner=admin, due=today_utc(),
                   ticket="OPS-2", priority=ActionItem.Priority.P2) for i in range(5))
    ActionItem.objects.filter(text="bulk 1").update(status=ActionItem.Status.IN_PROGRESS)
    ActionItem.objects.filter(text="bulk 2").update(status=ActionItem.Status.WONT_DO,
                                                    wont_do_reason="No longer needed")
    ActionItem.objects.filter(text="bulk 3").update(priority=ActionItem.Priority.P0)
    ActionItem.objects.filter(text="bulk 4").delete()
    counts = ActionItem.objects.filter_counts(admin)
    assert counts == counted_one_by_one(admin)
    assert (counts["all"], counts["done"], counts["in_progress"], counts["wont_do"],
            counts["P0"], counts["mine"]) == (6, 1, 1, 1, 2, 4)


def test_an_open_item_of_a_deactivated_owner_is_counted_orphaned(make, incident, editor, admin):
    make.action_item(incident, "the admin's", owner=admin)
    make.action_item(incident, "the admin's, no ticket", owner=admin, ticket="")
    admin.is_active = False
    admin.save()
    counts = ActionItem.objects.filter_counts(editor)
    assert counts["orphaned"] == 2 == ActionItem.objects.orphaned().count()
    assert counts == counted_one_by_one(editor)


def test_a_trashed_incidents_items_leave_the_counts_and_come_back(make, incident, editor):
    other = make.incident("Search slow")
    make.action_item(incident, "kept", owner=editor)
    make.action_item(other, "trashed", owner=editor, due=today_utc() - timedelta(days=3))
    make.action_item(other, "trashed too", owner=None)

    other.move_to_trash(editor)
    counts = ActionItem.objects.filter_counts(editor)
    assert (counts["all"], counts["mine"], counts["orphaned"], counts["overdue"]) == (1, 1, 0, 0)
    assert counts == counted_one_by_one(editor)

    other.restore_from_trash(editor)
    assert ActionItem.objects.filter_counts(editor)["all"] == 3
    assert ActionItem.objects.filter_counts(editor) == counted_one_by_one(editor)

    other.move_to_trash(editor)
    other.purge(editor)
    assert ActionItem.objects.filter_counts(editor) == counted_one_by_one(editor)


def test_a_reader_folds_a_long_tally_into_one_row_per_status_and_priority(make, incident,
                                                                          editor):
    items = [make.action_item(incident, f"item {i}") for i in range(FOLD_ABOVE // 2 + 1)]
    for item in items:
        item.status = ActionItem.Status.DONE
        item.save()
    assert ActionItemTally.objects.count() > FOLD_ABOVE
    counts = ActionItem.objects.filter_counts(editor)
    assert list(ActionItemTally.objects.values_list("status", "priority", "items")) == [
        ("done", "P1", len(items))]
    assert counts == ActionItem.objects.filter_counts(editor) == counted_one_by_one(editor)
