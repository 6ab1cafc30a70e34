"""/api/v1/action-items/: the orphaned and overdue flags of the tracker, its filters, and the
won't-do rule; items are closed, never deleted."""

import pytest

pytestmark = pytest.mark.django_db

URL = "/api/v1/action-items/"


def test_items_carry_the_orphan_flags_and_filter_on_them(api, viewer, editor, make):
    incident = make.incident()
    make.action_item(incident, text="Add an alert", owner=editor)
    make.action_item(incident, text="Write a runbook", owner=None, ticket="")
    client = api(viewer)
    (orphan,) = client.get(URL, {"orphaned": "true"}).json()["results"]
    assert orphan["text"] == "Write a runbook"
    assert orphan["orphan_reason"] == "no owner, no ticket"
    (owned,) = client.get(URL, {"owner": "erin"}).json()["results"]
    assert owned["is_orphaned"] is False and owned["owner"] == "erin"


def test_an_editor_adds_an_item_and_the_answer_has_its_flags(api, editor, make):
    incident = make.incident()
    response = api(editor).post(URL, {"incident": incident.pk, "text": "Add a canary",
                                      "priority": "P1", "due": "2099-01-01"})
    assert response.status_code == 201, response.json()
    assert response.json()["is_orphaned"] is True
    assert response.json()["orphan_reason"] == "no owner, no ticket"


def test_wont_do_needs_a_reason(api, editor, make):
    item = make.action_item(make.incident())
    response = api(editor).patch(f"{URL}{item.pk}/", {"status": "wont_do", "version": 1})
    assert response.status_code == 400
    assert response.json()["errors"]["wont_do_reason"] == [
        "Say why this action item won't be done."]


def test_a_why_of_another_incident_is_refused(api, editor, make, postmortem):
    other = make.why(make.postmortem(make.incident("Other")))
    item = make.action_item(postmortem.incident)
    response = api(editor).patch(f"{URL}{item.pk}/", {"addresses_why": other.pk,
                                                      "version": 1})
    assert response.status_code == 400 and "addresses_why" in response.json()["errors"]


def test_items_are_not_deleted(api, admin, make):
    item = make.action_item(make.incident())
    assert api(admin).delete(f"{URL}{item.pk}/").status_code == 405


def test_a_viewer_may_not_change_an_item(api, viewer, make):
    item = make.action_item(make.incident())
    assert api(viewer).patch(f"{URL}{item.pk}/", {"text": "x", "version": 1}
                             ).status_code == 403
