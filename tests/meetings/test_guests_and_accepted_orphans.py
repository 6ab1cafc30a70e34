"""The meeting record lists each guest once (names compared without case and extra spaces);
the blameless reminder is said once on the opening screen; the action items section says
plainly that an accepted orphan lets the meeting close but still blocks publishing."""

import html

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def add_guest(client, meeting, name):
    return client.post(reverse("meetings:attendee_add", args=[meeting.pk]),
                       {"attendee-name": name}, **HTMX)


def test_a_guest_is_listed_once(editor_client, meeting):
    assert add_guest(editor_client, meeting, "Vendor rep").status_code == 200
    response = add_guest(editor_client, meeting, "  vendor   REP ")
    assert response.status_code == 400
    assert [a.name for a in meeting.attendees.filter(user__isnull=True)] == ["Vendor rep"]


def test_spaces_in_a_guest_name_are_tidied(editor_client, meeting):
    add_guest(editor_client, meeting, "  Sam   from   Payments ")
    assert meeting.attendees.get(user__isnull=True).name == "Sam from Payments"


def test_the_reminder_is_said_once(editor_client, meeting):
    body = html.unescape(editor_client.get(
        reverse("meetings:run", args=[meeting.pk])).content.decode())
    assert body.count("We're here to learn, not blame.") == 1


def test_accepting_an_orphan_says_it_still_blocks_publishing(editor_client, meeting, make):
    item = make.action_item(meeting.postmortem.incident, text="Tune the alert", owner=None)
    editor_client.post(reverse("meetings:item_accept_orphan", args=[meeting.pk, item.pk]),
                       {f"accept-{item.pk}-reason": "Owner named next week"}, **HTMX)
    body = html.unescape(editor_client.get(
        reverse("meetings:section", args=[meeting.pk, "actions"])).content.decode())
    assert "lets this meeting close, but the postmortem still cannot be published" in " ".join(
        body.replace("<strong>", "").replace("</strong>", "").split())
    assert "still blocks publishing until it has an owner, a due date and a ticket" in body
