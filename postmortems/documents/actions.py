"""Action items: the guide's ``| Priority | Action | Owner | Due | Ticket |`` table (columns
found by name, in any order; ``Status`` and ``Addresses`` may follow), or a plain list of
actions. ``@name`` owners; an empty owner, due date or ticket imports the item and it counts as
orphaned until someone fills it in. Lengths are the model's: too long is refused, never cut.
"""

import re

from postmortems.documents.errors import MalformedDocument
from postmortems.documents.numbers import check_length, parse_day
from postmortems.models import ActionItem

COLUMNS = {
    "priority": ["priority", "pri", "prio", "p"],
    "text": ["action", "action item", "item", "task", "description", "what", "title"],
    "owner": ["owner", "owners", "assignee", "who"],
    "due": ["due", "due date", "deadline", "by", "date", "when"],
    "ticket": ["ticket", "issue", "jira", "link", "tracking", "ticket/issue"],
    "status": ["status", "state"],
    "addresses": ["addresses", "cause", "addresses why"],
}
COLUMN_BY_NAME = {name: key for key, names in COLUMNS.items() for name in names}
EMPTY = {"", "—", "-", "–", "n/a", "tbd", "none", "?"}  # noqa: RUF001
OWNER_EMPTY = EMPTY | {"unassigned", "nobody", "@name"}
DUE_EMPTY = EMPTY | {"date"}
PRIORITY_WORDS = {"critical": "P0", "urgent": "P0", "immediate": "P0", "high": "P0",
                  "medium": "P1", "normal": "P1", "low": "P2"}
TEXT_LENGTH = ActionItem._meta.get_field("text").max_length
OWNER_LENGTH = ActionItem._meta.get_field("owner_name").max_length
TICKET_LENGTH = ActionItem._meta.get_field("ticket").max_length
CHECKBOX = re.compile(r"^\[(?P<done>[ xX])\]\s+")


def choice_value(choices, text, line, what, words=None):
    wanted = text.strip().lower()
    for value, label in choices:
        if wanted in (str(value).lower(), label.lower(), label.lower().split(" ")[0]):
            return value
    if words and wanted in words:
        return words[wanted]
    known = ", ".join(str(value) for value, _ in choices)
    raise MalformedDocument(line, f"Unknown {what} “{text.strip()}”: use one of {known}.")


def new_item(line, text):
    text = text.replace("<br>", "\n").strip()
    if not text:
        raise MalformedDocument(line, "An action item needs its action text.")
    return {"line": line, "text": check_length(text, TEXT_LENGTH, line, "action text"),
            "priority": ActionItem.Priority.P1, "owner": "", "due": None, "ticket": "",
            "status": ActionItem.Status.OPEN, "wont_do_reason": "", "addresses": None,
            "extra": []}


def fill(item, key, value, line):
    value = value.strip()
    if key == "priority" and value.lower() not in EMPTY:
        item["priority"] = choice_value(ActionItem.Priority.choices, value, line, "priority",
                                        PRIORITY_WORDS)
    elif key == "owner" and value.lower() not in OWNER_EMPTY:
        item["owner"] = check_length(value.removeprefix("@"), OWNER_LENGTH, line, "owner")
    elif key == "due" and value.lower() not in DUE_EMPTY:
        item["due"] = parse_day(value, line, "due date")
    elif key == "ticket" and value.lower() not in EMPTY:
        item["ticket"] = check_length(value, TICKET_LENGTH, line, "ticket")
    elif key == "status" and value.lower() not in EMPTY:
        label, _, reason = value.partition(":")
        item["status"] = choice_value(ActionItem.Status.choices, label, line, "status")
        item["wont_do_reason"] = reason.strip()
        if item["status"] == ActionItem.Status.WONT_DO and not item["wont_do_reason"]:
            raise MalformedDocument(line, "“Won't do” needs a reason: “Won't do: reason”.")
    elif key == "addresses" and value.lower() not in EMPTY:
        target = re.fullmatch(r"(Why|Factor)\s*(\d+)", value, re.IGNORECASE)
        if not target:
            raise MalformedDocument(line, "Addresses must be “Why N”, “Factor N” or —.")
        item["addresses"] = (target[1].capitalize(), int(target[2]))


def read_table(block):
    keys = [COLUMN_BY_NAME.get(" ".join(name.lower().split())) for name in block.header]
    if "text" not in keys:
        raise MalformedDocument(block.start, "The action items table needs an “Action” column.")
    items = []
    for line, cells in block.rows:
        if not any(cell.strip() for cell in cells):
            continue
        item = new_item(line, cells[keys.index("text")])
        for key, name, value in zip(keys, block.header, cells, strict=False):
            if key is None:
                if value.strip():
                    item["extra"].append(f"{name}: {value.strip()}")
            elif key != "text":
                fill(item, key, value, line)
        items.append(item)
    return items


def read_actions(source, section):
    """Section → ([item dicts], [blocks kept as written])."""
    items, kept = [], []
    for block in section.blocks if section else []:
        if block.kind == "table":
            items += read_table(block)
        elif block.kind == "list":
            for entry in block.items:
                box = CHECKBOX.match(entry.text)
                item = new_item(entry.line, CHECKBOX.sub("", entry.text))
                if box and box["done"] in "xX":
                    item["status"] = ActionItem.Status.DONE
                items.append(item)
        else:
            kept.append(block)
    return items, kept
