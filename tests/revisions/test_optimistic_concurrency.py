"""save_versioned: the one rule for every editable object. A stale save is merged when the
edits touch different fields, refused (and recorded) when they touch the same field."""

import pytest

from postmortems.models import ActionItem, EditConflict, TimelineEntry
from postmortems.revisions.concurrency import (
    Conflict,
    StaleDelete,
    delete_versioned,
    restore_deleted,
    save_versioned,
)

pytestmark = pytest.mark.django_db


def test_a_fresh_save_bumps_the_version_and_is_in_the_history(postmortem, make, editor):
    entry = make.timeline_entry(postmortem, text="Alert fired")
    saved = save_versioned(entry, 1, {"text": "Alert fired on 5xx"}, user=editor)
    assert saved.version == 2
    assert TimelineEntry.objects.get(pk=entry.pk).text == "Alert fired on 5xx"
    latest = entry.history.latest()
    assert (latest.version, latest.text) == (2, "Alert fired on 5xx")


def test_a_stale_save_of_the_same_field_is_refused_with_both_versions(postmortem, make, editor):
    entry = make.timeline_entry(postmortem, text="Alert fired")
    save_versioned(entry, 1, {"text": "theirs"})
    with pytest.raises(Conflict) as caught:
        save_versioned(entry, 1, {"text": "mine"}, user=editor)
    conflict = caught.value
    assert conflict.current.text == "theirs"
    assert conflict.current.version == 2
    assert conflict.yours == {"text": "mine"}
    assert conflict.fields == ["text"]
    assert TimelineEntry.objects.get(pk=entry.pk).text == "theirs"
    record = EditConflict.objects.get()
    assert (record.base_version, record.current_version, record.attempted) == (
        1, 2, {"text": "mine"})
    assert record.user == editor


def test_stale_edits_of_different_fields_are_merged(postmortem, make):
    incident = postmortem.incident
    item = make.action_item(incident, text="Add an alert", ticket="OPS-1")
    save_versioned(item, 1, {"text": "Add an alert", "ticket": "OPS-2"})
    saved = save_versioned(item, 1, {"text": "Add a paging alert", "ticket": "OPS-1"})
    item = ActionItem.objects.get(pk=item.pk)
    assert (item.text, item.ticket, item.version) == ("Add a paging alert", "OPS-2", 3)
    assert saved.history.latest().history_change_reason.startswith("merged")


def test_two_different_entries_never_conflict(postmortem, make):
    first = make.timeline_entry(postmortem, text="one")
    second = make.timeline_entry(postmortem, text="two")
    save_versioned(first, 1, {"text": "one, edited"})
    save_versioned(second, 1, {"text": "two, edited"})
    assert EditConflict.objects.count() == 0
    assert sorted(TimelineEntry.objects.values_list("text", flat=True)) == [
        "one, edited", "two, edited"]


def test_a_change_after_publishing_is_marked_in_the_history(postmortem, make):
    postmortem.state = postmortem.State.PUBLISHED
    postmortem.published_at = postmortem.created_at
    postmortem.save()
    entry = make.timeline_entry(postmortem)
    save_versioned(entry, 1, {"text": "late fix"})
    assert entry.history.latest().history_change_reason == "changed after publishing"


def test_a_stale_delete_is_refused(postmortem, make):
    entry = make.timeline_entry(postmortem)
    save_versioned(entry, 1, {"text": "changed"})
    with pytest.raises(StaleDelete):
        delete_versioned(entry, 1)
    assert TimelineEntry.objects.filter(pk=entry.pk).exists()


def test_a_deleted_entry_is_restored_from_the_history(postmortem, make):
    entry = make.timeline_entry(postmortem, text="keep me")
    delete_versioned(entry, 1)
    assert not TimelineEntry.objects.filter(pk=entry.pk).exists()
    deletion = TimelineEntry.history.filter(id=entry.pk, history_type="-").get()
    restored = restore_deleted(deletion)
    assert restored.pk == entry.pk
    assert TimelineEntry.objects.get(pk=entry.pk).text == "keep me"
    assert restored.version == 2


def test_a_stale_incident_edit_of_another_field_merges_even_with_services(make, postmortem):
    from postmortems.models import Incident

    incident = postmortem.incident
    checkout = make.service("Checkout")
    save_versioned(incident, 1, {"title": "Checkout 5xx", "services": [checkout]})
    saved = save_versioned(incident, 1, {"summary": "Config error", "title": incident.title,
                                         "services": []})
    incident = Incident.objects.get(pk=incident.pk)
    assert (incident.title, incident.summary) == ("Checkout 5xx", "Config error")
    assert saved.version == 3
    assert list(incident.services.all()) == [checkout]
    # Both change the services from version 3: the second is a conflict on that field.
    payments = make.service("Payments")
    save_versioned(incident, 3, {"services": [checkout, payments]})
    with pytest.raises(Conflict) as caught:
        save_versioned(incident, 3, {"services": []})
    assert caught.value.fields == ["services"]
    assert set(incident.services.all()) == {checkout, payments}


def test_the_same_edit_made_twice_is_not_a_conflict(postmortem, make):
    entry = make.timeline_entry(postmortem, text="typo")
    save_versioned(entry, 1, {"text": "fixed"})
    save_versioned(entry, 1, {"text": "fixed"})
    assert not EditConflict.objects.exists()
    assert TimelineEntry.objects.get(pk=entry.pk).text == "fixed"
