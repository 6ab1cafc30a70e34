"""History per postmortem and per action item: who, when, what changed (before → after);
deleted items restored from the history; a fixed number of queries whatever the history size."""

import html

import pytest
from django.urls import reverse

from postmortems.models import ActionItem, TimelineEntry
from postmortems.revisions.concurrency import delete_versioned, save_versioned

pytestmark = pytest.mark.django_db


def body(response):
    return html.unescape(response.content.decode())


def test_the_postmortem_history_shows_who_changed_what(editor_client, postmortem, make, admin):
    entry = make.timeline_entry(postmortem, text="Alert fired")
    save_versioned(entry, 1, {"text": "Alert fired on checkout"}, user=admin)
    page = body(editor_client.get(reverse("revisions:postmortem_history",
                                          args=[postmortem.incident_id])))
    assert "Ada</strong> changed" in page
    assert ">Alert fired</del>" in page
    assert ">Alert fired on checkout</ins>" in page


def test_changes_after_publishing_are_marked(editor_client, postmortem, make):
    entry = make.timeline_entry(postmortem)
    postmortem.state, postmortem.published_at = "published", postmortem.created_at
    postmortem.save()
    save_versioned(entry, 1, {"text": "corrected"})
    page = body(editor_client.get(reverse("revisions:postmortem_history",
                                          args=[postmortem.incident_id])))
    assert 'data-testid="change-reason">changed after publishing' in page


def test_the_action_item_history_lists_refused_edits(editor_client, postmortem, make, editor):
    from postmortems.revisions.concurrency import Conflict

    item = make.action_item(postmortem.incident, text="Add alert", owner=editor)
    save_versioned(item, 1, {"text": "Add a paging alert"})
    with pytest.raises(Conflict):
        save_versioned(item, 1, {"text": "Add an e-mail alert"}, user=editor)
    page = body(editor_client.get(reverse("revisions:action_item_history", args=[item.pk])))
    assert ">Add a paging alert</ins>" in page
    assert f"erin edited action item #{item.pk}" in page
    assert "from version 1 while version 2 was saved (text)" in page


def test_a_deleted_action_item_is_restored(editor_client, postmortem, make):
    item = make.action_item(postmortem.incident, text="Keep me")
    pk = item.pk
    delete_versioned(item, 1)
    history_url = reverse("revisions:action_item_history", args=[pk])
    page = body(editor_client.get(history_url))
    assert "<strong>Deleted.</strong>" in page and "Restore" in page
    deletion = ActionItem.history.get(id=pk, history_type="-")
    response = editor_client.post(reverse("revisions:restore",
                                          args=["actionitem", deletion.history_id]))
    assert response.status_code == 303 and response["Location"] == history_url
    assert ActionItem.objects.get(pk=pk).text == "Keep me"
    assert "restored from history" in body(editor_client.get(history_url))


def test_a_deleted_timeline_entry_is_listed_for_restore_on_the_postmortem_history(
        editor_client, postmortem, make):
    entry = make.timeline_entry(postmortem, text="Gone by mistake")
    delete_versioned(entry, 1)
    page = body(editor_client.get(reverse("revisions:postmortem_history",
                                          args=[postmortem.incident_id])))
    assert "Deleted, can be restored" in page and "Gone by mistake" in page


def test_only_deletions_of_known_kinds_are_restored(editor_client, postmortem, make):
    entry = make.timeline_entry(postmortem)
    created = TimelineEntry.history.get(id=entry.pk)
    assert editor_client.post(reverse("revisions:restore", args=["timelineentry",
                                                                created.history_id])
                              ).status_code == 404
    assert editor_client.post(reverse("revisions:restore", args=["incident", 1])
                              ).status_code == 404


def test_an_unknown_action_item_history_is_a_404(editor_client):
    assert editor_client.get(reverse("revisions:action_item_history", args=[999])
                             ).status_code == 404


@pytest.mark.parametrize("changes", [3, 30])
def test_the_history_page_query_count_does_not_grow(editor_client, meeting, make, changes,
                                                   django_assert_num_queries):
    postmortem = meeting.postmortem
    for n in range(changes):
        entry = make.timeline_entry(postmortem, text=f"entry {n}")
        save_versioned(entry, 1, {"text": f"entry {n} edited"})
        item = make.action_item(postmortem.incident, text=f"item {n}")
        delete_versioned(item, 1)
    url = reverse("revisions:postmortem_history", args=[postmortem.incident_id])
    with django_assert_num_queries(25):
        assert editor_client.get(url).status_code == 200


@pytest.mark.parametrize("changes", [3, 30])
def test_the_action_item_history_query_count_does_not_grow(
        editor_client, postmortem, make, changes, django_assert_num_queries):
    item = make.action_item(postmortem.incident)
    for n in range(changes):
        save_versioned(item, n + 1, {"text": f"edit {n}"})
    url = reverse("revisions:action_item_history", args=[item.pk])
    with django_assert_num_queries(10):
        assert editor_client.get(url).status_code == 200
