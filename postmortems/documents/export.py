"""A postmortem as Markdown, in the standard template's section order, and back.

    # <title>
    **Date:** 2026-03-04 10:00:00 UTC · **Duration:** 1 h 05 min · **Severity:** SEV2 - major
    ## Executive summary
    ## Timeline            (table: Time (UTC) | Kind | Event)
    ## 5 whys              (### Why N: question / answer; "(root cause)" marks the root cause;
                            ### Contributing factors as a list)
    ## Impact              (- Customers affected: … lines, then free text)
    ## Action items        (table: Priority | Action | Owner | Due | Ticket | Status | Addresses)
    ## Quick template      (only when the document has quick-template fields)

import_markdown() reads that text back into a new incident and postmortem, or refuses the whole
file with the line number and the reason (MalformedDocument).
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from postmortems.documents.timeline import kind_from_label, parse_time
from postmortems.durations import span as format_duration
from postmortems.models import (
    ActionItem,
    ContributingFactor,
    Incident,
    Postmortem,
    TimelineEntry,
    Why,
)

NONE = "—"
SEPARATOR = " · "
QUICK_FIELDS = [
    ("what_happened", "What happened"),
    ("trigger", "Trigger"),
    ("detection", "Detection"),
    ("resolution", "Resolution"),
    ("root_cause_sentence", "Root cause"),
    ("immediate_fix", "Immediate fix"),
    ("long_term_fix_ticket", "Long-term fix ticket"),
]
IMPACT_FIELDS = [
    ("customers_affected", "Customers affected"),
    ("impact_minutes", "Duration (minutes)"),
    ("revenue_impact", "Revenue impact"),
    ("support_tickets", "Support tickets"),
]
ACTION_COLUMNS = ["Priority", "Action", "Owner", "Due", "Ticket", "Status", "Addresses"]


# --- Export --------------------------------------------------------------------------------

def cell(text):
    """Text fit for one table cell: pipes escaped, line breaks as <br>."""
    return (text or "").replace("\\", "\\\\").replace("|", "\\|").replace("\r", "").replace(
        "\n", "<br>")


def export_markdown(postmortem):
    incident = postmortem.incident
    lines = [f"# {incident.title}", ""]
    lines.append(SEPARATOR.join([
        f"**Date:** {incident.started_at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC",
        f"**Duration:** {format_duration(incident.duration)}",
        f"**Severity:** {incident.get_severity_display()}",
    ]))
    lines += ["", "## Executive summary", ""]
    if postmortem.executive_summary.strip():
        lines += [postmortem.executive_summary.strip(), ""]

    lines += ["## Timeline", "", "| Time (UTC) | Kind | Event |", "| --- | --- | --- |"]
    for entry in postmortem.timeline.all():
        lines.append(f"| {entry.at.astimezone(UTC):%Y-%m-%d %H:%M:%S} | "
                     f"{entry.get_kind_display()} | {cell(entry.text)} |")
    lines.append("")

    lines += ["## 5 whys", ""]
    whys = list(postmortem.whys.all())
    for why in whys:
        marker = " (root cause)" if why.is_root_cause else ""
        lines += [f"### Why {why.position}{marker}: {one_line(why.question)}", ""]
        if why.answer.strip():
            lines += [why.answer.strip(), ""]
    factors = list(postmortem.factors.all())
    if factors:
        lines += ["### Contributing factors", ""]
        lines += [f"- {one_line(factor.text)}" for factor in factors]
        lines.append("")

    lines += ["## Impact", ""]
    for name, label in IMPACT_FIELDS:
        value = getattr(postmortem, name)
        if value is None:
            continue
        if name == "revenue_impact":
            value = f"{value} {postmortem.revenue_currency}".strip()
        lines.append(f"- {label}: {value}")
    lines.append("")
    if postmortem.impact_notes.strip():
        lines += [postmortem.impact_notes.strip(), ""]

    lines += ["## Action items", "", "| " + " | ".join(ACTION_COLUMNS) + " |",
              "|" + " --- |" * len(ACTION_COLUMNS)]
    positions = {why.pk: why.position for why in whys}
    factor_positions = {factor.pk: index for index, factor in enumerate(factors, start=1)}
    for item in postmortem.incident.action_items.select_related("owner").order_by("pk"):
        owner = f"@{item.owner.get_username()}" if item.owner_id else item.owner_name or NONE
        status = item.get_status_display()
        if item.status == ActionItem.Status.WONT_DO:
            status = f"{status}: {item.wont_do_reason}"
        if item.addresses_why_id in positions:
            addresses = f"Why {positions[item.addresses_why_id]}"
        elif item.addresses_factor_id in factor_positions:
            addresses = f"Factor {factor_positions[item.addresses_factor_id]}"
        else:
            addresses = NONE
        row = [item.priority, item.text, owner, item.due.isoformat() if item.due else NONE,
               item.ticket or NONE, status, addresses]
        lines.append("| " + " | ".join(cell(value) for value in row) + " |")
    lines.append("")

    quick = [(label, getattr(postmortem, name)) for name, label in QUICK_FIELDS]
    if postmortem.template == Postmortem.Template.QUICK or any(value for _, value in quick):
        lines += ["## Quick template", ""]
        lines += [f"- {label}: {cell(value)}" for label, value in quick if value]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def sections_line(text, heading):
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() == heading:
            return number
    return 1


def one_line(text):
    return " ".join((text or "").split())


# --- Import --------------------------------------------------------------------------------

class MalformedDocument(ValueError):
    def __init__(self, line, reason):
        self.line = line
        self.reason = reason
        super().__init__(f"line {line}: {reason}")


@dataclass
class Section:
    title: str
    line: int
    body: list = field(default_factory=list)  # [(line number, text)]

    def text(self):
        return "\n".join(text for _, text in self.body).strip()


SECTION_ORDER = ["Executive summary", "Timeline", "5 whys", "Impact", "Action items",
                 "Quick template"]
REQUIRED_SECTIONS = SECTION_ORDER[:5]
META = re.compile(
    r"^\*\*Date:\*\*\s*(?P<date>[^·]+?)\s*·\s*\*\*Duration:\*\*\s*(?P<duration>[^·]+?)\s*·\s*"
    r"\*\*Severity:\*\*\s*SEV(?P<sev>[1-4])\b"
)
DURATION_PART = re.compile(r"(\d+)\s*(d|h|min|s)\b")
WHY_HEADING = re.compile(r"^### Why (?P<n>\d+)(?P<root> \(root cause\))?:\s*(?P<q>.*)$")


def uncell(text):
    out, i = [], 0
    text = text.replace("<br>", "\n")
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in "\\|":
            out.append(text[i + 1])
            i += 2
            continue
        out.append(text[i])
        i += 1
    return "".join(out)


def split_row(line, number, columns):
    """A Markdown table row → its cells (escaped pipes respected)."""
    stripped = line.strip()
    if not (stripped.startswith("|") and stripped.endswith("|")):
        raise MalformedDocument(number, "A table row must start and end with “|”.")
    cells = re.split(r"(?<!\\)\|", stripped[1:-1])
    # A cell ending in an escaped backslash ("\\|") was split correctly by the look-behind
    # only when the backslash itself is not escaped; re-join those rare cases.
    cells = [uncell(value.strip()) for value in cells]
    if len(cells) != columns:
        raise MalformedDocument(number, f"Expected {columns} cells, found {len(cells)}.")
    return cells


def parse_duration(text, number):
    text = text.strip()
    if text in (NONE, "", "-"):
        return None
    parts = DURATION_PART.findall(text)
    if not parts or DURATION_PART.sub("", text).strip():
        raise MalformedDocument(number, f"Cannot read the duration {text!r} (e.g. 1 h 05 min).")
    unit = {"d": 86400, "h": 3600, "min": 60, "s": 1}
    return timedelta(seconds=sum(int(value) * unit[name] for value, name in parts))


def split_sections(lines):
    if not lines or not lines[0].startswith("# "):
        raise MalformedDocument(1, "The first line must be the title: “# Title”.")
    title = lines[0][2:].strip()
    if not title:
        raise MalformedDocument(1, "The title is empty.")
    meta_line = None
    sections = []
    for number, text in enumerate(lines[1:], start=2):
        # A "## " line starts a section when it names one; inside a section any other "## "
        # line is the author's own sub-heading (e.g. in the executive summary).
        if text.startswith("## ") and (text[3:].strip() in SECTION_ORDER or not sections):
            sections.append(Section(text[3:].strip(), number))
        elif sections:
            sections[-1].body.append((number, text))
        elif text.strip():
            if meta_line is not None:
                raise MalformedDocument(number, "Unexpected text before the first section.")
            meta_line = (number, text.strip())
    titles = [section.title for section in sections]
    for section in sections:
        if section.title not in SECTION_ORDER:
            raise MalformedDocument(section.line, f"Unknown section “{section.title}”.")
    missing = [name for name in REQUIRED_SECTIONS if name not in titles]
    if missing:
        raise MalformedDocument(len(lines), f"Missing section “{missing[0]}”.")
    if titles != sorted(titles, key=SECTION_ORDER.index) or len(set(titles)) != len(titles):
        raise MalformedDocument(sections[0].line, "Sections are out of order or repeated; "
                                "the order is " + ", ".join(SECTION_ORDER) + ".")
    return title, meta_line, {section.title: section for section in sections}


def table_rows(section, columns):
    rows = [(n, t) for n, t in section.body if t.strip()]
    if not rows:
        return []
    header, *rest = rows
    split_row(header[1], header[0], columns)
    if not rest or not re.fullmatch(r"\|(\s*:?-{3,}:?\s*\|)+", rest[0][1].strip()):
        raise MalformedDocument(header[0] + 1, "The table's separator row (| --- |) is missing.")
    return [(number, split_row(text, number, columns)) for number, text in rest[1:]]


def parse_date(text, number):
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise MalformedDocument(number, f"{text!r} is not a date (YYYY-MM-DD).") from None


def choice_value(choices, text, number, what):
    wanted = text.strip().lower()
    for value, label in choices:
        if wanted in (str(value).lower(), label.lower()):
            return value
    raise MalformedDocument(number, f"Unknown {what} “{text}”.")


def parse_document(text):
    """Markdown → a plain dict of everything to create, or MalformedDocument."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, line in enumerate(lines, start=1):
        if "\x00" in line:
            raise MalformedDocument(number, "The line contains a NUL character.")
    title, meta_line, sections = split_sections(lines)
    if meta_line is None:
        raise MalformedDocument(2, "The date/duration/severity line is missing.")
    number, meta_text = meta_line
    meta = META.match(meta_text)
    if not meta:
        raise MalformedDocument(number, "Expected “**Date:** … · **Duration:** … · "
                                "**Severity:** SEVn”.")
    stamp = meta["date"].removesuffix("UTC").strip()
    try:
        started_at = parse_time(stamp, None)
    except ValueError as error:
        raise MalformedDocument(number, str(error)) from None
    doc = {
        "title": title,
        "started_at": started_at,
        "duration": parse_duration(meta["duration"], number),
        "severity": int(meta["sev"]),
        "executive_summary": sections["Executive summary"].text(),
        "timeline": [], "whys": [], "factors": [], "impact": {}, "impact_notes": "",
        "actions": [], "quick": {},
    }

    for number, (when, kind, event) in table_rows(sections["Timeline"], 3):
        try:
            at = parse_time(when.removesuffix("UTC").strip(), started_at.date())
        except ValueError as error:
            raise MalformedDocument(number, str(error)) from None
        kind_value = kind_from_label(kind)
        if kind_value is None:
            raise MalformedDocument(number, f"Unknown timeline kind “{kind}”.")
        if not event.strip():
            raise MalformedDocument(number, "A timeline entry needs text.")
        doc["timeline"].append({"at": at, "kind": kind_value, "text": event})

    current = None
    in_factors = False
    for number, line in sections["5 whys"].body:
        heading = WHY_HEADING.match(line)
        if heading:
            current = {"position": int(heading["n"]), "question": heading["q"].strip(),
                       "is_root_cause": bool(heading["root"]), "answer": []}
            doc["whys"].append(current)
            in_factors = False
        elif line.strip() == "### Contributing factors":
            in_factors, current = True, None
        elif line.startswith("### ") and current is None:
            raise MalformedDocument(number, "Expected “### Why N: question” or "
                                    "“### Contributing factors”.")
        elif in_factors:
            if line.startswith("- "):
                doc["factors"].append(line[2:].strip())
            elif line.strip():
                raise MalformedDocument(number, "Contributing factors are a “- ” list.")
        elif current is not None:
            current["answer"].append(line)
        elif line.strip():
            raise MalformedDocument(number, "Text before the first “### Why 1: …”.")
    for why in doc["whys"]:
        why["answer"] = "\n".join(why["answer"]).strip()
    positions = [why["position"] for why in doc["whys"]]
    if len(set(positions)) != len(positions) or any(p < 1 for p in positions):
        raise MalformedDocument(sections["5 whys"].line, "Why numbers must be distinct, from 1.")
    if sum(why["is_root_cause"] for why in doc["whys"]) > 1:
        raise MalformedDocument(sections["5 whys"].line,
                                "A 5-whys chain has one root cause: mark only one “(root cause)”.")

    labels = {label: name for name, label in IMPACT_FIELDS}
    notes = []
    for number, line in sections["Impact"].body:
        match = re.match(r"^- (?P<label>[^:]+):\s*(?P<value>.*)$", line)
        if match and match["label"] in labels and not notes:
            name, value = labels[match["label"]], match["value"].strip()
            if name == "revenue_impact":
                amount, _, currency = value.partition(" ")
                try:
                    doc["impact"]["revenue_impact"] = Decimal(amount)
                except InvalidOperation:
                    raise MalformedDocument(number, f"{amount!r} is not an amount.") from None
                doc["impact"]["revenue_currency"] = currency.strip()
            else:
                if not value.isdigit():
                    raise MalformedDocument(number, f"{match['label']} must be a whole number.")
                doc["impact"][name] = int(value)
        elif line.strip() or notes:
            notes.append(line)
    doc["impact_notes"] = "\n".join(notes).strip()

    for number, row in table_rows(sections["Action items"], len(ACTION_COLUMNS)):
        priority, text, owner, due, ticket, status, addresses = row
        if not text.strip():
            raise MalformedDocument(number, "An action item needs its action text.")
        status_label, _, reason = status.partition(":")
        item = {
            "line": number,
            "priority": choice_value(ActionItem.Priority.choices, priority, number, "priority"),
            "text": text.strip(),
            "owner": "" if owner.strip() == NONE else owner.strip().removeprefix("@"),
            "due": None if due.strip() == NONE else parse_date(due, number),
            "ticket": "" if ticket.strip() == NONE else ticket.strip(),
            "status": choice_value(ActionItem.Status.choices, status_label, number, "status"),
            "wont_do_reason": reason.strip(),
            "addresses": None,
        }
        if item["status"] == ActionItem.Status.WONT_DO and not item["wont_do_reason"]:
            raise MalformedDocument(number, "“Won't do” needs a reason: “Won't do: reason”.")
        target = re.fullmatch(r"(Why|Factor) (\d+)", addresses.strip())
        if target:
            item["addresses"] = (target[1], int(target[2]))
        elif addresses.strip() != NONE:
            raise MalformedDocument(number, f"Addresses must be “Why N”, “Factor N” or {NONE}.")
        doc["actions"].append(item)

    if "Quick template" in sections:
        quick_labels = {label: name for name, label in QUICK_FIELDS}
        for number, line in sections["Quick template"].body:
            match = re.match(r"^- (?P<label>[^:]+):\s*(?P<value>.*)$", line)
            if match and match["label"] in quick_labels:
                doc["quick"][quick_labels[match["label"]]] = uncell(match["value"].strip())
            elif line.strip():
                raise MalformedDocument(number, "Expected “- Label: value” in the quick template.")
    return doc


@transaction.atomic
def import_markdown(text, owner=None):
    """Create the incident and its postmortem from exported Markdown; returns the incident.
    Owners are matched to users by username; an unknown owner is kept as written (and the
    item counts as orphaned until someone assigns a real user)."""
    doc = parse_document(text)
    started_at = doc["started_at"]
    resolved_at = started_at + doc["duration"] if doc["duration"] is not None else None
    incident = Incident(
        title=doc["title"][:200], severity=doc["severity"], started_at=started_at,
        resolved_at=resolved_at, owner=owner,
        status=Incident.Status.RESOLVED if resolved_at else Incident.Status.OPEN,
    )
    try:
        incident.full_clean()
    except ValidationError as error:
        raise MalformedDocument(2, "; ".join(error.messages)) from None
    incident.save()
    only_quick = doc["quick"] and not (doc["executive_summary"] or doc["whys"])
    template = Postmortem.Template.QUICK if only_quick else Postmortem.Template.STANDARD
    postmortem = Postmortem(incident=incident, template=template, author=owner,
                            executive_summary=doc["executive_summary"],
                            impact_notes=doc["impact_notes"], **doc["impact"], **doc["quick"])
    if "revenue_currency" not in doc["impact"]:
        postmortem.revenue_currency = "USD"
    try:
        postmortem.full_clean(exclude=["incident"])
    except ValidationError as error:
        line = sections_line(text, "## Impact")
        raise MalformedDocument(line, "; ".join(error.messages)) from None
    postmortem.save()
    TimelineEntry.objects.bulk_create(
        TimelineEntry(postmortem=postmortem, **entry) for entry in doc["timeline"])
    whys = {}
    for why in doc["whys"]:
        whys[why["position"]] = Why.objects.create(postmortem=postmortem, **why)
    factors = {}
    for position, text_ in enumerate(doc["factors"], start=1):
        factors[position] = ContributingFactor.objects.create(
            postmortem=postmortem, position=position, text=text_)
    usernames = {item["owner"] for item in doc["actions"] if item["owner"]}
    match_any = Q(pk__in=[])
    for name in usernames:
        match_any |= Q(username__iexact=name)
    users = {user.get_username().lower(): user
             for user in get_user_model().objects.filter(match_any)} if usernames else {}
    for item in doc["actions"]:
        user = users.get(item["owner"].lower()) if item["owner"] else None
        kind, position = item["addresses"] or (None, None)
        target_why = whys.get(position) if kind == "Why" else None
        target_factor = factors.get(position) if kind == "Factor" else None
        if kind and not (target_why or target_factor):
            raise MalformedDocument(item["line"], f"{kind} {position} does not exist.")
        ActionItem.objects.create(
            incident=incident, priority=item["priority"], text=item["text"][:500], owner=user,
            owner_name="" if user else item["owner"], due=item["due"], ticket=item["ticket"],
            status=item["status"], wont_do_reason=item["wont_do_reason"],
            addresses_why=target_why, addresses_factor=target_factor,
        )
    return incident
