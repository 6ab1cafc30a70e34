"""The title line and the line under it: ``# Postmortem: Title`` and
``**Date**: 2026-03-04 | **Duration**: 45 min | **Severity**: SEV2`` (the guide's), or
``**Date:** 2026-03-04 10:00:00 UTC · **Duration:** 1 h 05 min · **Severity:** SEV2`` (the
app's earlier export), or the same items on lines of their own or as a list.
"""

import re
from dataclasses import dataclass, field

from postmortems.documents.errors import MalformedDocument
from postmortems.documents.numbers import check_length, parse_day, parse_duration
from postmortems.documents.timeline import ISO, parse_time

TITLE_PREFIX = re.compile(r"^(?P<quick>quick\s+)?(incident\s+)?post[- ]?mortem\s*[:–—-]\s*",  # noqa: RUF001
                          re.IGNORECASE)
ITEM = re.compile(r"^(?P<label>[A-Za-z][A-Za-z ]{0,30}?)\s*:\s*(?P<value>.*)$")
SEVERITY = re.compile(r"^(?:sev(?:erity)?)?\s*-?\s*(?P<n>[1-4])\b", re.IGNORECASE)
LABELS = {"date": "date", "started": "date", "start": "date", "when": "date",
          "duration": "duration", "severity": "severity", "sev": "severity"}
TITLE_LENGTH = 200  # Incident.title


@dataclass
class Meta:
    title: str
    quick: bool
    day: object = None  # a date when only the date was given
    started_at: object = None  # an aware datetime when the time was given
    duration: object = None
    severity: int | None = None
    line: int = 2
    others: list = field(default_factory=list)  # Markdown of anything else there, kept


def read_title(text, line):
    match = TITLE_PREFIX.match(text)
    title = text[match.end():].strip() if match else text.strip()
    if not title:
        raise MalformedDocument(line, "The title is empty.")
    check_length(title, TITLE_LENGTH, line, "title")
    return title, bool(match and match["quick"])


def items_of(block):
    """A paragraph or list → [(line, 'Label: value')] with bold markers removed."""
    if block.kind == "list":
        pieces = [(item.line, item.text) for item in block.items]
    elif block.kind == "paragraph":
        pieces = [(block.start + n, text) for n, text in enumerate(block.text.split("\n"))]
    else:
        return []
    found = []
    for line, text in pieces:
        for part in re.split(r"\s+[|·]\s+|\s*\|\s*|\s+·\s*", text):
            part = re.sub(r"\*\*|__", "", part).strip()
            if part:
                found.append((line, part))
    return found


def read_meta(outline, source):
    title, quick = read_title(outline.title, outline.title_line)
    first = outline.head[0].start if outline.head else outline.title_line + 1
    meta = Meta(title, quick, line=first)
    for block in outline.head:
        parts = []
        for line, part in items_of(block):
            match = ITEM.match(part)
            label = LABELS.get(match["label"].strip().lower()) if match else None
            parts.append((line, part, label, match["value"].strip() if match else ""))
        if not any(label for _, _, label, _ in parts):
            meta.others.append(source.text(block.start, block.end))  # kept as written
            continue
        for line, part, label, value in parts:
            if label:
                read_item(meta, label, value, line)
            else:
                meta.others.append(f"- {part}")
    if meta.day is None and meta.started_at is None:
        raise MalformedDocument(meta.line, "The date is missing: "
                                "“**Date**: YYYY-MM-DD | **Duration**: 45 min | "
                                "**Severity**: SEV2” under the title.")
    if meta.severity is None:
        raise MalformedDocument(meta.line, "The severity is missing (e.g. **Severity**: SEV2).")
    return meta


def read_item(meta, label, value, line):
    meta.line = line
    if label == "date":
        value = value.removesuffix("UTC").strip()
        if ISO.match(value) or "T" in value or ":" in value:
            try:
                meta.started_at = parse_time(value, None)
            except ValueError as error:
                raise MalformedDocument(line, str(error)) from None
        else:
            meta.day = parse_day(value, line)
    elif label == "duration":
        if value not in ("", "—", "-", "ongoing"):
            meta.duration = parse_duration(value, line)
    else:
        match = SEVERITY.match(value)
        if not match:
            raise MalformedDocument(line, f"Unknown severity “{value}”: write SEV1 to SEV4.")
        meta.severity = int(match["n"])
