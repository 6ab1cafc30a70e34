"""What needs attention now (the dashboard): how many incidents are open and how many
postmortems are due, how many action items are orphaned and overdue, and the first few of each.

Each is read by the named queryset that holds its rule (Incident.objects.open(),
needing_postmortem(), ActionItem.objects.orphaned(), overdue(), attention_counts), as plain
rows; the number of postmortems due, on PostgreSQL, from the tally the database keeps and the
outages the clock makes due (PostmortemDueTally). Their SQL is made of nothing but the
database and the day (UTC: what is overdue; the clock of an ongoing outage is the
database's), so it is compiled once per day and process
(``statements``) and a request only runs it, all five in one round trip with the page's
other reads (postmortems.statements): compiling these querysets took ~8 of the dashboard's
~19 ms of CPU at 10,000 incidents. The mean times are compiled once too, the start of their
window given when they run.
"""

import functools
from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection
from django.db.models import DateTimeField, F

from postmortems.models import (
    ActionItem,
    ActionItemQuerySet,
    Incident,
    Postmortem,
    PostmortemDueTally,
)
from postmortems.models.actions import count_each_sql, today_utc
from postmortems.people import name_from
from postmortems.statements import Given, Statement, run

LIST_SIZE = 8


@dataclass(frozen=True)
class OpenIncident:
    pk: int
    title: str
    severity: int
    started_at: datetime

    def get_severity_display(self):  # what {% severity_badge %} shows
        return Incident.Severity(self.severity).label


@dataclass(frozen=True)
class DueIncident:
    pk: int
    title: str
    postmortem_state: str | None  # None: not started

    @property
    def postmortem_state_display(self):
        return Postmortem.State(self.postmortem_state).label if self.postmortem_state else None


@dataclass(frozen=True)
class ListedItem:
    """An action item as the dashboard lists it, its flags as with_flags gives them."""
    pk: int
    text: str
    due: date | None
    incident_id: int
    incident_title: str
    orphan_reason: str
    is_orphaned: bool
    is_overdue: bool
    owner_id: int | None = None
    owner_name: str = ""
    owner_username: str = ""
    owner_first_name: str = ""
    owner_last_name: str = ""

    @property
    def owner_display(self):  # ActionItem.owner_display
        if self.owner_id:
            return name_from(self.owner_username, self.owner_first_name, self.owner_last_name)
        return self.owner_name


def _items_listed(items, *fields, **expressions):
    """The columns of ListedItem (the owner's given in ``fields`` and ``expressions``)."""
    return items.values("pk", "text", "due", "incident_id", "orphan_reason", "is_orphaned",
                        "is_overdue", *fields, incident_title=F("incident__title"),
                        **expressions)


@functools.lru_cache(maxsize=2)
def statements(vendor, today):
    """The dashboard's statements for this database vendor and day (see the module): the
    counts, then the open incidents, the postmortems due, the orphaned and the overdue items."""
    items = ActionItem.objects
    if PostmortemDueTally.kept():  # the postmortems due: the tally and those of the clock
        counts = items.attention_parts(today, open=Incident.objects.open(),
                                       due=Incident.objects.due_by_the_clock())
        sql, params = count_each_sql(**counts)
        sql += ", " + PostmortemDueTally.total_sql()
    else:
        counts = items.attention_parts(today, open=Incident.objects.open(),
                                       due=Incident.objects.needing_postmortem())
        sql, params = count_each_sql(**counts)
    owner = {f"owner_{name}": F(f"owner__{name}")
             for name in ("username", "first_name", "last_name")}
    return (
        Statement(sql, tuple(params), dict),
        Statement.of(Incident.objects.open()
                     .values("pk", "title", "severity", "started_at")[:LIST_SIZE], OpenIncident),
        Statement.of(Incident.objects.needing_postmortem()
                     .values("pk", "title", postmortem_state=F("postmortem__state"))
                     [:LIST_SIZE], DueIncident),
        Statement.of(_items_listed(items.orphaned(today))
                     .order_by("incident_id", "pk")[:LIST_SIZE], ListedItem),
        Statement.of(_items_listed(items.overdue(today), "owner_id", "owner_name", **owner)
                     .order_by("due", "pk")[:LIST_SIZE], ListedItem),
    )


def needs_attention():
    """The dashboard's counts and lists (see from_rows), in one query on PostgreSQL (five
    elsewhere)."""
    return from_rows(run(*attention_statements()))


def attention_statements():
    """Today's statements (see ``statements``), for ``run``; from_rows reads their rows."""
    return statements(connection.vendor, today_utc())


def from_rows(results):
    """{"counts": {"open", "due", "orphaned", "overdue"}, "open_incidents", "due",
    "orphans", "overdue"} from the rows of attention_statements, each list at most LIST_SIZE
    long."""
    (counts,), open_incidents, due, orphans, overdue = results
    counts = dict(counts)
    if "due_kept" in counts:  # see PostmortemDueTally
        counts["due"] += counts.pop("due_kept")
        PostmortemDueTally.fold_when_longer(counts.pop("due_tally_rows"))
    return {
        "counts": ActionItemQuerySet.attention_totals(counts),
        "open_incidents": open_incidents,
        "due": due,
        "orphans": orphans,
        "overdue": overdue,
    }


def mean_times_statement(since):
    """Incident.objects.mean_times(since) as a statement (its one row as a dict), compiled once
    per process, ``since`` given when it runs."""
    return _mean_times_statement(connection.vendor).given(since=since)


@functools.lru_cache(maxsize=2)
def _mean_times_statement(vendor):
    return Statement.of(Incident.objects.mean_times_row(Given("since", DateTimeField())), dict)
