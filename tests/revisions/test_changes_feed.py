"""The "what changed since" feed the meeting screens poll: one cheap query."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from postmortems.revisions.changes import changes_since

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def settled(frozen_now, meeting):
    """Time is frozen (before the meeting is made); everything the fixtures made happened an
    hour ago (outside the feed's overlap)."""
    from django.apps import apps
    from django.db.models import F

    for model in apps.get_app_config("postmortems").get_models():
        if model.__name__.startswith("Historical") and hasattr(model, "history_date"):
            model.objects.update(history_date=F("history_date") - timedelta(hours=1))


def test_a_new_timeline_entry_shows_up_with_its_author(meeting, make, admin):
    since = timezone.now() - timedelta(seconds=1)
    entry = make.timeline_entry(meeting.postmortem, text="from ada")
    entry.history.update(history_user=admin)
    answer = changes_since(meeting.postmortem, since)
    assert answer["parts"] == ["timeline"]
    [change] = answer["changes"]
    assert (change["model"], change["id"], change["type"], change["by"]) == (
        "timelineentry", entry.pk, "+", "ada")


def test_a_deleted_action_item_is_a_change_too(meeting, make):
    item = make.action_item(meeting.postmortem.incident)
    since = timezone.now()
    item.delete()
    answer = changes_since(meeting.postmortem, since)
    assert ("actionitem", "-") in [(c["model"], c["type"]) for c in answer["changes"]]
    assert answer["parts"] == ["actions"]


def test_changes_of_another_postmortem_are_not_listed(meeting, make):
    since = timezone.now() - timedelta(seconds=1)
    other = make.postmortem(make.incident(title="Other"))
    make.timeline_entry(other)
    assert changes_since(meeting.postmortem, since)["changes"] == []


def test_old_changes_are_not_listed(meeting, make):
    make.timeline_entry(meeting.postmortem)
    assert changes_since(meeting.postmortem, timezone.now() + timedelta(minutes=1)
                         )["changes"] == []


def test_the_endpoint_answers_with_the_sections_to_refresh(
        editor_client, meeting, make, django_assert_num_queries):
    since = (timezone.now() - timedelta(seconds=5)).isoformat()
    make.action_item(meeting.postmortem.incident)
    url = reverse("meetings:changes", args=[meeting.pk])
    with django_assert_num_queries(4):  # session, user, meeting, the feed
        answer = editor_client.get(url, {"since": since}).json()
    assert answer["sections"] == ["actions", "closing"]
    assert answer["closed"] is False


def test_a_bad_cursor_only_gives_the_current_cursor(editor_client, meeting):
    answer = editor_client.get(reverse("meetings:changes", args=[meeting.pk]),
                               {"since": "yesterday"}).json()
    assert answer["changes"] == [] and answer["cursor"]
