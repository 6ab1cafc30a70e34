"""The incident ↔ SLO link: which incidents hit an SLO and how much budget each consumed.

The share is counted in events, never assumed from average traffic: bad events in the
incident's interval (all events - good events, ``increase`` over start → resolve) ÷ the bad
events the window allows (budget x all events over the window ending at the resolve). A 1 h
outage at night, at a tenth of the usual traffic, spends a tenth of what the same error ratio
costs at peak.

For a calendar SLO (monthly, weekly) the window is the incident's period (the month or week its
start falls in): allowed bad events = budget x all events of that period; while the period is
still running, its events so far scaled to the whole period (so a share does not shrink as the
month fills up, and equals the final one at steady traffic).

A link is (re)measured when it is new, when the incident's start or end moved since it was
measured, when its SLO's definition changed (``SLO.remeasure_impacts``), and again after
``IncidentImpact.RETRY_AFTER`` when Prometheus could not answer.
"""

import functools
import math

from django.db import connection, transaction
from django.db.models import DateTimeField, IntegerField
from django.utils import timezone

from postmortems.statements import Given, Statement, run
from postmortems.templatetags.postmortems import pk_url
from slos import budget, promql
from slos.models import IncidentImpact
from slos.prometheus import QueryError


def interval(incident):
    """The incident's start → resolve (or mitigation) interval; None while it is open."""
    end = incident.resolved_at or incident.mitigated_at
    return (incident.started_at, end) if incident.started_at and end else None


def events(slo, client, which, seconds, at):
    """Events (not events per second) of a query over ``seconds`` ending at ``at``."""
    expression = (f"({slo.query('total', f'{seconds}s')}) - ({slo.query('good', f'{seconds}s')})"
                  if which == "bad" else slo.query("total", f"{seconds}s"))
    value = client.value(expression, at)
    return value * seconds if promql.per_second(slo.total_query) else value


def window_events(slo, client, start, end):
    """All events of the window the incident's share is a share of."""
    period = slo.period(start)
    if period is None:
        return events(slo, client, "total", slo.window_seconds, end)
    now = timezone.now()
    until = min(period.end, max(now, end))
    seconds = period.range_seconds(until)
    return events(slo, client, "total", seconds, until) * period.seconds / seconds


def measure(impact):
    """Count the bad events of the incident and the window's events; store the share."""
    slo, span = impact.slo, interval(impact.incident)
    if span is None:
        return impact
    start, end = span
    seconds = max(60, math.ceil((end - start).total_seconds()))
    with slo.data_source.client() as client:
        try:
            bad = events(slo, client, "bad", seconds, end)
            window_total = window_events(slo, client, start, end)
        except QueryError as error:
            impact.status = (IncidentImpact.Status.NO_DATA if error.no_data
                             else IncidentImpact.Status.ERROR)
            impact.error, impact.budget_consumed, impact.bad_events = error.message, None, None
        else:
            impact.bad_events = max(0.0, bad)
            impact.budget_consumed = budget.budget_share_of_events(bad, window_total,
                                                                   slo.budget)
            impact.status, impact.error = IncidentImpact.Status.OK, ""
    impact.measured_at = timezone.now()
    impact.measured_start, impact.measured_end = start, end
    impact.save(update_fields=["budget_consumed", "bad_events", "status", "error",
                               "measured_at", "measured_start", "measured_end"])
    return impact


def measure_pending(limit=50):
    impacts = IncidentImpact.objects.pending().select_related(
        "slo__data_source", "incident")[:limit]
    return [measure(impact) for impact in impacts]


def set_slos(incident, slos, among=None):
    """Make ``slos`` exactly the SLOs the incident names; new links are measured later.
    With ``among`` (the ids of the SLOs a form showed), only those change: the links to SLOs
    the form did not show are kept."""
    wanted = {slo.pk for slo in slos}
    links = IncidentImpact.objects.filter(incident=incident)
    with transaction.atomic():
        (links if among is None else links.filter(slo__in=among)).exclude(
            slo__in=wanted).delete()
        existing = set(links.values_list("slo_id", flat=True))
        IncidentImpact.objects.bulk_create(
            [IncidentImpact(incident=incident, slo_id=pk) for pk in wanted - existing])


def for_incident(incident):
    """The incident's links to the SLOs it hit, with their SLOs, by SLO name (one query): what
    its postmortem's impact section shows (slos/partials/incident_impact.html)."""
    return list(incident.slo_impacts.select_related("slo").order_by("slo__name"))


def for_slo(slo, start, now=None):
    """Incidents that hit the SLO within the window (started or still going after start)."""
    now = now or timezone.now()
    (rows,) = run(for_slo_statement(slo.pk, now))
    return in_window(rows, start, now)


def for_slo_statement(slo_pk, now):
    """The SLO's links to incidents started by ``now``, by start, as a statement (to run
    beside others) of plain rows; compiled once per process, the SLO and ``now`` given when
    it runs (the trash rule is a subquery the database runs)."""
    return _for_slo_statement(connection.vendor).given(slo=slo_pk, now=now)


@functools.lru_cache(maxsize=2)
def _for_slo_statement(vendor):
    return Statement.of(
        IncidentImpact.objects.filter(slo=Given("slo", IntegerField()),
                                      incident__started_at__lte=Given("now", DateTimeField()))
        .order_by("incident__started_at")
        .values("incident_id", "incident__title", "incident__started_at",
                "incident__resolved_at", "incident__mitigated_at", "budget_consumed",
                "bad_events", "status"), dict)


def in_window(rows, start, now):
    """for_slo_statement's rows of the incidents still going after ``start``, as the panel
    shows them."""
    labels = dict(IncidentImpact.Status.choices)
    shown = []
    for row in rows:
        span_end = row["incident__resolved_at"] or row["incident__mitigated_at"]
        if (span_end or now) < start:
            continue
        shown.append({"title": row["incident__title"],
                      "url": pk_url("postmortems:incident_detail", row["incident_id"]),
                      "started_at": row["incident__started_at"], "ended_at": span_end,
                      "budget_consumed": row["budget_consumed"],
                      "bad_events": row["bad_events"],
                      "status": labels.get(row["status"], row["status"])})
    return shown
