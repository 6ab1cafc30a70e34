"""A viewer reads incidents and postmortems without buttons and forms they cannot use;
the editor and the incident owner keep them."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_viewer_reads_the_incident_without_edit_buttons(client, viewer, postmortem, make):
    make.action_item(postmortem.incident, text="Add a canary")
    client.force_login(viewer)
    page = client.get(f"/incidents/{postmortem.incident_id}/").content.decode()
    assert "Add a canary" in page
    assert "Edit incident" not in page
    assert "Add action item" not in page
    assert "/edit/" not in page
    assert "Read the postmortem" in page


def test_a_viewer_opening_the_editor_is_sent_to_the_readable_document(
        client, viewer, postmortem):
    client.force_login(viewer)
    response = client.get(f"/incidents/{postmortem.incident_id}/postmortem/", follow=True)
    read_url = f"/incidents/{postmortem.incident_id}/postmortem/print/"
    assert response.redirect_chain[-1][0] == read_url
    assert "changing it needs the editor role" in response.content.decode()


def test_the_incident_owner_and_editors_keep_their_controls(client, owner, editor, postmortem):
    for user in (owner, editor):
        client.force_login(user)
        page = client.get(f"/incidents/{postmortem.incident_id}/").content.decode()
        assert "Edit incident" in page and "Add action item" in page
        editor_page = client.get(f"/incidents/{postmortem.incident_id}/postmortem/")
        assert editor_page.status_code == 200
        assert b"Save document" in editor_page.content


def test_a_viewer_sees_no_start_form_when_there_is_no_postmortem(client, viewer, make):
    incident = make.incident(title="No document yet")
    client.force_login(viewer)
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert "Write the postmortem" not in page
    assert "No postmortem yet." in page


def test_the_tracker_shows_edit_buttons_only_where_the_user_may_edit(client, make, viewer,
                                                                     owner, editor):
    """A viewer sees no Edit button on /actions/ (each led to a 403); the owner of an incident
    sees them on its items only; an editor on all."""
    own = make.action_item(make.incident(title="Olga's incident", owner=owner), text="Own item")
    other = make.action_item(make.incident(title="Other incident"), text="Other item")
    edit = "/actions/{}/edit/"
    client.force_login(viewer)
    page = client.get("/actions/").content.decode()
    assert "Own item" in page and edit.format(own.pk) not in page
    assert edit.format(other.pk) not in page
    client.force_login(owner)
    page = client.get("/actions/").content.decode()
    assert edit.format(own.pk) in page and edit.format(other.pk) not in page
    client.force_login(editor)
    page = client.get("/actions/").content.decode()
    assert edit.format(own.pk) in page and edit.format(other.pk) in page
