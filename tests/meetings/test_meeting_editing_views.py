"""Editing during the meeting over HTTP: happy paths, wrong methods, bad input (400, nothing
lost), stale edits (409 with both versions and a merge form), closing."""

import html

import pytest
from django.urls import reverse

from postmortems.models import ActionItem, EditConflict, Meeting, TimelineEntry

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, *args):
    return reverse(f"meetings:{name}", args=args)


def timeline_url(name, meeting, *args):
    """The timeline views shared with the editor, called from the meeting's screen."""
    return reverse(f"postmortems:{name}", args=args) + f"?meeting={meeting.pk}"


def test_starting_a_meeting_lays_out_the_agenda(editor_client, postmortem, editor):
    response = editor_client.post(url("start", postmortem.incident_id))
    meeting = Meeting.objects.get()
    assert response.status_code == 303
    assert response["Location"] == url("run", meeting.pk)
    assert [(s.key, s.planned_minutes) for s in meeting.sections.all()] == [
        ("opening", 5), ("timeline", 15), ("analysis", 20), ("actions", 15), ("closing", 5)]
    assert meeting.facilitator == editor
    assert [a.user for a in meeting.attendees.all()] == [editor]


def test_starting_while_a_meeting_runs_joins_it(editor_client, meeting):
    response = editor_client.post(url("start", meeting.postmortem.incident_id))
    assert response["Location"] == url("run", meeting.pk)
    assert Meeting.objects.count() == 1


@pytest.mark.parametrize("name,args", [
    ("start", lambda m: [m.postmortem.incident_id]),
    ("close", lambda m: [m.pk]),
    ("decision_add", lambda m: [m.pk]),
    ("item_edit", lambda m: [m.pk, 1]),
])
def test_changing_views_refuse_get(editor_client, meeting, name, args):
    assert editor_client.get(url(name, *args(meeting))).status_code == 405


def test_reading_views_refuse_post(editor_client, meeting):
    assert editor_client.post(url("run", meeting.pk)).status_code == 405
    assert editor_client.post(url("changes", meeting.pk)).status_code == 405


def test_a_dissenting_view_is_recorded_and_shown(editor_client, meeting):
    response = editor_client.post(url("dissent_add", meeting.pk),
                                  {"dissent-name": "Sam",
                                   "dissent-text": "The canary would not help"}, **HTMX)
    assert response.status_code == 200
    assert "The canary would not help" in response.content.decode()
    assert meeting.dissenting_views.get().who == "Sam"


def test_a_dissenting_view_without_text_is_refused_with_a_message(editor_client, meeting):
    response = editor_client.post(url("dissent_add", meeting.pk),
                                  {"dissent-name": "Sam", "dissent-text": ""})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not meeting.dissenting_views.exists()


def test_an_attendee_needs_a_user_or_a_name(editor_client, meeting):
    response = editor_client.post(url("attendee_add", meeting.pk), {"attendee-name": " "}, **HTMX)
    assert response.status_code == 400
    assert "Pick a user or write a name." in response.content.decode()


def test_a_guest_attends_by_name(editor_client, meeting):
    editor_client.post(url("attendee_add", meeting.pk), {"attendee-name": "Vendor rep"})
    assert "Vendor rep" in [a.display for a in meeting.attendees.all()]


def test_notes_are_saved_per_section(editor_client, meeting):
    response = editor_client.post(url("notes", meeting.pk, "timeline"), {
        "notes-timeline-notes": "Paging took 9 minutes", "notes-timeline-version": "1"})
    assert response.status_code == 303
    assert response["Location"].endswith("?section=timeline#timeline")
    section = meeting.sections.get(key="timeline")
    assert (section.notes, section.version) == ("Paging took 9 minutes", 2)


def test_stale_notes_get_a_conflict_page_and_nothing_is_lost(editor_client, meeting, admin):
    from django.test import Client

    other = Client()
    other.force_login(admin)
    other.post(url("notes", meeting.pk, "analysis"), {
        "notes-analysis-notes": "Ada's notes", "notes-analysis-version": "1"})
    response = editor_client.post(url("notes", meeting.pk, "analysis"), {
        "notes-analysis-notes": "Erin's notes", "notes-analysis-version": "1"})
    assert response.status_code == 409
    body = html.unescape(response.content.decode())
    assert "Ada's notes" in body and "Erin's notes" in body
    assert 'name="notes-analysis-version" value="2"' in body  # the merge is based on theirs
    assert meeting.sections.get(key="analysis").notes == "Ada's notes"
    assert EditConflict.objects.get().attempted["notes"] == "Erin's notes"


def test_the_merge_form_saves_over_the_newer_version(editor_client, meeting):
    section = meeting.sections.get(key="analysis")
    section.notes, section.version = "theirs", 2
    section.save()
    response = editor_client.post(url("notes", meeting.pk, "analysis"), {
        "notes-analysis-notes": "theirs + mine", "notes-analysis-version": "2"})
    assert response.status_code == 303
    assert meeting.sections.get(key="analysis").notes == "theirs + mine"


def test_a_timeline_entry_added_in_the_meeting_is_in_the_postmortem(editor_client, meeting):
    response = editor_client.post(
        timeline_url("timeline_add", meeting, meeting.postmortem.incident_id), {
            "entry-at": "2026-03-04T10:07:00", "entry-kind": "alert",
            "entry-text": "Pager fired"}, **HTMX)
    assert response.status_code == 200
    assert 'data-testid="meeting-timeline"' in response.content.decode()  # the section
    entry = TimelineEntry.objects.get()
    assert (entry.postmortem, entry.text) == (meeting.postmortem, "Pager fired")


def test_a_bad_timeline_time_is_shown_back(editor_client, meeting):
    response = editor_client.post(
        timeline_url("timeline_add", meeting, meeting.postmortem.incident_id), {
            "entry-at": "half past ten", "entry-kind": "alert",
            "entry-text": "Pager fired"}, **HTMX)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter a UTC date and time" in body and "Pager fired" in body


def test_a_stale_timeline_edit_over_htmx_shows_the_conflict_in_the_section(
        editor_client, meeting, make):
    entry = make.timeline_entry(meeting.postmortem, text="original")
    TimelineEntry.objects.filter(pk=entry.pk).update(text="theirs", version=2)
    response = editor_client.post(timeline_url("timeline_edit", meeting, entry.pk), {
        f"edit-{entry.pk}-at": "2026-03-04T10:00:00", f"edit-{entry.pk}-kind": "note",
        f"edit-{entry.pk}-text": "mine", f"edit-{entry.pk}-version": "1"}, **HTMX)
    assert response.status_code == 409
    body = response.content.decode()
    assert 'data-testid="theirs-text"' in body and "theirs" in body and "mine" in body
    assert 'hx-target="#body-timeline"' in body


def test_settling_an_orphan_in_the_meeting(editor_client, meeting, make, editor):
    item = make.action_item(meeting.postmortem.incident, text="Tune alert", owner=None)
    prefix = f"item-{item.pk}"
    response = editor_client.post(url("item_edit", meeting.pk, item.pk), {
        f"{prefix}-version": "1", f"{prefix}-priority": "P1", f"{prefix}-text": "Tune alert",
        f"{prefix}-owner": str(editor.pk), f"{prefix}-due": "2099-02-01",
        f"{prefix}-ticket": "OPS-7", f"{prefix}-status": "open"})
    assert response.status_code == 303
    item.refresh_from_db()
    assert (item.owner, item.version) == (editor, 2)
    assert item.history.latest().history_change_reason == "changed in the review meeting"
    assert not meeting.unresolved_orphans().exists()


def test_accepting_an_orphan_without_a_reason_is_refused(editor_client, meeting, make):
    item = make.action_item(meeting.postmortem.incident, owner=None)
    response = editor_client.post(url("item_accept_orphan", meeting.pk, item.pk),
                                  {f"accept-{item.pk}-reason": "   "}, **HTMX)
    assert response.status_code == 400
    assert "Say why this item may stay orphaned." in response.content.decode()


def test_closing_with_an_orphan_is_refused_with_the_list(editor_client, meeting, make):
    make.action_item(meeting.postmortem.incident, text="Tune alert", owner=None)
    response = editor_client.post(url("close", meeting.pk))
    assert response.status_code == 400
    assert "“Tune alert” (no owner)" in response.content.decode()
    assert not Meeting.objects.get(pk=meeting.pk).is_closed


def test_closing_writes_the_summary_and_freezes_the_record(editor_client, meeting, make):
    item = make.action_item(meeting.postmortem.incident, text="Tune alert", owner=None)
    editor_client.post(url("item_accept_orphan", meeting.pk, item.pk),
                       {f"accept-{item.pk}-reason": "No team owns it yet"})
    response = editor_client.post(url("close", meeting.pk))
    assert response.status_code == 303
    meeting.refresh_from_db()
    assert "Accepted as orphaned: Tune alert (No team owns it yet)" in meeting.summary
    assert editor_client.post(url("decision_add", meeting.pk), {"decision-text": "late"}
                              ).status_code == 403
    assert editor_client.get(url("run", meeting.pk))["Location"] == url("record", meeting.pk)


def test_timing_never_goes_back(editor_client, meeting):
    editor_client.post(url("timing", meeting.pk), {"opening": "300", "timeline": "20"})
    editor_client.post(url("timing", meeting.pk), {"opening": "100"})
    assert meeting.sections.get(key="opening").actual_seconds == 300
    assert editor_client.post(url("timing", meeting.pk), {"opening": "-4"}).status_code == 400


def test_an_item_of_another_incident_is_not_found(editor_client, meeting, make):
    other = make.action_item(make.incident(title="Other"))
    assert editor_client.post(url("item_edit", meeting.pk, other.pk), {}).status_code == 404
    assert ActionItem.objects.get(pk=other.pk).version == 1


def test_removing_an_attendee_a_dissent_and_a_decision(editor_client, meeting):
    guest = meeting.attendees.create(name="Guest")
    view = meeting.dissenting_views.create(name="Sam", text="No")
    decision = meeting.decisions.create(text="Yes")
    assert editor_client.post(url("attendee_remove", meeting.pk, guest.pk)).status_code == 303
    assert editor_client.post(url("dissent_delete", meeting.pk, view.pk)).status_code == 303
    assert editor_client.post(url("decision_delete", meeting.pk, decision.pk),
                              **HTMX).status_code == 200
    assert not meeting.attendees.filter(name="Guest").exists()
    assert not meeting.dissenting_views.exists() and not meeting.decisions.exists()


def test_deleting_a_timeline_entry_keeps_it_restorable(editor_client, meeting, make):
    entry = make.timeline_entry(meeting.postmortem)
    response = editor_client.post(timeline_url("timeline_delete", meeting, entry.pk),
                                  {"version": "1"})
    assert response.status_code == 303
    assert not TimelineEntry.objects.filter(pk=entry.pk).exists()
    assert TimelineEntry.history.filter(id=entry.pk, history_type="-").exists()


def test_a_stale_delete_keeps_the_entry_and_says_why(editor_client, meeting, make):
    entry = make.timeline_entry(meeting.postmortem)
    TimelineEntry.objects.filter(pk=entry.pk).update(version=2, text="changed meanwhile")
    response = editor_client.post(timeline_url("timeline_delete", meeting, entry.pk),
                                  {"version": "1"}, follow=True)
    assert TimelineEntry.objects.filter(pk=entry.pk).exists()
    assert "was changed by somebody else" in html.unescape(response.content.decode())


def test_an_action_item_added_in_the_meeting(editor_client, meeting, editor):
    response = editor_client.post(url("item_add", meeting.pk), {
        "item-new-priority": "P2", "item-new-text": "Alert on pool saturation",
        "item-new-owner": str(editor.pk), "item-new-due": "2099-03-01",
        "item-new-ticket": "OPS-9", "item-new-status": "open"}, **HTMX)
    assert response.status_code == 200
    item = ActionItem.objects.get()
    assert (item.incident, item.owner, item.priority) == (meeting.postmortem.incident, editor,
                                                          "P2")
    assert item.history.get().history_change_reason == "added in the review meeting"


def test_the_timeline_merge_form_posts_back_to_the_meeting(editor_client, meeting, make):
    entry = make.timeline_entry(meeting.postmortem, text="original")
    TimelineEntry.objects.filter(pk=entry.pk).update(text="theirs", version=2)
    edit = timeline_url("timeline_edit", meeting, entry.pk)
    response = editor_client.post(edit, {
        f"edit-{entry.pk}-at": "2026-03-04T10:00:00", f"edit-{entry.pk}-kind": "note",
        f"edit-{entry.pk}-text": "mine", f"edit-{entry.pk}-version": "1"})
    assert response.status_code == 409
    assert f'action="{html.escape(edit)}"' in response.content.decode()


def test_a_closed_meetings_timeline_cannot_change(editor_client, meeting, make):
    entry = make.timeline_entry(meeting.postmortem, text="original")
    meeting.close()
    response = editor_client.post(timeline_url("timeline_delete", meeting, entry.pk))
    assert response.status_code == 403
    assert TimelineEntry.objects.filter(pk=entry.pk).exists()


def test_another_postmortems_meeting_is_not_found(editor_client, meeting, make):
    other = make.timeline_entry(make.postmortem(make.incident("Other")))
    response = editor_client.post(timeline_url("timeline_delete", meeting, other.pk))
    assert response.status_code == 404
    assert TimelineEntry.objects.filter(pk=other.pk).exists()
