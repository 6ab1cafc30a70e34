"""Creating and editing incidents: labelled UTC times typed 24-hour and read as UTC, time order
errors on the offending field."""

from datetime import UTC, datetime

import pytest

from postmortems.models import Incident

pytestmark = pytest.mark.django_db

VALID = {
    "title": "Checkout errors", "severity": "2", "status": "open",
    "started_at": "2026-03-04T10:00", "detected_at": "2026-03-04T10:04:30",
}


def test_it_needs_a_login(client):
    assert client.get("/incidents/new/").status_code == 302


def test_the_form_says_times_are_utc_typed_24_hour(editor_client):
    """A text input with a pattern, not datetime-local: Chromium's picker follows the OS locale
    (a 12-hour AM/PM picker, a Tab after the year)."""
    response = editor_client.get("/incidents/new/")
    assert b"Started (UTC)" in response.content
    assert b'type="datetime-local"' not in response.content
    assert b'placeholder="YYYY-MM-DD HH:MM"' in response.content


@pytest.mark.parametrize("typed", ["2026-03-04 10:00", "2026-03-04 10:00:00",
                                   "2026-03-04T10:00", " 2026-03-04 10:00 UTC ",
                                   "2026-03-04T10:00:00Z"])
def test_a_typed_24_hour_time_is_read_as_utc(editor_client, typed):
    response = editor_client.post("/incidents/new/", {**VALID, "started_at": typed,
                                                     "detected_at": ""})
    assert response.status_code == 302
    assert Incident.objects.get().started_at == datetime(2026, 3, 4, 10, 0, tzinfo=UTC)


def test_a_12_hour_time_is_refused_with_the_expected_shape(editor_client):
    response = editor_client.post("/incidents/new/", {**VALID, "started_at": "03/04/2026 10:00 AM"})
    assert response.status_code == 400
    assert response.context["form"].errors["started_at"] == [
        "Enter a UTC date and time as YYYY-MM-DD HH:MM[:SS]."]


def test_a_new_incident_reads_datetime_local_values_as_utc(editor_client, editor):
    response = editor_client.post("/incidents/new/", VALID)
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/incidents/{incident.pk}/"
    assert incident.started_at == datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
    assert incident.detected_at == datetime(2026, 3, 4, 10, 4, 30, tzinfo=UTC)


def test_an_impossible_order_is_reported_on_the_field(editor_client):
    response = editor_client.post("/incidents/new/", {**VALID, "resolved_at": "2026-03-04T09:00",
                                                     "status": "resolved"})
    assert response.status_code == 400
    assert response.context["form"].errors["resolved_at"] == [
        "Resolved cannot be before detected (2026-03-04 10:04:30 UTC)."]
    assert not Incident.objects.exists()


def test_editing_keeps_the_times(editor_client, make):
    incident = make.incident()
    response = editor_client.get(f"/incidents/{incident.pk}/edit/")
    assert b'value="2026-03-04 10:00"' in response.content
    response = editor_client.post(f"/incidents/{incident.pk}/edit/", {
        **VALID, "title": "Renamed", "started_at": "2026-03-04T10:00:00"})
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.title == "Renamed"


def test_the_edit_page_of_a_missing_incident_is_404(editor_client):
    assert editor_client.get("/incidents/999999/edit/").status_code == 404
