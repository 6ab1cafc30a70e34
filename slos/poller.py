"""The poll: read every SLO's figures from Prometheus and store a snapshot of each.

Per data source, the poller first reads the recorded series of the generated rules
(``slo:sli_error:ratio_*`` with an ``slo`` label): one instant query per window returns every
SLO's figure, so a cycle costs a fixed number of queries however many SLOs there are. SLOs
without current recorded series (rules not loaded, or loaded for an older definition) are
measured with raw queries, a bounded number at a time in a thread pool; their snapshots are
stored in batches (every STORE_BATCH measurements or STORE_EVERY_SECONDS, whichever comes
first), so one slow or failing SLO never delays the others and writes never serialise the poll.

A calendar SLO (monthly, weekly) is read over its period so far: the range of its window query
is computed at poll time (``increase(...[2588400s])`` on the 30th of a month at 23:00), which no
recording rule can hold, so calendar SLOs are always measured with raw queries.

Threads only talk HTTP; the database is written from the calling thread.
"""

import logging
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from slos import budget, coverage, rules, shape
from slos.models import SLO, Snapshot
from slos.prometheus import HTTP_4XX, NAN, PROM_ERROR, QueryError

log = logging.getLogger(__name__)

STORE_BATCH = 100
STORE_EVERY_SECONDS = 0.5


@dataclass(frozen=True)
class Spec:
    """What a thread needs to measure one SLO: plain data, no ORM object."""

    slo_id: int
    slug: str
    revision: str
    budget: float
    window: str
    queries: dict  # window name ("window", "5m", …) -> error-ratio PromQL
    calendar: bool = False  # measured over its period so far: always raw


@dataclass
class Measurement:
    slo_id: int
    status: str
    sli: float | None = None
    budget_remaining: float | None = None
    error_ratios: dict = field(default_factory=dict)
    fault: str = ""
    error: str = ""
    source: str = Snapshot.Source.RAW


def spec_for(slo, at=None, queries=True):
    """The SLO's Spec; ``queries=False`` leaves out the raw queries (the recorded path needs
    none: building them for 1,000 SLOs cost a third of a cycle's CPU)."""
    if not queries:
        return Spec(slo.pk, slo.slug, slo.revision, slo.budget, slo.window, {},
                    slo.is_calendar)
    queries = {"window": slo.error_ratio_query(slo.range_at(at))}
    queries.update({w: slo.error_ratio_query(w) for w in budget.BURN_WINDOWS})
    queries["series"] = shape.series_query(slo.query("good", "5m"), slo.query("total", "5m"))
    return Spec(slo.pk, slo.slug, slo.revision, slo.budget, slo.window, queries,
                slo.is_calendar)


def figures(spec, window_ratio, ratios, source, series=None):
    """A measurement from error ratios (NaN/Inf already turned into None) and the number of
    series of each side (``series``: side -> n); a query of the wrong shape is "broken"."""
    problem = shape.many_series_problem(series or {}) or shape.negative_ratio_problem(
        {spec.window: window_ratio, **{w: ratios.get(w) for w in budget.BURN_WINDOWS}})
    if problem:
        fault, message = problem
        return Measurement(spec.slo_id, Snapshot.Status.BROKEN, fault=fault, error=message,
                           source=source)
    ratio = budget.clean_ratio(window_ratio)
    if ratio is None:
        return Measurement(spec.slo_id, Snapshot.Status.NO_DATA, fault=NAN,
                           error="no traffic in the SLO window (0/0)", source=source)
    clean = {w: budget.clean_ratio(ratios.get(w)) for w in budget.BURN_WINDOWS}
    return Measurement(spec.slo_id, Snapshot.Status.OK, sli=1.0 - ratio,
                       budget_remaining=budget.budget_remaining(ratio, spec.budget),
                       error_ratios=clean, source=source)


def failure(slo_id, error, source=Snapshot.Source.RAW):
    status = Snapshot.Status.NO_DATA if error.no_data else Snapshot.Status.ERROR
    return Measurement(slo_id, status, fault=error.kind, error=error.message, source=source)


def measure_raw(spec, client, at):
    """Six instant queries at one evaluation time: the window, then 5m … 3d. A fault on the
    window query ends the SLO's poll; a short window without traffic is simply no figure.
    First, one query counts the series of each side (the shape check)."""
    try:
        series = {sample.labels.get("side"): sample.value
                  for sample in client.query(spec.queries["series"], at)}
        window_ratio = client.value(spec.queries["window"], at)
    except QueryError as error:
        return failure(spec.slo_id, error)
    ratios = {}
    for window in budget.BURN_WINDOWS:
        try:
            ratios[window] = client.value(spec.queries[window], at)
        except QueryError as error:
            if not error.no_data:
                return failure(spec.slo_id, error)
            ratios[window] = None
    return figures(spec, window_ratio, ratios, Snapshot.Source.RAW, series)


def read_recorded(specs, client, at):
    """Measurements for the SLOs whose recorded series exist for their current revision;
    one query per window whatever the number of SLOs, all sent at once. Calendar SLOs are left
    to the raw path (their recorded window ratio is the rolling equivalent, not the period so
    far)."""
    by_slug = {spec.slug: spec for spec in specs if not spec.calendar}
    values, series = {}, {}
    queries = {**rules.RECORDED_METRICS, None: rules.SERIES_METRIC}
    with ThreadPoolExecutor(max_workers=len(queries), thread_name_prefix="slo-read") as pool:
        # All at once: a remote Prometheus's latency is paid once, not once per window.
        answers = {key: pool.submit(client.query, metric, at) for key, metric in queries.items()}
    series_answer = answers.pop(None)
    for key, answer in answers.items():
        for sample in answer.result():
            spec = by_slug.get(sample.labels.get("slo"))
            if spec and sample.labels.get("slo_revision") == spec.revision:
                values.setdefault(spec.slug, {})[key] = sample.value
    for sample in series_answer.result():
        spec = by_slug.get(sample.labels.get("slo"))
        if spec and sample.labels.get("slo_revision") == spec.revision:
            series.setdefault(spec.slug, {})[sample.labels.get("side")] = sample.value
    return {
        by_slug[slug].slo_id: figures(by_slug[slug], found.get("window"), found,
                                      Snapshot.Source.RECORDED, series.get(slug))
        for slug, found in values.items() if "window" in found
    }


def cycle_start(now=None):
    """The start of the beat's poll cycle ``now`` falls in (a multiple of SLO_POLL_INTERVAL
    since the epoch): the key under which a cycle stores its snapshots."""
    now = now or timezone.now()
    interval = settings.SLO_POLL_INTERVAL
    return datetime.fromtimestamp(int(now.timestamp()) // interval * interval, tz=UTC)


def store(measurements, at, cycle=None):
    """Save snapshots and point each SLO at its newest one (a fixed number of queries). With
    a ``cycle``, one row per SLO and cycle: measuring the cycle again rewrites its row."""
    measurements = list({m.slo_id: m for m in measurements}.values())
    if not measurements:
        return []
    rows = [Snapshot(slo_id=m.slo_id, taken_at=at, cycle=cycle, status=m.status, fault=m.fault,
                     error=m.error, sli=m.sli, budget_remaining=m.budget_remaining,
                     error_ratios=m.error_ratios, source=m.source)
            for m in measurements]
    if cycle is None:
        snapshots = Snapshot.objects.bulk_create(rows)
    else:
        snapshots = Snapshot.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["slo", "cycle"],
            update_fields=["taken_at", "status", "fault", "error", "sli", "budget_remaining",
                           "error_ratios", "source"])
    ids = [snapshot.slo_id for snapshot in snapshots]
    with transaction.atomic():
        # One plain UPDATE (bulk_update's CASE of 1,000 branches cost seconds to build).
        SLO.objects.filter(pk__in=ids).update(latest_snapshot=Subquery(
            Snapshot.objects.filter(slo=OuterRef("pk"), pk__in=[s.pk for s in snapshots])
            .values("pk")[:1]))
        good = [s.slo_id for s in snapshots if s.status == Snapshot.Status.OK]
        if good:
            SLO.objects.filter(pk__in=good).update(last_good_at=at)
            # Saved while Prometheus was down: a good poll shows the expressions work.
            SLO.objects.filter(pk__in=good, query_check=SLO.QueryCheck.UNCHECKED).update(
                query_check=SLO.QueryCheck.OK, query_checked_at=at,
                query_check_message="Accepted by Prometheus at the first good poll.")
    for m in measurements:
        if m.status != Snapshot.Status.OK:
            log.warning("SLO %s poll %s (%s): %s", m.slo_id, m.status, m.fault, m.error)
    return snapshots


def poll(slos=None, at=None, max_workers=None, stats=None, measure_coverage=True, cycle=None):
    """Run one poll cycle over ``slos`` (default: all); the beat's cycle passes its ``cycle``
    (``cycle_start()``) so that running it again writes nothing twice. Returns the snapshots
    written; ``stats``
    (a dict), if given, receives the number of queries sent and of SLOs read each way."""
    at = at or timezone.now().replace(microsecond=0)
    slos = list(SLO.objects.select_related("data_source").all() if slos is None else slos)
    max_workers = max_workers or settings.SLO_POLL_CONCURRENCY
    by_source, by_id = {}, {slo.pk: slo for slo in slos}
    for slo in slos:
        by_source.setdefault(slo.data_source_id, (slo.data_source, []))[1].append(
            spec_for(slo, at, queries=False))
    stored = []
    clients = {pk: source.client() for pk, (source, _) in by_source.items()}
    try:
        with ThreadPoolExecutor(max_workers=max(1, len(by_source)),
                                thread_name_prefix="slo-recorded") as sources, \
                ThreadPoolExecutor(max_workers=max_workers,
                                   thread_name_prefix="slo-raw") as pool:
            pending = {
                sources.submit(_recorded_or_fault, specs, clients[pk], at): (pk, specs)
                for pk, (_, specs) in by_source.items()
            }
            measured, flush_at = [], time.monotonic() + STORE_EVERY_SECONDS
            while pending:
                done, _ = wait(pending, timeout=max(0, flush_at - time.monotonic()),
                               return_when=FIRST_COMPLETED)
                for future in done:
                    job = pending.pop(future)
                    if isinstance(job, Spec):  # a raw measurement of one SLO
                        measured.append(_result_or_failure(future, job))
                        continue
                    pk, specs = job
                    found, fault = future.result()
                    if fault is not None and not fault.no_data and fault.kind != HTTP_4XX:
                        # The data source itself is down: every SLO on it says so, without
                        # a queue of raw queries that would fail the same way.
                        stored += store([failure(s.slo_id, fault) for s in specs], at, cycle)
                        continue
                    stored += store(found.values(), at, cycle)
                    for spec in specs:
                        if spec.slo_id not in found:
                            spec = spec_for(by_id[spec.slo_id], at)  # with its queries
                            pending[pool.submit(measure_raw, spec, clients[pk], at)] = spec
                if measured and (len(measured) >= STORE_BATCH or not pending
                                 or time.monotonic() >= flush_at):
                    stored += store(measured, at, cycle)
                    measured, flush_at = [], time.monotonic() + STORE_EVERY_SECONDS
    finally:
        for client in clients.values():
            client.close()
    if measure_coverage:
        coverage.refresh(slos, at, max_workers)
    if stats is not None:
        stats["queries"] = sum(client.queries for client in clients.values())
        stats["recorded"] = sum(s.source == Snapshot.Source.RECORDED for s in stored)
        stats["raw"] = len(stored) - stats["recorded"]
    return stored


def _result_or_failure(future, spec):
    """A bug while measuring one SLO is that SLO's error, never the cycle's crash."""
    try:
        return future.result()
    except Exception as exc:
        log.exception("SLO %s poll failed", spec.slo_id)
        return Measurement(spec.slo_id, Snapshot.Status.ERROR,
                           error=f"the poll failed: {type(exc).__name__}: {exc}")


def _recorded_or_fault(specs, client, at):
    try:
        return read_recorded(specs, client, at), None
    except QueryError as error:
        return {}, error


def check_queries(slo):
    """Ask the data source whether it accepts the SLO's expressions (over 5m) and whether
    each gives one series (the shape check).

    Returns (state, message, warnings): ok; failed with what Prometheus answered (bad
    PromQL) or why the shape is wrong (field "good" or "total" first); or unchecked when
    Prometheus cannot be reached, so saving still works. Warnings: a side with no series."""
    counts = {}
    with slo.data_source.client() as client:
        for label, which in (("good", "good"), ("total", "total")):
            try:
                counts[which] = client.check(slo.query(which, "5m"))
            except QueryError as error:
                if error.kind in {HTTP_4XX, PROM_ERROR}:
                    return SLO.QueryCheck.FAILED, f"{label} events: {error.message}", []
                return SLO.QueryCheck.UNCHECKED, error.message, []
    problem = shape.many_series_problem(counts)
    if problem:
        side = "good" if counts["good"] > 1 else "total"
        return SLO.QueryCheck.FAILED, f"{side} events: {problem[1]}", []
    return (SLO.QueryCheck.OK, "Prometheus accepts both expressions.",
            shape.empty_sides(counts))


def describe(snapshot, slo):
    """One line for `manage.py poll_slos`."""
    if snapshot.status == Snapshot.Status.OK:
        burn = budget.burn_rate(snapshot.error_ratios.get("1h"), slo.budget)
        burn_text = "n/a" if burn is None else f"{burn:.2f}"
        return (f"{slo.slug}: ok SLI {snapshot.sli * 100:.4f}% target {slo.target}% "
                f"budget remaining {snapshot.budget_remaining * 100:.1f}% burn(1h) {burn_text} "
                f"[{snapshot.source}]")
    return f"{slo.slug}: {snapshot.status} ({snapshot.fault}) {snapshot.error}"
