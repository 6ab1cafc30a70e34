"""The postmortem's own edit pages use the same rule: a save based on an old version of the
incident, the document, a timeline entry, a why or an action item gets 409 with both versions
and a merge form; the saved value stays; a fresh save goes through."""

import html
import re

import pytest
from django.urls import reverse

from postmortems.models import ActionItem, EditConflict, Incident, Postmortem, TimelineEntry, Why

pytestmark = pytest.mark.django_db


def stale(model, pk, **theirs):
    """Somebody else saved version 2 meanwhile."""
    model.objects.filter(pk=pk).update(version=2, **theirs)


def cases(postmortem, make):
    incident = postmortem.incident
    entry = make.timeline_entry(postmortem, text="original")
    why = make.why(postmortem, question="Why did it fail?", answer="original")
    item = make.action_item(incident, text="original")
    return [
        (Incident, incident.pk, "title", reverse("postmortems:incident_edit", args=[incident.pk]),
         {"title": "mine", "severity": "3", "status": "open",
          "started_at": "2026-03-04T10:00:00", "version": "1"}),
        (Postmortem, postmortem.pk, "executive_summary",
         reverse("postmortems:postmortem_edit", args=[incident.pk]),
         {"executive_summary": "mine", "revenue_currency": "USD", "version": "1"}),
        (TimelineEntry, entry.pk, "text", reverse("postmortems:timeline_edit", args=[entry.pk]),
         {f"edit-{entry.pk}-at": "2026-03-04T10:00:00", f"edit-{entry.pk}-kind": "note",
          f"edit-{entry.pk}-text": "mine", f"edit-{entry.pk}-version": "1"}),
        (Why, why.pk, "answer", reverse("postmortems:why_edit", args=[why.pk]),
         {"why-question": "Why did it fail?", "why-answer": "mine", "why-version": "1"}),
        (ActionItem, item.pk, "text", reverse("postmortems:action_edit", args=[item.pk]),
         {"action-priority": "P1", "action-text": "mine", "action-due": "2099-01-01",
          "action-ticket": "OPS-1", "action-status": "open", "action-version": "1"}),
    ]


@pytest.mark.parametrize("index", range(5), ids=["incident", "postmortem", "timeline", "why",
                                                 "action"])
def test_a_stale_save_is_refused_with_both_versions(editor_client, postmortem, make, index):
    model, pk, field, url, data = cases(postmortem, make)[index]
    stale(model, pk, **{field: "theirs"})
    response = editor_client.post(url, data)
    assert response.status_code == 409
    body = html.unescape(response.content.decode())
    assert "theirs" in body and "mine" in body
    assert "Save merged version" in body
    # Every merge field is sent with the merge form (only the discard button points elsewhere).
    assert [tie for tie in re.findall(r' form="([^"]+)"', body)
            if not tie.startswith("discard-")] == []
    assert getattr(model.objects.get(pk=pk), field) == "theirs"
    assert EditConflict.objects.get().attempted[field] == "mine"


@pytest.mark.parametrize("index", range(5), ids=["incident", "postmortem", "timeline", "why",
                                                 "action"])
def test_a_fresh_save_goes_through_and_bumps_the_version(editor_client, postmortem, make,
                                                         index):
    model, pk, field, url, data = cases(postmortem, make)[index]
    response = editor_client.post(url, data)
    assert response.status_code in (200, 302, 303), response.content.decode()[:2000]
    saved = model.objects.get(pk=pk)
    assert (getattr(saved, field), saved.version) == ("mine", 2)
    assert not EditConflict.objects.exists()


def test_a_stale_timeline_edit_over_htmx_shows_the_conflict_instead_of_the_page(
        editor_client, postmortem, make):
    model, pk, _field, url, data = cases(postmortem, make)[2]
    stale(model, pk, text="theirs")
    response = editor_client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#main"
    assert 'data-testid="conflict"' in response.content.decode()


def test_moving_the_root_cause_is_in_the_history_of_both_whys(editor_client, postmortem, make):
    first = make.why(postmortem, position=1, question="Why 1?", is_root_cause=True)
    response = editor_client.post(reverse("postmortems:why_add", args=[postmortem.incident_id]),
                                  {"why-question": "Why 2?", "why-answer": "Because",
                                   "why-is_root_cause": "on"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.is_root_cause, first.version) == (False, 2)
    latest = first.history.latest()
    assert (latest.is_root_cause, latest.history_user.username) == (False, "erin")
