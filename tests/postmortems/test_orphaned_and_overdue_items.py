"""Orphaned and overdue action items are computed in SQL, with the reason."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from postmortems.models import ActionItem

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def incident(make):
    return make.incident()


def test_an_item_with_owner_due_and_ticket_is_not_orphaned(make, incident, editor):
    make.action_item(incident, owner=editor)
    assert not ActionItem.objects.orphaned().exists()


@pytest.mark.parametrize(("fields", "reason"), [
    ({"owner": None}, "no owner"),
    ({"due": None}, "no due date"),
    ({"ticket": ""}, "no ticket"),
    ({"owner": None, "owner_name": "carol"}, "owner is not a user"),
    ({"owner": None, "ticket": "", "due": None}, "no owner, no due date, no ticket"),
])
def test_missing_owner_due_or_ticket_makes_an_open_item_orphaned(
        make, incident, editor, fields, reason):
    fields = {"owner": editor, **fields}
    item = make.action_item(incident, **fields)
    orphan = ActionItem.objects.orphaned().get()
    assert orphan == item
    assert orphan.orphan_reason == reason
    assert orphan.is_orphaned


def test_a_deactivated_owner_counts_as_no_owner(make, incident, admin):
    make.action_item(incident, owner=admin)
    admin.is_active = False
    admin.save()
    assert ActionItem.objects.orphaned().get().orphan_reason == "owner is deactivated"


@pytest.mark.parametrize("status", [ActionItem.Status.DONE, ActionItem.Status.WONT_DO])
def test_closed_items_are_never_orphaned_or_overdue(make, incident, status):
    make.action_item(incident, owner=None, due=date(2000, 1, 1), ticket="", status=status,
                     wont_do_reason="superseded")
    assert not ActionItem.objects.orphaned().exists()
    assert not ActionItem.objects.overdue().exists()
    flagged = ActionItem.objects.with_flags().get()
    assert (flagged.is_orphaned, flagged.orphan_reason, flagged.is_overdue) == (False, "", False)


def test_an_open_item_past_its_due_date_is_overdue(make, incident, editor):
    today = timezone.now().date()
    late = make.action_item(incident, owner=editor, due=today - timedelta(days=1))
    make.action_item(incident, owner=editor, due=today, text="due today")
    make.action_item(incident, owner=editor, due=None, text="no due date")
    in_progress = make.action_item(incident, owner=editor, due=today - timedelta(days=9),
                                   status=ActionItem.Status.IN_PROGRESS)
    assert set(ActionItem.objects.overdue()) == {late, in_progress}


def test_open_means_open_or_in_progress(make, incident):
    a = make.action_item(incident)
    b = make.action_item(incident, status=ActionItem.Status.IN_PROGRESS)
    make.action_item(incident, status=ActionItem.Status.DONE)
    assert set(ActionItem.objects.open()) == {a, b}


def test_the_dashboards_two_counts_come_from_one_query_and_agree_with_the_lists(
        make, incident, editor, admin, django_assert_num_queries):
    """Orphaned and overdue counted together (issue 9: one query, each count read from a
    partial index of what it counts), the same as counting each list; closed and trashed items
    left out; an owner's deactivated account makes a complete item orphaned."""
    late = timezone.now().date() - timedelta(days=3)
    make.action_item(incident, owner=editor)  # fine
    make.action_item(incident, owner=None)  # orphaned
    make.action_item(incident, owner=editor, due=late)  # overdue
    make.action_item(incident, owner=None, ticket="", due=late)  # both
    make.action_item(incident, owner=admin, text="owner leaves")  # orphaned once deactivated
    make.action_item(incident, owner=None, due=late, status=ActionItem.Status.DONE)  # closed
    trashed = make.incident("In the trash")
    make.action_item(trashed, owner=None, due=late)
    trashed.deleted_at = timezone.now()
    trashed.save()
    admin.is_active = False
    admin.save()

    with django_assert_num_queries(1):
        counts = ActionItem.objects.attention_counts()

    assert counts == {"orphaned": 3, "overdue": 2}
    assert counts == {"orphaned": ActionItem.objects.orphaned().count(),
                      "overdue": ActionItem.objects.overdue().count()}
