"""The monthly compliance report: per SLO and calendar month (UTC), the SLI, the budget used,
bad events against the allowed ones, the incidents of the month and whether the target was met.

The rule:

* a month is measured from Prometheus with two instant queries at the month's end (``time=``):
  all events and bad events, ``increase`` over the month's length (for the current month: from
  its 1st to now). Allowed bad events = (1 - target) x all events of the month;
* a month that starts before the data source's retention is "not measured (outside Prometheus
  retention)", never a figure over part of it;
* results are stored (``MonthlyResult``): a month measured after its end is final and never
  asked again (it outlives the retention); the current month is re-measured when older than
  ``FRESH_FOR``, a failed one after ``RETRY_AFTER``;
* the page shows ``PAGE_SIZE`` SLOs at a time; a request measures at most ``MEASURE_LIMIT`` of
  them (two queries each); the others are queued for the worker (``slos.measure_month``) and
  shown as "being measured"; the summary (met / measured, being measured) counts every SLO.
  A month's job is queued once while it is pending or running (``QueuedMonth``), not once per
  read;
* the worker measures the month that just ended for every SLO, early each month.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from slos import budget, impacts, periods
from slos.models import IncidentImpact, MonthlyResult
from slos.prometheus import TRANSIENT_KINDS, QueryError

log = logging.getLogger(__name__)

MEASURE_LIMIT = 20
PAGE_SIZE = 50
FRESH_FOR = timedelta(minutes=5)
RETRY_AFTER = timedelta(minutes=5)
MONTHS_PER_SLO = 12


@dataclass
class Row:
    slo: object
    period: periods.Period
    result: MonthlyResult | None
    incidents: list = field(default_factory=list)

    @property
    def pending(self):
        return self.result is None

    @property
    def shares(self):
        """[(incident link, share of the month's budget)] for the template."""
        return [(impact, self.incident_share(impact)) for impact in self.incidents]

    def incident_share(self, impact):
        """The incident's bad events as a share of this month's allowed bad events, else
        the share stored on the link (of the SLO's own window)."""
        allowed = self.result.allowed_bad_events if self.result else None
        if allowed and impact.bad_events is not None:
            return impact.bad_events / allowed
        return impact.budget_consumed


def due(result, period, now):
    """Must this stored result (or its absence) be measured again?"""
    if result is None:
        return True
    if result.final:
        return False
    if now >= period.end:
        return True  # measured while the month ran: measure the whole month now
    wait = RETRY_AFTER if result.status == MonthlyResult.Status.ERROR else FRESH_FOR
    return now - result.measured_at >= wait


def measure(slo, period, client, now, retention=None):
    """(an unsaved MonthlyResult of ``slo`` over ``period``, the fault kind or None): two
    queries at most."""
    end = min(period.end, now)
    result = MonthlyResult(slo=slo, month=periods.as_date(period), target=slo.target,
                           final=now >= period.end, measured_at=now)
    if period.start >= now:
        result.status, result.error = MonthlyResult.Status.NO_DATA, f"{period.name} has not begun"
        return result, None
    if retention is not None and period.start < now - timedelta(seconds=retention):
        result.status = MonthlyResult.Status.OUTSIDE_RETENTION
        result.error = (f"the data source keeps {retention / budget.DAY:g} days; "
                        f"{period.name} began before that")
        return result, None
    seconds = max(periods.MIN_RANGE_SECONDS, int((end - period.start).total_seconds()))
    try:
        total = impacts.events(slo, client, "total", seconds, end)
        bad = impacts.events(slo, client, "bad", seconds, end)
    except QueryError as error:
        return failed(result, error), error.kind
    if total <= 0:
        result.status, result.error = MonthlyResult.Status.NO_DATA, "no events in the month"
        return result, None
    result.status = MonthlyResult.Status.OK
    result.total_events, result.bad_events = total, min(max(0.0, bad), total)
    return result, None


def failed(result, error):
    result.status = (MonthlyResult.Status.NO_DATA if error.no_data
                     else MonthlyResult.Status.ERROR)
    result.error = error.message
    return result


def measure_many(pairs, now, stats=None):
    """Measure and store (slo, period) pairs: one client and at most one retention read per
    data source, two queries per pair, one upsert. A data source that cannot be reached
    (refused, timeout, 5xx) is not asked again in the same call: its remaining pairs get the
    same error at once, so a request never waits N x the timeout. Returns the results."""
    by_source = {}
    for slo, period in pairs:
        by_source.setdefault(slo.data_source_id, (slo.data_source, []))[1].append((slo, period))
    results = []
    for source, members in by_source.values():
        with source.client() as client:
            retention, down = source.retention_seconds, None
            if retention is None:
                retention, down = _read_retention(source, client)
            for slo, period in members:
                blank = MonthlyResult(slo=slo, month=periods.as_date(period), target=slo.target,
                                      final=now >= period.end, measured_at=now)
                if down is not None:
                    results.append(failed(blank, down))
                    continue
                result, fault = measure(slo, period, client, now, retention)
                if fault in TRANSIENT_KINDS:
                    down = QueryError(fault, result.error)
                results.append(result)
        if stats is not None:
            stats["queries"] = stats.get("queries", 0) + client.queries
    MonthlyResult.objects.bulk_create(
        results, update_conflicts=True, unique_fields=["slo", "month"],
        update_fields=["status", "target", "total_events", "bad_events", "final", "error",
                       "measured_at"])
    return results


def _read_retention(source, client):
    """(retention seconds or None, the error when the data source is down)."""
    from slos import coverage
    from slos.models import DataSource

    try:
        info = client.runtime_info()
    except QueryError as error:
        log.info("retention of %s not read: %s", source, error.message)
        return None, error if error.kind in TRANSIENT_KINDS else None
    retention = coverage.retention_seconds(info.get("storageRetention"))
    DataSource.objects.filter(pk=source.pk).update(retention_seconds=retention)
    source.retention_seconds = retention
    return retention, None


def rows(slos, period, now=None, limit=MEASURE_LIMIT, stats=None):
    """(rows, queued): one Row per SLO for the month, measuring at most ``limit`` SLOs now;
    ``queued`` lists the SLOs left for the worker. A fixed number of database queries;
    ``stats`` (a dict), if given, receives the number of Prometheus queries sent."""
    now = now or timezone.now()
    if stats is not None:
        stats["queries"] = 0
    slos = list(slos)
    stored = {r.slo_id: r for r in MonthlyResult.objects.filter(
        slo__in=slos, month=periods.as_date(period))}
    todo = [slo for slo in slos if due(stored.get(slo.pk), period, now)]
    if todo[:limit]:
        stored.update({r.slo_id: r for r in measure_many(
            [(slo, period) for slo in todo[:limit]], now, stats)})
    queued = [slo for slo in todo[limit:] if slo.pk not in stored]
    incidents = incidents_by_slo(slos, period)
    return [Row(slo, period, stored.get(slo.pk), incidents.get(slo.pk, []))
            for slo in slos], queued


@dataclass(frozen=True)
class Summary:
    """A month across every SLO (the page shows one page of them)."""

    measured: int  # SLOs with a figure for the month
    met: int  # of those, how many met their target
    pending: int  # SLOs with no result for the month yet: being measured


def summary(period, slo_count):
    """The month's summary over every SLO: one query of the stored results' numbers (no rows
    of SLOs), whatever the page shows."""
    results = MonthlyResult.objects.filter(month=periods.as_date(period)).values_list(
        "status", "total_events", "bad_events", "target")
    stored = measured = met = 0
    for status, total, bad, target in results:
        stored += 1
        if status == MonthlyResult.Status.OK:
            measured += 1
            met += bool(MonthlyResult.meets(total, bad, target))
    return Summary(measured=measured, met=met, pending=max(0, slo_count - stored))


def months_of(slo, now=None, count=MONTHS_PER_SLO, limit=MONTHS_PER_SLO):
    """The last ``count`` months of one SLO (newest first) as Rows, measuring at most
    ``limit`` months now."""
    now = now or timezone.now()
    months = [periods.month_of(now)]
    while len(months) < count:
        months.append(months[-1].previous())
    stored = {r.month: r for r in slo.monthly_results.filter(
        month__gte=periods.as_date(months[-1]))}
    wanted = [p for p in months if due(stored.get(periods.as_date(p)), p, now)][:limit]
    if wanted:
        for result in measure_many([(slo, period) for period in wanted], now):
            stored[result.month] = result
    by_month = {period.key: stored.get(periods.as_date(period)) for period in months}
    incidents = incidents_by_slo([slo], periods.Period("monthly", months[-1].start,
                                                       months[0].end))
    return [Row(slo, period, by_month[period.key],
                [i for i in incidents.get(slo.pk, []) if period.contains(i.incident.started_at)])
            for period in months]


def incidents_by_slo(slos, period):
    """{slo id: [IncidentImpact]} for the incidents that started in the period: one query."""
    found = {}
    impacts_of_month = (IncidentImpact.objects
                        .filter(slo__in=list(slos))
                        .filter(Q(incident__started_at__gte=period.start)
                                & Q(incident__started_at__lt=period.end))
                        .select_related("incident").order_by("incident__started_at"))
    for impact in impacts_of_month:
        found.setdefault(impact.slo_id, []).append(impact)
    return found


def default_month(now=None):
    """The month that just ended."""
    return periods.month_of(now or timezone.now()).previous()


def measure_month(period=None, now=None):
    """The worker's job: measure ``period`` (default: the month that just ended) for every
    SLO whose stored result is due. Returns the number measured."""
    from slos.models import SLO

    now = now or timezone.now()
    period = period or default_month(now)
    slos = list(SLO.objects.select_related("data_source"))
    stored = {r.slo_id: r for r in MonthlyResult.objects.filter(
        month=periods.as_date(period))}
    todo = [slo for slo in slos if due(stored.get(slo.pk), period, now)]
    for start in range(0, len(todo), 200):
        measure_many([(slo, period) for slo in todo[start:start + 200]], now)
    return len(todo)


CSV_COLUMNS = ["month", "service", "slo", "slo_id", "window", "target_percent", "status",
               "sli_percent", "met", "budget_used_percent", "bad_events", "allowed_bad_events",
               "total_events", "incidents", "measured_at"]


def csv_values(row):
    """One CSV line's values for a Row (plain text and numbers)."""
    result = row.result
    status = "being measured" if result is None else result.get_status_display()
    measured = result is not None and result.measured

    def number(value, digits):
        return "" if value is None else f"{value:.{digits}f}"

    incidents = "; ".join(
        f"#{impact.incident_id} {impact.incident.title}"
        + ("" if row.incident_share(impact) is None
           else f" ({row.incident_share(impact) * 100:.1f}%)")
        for impact in row.incidents)
    return [
        row.period.key, row.slo.service.slug, row.slo.name, row.slo.pk, row.slo.window,
        f"{(result.target if result else row.slo.target).normalize():f}", status,
        number(result.sli * 100, 4) if measured else "",
        ("yes" if result.met else "no") if measured else "",
        number(result.budget_used * 100, 1) if measured else "",
        number(result.bad_events, 0) if measured else "",
        number(result.allowed_bad_events, 0) if measured else "",
        number(result.total_events, 0) if measured else "",
        incidents,
        result.measured_at.isoformat() if result else "",
    ]
