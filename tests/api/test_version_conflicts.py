"""The optimistic-version rule over the API: a stale change to a field somebody else changed
is refused with 409 and both versions; a stale change to other fields is merged; a stale
delete is refused."""

import pytest

from postmortems.models import EditConflict

pytestmark = pytest.mark.django_db


def test_a_stale_write_to_the_same_field_gets_409_with_both_versions(api, editor, admin, make,
                                                                     postmortem):
    entry = make.timeline_entry(postmortem, text="Alert fired")
    url = f"/api/v1/timeline-entries/{entry.pk}/"
    assert api(admin).patch(url, {"text": "Pager fired", "version": 1}).status_code == 200
    response = api(editor).patch(url, {"text": "Alert fired at 10:00", "version": 1})
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "conflict" and body["fields"] == ["text"]
    assert body["base_version"] == 1 and body["current_version"] == 2
    assert body["current"]["text"] == "Pager fired"
    assert body["yours"]["text"] == "Alert fired at 10:00"
    entry.refresh_from_db()
    assert entry.text == "Pager fired"
    assert EditConflict.objects.get().attempted["text"] == "Alert fired at 10:00"


def test_a_stale_write_to_other_fields_is_merged(api, editor, admin, make):
    incident = make.incident(title="Checkout errors")
    url = f"/api/v1/incidents/{incident.pk}/"
    assert api(admin).patch(url, {"title": "Checkout 500s", "version": 1}).status_code == 200
    response = api(editor).patch(url, {"summary": "Payments failed.", "version": 1})
    assert response.status_code == 200
    assert response.json()["title"] == "Checkout 500s"
    assert response.json()["summary"] == "Payments failed." and response.json()["version"] == 3


def test_a_stale_put_of_the_whole_object_is_refused(api, editor, admin, make, postmortem):
    why = make.why(postmortem, question="Why did it fail?", answer="A bad deploy.")
    url = f"/api/v1/whys/{why.pk}/"
    assert api(admin).patch(url, {"answer": "A config push.", "version": 1}).status_code == 200
    response = api(editor).put(url, {"question": "Why did it fail?", "answer": "A deploy.",
                                     "position": 1, "version": 1})
    assert response.status_code == 409
    assert response.json()["current"]["answer"] == "A config push."


def test_a_stale_delete_gets_409_and_deletes_nothing(api, editor, admin, make, postmortem):
    factor = postmortem.factors.create(text="No canary")
    url = f"/api/v1/factors/{factor.pk}/"
    assert api(admin).patch(url, {"text": "No canary stage", "version": 1}).status_code == 200
    response = api(editor).delete(f"{url}?version=1")
    assert response.status_code == 409
    assert response.json()["current"]["text"] == "No canary stage"
    assert postmortem.factors.count() == 1
    assert api(editor).delete(f"{url}?version=2").status_code == 204
    assert postmortem.factors.count() == 0


def test_a_bad_version_is_a_400(api, editor, make, postmortem):
    factor = postmortem.factors.create(text="No canary")
    response = api(editor).delete(f"/api/v1/factors/{factor.pk}/?version=latest")
    assert response.status_code == 400 and "version" in response.json()["errors"]
