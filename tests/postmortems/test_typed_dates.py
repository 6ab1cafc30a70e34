"""Dates are typed, not picked: a due date (and the incident list's date filters) read
YYYY-MM-DD and the forms people type, in UTC, and refuse anything else with the reason."""

from datetime import UTC, date, datetime

import pytest

from postmortems.dates import parse_date
from postmortems.forms import ActionItemForm
from tests import factories

TODAY = date(2026, 11, 30)


@pytest.mark.parametrize(("typed", "expected"), [
    ("2026-12-15", date(2026, 12, 15)),
    (" 2026/12/5 ", date(2026, 12, 5)),
    ("15 Dec", date(2026, 12, 15)),
    ("15 december", date(2026, 12, 15)),
    ("Dec 15", date(2026, 12, 15)),
    ("dec. 15th, 2027", date(2027, 12, 15)),
    ("1 Nov", date(2027, 11, 1)),  # already past this year: next year's
    ("30 Nov", TODAY),
    ("29 Feb", date(2028, 2, 29)),
    ("15 Jan 2026", date(2026, 1, 15)),
    ("today", TODAY),
    ("Tomorrow", date(2026, 12, 1)),
    ("+7d", date(2026, 12, 7)),
    ("+ 2w", date(2026, 12, 14)),
    ("in 3 days", date(2026, 12, 3)),
    ("in 1 week", date(2026, 12, 7)),
    ("next week", date(2026, 12, 7)),
])
def test_it_reads_the_forms_people_type(typed, expected):
    assert parse_date(typed, TODAY) == expected


@pytest.mark.parametrize(("typed", "reason"), [
    ("2026-13-45", "there is no day 45 in month 13 of 2026"),
    ("2026-02-30", "there is no day 30 in month 2 of 2026"),
    ("31 Apr", "there is no day 31 in month 4"),
    ("15 Decembre", "“decembre” is not a month"),
    ("0001-01-01", "the year 1 is outside 1970 to 2100"),
    ("+9999w", "outside 1970 to 2100"),
    ("soon", "“soon” is not a date"),
    ("12/15/2026", "is not a date"),
])
def test_it_refuses_anything_else_with_the_reason(typed, reason):
    with pytest.raises(ValueError, match=reason):
        parse_date(typed, TODAY)


@pytest.mark.django_db
def test_the_due_date_is_a_text_input_showing_the_format(editor):
    form = ActionItemForm(prefix="action", incident=factories.incident(owner=editor))
    html = str(form["due"])
    assert 'type="text"' in html
    assert 'placeholder="YYYY-MM-DD"' in html


@pytest.mark.django_db
def test_a_typed_due_date_is_read_in_utc_and_a_bad_one_says_what_to_type(
        editor, time_machine):
    time_machine.move_to("2026-11-30 23:30:00+00:00")
    incident = factories.incident(owner=editor)
    data = {"action-priority": "P1", "action-text": "Pin the pool size",
            "action-status": "open", "action-ticket": "OPS-1"}
    form = ActionItemForm({**data, "action-due": "+7d"}, prefix="action", incident=incident)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["due"] == date(2026, 12, 7)
    form = ActionItemForm({**data, "action-due": "next tuesday"}, prefix="action",
                          incident=incident)
    assert form.errors["due"] == [
        "Enter a date as YYYY-MM-DD (or 15 Dec, +7d, next week): “next tuesday” is not a date."]


@pytest.mark.django_db
def test_the_incident_list_filters_read_typed_dates(editor_client):
    factories.incident(title="early", started_at=datetime(2026, 1, 10, 10, tzinfo=UTC))
    factories.incident(title="late", started_at=datetime(2026, 3, 10, 10, tzinfo=UTC))
    response = editor_client.get("/incidents/?started_from=2026/02/01")
    assert [incident.title for incident in response.context["page"]] == ["late"]
