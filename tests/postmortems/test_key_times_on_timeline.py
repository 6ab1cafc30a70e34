"""The incident's key times are rows of the timeline, read from the incident (one source of
truth): editing them on the incident or on the timeline changes the one value both show."""

from datetime import timedelta

import pytest

from postmortems.models import Incident, TimelineEntry
from tests.factories import T0

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def pm(make, editor):
    incident = make.incident(owner=editor, detected_at=T0 + timedelta(minutes=4),
                             acknowledged_at=T0 + timedelta(minutes=7))
    pm = make.postmortem(incident)
    make.timeline_entry(pm, T0 + timedelta(minutes=5), "Paged the database team",
                        kind=TimelineEntry.Kind.ESCALATED)
    return pm


def rows(pm):
    return [(row.at - T0, row.get_kind_display(), row.is_key_time)
            for row in pm.timeline_rows()]


def test_key_times_appear_on_the_timeline_in_order(pm, editor_client):
    assert rows(pm) == [
        (timedelta(0), "Started", True),
        (timedelta(minutes=4), "Detected", True),
        (timedelta(minutes=5), "Escalated", False),
        (timedelta(minutes=7), "Acknowledged", True),
    ]
    page = editor_client.get(f"/incidents/{pm.incident_id}/postmortem/").content.decode()
    assert page.count('data-testid="key-time"') == 3
    assert page.index("Incident detected") < page.index("Paged the database team") < page.index(
        "Incident acknowledged")
    assert TimelineEntry.objects.count() == 1  # nothing copied


def test_a_key_time_row_is_typed_as_24_hour_utc_text(pm, editor_client):
    page = editor_client.get(f"/incidents/{pm.incident_id}/postmortem/").content.decode()
    assert ('type="text" id="key-detected_at" name="key-detected_at" '
            'value="2026-03-04 10:04"') in page
    assert "datetime-local" not in page
    response = editor_client.post(
        f"/incidents/{pm.incident_id}/key-times/detected_at/",
        {"key-detected_at": "2026-03-04 10:03:30", "key-version": pm.incident.version}, **HTMX)
    assert response.status_code == 200
    assert Incident.objects.get(pk=pm.incident_id).detected_at == T0 + timedelta(seconds=210)


def test_editing_the_incident_moves_its_row_on_the_timeline(pm, editor_client):
    incident = pm.incident
    response = editor_client.post(f"/incidents/{incident.pk}/edit/", {
        "title": incident.title, "severity": 3, "status": "mitigated",
        "started_at": "2026-03-04T10:00:00", "detected_at": "2026-03-04T10:06:00",
        "acknowledged_at": "2026-03-04T10:07:00", "mitigated_at": "2026-03-04T10:30:00",
        "version": incident.version})
    assert response.status_code == 302
    pm.refresh_from_db()
    assert rows(pm)[1:] == [
        (timedelta(minutes=5), "Escalated", False),
        (timedelta(minutes=6), "Detected", True),
        (timedelta(minutes=7), "Acknowledged", True),
        (timedelta(minutes=30), "Mitigated", True),
    ]


def test_editing_the_row_on_the_timeline_changes_the_incident(pm, editor_client):
    version = pm.incident.version
    response = editor_client.post(
        f"/incidents/{pm.incident_id}/key-times/detected_at/",
        {"key-detected_at": "2026-03-04T10:03:30", "key-version": version}, **HTMX)
    assert response.status_code == 200
    assert "10:03:30" in response.content.decode()
    incident = Incident.objects.get(pk=pm.incident_id)
    assert incident.detected_at == T0 + timedelta(minutes=3, seconds=30)
    assert incident.version == version + 1
    assert incident.history.first().detected_at == incident.detected_at
    page = editor_client.get(f"/incidents/{pm.incident_id}/").content.decode()
    assert "2026-03-04 10:03:30" in page


def test_a_key_time_out_of_order_is_refused_on_its_row(pm, editor_client):
    response = editor_client.post(
        f"/incidents/{pm.incident_id}/key-times/detected_at/",
        {"key-detected_at": "2026-03-04T09:00:00"}, **HTMX)
    assert response.status_code == 400
    assert "Detected cannot be before started" in response.content.decode()
    assert Incident.objects.get(pk=pm.incident_id).detected_at == T0 + timedelta(minutes=4)


def test_clearing_a_key_time_removes_its_row(pm, editor_client):
    editor_client.post(f"/incidents/{pm.incident_id}/key-times/acknowledged_at/",
                      {"key-acknowledged_at": ""})
    assert Incident.objects.get(pk=pm.incident_id).acknowledged_at is None
    pm.refresh_from_db()
    assert [kind for _, kind, _ in rows(pm)] == ["Started", "Detected", "Escalated"]


def test_an_unknown_key_time_is_404(pm, editor_client):
    response = editor_client.post(f"/incidents/{pm.incident_id}/key-times/title/",
                                 {"key-title": "x"})
    assert response.status_code == 404


def test_pasted_key_time_lines_set_the_incident_and_keep_what_they_say(pm, editor_client):
    response = editor_client.post(f"/incidents/{pm.incident_id}/timeline/paste/", {
        "paste-lines": "10:31 [mitigated (key time)]\n10:40 [resolved] all green\n"
                       "10:35 flag flipped"}, **HTMX)
    assert response.status_code == 200
    incident = Incident.objects.get(pk=pm.incident_id)
    assert incident.mitigated_at == T0 + timedelta(minutes=31)
    assert incident.resolved_at == T0 + timedelta(minutes=40)
    # The bare mark adds no entry; the words beside a mark are kept at that time.
    assert sorted(pm.timeline.values_list("text", flat=True)) == [
        "Paged the database team", "all green", "flag flipped"]
    assert pm.timeline.get(text="all green").at == incident.resolved_at


def test_a_pasted_key_time_out_of_order_comes_back_with_the_reason(pm, editor_client):
    response = editor_client.post(f"/incidents/{pm.incident_id}/timeline/paste/", {
        "paste-lines": "09:00 [detected]\n10:35 flag flipped"}, **HTMX)
    content = response.content.decode()
    assert "Line 1: <code>09:00 [detected]</code>" in content
    assert "Detected cannot be before started" in content
    assert Incident.objects.get(pk=pm.incident_id).detected_at == T0 + timedelta(minutes=4)
    assert "flag flipped" in pm.timeline.values_list("text", flat=True)


def test_the_print_view_shows_the_key_times(pm, editor_client):
    page = editor_client.get(f"/incidents/{pm.incident_id}/postmortem/print/").content.decode()
    assert "Incident detected" in page


def test_the_review_meetings_timeline_shows_the_key_times_read_only(pm, editor, editor_client):
    from django.urls import reverse

    from postmortems.models import Meeting

    meeting = Meeting.start(pm, editor)
    page = editor_client.get(reverse("meetings:section", args=[meeting.pk, "timeline"]))
    content = page.content.decode()
    assert content.count('data-testid="key-time"') == 3
    assert content.index("Incident detected") < content.index("Paged the database team")
