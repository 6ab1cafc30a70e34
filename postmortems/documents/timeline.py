"""Pasted timeline lines → timeline entries.

Each line is ``HH:MM[:SS] text`` (the time is UTC, on the document's date) or starts with an
ISO-8601 time (``2026-03-04T10:05:00Z``, ``2026-03-04 10:05``, with or without an offset;
without one it is UTC). An optional ``[kind]`` follows the time (``[alert]`` or
``[Alert fired]``). Blank lines are skipped; every other line that cannot be read comes back as
an error with its line number and the reason, never silently dropped.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from postmortems.models import TimelineEntry

CLOCK = re.compile(r"^(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?(?=\s|$)")
ISO = re.compile(
    r"^(?P<stamp>\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)"
    r"(?=\s|$)"
)
KIND = re.compile(r"^\[(?P<kind>[^\]]+)\]\s*")
SEPARATOR = re.compile(r"^(?:[-–—|:]\s+)")  # noqa: RUF001


@dataclass(frozen=True)
class ParsedLine:
    number: int
    at: datetime
    kind: str
    text: str


@dataclass(frozen=True)
class BadLine:
    number: int
    line: str
    reason: str


def kind_from_label(label):
    wanted = label.strip().lower().replace(" ", "_")
    for value, display in TimelineEntry.Kind.choices:
        if wanted in (value, display.lower().replace(" ", "_")):
            return value
    return None


def parse_time(token, on_date):
    """A time token (clock or ISO-8601) → aware UTC datetime, to the second. Raises ValueError
    with a reason."""
    clock = CLOCK.match(token)
    if clock:
        hour, minute, second = (int(clock["h"]), int(clock["m"]), int(clock["s"] or 0))
        if hour > 23 or minute > 59 or second > 59:
            raise ValueError(f"{token} is not a time of day (HH:MM or HH:MM:SS, 00:00–23:59).")  # noqa: RUF001
        if on_date is None:
            raise ValueError("A time without a date needs the document's date.")
        return datetime.combine(on_date, time(hour, minute, second), tzinfo=UTC)
    stamp = token.replace("Z", "+00:00")
    if re.search(r"[+-]\d{4}$", stamp):
        stamp = f"{stamp[:-2]}:{stamp[-2:]}"
    try:
        parsed = datetime.fromisoformat(stamp)
    except ValueError:
        raise ValueError(f"{token} is not a valid ISO-8601 time.") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).replace(microsecond=0)


def parse_line(line, on_date):
    """One line → (at, kind, text). Raises ValueError with the reason."""
    stripped = line.strip()
    match = ISO.match(stripped) or CLOCK.match(stripped)
    if not match:
        raise ValueError("It does not start with a time (HH:MM[:SS] or ISO-8601).")
    at = parse_time(match.group(0), on_date)
    rest = stripped[match.end():].strip()
    rest = SEPARATOR.sub("", rest)
    kind = TimelineEntry.Kind.NOTE
    kind_match = KIND.match(rest)
    if kind_match:
        found = kind_from_label(kind_match["kind"])
        if found is None:
            known = ", ".join(value for value, _ in TimelineEntry.Kind.choices)
            raise ValueError(f"Unknown kind [{kind_match['kind']}]; use one of {known}.")
        kind = found
        rest = rest[kind_match.end():]
    if not rest.strip():
        raise ValueError("The line has a time but no text.")
    return at, kind, rest.strip()


def parse_lines(text, on_date: date | None):
    """All lines of ``text`` → ([ParsedLine], [BadLine])."""
    parsed, bad = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            at, kind, body = parse_line(line, on_date)
        except ValueError as error:
            bad.append(BadLine(number, line, str(error)))
        else:
            parsed.append(ParsedLine(number, at, kind, body))
    return parsed, bad
