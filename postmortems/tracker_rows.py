"""The action tracker's rows (/actions/) as plain values: what the action items table
(templatetags/action_items.py) reads of an item of ActionItemQuerySet.for_table, under the
same names, so one page is one query's rows and no model objects (50 items, their incidents,
owners and tickets: ~150 objects a page)."""

from dataclasses import dataclass
from datetime import date

from postmortems.statements import Statement
from trackers.models import TicketLink


@dataclass(frozen=True)
class RowIncident:
    title: str
    owner_id: int | None


@dataclass(frozen=True)
class RowOwner:
    username: str
    first_name: str
    last_name: str
    is_active: bool

    def get_username(self):  # as a user's, for people.display_name
        return self.username


@dataclass(frozen=True)
class TrackerRow:
    pk: int
    incident_id: int
    priority: str
    text: str
    owner_id: int | None
    owner_name: str
    due: date | None
    ticket: str
    status: str
    wont_do_reason: str
    addresses_why_id: int | None
    addresses_factor_id: int | None
    orphan_reason: str
    is_orphaned: bool
    is_overdue: bool
    trackers_on: bool
    cause_position: int | None
    cause_text: str | None
    incident: RowIncident
    owner: RowOwner | None
    linked_ticket: TicketLink | None  # unsaved, with the columns the row shows


FIELDS = ("pk", "incident_id", "priority", "text", "owner_id", "owner_name", "due", "ticket",
          "status", "wont_do_reason", "addresses_why_id", "addresses_factor_id",
          "orphan_reason", "is_orphaned", "is_overdue", "trackers_on", "cause_position",
          "cause_text")
RELATED = {"incident": ("title", "owner_id"),
           "owner": ("username", "first_name", "last_name", "is_active"),
           "ticket_link": ("id", "key", "url", "state", "state_name", "synced_at", "last_error",
                           "created_at")}


def statement(items):
    """``items`` (ActionItemQuerySet.for_table with the incident, filtered, ordered and
    sliced) as a statement (statements.Statement) whose rows are TrackerRows."""
    return Statement.of(items.values(*FIELDS, *(f"{relation}__{name}"
                                               for relation, names in RELATED.items()
                                               for name in names)), _row)


_LINK_COLUMNS = tuple((name, f"ticket_link__{name}") for name in RELATED["ticket_link"])


def _row(**columns):
    owner_id = columns["owner_id"]
    return TrackerRow(
        *[columns[name] for name in FIELDS],
        incident=RowIncident(columns["incident__title"], columns["incident__owner_id"]),
        owner=RowOwner(columns["owner__username"], columns["owner__first_name"],
                       columns["owner__last_name"], columns["owner__is_active"])
        if owner_id else None,
        linked_ticket=TicketLink(item_id=columns["pk"], **{
            name: columns[column] for name, column in _LINK_COLUMNS})
        if columns["ticket_link__id"] else None,
    )
