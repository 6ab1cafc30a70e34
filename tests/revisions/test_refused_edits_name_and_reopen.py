"""A refused edit says who saved meanwhile (not "Somebody"), is listed on the history page and
can be reopened there as a merge: theirs beside the refused values, the form posting to the
object's own edit view; saving it merges and closes the refused edit."""

import html

import pytest
from django.urls import reverse

from postmortems.models import EditConflict, Postmortem, TimelineEntry
from postmortems.revisions.concurrency import save_versioned

pytestmark = pytest.mark.django_db


@pytest.fixture
def refused(postmortem, editor, admin, editor_client):
    """Ada saved the summary (version 2) while Erin's edit was based on version 1."""
    save_versioned(postmortem, 1, {"executive_summary": "Ada's summary"}, user=admin)
    response = editor_client.post(
        reverse("postmortems:postmortem_edit", args=[postmortem.incident_id]),
        {"executive_summary": "Erin's summary", "revenue_currency": "USD", "version": "1"})
    assert response.status_code == 409
    return response


def test_the_conflict_page_names_who_saved_meanwhile(refused):
    body = html.unescape(refused.content.decode())
    assert "Ada changed this while you were editing" in body
    assert "Somebody" not in body


def test_an_autosave_conflict_is_the_fragment_for_the_document_section(
        postmortem, admin, editor_client):
    save_versioned(postmortem, 1, {"executive_summary": "Ada's summary"}, user=admin)
    response = editor_client.post(
        reverse("postmortems:postmortem_edit", args=[postmortem.incident_id]),
        {"executive_summary": "Erin's summary", "revenue_currency": "USD", "version": "1"},
        HTTP_HX_REQUEST="true", HTTP_X_AUTOSAVE="1")
    assert response.status_code == 409
    body = html.unescape(response.content.decode())
    assert "<html" not in body
    assert 'hx-target="#body-document"' in body
    assert "Ada changed this" in body and "Erin's summary" in body


def test_the_history_lists_the_refused_edit_with_a_reopen_link(refused, postmortem,
                                                                editor_client):
    record = EditConflict.objects.get()
    page = editor_client.get(reverse("revisions:postmortem_history",
                                     args=[postmortem.incident_id])).content.decode()
    assert reverse("revisions:conflict_reopen", args=[record.pk]) in page


def test_reopening_shows_theirs_beside_yours_and_saving_merges(refused, postmortem,
                                                                editor_client):
    record = EditConflict.objects.get()
    response = editor_client.get(reverse("revisions:conflict_reopen", args=[record.pk]))
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert "Reopened from the history" in body
    assert "Ada's summary" in body and "Erin's summary" in body
    edit_url = reverse("postmortems:postmortem_edit", args=[postmortem.incident_id])
    assert f'action="{edit_url}"' in body
    response = editor_client.post(edit_url, {
        "executive_summary": "Ada's summary. Erin's summary.", "revenue_currency": "USD",
        "version": "2"})
    assert response.status_code == 302
    assert Postmortem.objects.get().executive_summary == "Ada's summary. Erin's summary."
    assert EditConflict.objects.get().outcome == EditConflict.Outcome.MERGED


def test_a_timeline_entry_conflict_reopens_with_its_time_readable(postmortem, make, editor,
                                                                   editor_client):
    entry = make.timeline_entry(postmortem, text="original")
    TimelineEntry.objects.filter(pk=entry.pk).update(version=2, text="theirs")
    record = EditConflict.objects.create(
        model="postmortems.TimelineEntry", object_id=entry.pk, user=editor, base_version=1,
        current_version=2, fields=["text"],
        attempted={"at": "2026-03-04 10:00:00+00:00", "kind": "note", "text": "mine"})
    body = html.unescape(editor_client.get(
        reverse("revisions:conflict_reopen", args=[record.pk])).content.decode())
    assert 'value="2026-03-04 10:00"' in body and "mine" in body and "theirs" in body


def test_a_viewer_cannot_reopen(refused, client, viewer):
    client.force_login(viewer)
    record = EditConflict.objects.get()
    assert client.get(reverse("revisions:conflict_reopen", args=[record.pk])).status_code == 403


def test_reopening_a_deleted_object_says_so(refused, postmortem, editor_client):
    record = EditConflict.objects.get()
    Postmortem.objects.filter(pk=postmortem.pk).delete()
    response = editor_client.get(reverse("revisions:conflict_reopen", args=[record.pk]),
                                 follow=True)
    assert "no longer exists" in response.content.decode()
