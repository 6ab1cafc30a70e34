"""Similar incidents: earlier incidents whose root cause or contributing factors look like this
postmortem's (PostgreSQL trigram similarity; a difflib match elsewhere, e.g. the SQLite demo).

Nothing here compares every cause with every other. The trigram GiST indexes answer "the N
texts nearest to this one" (`ORDER BY text <-> 'cause' LIMIT N`, walking the index in distance
order); similarity above THRESHOLD is then checked on those few. The editor's "Seen before?"
reads each postmortem's SimilarIncident rows, stored whenever a cause changes (the postmortem's
own at once on commit, a Celery task for the others; `manage.py link_recurring_causes` for all).
The dashboard's recurring root causes are postmortems.recurring.
"""

import functools
from collections import Counter, defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.db import connection, transaction
from django.db.models import Count, IntegerField

from postmortems.models import ActionItem, ContributingFactor, Incident, Postmortem, Why
from postmortems.statements import Given, Statement, run

# Similar means a trigram similarity above THRESHOLD.
THRESHOLD = 0.3
FALLBACK_CANDIDATES = 500
CANDIDATES_PER_SOURCE = 50

# (model, text field, kind shown, extra filter)
SOURCES = [
    (Why, "answer", "root cause", {"is_root_cause": True}),
    (Postmortem, "root_cause_sentence", "root cause", {"root_cause_sentence__gt": ""}),
    (ContributingFactor, "text", "contributing factor", {}),
]


@dataclass
class Match:
    incident: Incident
    text: str
    kind: str
    score: float
    actions: str = ""


def cause_texts(postmortem, whys=None, factors=None):
    """This postmortem's root cause(s) and contributing factors, as plain strings (from its
    ``whys`` and ``factors`` when a page has read them already)."""
    whys = postmortem.whys.all() if whys is None else whys
    factors = postmortem.factors.all() if factors is None else factors
    texts = [why.answer for why in whys if why.is_root_cause and why.answer]
    if postmortem.root_cause_sentence:
        texts.append(postmortem.root_cause_sentence)
    texts += [factor.text for factor in factors if factor.text]
    return [text.strip() for text in texts if text.strip()]


def _incident_path(model):
    return "incident" if model is Postmortem else "postmortem__incident"


# (table and joins, the incident id, the text column, which rows) per source, for PostgreSQL;
# incidents in the trash are left out (postmortems.models.trash).
NOT_TRASHED = " JOIN postmortems_incident i ON i.id = {} AND i.deleted_at IS NULL"
PG_SOURCES = {
    Why: ("postmortems_why s JOIN postmortems_postmortem p ON p.id = s.postmortem_id"
          + NOT_TRASHED.format("p.incident_id"),
          "p.incident_id", "s.answer", "s.is_root_cause AND s.answer <> ''"),
    Postmortem: ("postmortems_postmortem s" + NOT_TRASHED.format("s.incident_id"),
                 "s.incident_id", "s.root_cause_sentence", "s.root_cause_sentence <> ''"),
    ContributingFactor: (
        "postmortems_contributingfactor s JOIN postmortems_postmortem p ON p.id = s.postmortem_id"
        + NOT_TRASHED.format("p.incident_id"),
        "p.incident_id", "s.text", "TRUE"),
}

NEAREST_SQL = """
SELECT found.incident_id, found.text, max(found.score)
FROM unnest(%(texts)s::text[]) AS wanted(text)
CROSS JOIN LATERAL (
    SELECT {incident} AS incident_id, {column} AS text, similarity({column}, wanted.text) AS score
    FROM {table}
    WHERE {rows} AND {incident} <> %(exclude)s
    ORDER BY {column} <-> wanted.text
    LIMIT %(limit)s
) found
WHERE found.score > %(threshold)s
GROUP BY found.incident_id, found.text
"""


def _pg_rows(model, texts, exclude_incident_id):
    """The nearest texts of one source to any of ``texts``: [(incident_id, text, score)]."""
    table, incident, column, rows = PG_SOURCES[model]
    with connection.cursor() as cursor:
        cursor.execute(NEAREST_SQL.format(table=table, incident=incident, column=column,
                                          rows=rows),
                       {"texts": texts, "exclude": exclude_incident_id,
                        "limit": CANDIDATES_PER_SOURCE, "threshold": THRESHOLD})
        return cursor.fetchall()


def _candidates(texts, exclude_incident_id):
    """[(incident_id, text, kind, score)] over every source, best first."""
    found = []
    for model, field, kind, extra in SOURCES:
        if connection.vendor == "postgresql":
            rows = _pg_rows(model, texts, exclude_incident_id)
        else:
            path = _incident_path(model)
            qs = model.objects.filter(**extra).exclude(**{f"{path}_id": exclude_incident_id})
            rows = [
                (incident_id, value, max(SequenceMatcher(None, value.lower(), t.lower()).ratio()
                                         for t in texts))
                for incident_id, value in qs.values_list(f"{path}_id", field)[:FALLBACK_CANDIDATES]
            ]
            rows = [row for row in rows if row[2] > THRESHOLD + 0.2]
        found += [(incident_id, text, kind, score) for incident_id, text, score in rows]
    return sorted(found, key=lambda row: -row[3])


@functools.lru_cache(maxsize=1)
def _action_counts():
    """The action items counted per incident and status: built once per process, filtered
    a copy for each use."""
    return (ActionItem.objects.order_by().values_list("incident_id", "status")
            .annotate(n=Count("pk")))


def action_summaries(incident_ids):
    """{incident_id: "2 done, 1 won't do"} in one query."""
    return _summaries(_action_counts().filter(incident_id__in=incident_ids))


def _summaries(counted):
    """{incident_id: "2 done, 1 won't do"} from (incident_id, status, count) rows."""
    labels = dict(ActionItem.Status.choices)
    counts = defaultdict(Counter)
    for incident_id, status, n in counted:
        counts[incident_id][status] = n
    order = [value for value, _ in ActionItem.Status.choices]
    return {
        incident_id: ", ".join(f"{counter[s]} {labels[s].lower()}" for s in order if counter[s])
        for incident_id, counter in counts.items()
    }


def best_matches(postmortem, limit, whys=None, factors=None):
    """[(incident_id, text, kind, score)]: the other incidents whose causes look most like
    this postmortem's, one row each (its best match), best first; at most ``limit``."""
    texts = cause_texts(postmortem, whys, factors)
    if not texts:
        return []
    best = {}
    for incident_id, text, kind, score in _candidates(texts, postmortem.incident_id):
        if incident_id not in best:
            best[incident_id] = (text, kind, score)
        if len(best) >= limit:
            break
    return [(incident_id, *match) for incident_id, match in best.items()]


def similar_incidents(postmortem, limit=5, whys=None, factors=None):
    """Earlier incidents with a similar root cause or contributing factor, best match first,
    each with the state of its action items, computed now (the editor reads the stored ones:
    seen_before). A fixed number of queries (two fewer given the postmortem's ``whys`` and
    ``factors``)."""
    best = best_matches(postmortem, limit, whys, factors)
    if not best:
        return []
    incidents = Incident.objects.in_bulk([row[0] for row in best])
    summaries = action_summaries([row[0] for row in best])
    return [
        Match(incidents[incident_id], text, kind, round(score, 2),
              summaries.get(incident_id, "no action items"))
        for incident_id, text, kind, score in best
        if incident_id in incidents
    ]


# --- stored similar incidents (the editor's "Seen before?") ----------------------------------
# Per postmortem, the SIMILAR_STORED best matches of similar_incidents(), stored whenever a
# cause changes (models/analysis.py: the postmortem's own at once on commit, then a task for
# the others its causes may enter or leave); the editor shows the first SIMILAR_SHOWN of them
# whose incident is not in the trash: one indexed read instead of a trigram search per load.
SIMILAR_STORED = 10
SIMILAR_SHOWN = 5

# The causes of the postmortems ``ids`` (as cause_texts), and the nearest texts of each
# source to each (as NEAREST_SQL): [(postmortem, incident, text, kind, source, score)].
FOUND_SQL = r"""
WITH wanted AS (
    SELECT p.id AS postmortem_id, p.incident_id, causes.text
    FROM postmortems_postmortem p
    JOIN postmortems_incident pi ON pi.id = p.incident_id AND pi.deleted_at IS NULL
    CROSS JOIN LATERAL (
        SELECT btrim(w.answer, E' \t\n\r\f\x0b') FROM postmortems_why w
        WHERE w.postmortem_id = p.id AND w.is_root_cause
        UNION SELECT btrim(p.root_cause_sentence, E' \t\n\r\f\x0b')
        UNION SELECT btrim(f.text, E' \t\n\r\f\x0b') FROM postmortems_contributingfactor f
        WHERE f.postmortem_id = p.id
    ) causes(text)
    WHERE p.id = ANY(%(ids)s) AND causes.text <> ''
), found AS (
    {sources}
)
"""
FOUND_SOURCE_SQL = """
    SELECT wanted.postmortem_id, near.incident_id, near.text, '{kind}' AS kind,
           {source} AS source, near.score
    FROM wanted CROSS JOIN LATERAL (
        SELECT {incident} AS incident_id, {column} AS text,
               similarity({column}, wanted.text) AS score
        FROM {table}
        WHERE {rows} AND {incident} <> wanted.incident_id
        ORDER BY {column} <-> wanted.text
        LIMIT %(limit)s
    ) near
    WHERE near.score > %(threshold)s
"""
STORE_SQL = """
INSERT INTO postmortems_similarincident (postmortem_id, incident_id, text, kind, score, rank)
SELECT postmortem_id, incident_id, text, kind, score, rank FROM (
    SELECT *, row_number() OVER (PARTITION BY postmortem_id
                                 ORDER BY score DESC, source, incident_id) AS rank
    FROM (
        SELECT DISTINCT ON (postmortem_id, incident_id) *
        FROM found ORDER BY postmortem_id, incident_id, score DESC, source
    ) best
) ranked
WHERE rank <= %(stored)s
"""


def _found_sql():
    sources = "UNION ALL".join(
        FOUND_SOURCE_SQL.format(kind=kind, source=position, table=table, incident=incident,
                                column=column, rows=rows)
        for position, (model, _field, kind, _extra) in enumerate(SOURCES)
        for table, incident, column, rows in [PG_SOURCES[model]])
    return FOUND_SQL.format(sources=sources)


def store_similar_incidents(postmortem_ids):
    """Store again the best matches of each of these postmortems (SimilarIncident), under
    its row lock (one postmortem's matches are written by one transaction at a time)."""
    from postmortems.models import SimilarIncident

    ids = sorted(set(postmortem_ids))
    if not ids:
        return
    with transaction.atomic():
        ids = list(Postmortem._base_manager.select_for_update().filter(pk__in=ids)
                   .order_by("pk").values_list("pk", flat=True))
        SimilarIncident._base_manager.filter(postmortem_id__in=ids).delete()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(_found_sql() + STORE_SQL, {
                    "ids": ids, "limit": CANDIDATES_PER_SOURCE, "threshold": THRESHOLD,
                    "stored": SIMILAR_STORED})
            return
        SimilarIncident.objects.bulk_create([
            SimilarIncident(postmortem=postmortem, incident_id=incident_id, text=text,
                            kind=kind, score=score, rank=rank)
            for postmortem in Postmortem.objects.filter(pk__in=ids)
            for rank, (incident_id, text, kind, score)
            in enumerate(best_matches(postmortem, SIMILAR_STORED), start=1)
        ])


def postmortems_near(postmortem_ids):
    """The other postmortems whose stored matches a change of these postmortems' causes may
    change: those listing one of their incidents, and those with a cause that looks like one
    of theirs more than their last stored match (or with fewer than SIMILAR_STORED)."""
    from postmortems.models import SimilarIncident

    ids = list(postmortem_ids)
    incidents = Postmortem._base_manager.filter(pk__in=ids).values_list("incident_id")
    near = set(SimilarIncident._base_manager.filter(incident_id__in=incidents)
               .values_list("postmortem_id", flat=True))
    if connection.vendor != "postgresql" or not ids:
        return near - set(ids)
    with connection.cursor() as cursor:
        cursor.execute(_found_sql() + NEAR_SQL, {
            "ids": ids, "limit": CANDIDATES_PER_SOURCE, "threshold": THRESHOLD,
            "stored": SIMILAR_STORED})
        near.update(row[0] for row in cursor.fetchall())
    return near - set(ids)


NEAR_SQL = """
SELECT other.id
FROM (SELECT incident_id, max(score) AS score FROM found GROUP BY incident_id) match
JOIN postmortems_postmortem other ON other.incident_id = match.incident_id
LEFT JOIN LATERAL (
    SELECT count(*) AS stored, min(s.score) AS last FROM postmortems_similarincident s
    WHERE s.postmortem_id = other.id
) kept ON TRUE
WHERE kept.stored < %(stored)s OR match.score > kept.last
"""


def refresh_similar_incidents(postmortem_ids=(), around=()):
    """Store again the matches of ``postmortem_ids`` and of the postmortems ``around``
    (after their causes changed, see postmortems_near): what the task runs."""
    store_similar_incidents({*postmortem_ids, *postmortems_near(around)})


def store_all_similar_incidents(batch=200):
    """Store the matches of every postmortem again (after a bulk import): returns how many."""
    ids = list(Postmortem.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        store_similar_incidents(ids[start:start + batch])
    return len(ids)


@functools.lru_cache(maxsize=8)
def seen_before_statements(limit=SIMILAR_SHOWN):
    """seen_before's two reads as statements (postmortems.statements) compiled once per
    process, the postmortem given when they run, so sent in one round trip with whatever
    else a page reads: the stored matches (the incident's number, title and start) and the
    action items of their incidents counted per status."""
    from postmortems.models import SimilarIncident

    postmortem = Given("postmortem", IntegerField())
    matches = (SimilarIncident.objects.filter(postmortem_id=postmortem).order_by("rank")
               .values_list("incident_id", "text", "kind", "score", "incident__title",
                            "incident__started_at")[:limit])
    counts = _action_counts().filter(incident_id__in=matches.values("incident_id"))
    return Statement.of(matches), Statement.of(counts)


def seen_before_from(matches, counts):
    """seen_before from its statements' rows."""
    if not matches:
        return []
    summaries = _summaries(counts)
    return [Match(Incident.from_db(connection.alias, SEEN_INCIDENT, (incident_id, *incident)),
                  text, kind, round(score, 2), summaries.get(incident_id, "no action items"))
            for incident_id, text, kind, score, *incident in matches]


SEEN_INCIDENT = ("id", "title", "started_at")  # what "Seen before?" shows of an incident


def seen_before(postmortem, limit=SIMILAR_SHOWN):
    """The stored similar incidents of this postmortem not in the trash, best first, each
    with the state of its action items (as similar_incidents): one round trip."""
    return seen_before_from(*run(*[statement.given(postmortem=postmortem.pk)
                                   for statement in seen_before_statements(limit)]))
