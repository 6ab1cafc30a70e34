"""Timeline lines as people paste them, and the timeline section of a document.

A line is one of:

- ``HH:MM[:SS] text`` or ``H:MM AM text`` (UTC, on the incident's start date);
- an ISO-8601 time first (``2026-03-04T10:05:00Z``, ``2026-03-04 10:05``, with or without an
  offset; without one it is UTC);
- a Markdown table row ``| 09:12 | event |`` (the guide's ``| Time | Event |`` table; a third
  cell may name the kind); header and separator rows are skipped;
- a bullet ``- 09:12 - event`` (the quick template's);
- a Slack-style copy ``[9:12 AM] name: text``.

An optional ``[kind]`` follows the time (``[alert]`` or ``[Alert fired]``; ``[detected]``,
``[started]``, ``[resolved]`` or ``[Mitigated (key time)]`` name the incident's key times, kept
on the incident, not as entries); without one the
kind is read from the guide's own event words ("alert fired", "acknowledged", "fix deployed",
…) or is a note. Times without a date take the incident's start date and roll over midnight
when they go backwards. Blank lines are skipped; every other line that cannot be read comes
back with its number and the reason (an impossible or far-away date included), never
silently dropped.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from postmortems.documents.errors import MalformedDocument
from postmortems.documents.numbers import EARLIEST, LATEST
from postmortems.models import TimelineEntry

CLOCK = re.compile(
    r"^\[?(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?(?:\s*(?P<ampm>[AaPp]\.?[Mm]\.?))?\]?"
    r"(?:\s*UTC\b)?(?=\s|$|[-–—:|])"  # noqa: RUF001
)
ISO = re.compile(
    r"^(?P<stamp>\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)"
    r"(?:\s*UTC\b)?(?=\s|$|[-–—|])"  # noqa: RUF001
)
KIND = re.compile(r"^\[(?P<kind>[^\]]+)\]\s*")
SEPARATOR = re.compile(r"^(?:[-–—|:]\s*)")  # noqa: RUF001
BULLET = re.compile(r"^(?:[-*+]|\d{1,3}[.)])\s+")
TABLE_SEPARATOR = re.compile(r"^\|?(\s*:?-{1,}:?\s*\|)+\s*:?-*:?\s*$")
# The guide's own event words, so `| 09:12 | First alert fired |` is an alert.
KIND_WORDS = [
    ("root_cause", re.compile(r"\broot cause (was )?(identified|found)\b", re.IGNORECASE)),
    ("fix_deployed", re.compile(r"\b(fix|patch|hotfix|rollback)\b.*\b(deployed|shipped|rolled "
                                r"out)\b|\bdeployed (a |the )?(fix|patch)\b", re.IGNORECASE)),
    ("alert", re.compile(r"\balerts? (fired|triggered)\b|\bpaged\b", re.IGNORECASE)),
    ("acknowledged", re.compile(r"\backnowledged\b", re.IGNORECASE)),
    ("escalated", re.compile(r"\bescalated\b", re.IGNORECASE)),
    ("mitigated", re.compile(r"\bmitigated\b", re.IGNORECASE)),
    ("recovered", re.compile(r"\b(recovered|back to normal)\b", re.IGNORECASE)),
    ("trigger", re.compile(r"^trigger(ed)?\b", re.IGNORECASE)),
]


@dataclass(frozen=True)
class ParsedLine:
    number: int
    at: datetime
    kind: str
    text: str
    source: str = ""  # the line as pasted


@dataclass(frozen=True)
class BadLine:
    number: int
    line: str
    reason: str


class SkippedLine(Exception):
    """A table's header or separator row: nothing to add, nothing wrong."""


# The incident's key times are rows of the timeline too (see Incident.key_times); a line of
# such a kind sets the incident's field instead of adding an entry. The export marks them
# "Detected (key time)"; "started", "detected" and "resolved" are key times whatever the mark.
KEY_PREFIX = "key:"
KEY_LABEL = re.compile(r"^(?P<word>started|detected|acknowledged|mitigated|resolved)\s*"
                       r"\(key time\)$", re.IGNORECASE)
KEY_ONLY = {"started", "detected", "resolved"}


def key_time_name(kind):
    """'key:detected_at' → 'detected_at'; None for an entry's kind."""
    return kind[len(KEY_PREFIX):] if kind.startswith(KEY_PREFIX) else None


def entries_of(lines):
    """The lines that are timeline entries. A key-time line sets the incident's field; what
    it says besides (``09:59 [resolved] Service recovered``) is kept as an entry at the same
    time, its kind read from its words, so no typed word is dropped."""
    entries = []
    for line in lines:
        if not key_time_name(line.kind):
            entries.append(line)
        elif line.text.strip() not in ("", "—", "-"):
            entries.append(ParsedLine(line.number, line.at, kind_from_words(line.text),
                                      line.text, line.source))
    return entries


def kind_from_label(label):
    """An entry's kind, a key time ('key:detected_at'), or None."""
    key = KEY_LABEL.match(label.strip())
    if key:
        return f"{KEY_PREFIX}{key['word'].lower()}_at"
    wanted = label.strip().lower().replace(" ", "_")
    for value, display in TimelineEntry.Kind.choices:
        if wanted in (value, display.lower().replace(" ", "_")):
            return value
    if wanted in KEY_ONLY:
        return f"{KEY_PREFIX}{wanted}_at"
    return None


def kind_from_words(text):
    for kind, pattern in KIND_WORDS:
        if pattern.search(text):
            return kind
    return TimelineEntry.Kind.NOTE


def in_range(moment, token):
    if not EARLIEST <= moment.date() <= LATEST:
        raise ValueError(f"{token} is out of range ({EARLIEST.year}–{LATEST.year}).")  # noqa: RUF001
    return moment


def parse_time(token, on_date):
    """A time token (clock or ISO-8601) → aware UTC datetime, to the second. Raises ValueError
    with a reason."""
    token = token.strip()
    clock = CLOCK.match(token)
    if clock:
        hour, minute, second = (int(clock["h"]), int(clock["m"]), int(clock["s"] or 0))
        if clock["ampm"]:
            if not 1 <= hour <= 12:
                raise ValueError(f"{token} is not a time of day (1:00 to 12:59 AM/PM).")
            hour = hour % 12 + (12 if clock["ampm"][0] in "Pp" else 0)
        if hour > 23 or minute > 59 or second > 59:
            raise ValueError(f"{token} is not a time of day (HH:MM or HH:MM:SS, 00:00–23:59).")  # noqa: RUF001
        if on_date is None:
            raise ValueError("A time without a date needs the document's date.")
        return in_range(datetime.combine(on_date, time(hour, minute, second), tzinfo=UTC), token)
    stamp = token.removesuffix("UTC").strip().replace("Z", "+00:00")
    if re.search(r"[+-]\d{4}$", stamp):
        stamp = f"{stamp[:-2]}:{stamp[-2:]}"
    try:
        parsed = datetime.fromisoformat(stamp)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        parsed = parsed.astimezone(UTC).replace(microsecond=0)
    except (ValueError, OverflowError):
        raise ValueError(f"{token} is not a valid ISO-8601 time.") from None
    return in_range(parsed, token)


def table_cells(line):
    """'| a | b \\| c |' → ['a', 'b | c']."""
    inner = line.strip().removeprefix("|").removesuffix("|")
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", inner)]


def from_cells(cells, on_date):
    """Table cells (time, event[, kind]) or (time, kind, event) → (at, dated, kind, text)."""
    if len(cells) < 2:
        raise ValueError("A table row needs a time and an event.")
    when, *rest = cells
    if not (ISO.match(when) or CLOCK.match(when)):
        raise SkippedLine if not any(char.isdigit() for char in when) else ValueError(
            f"“{when}” is not a time (HH:MM[:SS] or ISO-8601).")
    kind = None
    if len(rest) >= 2 and kind_from_label(rest[-1]):
        kind, rest = kind_from_label(rest[-1]), rest[:-1]
    elif len(rest) >= 2 and kind_from_label(rest[0]):
        kind, rest = kind_from_label(rest[0]), rest[1:]
    text = " — ".join(part for part in rest if part).replace("<br>", "\n")
    return read_after_time(f"{when} {text}", on_date, kind)


TIME_COLUMNS = {"time", "when", "timestamp", "at", "date"}
KIND_COLUMNS = {"kind", "type", "category"}


def column_roles(header):
    """A timeline table's header → (time column, kind column or None, the others), or None
    when no column is a time (then the cells are read by shape, as pasted rows are)."""
    names = [re.sub(r"\s*\(.*\)$", "", name.strip().lower()) for name in header]
    times = [n for n, name in enumerate(names) if name in TIME_COLUMNS]
    if not times:
        return None
    kinds = [n for n, name in enumerate(names) if name in KIND_COLUMNS]
    kind = kinds[0] if kinds else None
    return times[0], kind, [n for n in range(len(names)) if n not in (times[0], kind)]


def from_columns(cells, roles, on_date):
    when, kind_column, others = roles
    label = cells[kind_column].strip() if kind_column is not None else ""
    kind = kind_from_label(label) if label else None
    if label and kind is None:
        raise ValueError(f"Unknown timeline kind “{label}”.")
    text = " — ".join(cells[n] for n in others if cells[n]).replace("<br>", "\n")
    return read_after_time(f"{cells[when]} {text}", on_date, kind)


def read_after_time(stripped, on_date, known_kind=None):
    match = ISO.match(stripped) or CLOCK.match(stripped)
    if not match:
        raise ValueError("It does not start with a time (HH:MM[:SS] or ISO-8601).")
    at = parse_time(match.group(0).strip("[]"), on_date)
    rest = SEPARATOR.sub("", stripped[match.end():].strip()).strip()
    kind = known_kind
    kind_match = KIND.match(rest)
    if kind_match:
        kind = kind_from_label(kind_match["kind"])
        if kind is None:
            known = ", ".join(value for value, _ in TimelineEntry.Kind.choices)
            raise ValueError(f"Unknown kind [{kind_match['kind']}]; use one of {known}.")
        rest = rest[kind_match.end():]
    rest = rest.strip()
    if not rest and not (kind and key_time_name(kind)):
        raise ValueError("The line has a time but no text.")
    return at, bool(ISO.match(stripped)), kind or kind_from_words(rest), rest


def parse_line(line, on_date):
    """One line → (at, dated, kind, text). Raises ValueError with the reason, or SkippedLine
    for a table's header and separator rows."""
    stripped = line.strip()
    if stripped.startswith("|"):
        if TABLE_SEPARATOR.match(stripped):
            raise SkippedLine
        return from_cells(table_cells(stripped), on_date)
    return read_after_time(BULLET.sub("", stripped, count=1), on_date)


class Clock:
    """Dateless times on the start date, rolling over midnight when they go backwards."""

    def __init__(self):
        self.days = 0
        self.last = None

    def place(self, at, dated):
        if dated:
            return at
        at += timedelta(days=self.days)
        if self.last is not None and at < self.last:
            self.days += 1
            at += timedelta(days=1)
        self.last = at
        return in_range(at, f"{at:%Y-%m-%d}")


def parse_lines(text, on_date: date | None):
    """All lines of ``text`` → ([ParsedLine], [BadLine])."""
    parsed, bad, clock = [], [], Clock()
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            at, dated, kind, body = parse_line(line, on_date)
            at = clock.place(at, dated)
        except SkippedLine:
            continue
        except ValueError as error:
            bad.append(BadLine(number, line, str(error)))
        else:
            parsed.append(ParsedLine(number, at, kind, body, line))
    return parsed, bad


def read_timeline_section(section, on_date):
    """A document's timeline section (a table, a list, or lines) → [ParsedLine]; anything
    else in it comes back as blocks to keep. A row that cannot be read refuses the document."""
    entries, kept, clock = [], [], Clock()

    def add(number, reader):
        try:
            at, dated, kind, body = reader()
            entries.append(ParsedLine(number, clock.place(at, dated), kind, body))
        except SkippedLine:
            pass
        except ValueError as error:
            raise MalformedDocument(number, str(error)) from None

    for block in section.blocks:
        if block.kind == "table":
            roles = column_roles(block.header)
            for number, cells in block.rows:
                add(number, lambda cells=cells, roles=roles: from_columns(cells, roles, on_date)
                    if roles
                    else from_cells(cells, on_date))
        elif block.kind == "list":
            for item in block.items:
                add(item.line, lambda item=item: read_after_time(
                    item.text.replace("<br>", "\n"), on_date))  # a line break, as in tables
        elif block.kind == "paragraph" and (ISO.match(block.text) or CLOCK.match(block.text)):
            for offset, line in enumerate(block.text.split("\n")):
                add(block.start + offset, lambda line=line: parse_line(line, on_date))
        else:
            kept.append(block)
    return entries, kept
