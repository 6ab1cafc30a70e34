"""Extreme values the fuzzing of issue 10 (finding 7) answered with a 500: each is now a clear
answer, and a refused request changes nothing."""

import pytest
from django.urls import reverse

from postmortems.models import TimelineEntry

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("since", ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00+00:00",
                                   "9999-12-31T23:59:59Z", "0001-01-01T00:00:00-23:59"])
def test_the_changes_feed_takes_any_cursor(editor_client, meeting, since):
    response = editor_client.get(reverse("meetings:changes", args=[meeting.pk]),
                                 {"since": since})
    assert response.status_code == 200
    assert "cursor" in response.json()


@pytest.mark.parametrize("line", [
    "0001-01-01T00:30:00+01:00 before year one in UTC",
    "9999-12-31T23:59:59-01:00 after year 9999 in UTC",
    "0001-01-01T00:00:00Z the first second",
    "9999-12-31 23:59 the last minute",
])
def test_extreme_dates_in_pasted_lines_are_refused_with_the_line(editor_client, postmortem,
                                                                 line):
    response = editor_client.post(f"/incidents/{postmortem.incident_id}/timeline/paste/",
                                 {"paste-lines": f"10:05 kept\n{line}"})
    assert response.status_code in (200, 400)
    content = response.content.decode()
    assert "Line 2:" in content
    assert "out of range (1970" in content or "is not a valid ISO-8601 time" in content


def test_slo_ids_that_are_digits_but_not_numbers_are_ignored(editor_client, postmortem):
    url = f"/slos/incidents/{postmortem.incident_id}/"
    response = editor_client.post(url, {"slos": ["²", "٣", "1" * 40]})
    assert response.status_code == 302
    assert not postmortem.incident.slo_impacts.exists()


def test_nothing_is_added_when_every_pasted_line_is_refused(editor_client, postmortem):
    editor_client.post(f"/incidents/{postmortem.incident_id}/timeline/paste/",
                      {"paste-lines": "9999-12-31T23:59:59-01:00 overflow"})
    assert not TimelineEntry.objects.filter(text="overflow").exists()
