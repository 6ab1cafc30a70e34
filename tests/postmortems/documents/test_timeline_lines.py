"""Pasted timeline lines are parsed; bad lines come back with the reason."""

from datetime import UTC, date, datetime

import pytest

from postmortems.documents.timeline import parse_lines

DAY = date(2026, 3, 4)


def at(h, m, s=0, day=DAY):
    return datetime(day.year, day.month, day.day, h, m, s, tzinfo=UTC)


@pytest.mark.parametrize(("line", "when", "kind", "text"), [
    ("10:05 Alert fired for checkout", at(10, 5), "alert", "Alert fired for checkout"),
    ("09:07:33 Paged DB on-call", at(9, 7, 33), "alert", "Paged DB on-call"),
    ("09:07 Cache warmed", at(9, 7), "note", "Cache warmed"),
    ("7:02 - rollback started", at(7, 2), "note", "rollback started"),
    ("10:05 [alert] 5xx above 2%", at(10, 5), "alert", "5xx above 2%"),
    ("10:05 [Fix deployed] v42.1", at(10, 5), "fix_deployed", "v42.1"),
    ("2026-03-05T01:02:03Z Recovered", at(1, 2, 3, date(2026, 3, 5)), "recovered",
     "Recovered"),
    ("2026-03-04 10:05 Cache flushed", at(10, 5), "note", "Cache flushed"),
    ("2026-03-04T12:05:00+02:00 In Paris time", at(10, 5), "note", "In Paris time"),
    ("2026-03-04T10:05:00.750Z Fraction dropped", at(10, 5), "note", "Fraction dropped"),
])
def test_good_lines_are_parsed_as_utc(line, when, kind, text):
    parsed, bad = parse_lines(line, DAY)
    assert bad == []
    assert [(p.at, p.kind, p.text) for p in parsed] == [(when, kind, text)]


@pytest.mark.parametrize(("line", "reason"), [
    ("Alert fired", "It does not start with a time"),
    ("25:00 too late", "is not a time of day"),
    ("10:61 bad minute", "is not a time of day"),
    ("10:05", "no text"),
    ("2026-02-30T10:00:00Z no such day", "not a valid ISO-8601 time"),
    ("10:05 [party] unknown kind", "Unknown kind [party]"),
])
def test_bad_lines_are_shown_back_with_the_reason(line, reason):
    parsed, bad = parse_lines(line, DAY)
    assert parsed == []
    assert len(bad) == 1
    assert bad[0].line == line
    assert reason in bad[0].reason


def test_a_paste_keeps_good_lines_and_reports_bad_ones_by_number():
    parsed, bad = parse_lines("10:00 one\n\nnot a line\n10:10 two\n", DAY)
    assert [p.text for p in parsed] == ["one", "two"]
    assert [(b.number, b.line) for b in bad] == [(3, "not a line")]
