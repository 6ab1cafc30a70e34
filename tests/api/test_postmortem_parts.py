"""Postmortems, timeline entries, whys and factors over the API: whoever may edit the
postmortem on the pages may here (editors; the incident owner until it is published)."""

import pytest
from django.utils import timezone

from postmortems.models import Postmortem

pytestmark = pytest.mark.django_db


def publish(postmortem):
    postmortem.state = Postmortem.State.PUBLISHED
    postmortem.published_at = timezone.now()
    postmortem.save()


def test_the_owner_starts_the_postmortem_once(api, owner, make):
    incident = make.incident(owner=owner)
    client = api(owner)
    response = client.post("/api/v1/postmortems/", {"incident": incident.pk,
                                                    "template": "quick"})
    assert response.status_code == 201, response.json()
    assert response.json()["author"] == "olga" and response.json()["state"] == "draft"
    again = client.post("/api/v1/postmortems/", {"incident": incident.pk})
    assert again.status_code == 400 and "incident" in again.json()["errors"]


def test_a_viewer_may_not_start_someone_elses_postmortem(api, viewer, make):
    incident = make.incident()
    response = api(viewer).post("/api/v1/postmortems/", {"incident": incident.pk})
    assert response.status_code == 403


def test_publishing_is_refused_while_items_are_orphaned(api, editor, postmortem, make):
    item = make.action_item(postmortem.incident, owner=None)
    url = f"/api/v1/postmortems/{postmortem.pk}/state/"
    response = api(editor).post(url, {"action": "publish"})
    assert response.status_code == 400
    assert response.json()["orphaned_action_items"] == [item.pk]
    item.owner = editor
    item.save()
    assert api(editor).post(url, {"action": "publish"}).json()["state"] == "published"


def test_an_unknown_state_action_is_a_field_error(api, editor, postmortem):
    response = api(editor).post(f"/api/v1/postmortems/{postmortem.pk}/state/",
                                {"action": "archive"})
    assert response.status_code == 400 and "action" in response.json()["errors"]


def test_the_owner_writes_the_timeline_until_published(api, owner, postmortem):
    client = api(owner)
    response = client.post("/api/v1/timeline-entries/", {
        "postmortem": postmortem.pk, "at": "2026-03-04T10:02:00Z", "kind": "alert",
        "text": "Checkout 5xx alert fired"})
    assert response.status_code == 201, response.json()
    entry = response.json()
    assert client.get("/api/v1/timeline-entries/", {"incident": postmortem.incident_id}
                      ).json()["results"] == [entry]
    publish(postmortem)
    refused = client.patch(f"/api/v1/timeline-entries/{entry['id']}/",
                           {"text": "x", "version": 1})
    assert refused.status_code == 403


def test_timeline_times_are_kept_to_the_second(api, editor, postmortem):
    response = api(editor).post("/api/v1/timeline-entries/", {
        "postmortem": postmortem.pk, "at": "2026-03-04T10:02:00.5Z", "text": "x"})
    assert response.status_code == 400
    assert "to the second" in response.json()["errors"]["at"][0]


def test_an_entry_cannot_move_to_another_postmortem(api, editor, postmortem, make):
    entry = make.timeline_entry(postmortem)
    other = make.postmortem(make.incident("Other"))
    response = api(editor).patch(f"/api/v1/timeline-entries/{entry.pk}/",
                                 {"postmortem": other.pk, "text": "moved?", "version": 1})
    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.postmortem == postmortem and entry.text == "moved?"


def test_a_new_why_goes_last_and_positions_are_unique(api, editor, postmortem, make):
    make.why(postmortem, position=1)
    client = api(editor)
    response = client.post("/api/v1/whys/", {"postmortem": postmortem.pk,
                                             "question": "Why was it not caught?"})
    assert response.status_code == 201 and response.json()["position"] == 2
    clash = client.post("/api/v1/whys/", {"postmortem": postmortem.pk, "position": 1,
                                          "question": "Why?"})
    assert clash.status_code == 400
    assert clash.json()["errors"]["position"] == ["Why 1 already exists in this postmortem."]


def test_a_viewer_may_not_add_factors_and_an_editor_deletes_them(api, viewer, editor,
                                                                 postmortem):
    data = {"postmortem": postmortem.pk, "text": "No canary"}
    assert api(viewer).post("/api/v1/factors/", data).status_code == 403
    created = api(editor).post("/api/v1/factors/", data).json()
    assert api(viewer).delete(f"/api/v1/factors/{created['id']}/").status_code == 403
    assert api(editor).delete(f"/api/v1/factors/{created['id']}/").status_code == 204
