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


GUIDE_TABLE = """| Time | Event |
|------|-------|
| 09:12 | First alert fired |
| 09:15 | On-call acknowledged |
| 09:31 | Root cause identified |
| 09:48 | Fix deployed |
| 09:59 | Service recovered |
"""


def test_the_guides_table_rows_are_read_and_header_rows_skipped():
    parsed, bad = parse_lines(GUIDE_TABLE, DAY)
    assert bad == []
    assert [(p.number, p.at, p.kind, p.text) for p in parsed] == [
        (3, at(9, 12), "alert", "First alert fired"),
        (4, at(9, 15), "acknowledged", "On-call acknowledged"),
        (5, at(9, 31), "root_cause", "Root cause identified"),
        (6, at(9, 48), "fix_deployed", "Fix deployed"),
        (7, at(9, 59), "recovered", "Service recovered"),
    ]


@pytest.mark.parametrize(("line", "when", "kind", "text"), [
    ("- 09:12 - Trigger: bulk price update", at(9, 12), "trigger", "Trigger: bulk price update"),
    ("* 9:12 cache flushed", at(9, 12), "note", "cache flushed"),
    ("[9:12 AM] alice: rolled back", at(9, 12), "note", "alice: rolled back"),
    ("[12:05 PM] bob: mitigated by a flag", at(12, 5), "mitigated", "bob: mitigated by a flag"),
    ("[12:05 AM] night shift", at(0, 5), "note", "night shift"),
    ("| 10:05 | Alert fired | db \\| cache |", at(10, 5), "alert", "db | cache"),
    ("| 10:05 | queue drained | Note |", at(10, 5), "note", "queue drained"),
    ("| 2026-03-05 01:00 | next day |", at(1, 0, day=date(2026, 3, 5)), "note", "next day"),
    ("09:12 UTC pager storm", at(9, 12), "note", "pager storm"),
])
def test_the_usual_pasted_shapes_are_read(line, when, kind, text):
    parsed, bad = parse_lines(line, DAY)
    assert bad == []
    assert [(p.at, p.kind, p.text) for p in parsed] == [(when, kind, text)]


def test_times_without_a_date_roll_over_midnight_when_they_go_backwards():
    parsed, _ = parse_lines("23:50 one\n00:10 two\n| 00:20 | three |\n", DAY)
    next_day = date(2026, 3, 5)
    assert [p.at for p in parsed] == [at(23, 50), at(0, 10, day=next_day),
                                      at(0, 20, day=next_day)]


@pytest.mark.parametrize("line", [
    "9999-12-31T23:59:59Z far future", "0001-01-01 00:00 far past",
    "| 9999-12-31 23:59 | far future in a table |", "9999-12-31T23:59:59-14:00 overflows",
])
def test_extreme_dates_are_refused_per_line(line):
    parsed, bad = parse_lines(f"10:00 fine\n{line}", DAY)
    assert [p.text for p in parsed] == ["fine"]
    assert [(b.number, b.line) for b in bad] == [(2, line)]
    assert "out of range" in bad[0].reason or "not a valid" in bad[0].reason
