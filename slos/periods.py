"""Calendar periods of calendar-aligned SLOs, in UTC: pure functions, no ORM and no I/O.

* ``monthly``: the calendar month, from the 1st 00:00 UTC to the next 1st;
* ``weekly``: the ISO week, from Monday 00:00 UTC to the next Monday (ISO week numbers: the
  week holding the year's first Thursday is week 1).

A calendar SLO is measured over its current period so far (month to date); the alert factors use
a nominal period length (``NOMINAL_DAYS``: 30 days for a month, as the SRE workbook's factors
14.4/6/1 assume, so the rules file does not change from one month to the next).
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

MONTHLY = "monthly"
WEEKLY = "weekly"
KINDS = (MONTHLY, WEEKLY)
NOMINAL_DAYS = {MONTHLY: 30, WEEKLY: 7}
LONGEST_DAYS = {MONTHLY: 31, WEEKLY: 7}
# The shortest range a period-to-date query reads (the first minute of a period reads the
# minute before it rather than an empty range).
MIN_RANGE_SECONDS = 60

_MONTH = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime
    end: datetime

    @property
    def seconds(self):
        return int((self.end - self.start).total_seconds())

    @property
    def days(self):
        return self.seconds // 86400

    def elapsed_seconds(self, at):
        """Seconds of the period gone at ``at`` (0 before it, the whole period after it)."""
        return int(min(max((at - self.start).total_seconds(), 0), self.seconds))

    def range_seconds(self, at):
        """The range of a period-to-date query at ``at``: the elapsed seconds, at least
        MIN_RANGE_SECONDS."""
        return max(MIN_RANGE_SECONDS, self.elapsed_seconds(at))

    def day(self, at):
        """The day of the period ``at`` falls in, 1-based."""
        return min(self.days, self.elapsed_seconds(at) // 86400 + 1)

    def contains(self, at):
        return self.start <= at < self.end

    @property
    def name(self):
        """"November 2026" or "week 48 of 2026"."""
        if self.kind == MONTHLY:
            return f"{self.start:%B %Y}"
        year, week, _ = self.start.isocalendar()
        return f"week {week} of {year}"

    @property
    def key(self):
        """"2026-11" or "2026-W48": the period in URLs and files."""
        if self.kind == MONTHLY:
            return f"{self.start:%Y-%m}"
        year, week, _ = self.start.isocalendar()
        return f"{year}-W{week:02d}"

    def label(self, at):
        """"November 2026 (day 30 of 30)", "week 48 of 2026 (day 1 of 7)"."""
        return f"{self.name} (day {self.day(at)} of {self.days})"

    def previous(self):
        return containing(self.kind, self.start - timedelta(seconds=1))

    def next(self):
        return containing(self.kind, self.end)


def containing(kind, at):
    """The period of ``kind`` that holds the instant ``at`` (aware)."""
    at = at.astimezone(UTC)
    if kind == MONTHLY:
        return month(at.year, at.month)
    if kind == WEEKLY:
        monday = datetime(at.year, at.month, at.day, tzinfo=UTC) - timedelta(days=at.weekday())
        return Period(WEEKLY, monday, monday + timedelta(days=7))
    raise ValueError(f"{kind!r} is not a calendar period (monthly or weekly)")


def month(year, number):
    start = datetime(year, number, 1, tzinfo=UTC)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=UTC)
    return Period(MONTHLY, start, end)


def parse_month(text):
    """"2026-11" -> the month; ValueError with a readable message otherwise."""
    match = _MONTH.match(str(text or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or not 1970 <= int(match.group(1)) <= 9998:
        raise ValueError(f"{str(text)[:20]!r} is not a month like 2026-11")
    return month(int(match.group(1)), int(match.group(2)))


def month_of(day):
    """The month of a date or datetime."""
    return month(day.year, day.month)


def as_date(period):
    """The first day of the period, as a date (the stored key of a monthly result)."""
    return date(period.start.year, period.start.month, period.start.day)
