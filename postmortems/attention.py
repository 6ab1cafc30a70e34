"""What needs attention now (the dashboard): how many incidents are open and how many
postmortems are due, how many action items are orphaned and overdue, and the first few of each.

Each is read by the named queryset that holds its rule (Incident.objects.open(),
needing_postmortem(), ActionItem.objects.orphaned(), overdue(), attention_counts), as plain
rows. Their SQL is made of nothing but the database and the day (UTC: what is overdue; the
clock of an ongoing outage is the database's), so it is compiled once per day and process
(``statements``) and a request only runs it, all five in one round trip (``run``):
compiling these querysets took ~8 of the dashboard's ~19 ms of CPU at 10,000 incidents.
"""

import functools
from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection
from django.db.models import F

from postmortems.models import ActionItem, ActionItemQuerySet, Incident, Postmortem
from postmortems.models.actions import count_each_sql, today_utc
from postmortems.people import name_from

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


@dataclass(frozen=True)
class Statement:
    """SQL and its parameters, compiled once, and what each of its rows is read as:
    ``row_class`` called with the columns by name (a values() queryset's SQL names each)."""
    sql: str
    params: tuple
    row_class: type

    @classmethod
    def of(cls, queryset, row_class):
        sql, params = queryset.query.sql_with_params()
        return cls(sql, tuple(params), row_class)

    def read(self, cursor):
        names = [column[0] for column in cursor.description]
        return [self.row_class(**dict(zip(names, row, strict=True)))
                for row in cursor.fetchall()]


def run(statements):
    """The rows of each statement, in one round trip on PostgreSQL: Django's psycopg cursor
    (client-side binding) sends them as one simple query, and each gives a result set; one
    by one elsewhere (SQLite runs a statement at a time)."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            results = []
            for statement in statements:
                cursor.execute(statement.sql, statement.params)
                results.append(statement.read(cursor))
            return results
        cursor.execute(";\n".join(statement.sql for statement in statements),
                       [param for statement in statements for param in statement.params])
        results = [statements[0].read(cursor)]
        for statement in statements[1:]:
            cursor.nextset()
            results.append(statement.read(cursor))
        return results


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
    """The dashboard's counts and lists: {"counts": {"open", "due", "orphaned", "overdue"},
    "open_incidents", "due", "orphans", "overdue"}, each list at most LIST_SIZE long, in one
    query on PostgreSQL (five elsewhere)."""
    (counts,), open_incidents, due, orphans, overdue = run(
        statements(connection.vendor, today_utc()))
    return {
        "counts": ActionItemQuerySet.attention_totals(counts),
        "open_incidents": open_incidents,
        "due": due,
        "orphans": orphans,
        "overdue": overdue,
    }
