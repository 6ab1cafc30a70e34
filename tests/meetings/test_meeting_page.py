"""The meeting screen and its section bodies: rendered with a fixed number of queries."""

import html
from datetime import timedelta

import pytest
from django.urls import reverse

from postmortems.models import Agenda

pytestmark = pytest.mark.django_db


def fill(make, postmortem, rows):
    incident = postmortem.incident
    for i in range(rows):
        make.timeline_entry(postmortem, at=incident.started_at + timedelta(minutes=i),
                            text=f"entry {i}")
        make.action_item(incident, text=f"item {i}", ticket="" if i % 2 else "OPS-1")
        make.why(postmortem, position=i + 1, question=f"Why {i}?")


def test_the_meeting_page_shows_every_section_with_its_tips(editor_client, meeting):
    response = editor_client.get(reverse("meetings:run", args=[meeting.pk]))
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert "We're here to learn, not blame." in body
    for section in Agenda.SECTIONS:
        assert section["title"] in body
        for tip in section["tips"]:
            assert tip in body
    assert "next section" in body  # the shortcuts are shown


@pytest.mark.parametrize("rows", [3, 30])
def test_the_meeting_page_query_count_does_not_grow_with_rows(
        editor_client, meeting, make, rows, django_assert_num_queries):
    fill(make, meeting.postmortem, rows)
    url = reverse("meetings:run", args=[meeting.pk])
    with django_assert_num_queries(15):
        assert editor_client.get(url).status_code == 200


@pytest.mark.parametrize("rows", [3, 30])
def test_a_section_body_query_count_does_not_grow_with_rows(
        editor_client, meeting, make, rows, django_assert_num_queries):
    fill(make, meeting.postmortem, rows)
    url = reverse("meetings:section", args=[meeting.pk, "actions"])
    with django_assert_num_queries(9):
        assert editor_client.get(url).status_code == 200


def test_an_unknown_section_is_a_404(editor_client, meeting):
    assert editor_client.get(reverse("meetings:section", args=[meeting.pk, "lunch"])
                             ).status_code == 404


@pytest.mark.parametrize("meetings", [1, 8])
def test_the_meetings_list_query_count_does_not_grow(
        editor_client, postmortem, editor, meetings, django_assert_num_queries):
    from postmortems.models import Meeting

    for _ in range(meetings):
        meeting = Meeting.start(postmortem, editor)
        meeting.dissenting_views.create(name="Sam", text="No")
        meeting.close()
    url = reverse("meetings:list", args=[postmortem.incident_id])
    with django_assert_num_queries(7):
        response = editor_client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("Full meeting record") == meetings


@pytest.mark.parametrize("rows", [3, 30])
def test_the_meeting_record_query_count_does_not_grow(
        editor_client, meeting, make, rows, django_assert_num_queries):
    fill(make, meeting.postmortem, rows)
    url = reverse("meetings:record", args=[meeting.pk])
    with django_assert_num_queries(17):
        assert editor_client.get(url).status_code == 200


def test_a_viewer_follows_the_meeting_read_only(client, viewer, meeting):
    client.force_login(viewer)
    response = client.get(reverse("meetings:run", args=[meeting.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-can-edit="0"' in page
    for button in ("Save notes", "Add attendee", "Record view", "Close meeting"):
        assert button not in page
    assert client.get(reverse("meetings:changes", args=[meeting.pk])).status_code == 200
