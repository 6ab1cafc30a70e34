"""Malformed values posted to every changing URL of the meeting get an answer with a message
(400) or a refusal, never a 500, and what was saved before is still there."""

import pytest
from django.urls import reverse

from postmortems.models import ActionItem, MeetingSection, TimelineEntry
from tests.routes import MUTATING

pytestmark = pytest.mark.django_db

JUNK = ["", "-1", "not a value", "9" * 40, "2026-13-45T99:99:99", "<script>alert(1)</script>",
        "\x00", "x" * 5000]
FIELDS = ["version", "at", "kind", "text", "owner", "user", "name", "due", "ticket", "status",
          "priority", "reason", "notes", "wont_do_reason"]
# Deleting and restoring take no input beyond the URL: nothing malformed to send.
NO_INPUT = {"meetings:attendee_remove", "meetings:dissent_delete", "meetings:decision_delete",
            "revisions:restore", "meetings:start", "revisions:conflict_discard"}
# The timeline views the meeting screen shares with the editor (called with ?meeting=<id>).
SHARED_TIMELINE = ["postmortems:timeline_add", "postmortems:timeline_edit",
                   "postmortems:timeline_delete"]


def junk_data(world, junk):
    prefixes = ["", "attendee-", "dissent-", "decision-", "entry-",
                f"edit-{world['entry'].pk}-", f"item-{world['item'].pk}-", "item-new-",
                f"accept-{world['item'].pk}-", "notes-opening-"]
    data = {f"{prefix}{field}": junk for prefix in prefixes for field in FIELDS}
    data.update(dict.fromkeys(("opening", "timeline", "analysis", "actions", "closing"), junk))
    return data


@pytest.mark.parametrize("junk", JUNK, ids=range(len(JUNK)))
@pytest.mark.parametrize("name", sorted(n for n in MUTATING
                                        if n.startswith("meetings:") and n not in NO_INPUT))
def test_malformed_values_never_cause_a_500_nor_lose_data(editor_client, world, name, junk):
    args_of, _ = MUTATING[name]
    assert_kept_safe(editor_client, world, reverse(name, args=args_of(world)), junk)


@pytest.mark.parametrize("junk", JUNK, ids=range(len(JUNK)))
@pytest.mark.parametrize("name", SHARED_TIMELINE)
def test_malformed_timeline_values_from_the_meeting_never_cause_a_500(editor_client, world,
                                                                      name, junk):
    args_of, _ = MUTATING[name]
    url = reverse(name, args=args_of(world)) + f"?meeting={world['meeting'].pk}"
    if name != "postmortems:timeline_delete":  # deleting it is what the delete is for
        assert_kept_safe(editor_client, world, url, junk)
    else:
        response = editor_client.post(url, junk_data(world, junk))
        assert response.status_code in (200, 303), response.status_code


def assert_kept_safe(editor_client, world, url, junk):
    entry, item = world["entry"], world["item"]
    response = editor_client.post(url, junk_data(world, junk))
    assert response.status_code in (200, 303, 400, 409), response.status_code
    if response.status_code == 400:
        assert response.content  # a message, not an empty page
    assert TimelineEntry.objects.get(pk=entry.pk).text == entry.text
    saved = ActionItem.objects.get(pk=item.pk)
    assert (saved.text, saved.due, saved.ticket) == (item.text, item.due, item.ticket)
    assert MeetingSection.objects.get(meeting=world["meeting"], key="opening").notes == ""
