"""Recurring root causes (the dashboard): each root cause with the other incidents whose root
causes look like it (PostgreSQL trigram similarity; a difflib match elsewhere, e.g. the SQLite
demo), and the services that keep having incidents.

Nothing here compares every cause with every other: each why's links to its LINKS_PER_CAUSE
closest root causes of other incidents (RecurringCauseLink, found through the trigram GiST
index) are stored when a why is saved (a Celery task after commit; `manage.py
link_recurring_causes` for all of them), and the dashboard reads RecurringCause, each root
cause with the other incidents its links reach. The editor's similar incidents are
postmortems.similar.
"""

import functools
import json
from dataclasses import dataclass
from datetime import timedelta
from difflib import SequenceMatcher

from django.db import connection, transaction
from django.db.models import Count, DateTimeField
from django.utils import timezone

from postmortems.models import Incident, IncidentServiceStart, Service, Why
from postmortems.similar import THRESHOLD
from postmortems.statements import Given, Statement, run

LINKS_PER_CAUSE = 20

@dataclass(frozen=True)
class RecurringIncident:
    """An incident as the dashboard's recurring causes show it: number and title (read as
    values: ~100 of them, not model objects)."""
    pk: int
    title: str


# --- stored links between root causes (the dashboard) ----------------------------------------
# Links of an incident in the trash are kept (a restore finds them as they were) and left out
# where they are read (RECURRING_SQL).

LINK_SQL = """
WITH found AS (
    SELECT a.id AS why_id, b.id AS similar_id, b.score
    FROM postmortems_why a
    JOIN postmortems_postmortem pa ON pa.id = a.postmortem_id
    CROSS JOIN LATERAL (
        SELECT b.id, similarity(a.answer, b.answer) AS score
        FROM postmortems_why b
        JOIN postmortems_postmortem pb ON pb.id = b.postmortem_id
        WHERE b.is_root_cause AND b.answer <> '' AND pb.incident_id <> pa.incident_id
        ORDER BY b.answer <-> a.answer
        LIMIT %(per_cause)s
    ) b
    WHERE a.id = ANY(%(ids)s) AND a.is_root_cause AND a.answer <> ''
      AND b.score > %(threshold)s
)
INSERT INTO postmortems_recurringcauselink (why_id, similar_id, score)
SELECT DISTINCT ON (why_id, similar_id) why_id, similar_id, score FROM (
    SELECT why_id, similar_id, score FROM found
    UNION ALL
    SELECT similar_id, why_id, score FROM found
) both_ways
ORDER BY why_id, similar_id
ON CONFLICT (why_id, similar_id) DO UPDATE SET score = EXCLUDED.score
RETURNING why_id
"""

TRIM_SQL = """
DELETE FROM postmortems_recurringcauselink WHERE id IN (
    SELECT id FROM (
        SELECT id, row_number() OVER (PARTITION BY why_id ORDER BY score DESC, similar_id DESC)
               AS rank
        FROM postmortems_recurringcauselink WHERE why_id = ANY(%(ids)s)
    ) ranked WHERE rank > %(per_cause)s)
"""


UNLINK_SQL = """
DELETE FROM postmortems_recurringcauselink WHERE why_id = ANY(%(ids)s) OR similar_id = ANY(%(ids)s)
RETURNING why_id
"""

# Per root cause, the other incidents its links reach: what the dashboard reads.
SUMMARY_SQL = """
INSERT INTO postmortems_recurringcause (why_id, incident_id, others, repeats)
SELECT a.id, pa.incident_id,
       to_jsonb(array_agg(DISTINCT pb.incident_id ORDER BY pb.incident_id)),
       count(DISTINCT pb.incident_id)
FROM postmortems_why a
JOIN postmortems_postmortem pa ON pa.id = a.postmortem_id
JOIN postmortems_recurringcauselink link ON link.why_id = a.id
JOIN postmortems_why b ON b.id = link.similar_id AND b.is_root_cause AND b.answer <> ''
JOIN postmortems_postmortem pb ON pb.id = b.postmortem_id AND pb.incident_id <> pa.incident_id
WHERE a.id = ANY(%(ids)s) AND a.is_root_cause AND a.answer <> ''
GROUP BY a.id, pa.incident_id
"""


def link_root_causes(why_ids):
    """Store the links of these whys (each way) to the most similar root causes of other
    incidents; a why that is no longer a root cause loses its links. Then the summary of
    every root cause whose links changed. Index lookups only."""
    why_ids = list(why_ids)
    if connection.vendor != "postgresql" or not why_ids:
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(UNLINK_SQL, {"ids": why_ids})
        changed = {row[0] for row in cursor.fetchall()}
        parameters = {"ids": why_ids, "per_cause": LINKS_PER_CAUSE, "threshold": THRESHOLD}
        cursor.execute(LINK_SQL, parameters)
        others = sorted({row[0] for row in cursor.fetchall()})
        cursor.execute(TRIM_SQL, {"ids": others, "per_cause": LINKS_PER_CAUSE})
        summarise(cursor, sorted(changed.union(why_ids, others)))
    return len(others)


def summarise(cursor, why_ids):
    """Recompute the RecurringCause rows of these whys from their links."""
    cursor.execute("DELETE FROM postmortems_recurringcause WHERE why_id = ANY(%(ids)s)",
                   {"ids": why_ids})
    cursor.execute(SUMMARY_SQL, {"ids": why_ids})


def link_all_root_causes(batch=500):
    """Recompute every stored link (after a bulk import): returns the number of root causes."""
    from postmortems.models import RecurringCause, RecurringCauseLink

    ids = list(Why.objects.filter(is_root_cause=True).exclude(answer="")
               .order_by("pk").values_list("pk", flat=True))
    RecurringCauseLink.objects.all().delete()
    RecurringCause.objects.all().delete()
    for start in range(0, len(ids), batch):
        link_root_causes(ids[start:start + batch])
    return len(ids)


# Ranked by the stored count; the other incidents in the trash are taken out afterwards (the
# trash is small: its ids come once, as an InitPlan, not per row), so a group that lost some
# to the trash ranks by what is left among the first 100.
RECURRING_SQL = """
SELECT rc.incident_id, a.answer, rc.others,
       (SELECT coalesce(array_agg(t.id), '{}') FROM postmortems_incident t
        WHERE t.deleted_at IS NOT NULL) AS trashed
FROM postmortems_recurringcause rc
JOIN postmortems_incident ia ON ia.id = rc.incident_id AND ia.deleted_at IS NULL
JOIN postmortems_why a ON a.id = rc.why_id
WHERE ia.started_at >= %s
ORDER BY rc.repeats DESC, rc.incident_id DESC
LIMIT 100
"""


def _pg_groups(rows):
    groups = []
    for incident_id, text, others, trashed in rows:
        others, trashed = (json.loads(others) if isinstance(others, str) else others), set(trashed)
        live = [other for other in others if other not in trashed]
        if live:
            groups.append((text, [incident_id, *live]))
    return sorted(groups, key=lambda group: (-len(group[1]), -group[1][0]))


_STARTED = "postmortem__incident__started_at"
_RECURRING = Statement(RECURRING_SQL, (Given("since", DateTimeField()),))


def _python_groups(rows, since):
    groups = []
    for incident_id, text, started_at in rows:
        if started_at < since:
            continue
        others = sorted({other_id for other_id, other, _ in rows if other_id != incident_id
                         and SequenceMatcher(None, text.lower(), other.lower()).ratio() > 0.6})
        if others:
            groups.append((text, [incident_id, *others]))
    return sorted(groups, key=lambda group: -len(group[1]))


def causes_statement(since):
    """What recurring_root_causes reads first, as a statement (to be run beside others; its
    rows go to root_causes_from): the stored groups of root causes since ``since`` on
    PostgreSQL, elsewhere the latest 200 root causes, compared in Python."""
    if connection.vendor == "postgresql":
        return _RECURRING.given(since=since)
    return Statement.of(Why.objects.filter(is_root_cause=True).exclude(answer="")
                        .values_list("postmortem__incident_id", "answer", _STARTED)
                        .order_by(f"-{_STARTED}")[:200])


def root_causes_from(rows, since, limit=5):
    """recurring_root_causes from the rows of causes_statement(since): one query more, for the
    titles of the incidents shown."""
    raw = _pg_groups(rows) if connection.vendor == "postgresql" else _python_groups(rows, since)
    groups, seen = [], set()
    for text, ids in raw:
        key = frozenset(ids)
        if key in seen or any(key <= other for other in seen):
            continue
        seen.add(key)
        groups.append((text, ids))
        if len(groups) >= limit:
            break
    titles = dict(Incident.objects.filter(pk__in={i for _, ids in groups for i in ids})
                  .order_by().values_list("pk", "title"))
    return [(text, [RecurringIncident(i, titles[i]) for i in ids if i in titles])
            for text, ids in groups]


def recurring_root_causes(days=180, limit=5):
    """Root causes of recent incidents that look like other incidents' root causes:
    [(text, [RecurringIncident, ...])], most repeated first; each group of incidents listed once.
    Two queries."""
    since = timezone.now() - timedelta(days=days)
    (rows,) = run(causes_statement(since))
    return root_causes_from(rows, since, limit)


@dataclass(frozen=True)
class RecurringService:
    pk: int
    name: str
    recent: int  # incidents in the window


def services_statement(since, minimum=2, limit=5):
    """recurring_services as a statement (to be run beside others): rows of RecurringService;
    compiled once per process, ``since`` given when it runs."""
    return _services_statement(connection.vendor, minimum, limit).given(since=since)


# The services with the most incidents started since a time, from the links kept with their
# incident's start (IncidentServiceStart: a range of its index, no join with the incidents).
RECURRING_SERVICES_SQL = """
SELECT s.id AS pk, s.name, counted.recent
FROM (SELECT service_id, COUNT(*) AS recent FROM postmortems_incidentservicestart
      WHERE started_at >= %s GROUP BY service_id HAVING COUNT(*) >= %s) counted
JOIN postmortems_service s ON s.id = counted.service_id
ORDER BY counted.recent DESC, s.name
LIMIT %s
"""


@functools.lru_cache(maxsize=8)
def _services_statement(vendor, minimum, limit):
    since = Given("since", DateTimeField())
    if IncidentServiceStart.kept():
        return Statement(RECURRING_SERVICES_SQL, (since, max(1, minimum), limit),
                         RecurringService)
    return Statement.of(
        Service.objects.filter(incidents__started_at__gte=since,
                               incidents__deleted_at__isnull=True)
        .annotate(recent=Count("incidents"))  # one row per (service, incident): no DISTINCT
        .filter(recent__gte=max(1, minimum)).order_by("-recent", "name")
        .values("pk", "name", "recent")[:limit], RecurringService)


def recurring_services(days=90, minimum=2, limit=5):
    """Services hit by at least ``minimum`` (≥ 1) incidents in the last ``days``: one query,
    reading only the recent incidents' links (IncidentServiceStart on PostgreSQL; elsewhere
    through the started_at index), not every incident's services."""
    (services,) = run(services_statement(timezone.now() - timedelta(days=days), minimum, limit))
    return services
