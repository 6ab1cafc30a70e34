"""The editor's live feed: one poll says what changed since the cursor (each change with the
editor sections to refresh) and who else has the editor open (the poll is the heartbeat).
Sections render alone for the refresh; the feed and the sections are for editors only."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from postmortems.models import Presence
from postmortems.revisions.concurrency import save_versioned

pytestmark = pytest.mark.django_db


def live(client, postmortem, since=""):
    url = reverse("postmortems:postmortem_live", args=[postmortem.incident_id])
    response = client.get(url, {"since": since} if since else {})
    assert response.status_code == 200
    return response.json()


def test_the_poll_tells_who_else_has_the_editor_open(client, postmortem, editor, admin):
    client.force_login(admin)
    assert live(client, postmortem)["present"] == []
    client.force_login(editor)
    assert live(client, postmortem)["present"] == ["Ada"]
    client.force_login(admin)
    assert live(client, postmortem)["present"] == ["Erin"]


def test_somebody_not_heard_from_has_left(client, postmortem, editor, admin):
    Presence.objects.create(postmortem=postmortem, user=admin,
                            seen_at=timezone.now() - timedelta(minutes=1))
    client.force_login(editor)
    assert live(client, postmortem)["present"] == []


def test_a_change_names_the_sections_to_refresh(client, postmortem, editor, admin, make):
    client.force_login(editor)
    cursor = live(client, postmortem)["cursor"]
    save_versioned(postmortem, 1, {"executive_summary": "Ada's summary"}, user=admin)
    make.why(postmortem, question="Why?", answer="Pool")
    answer = live(client, postmortem, cursor)
    by_model = {change["model"]: change for change in answer["changes"]}
    assert by_model["postmortem"]["by"] == "ada"
    assert by_model["postmortem"]["sections"] == ["document"]
    assert by_model["why"]["sections"] == ["whys", "actions"]
    assert answer["sections"] == ["document", "whys", "actions"]


@pytest.mark.parametrize("key", ["document", "timeline", "whys", "actions"])
def test_each_section_renders_alone(editor_client, postmortem, key):
    response = editor_client.get(reverse("postmortems:postmortem_section",
                                         args=[postmortem.incident_id, key]))
    assert response.status_code == 200
    assert "<html" not in response.content.decode()


def test_an_unknown_section_is_404(editor_client, postmortem):
    assert editor_client.get(reverse("postmortems:postmortem_section",
                                     args=[postmortem.incident_id, "nope"])).status_code == 404


def test_readers_get_neither_feed_nor_sections(client, viewer, postmortem):
    client.force_login(viewer)
    assert client.get(reverse("postmortems:postmortem_live",
                              args=[postmortem.incident_id])).status_code == 403
    assert client.get(reverse("postmortems:postmortem_section",
                              args=[postmortem.incident_id, "whys"])).status_code == 403
    assert not Presence.objects.exists()


def test_a_bad_cursor_is_just_no_cursor(editor_client, postmortem):
    answer = live(editor_client, postmortem, "not-a-time")
    assert answer["changes"] == [] and answer["cursor"]
