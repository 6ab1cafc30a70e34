"""Blameless hints appear inline as the author writes; they never block saving."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_check_endpoint_answers_with_a_hint(editor_client):
    response = editor_client.get("/blameless-check/", {"why-answer": "It was human error."})
    assert "Blameless tip" in response.content.decode()
    assert "What conditions allowed this?" in response.content.decode()
    assert editor_client.get("/blameless-check/", {"x": "Pool exhausted."}).content.strip() == b""


def test_blaming_text_is_saved_and_hinted(editor_client, make, admin):
    pm = make.postmortem()
    response = editor_client.post(f"/incidents/{pm.incident_id}/whys/", {
        "why-question": "Who caused the outage?", "why-answer": "Ada's typo in the config."})
    assert response.status_code == 302
    assert pm.whys.count() == 1
    content = editor_client.get(f"/incidents/{pm.incident_id}/postmortem/").content.decode()
    assert "Ask what conditions allowed this, not who caused it." in content
    assert "A person is named as the cause" in content


def test_the_editor_fields_ask_for_hints_while_typing(editor_client, make):
    pm = make.postmortem()
    content = editor_client.get(f"/incidents/{pm.incident_id}/postmortem/").content.decode()
    assert 'hx-get="/blameless-check/"' in content
    assert 'hx-target="#hints-id_executive_summary"' in content
