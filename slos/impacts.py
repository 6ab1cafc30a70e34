"""The incident ↔ SLO link: which incidents hit an SLO and how much budget each consumed."""

import math

from django.db import transaction
from django.utils import timezone

from slos import budget
from slos.models import IncidentImpact
from slos.prometheus import QueryError


def interval(incident):
    """The incident's start → resolve (or mitigation) interval; None while it is open."""
    end = incident.resolved_at or incident.mitigated_at
    return (incident.started_at, end) if incident.started_at and end else None


def measure(impact):
    """Ask Prometheus for the error ratio over the incident and store the budget it spent."""
    slo, span = impact.slo, interval(impact.incident)
    if span is None:
        return impact
    start, end = span
    seconds = max(60, math.ceil((end - start).total_seconds()))
    with slo.data_source.client() as client:
        try:
            ratio = client.value(slo.error_ratio_query(f"{seconds}s"), end)
        except QueryError as error:
            impact.status = (IncidentImpact.Status.NO_DATA if error.no_data
                             else IncidentImpact.Status.ERROR)
            impact.error, impact.budget_consumed = error.message, None
        else:
            impact.budget_consumed = budget.budget_consumed_over(
                budget.clean_ratio(ratio), seconds, slo.window_seconds, slo.budget)
            impact.status, impact.error = IncidentImpact.Status.OK, ""
    impact.measured_at = timezone.now()
    impact.save(update_fields=["budget_consumed", "status", "error", "measured_at"])
    return impact


def measure_pending(limit=50):
    impacts = IncidentImpact.objects.pending().select_related(
        "slo__data_source", "incident")[:limit]
    return [measure(impact) for impact in impacts]


def set_slos(incident, slos):
    """Make ``slos`` exactly the SLOs the incident names; new links are measured later."""
    wanted = {slo.pk for slo in slos}
    with transaction.atomic():
        IncidentImpact.objects.filter(incident=incident).exclude(slo__in=wanted).delete()
        existing = set(IncidentImpact.objects.filter(incident=incident)
                       .values_list("slo_id", flat=True))
        IncidentImpact.objects.bulk_create(
            [IncidentImpact(incident=incident, slo_id=pk) for pk in wanted - existing])


def for_slo(slo, start):
    """Incidents that hit the SLO within the window (started or still going after start)."""
    rows = []
    impacts = (slo.incident_impacts.select_related("incident")
               .filter(incident__started_at__lte=timezone.now())
               .order_by("incident__started_at"))
    for impact in impacts:
        incident = impact.incident
        span_end = incident.resolved_at or incident.mitigated_at
        if (span_end or timezone.now()) < start:
            continue
        rows.append({"impact": impact, "title": incident.title, "url":
                     incident.get_absolute_url(), "started_at": incident.started_at,
                     "ended_at": span_end, "budget_consumed": impact.budget_consumed,
                     "status": impact.get_status_display()})
    return rows
