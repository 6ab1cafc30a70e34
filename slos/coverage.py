"""How much of an SLO's window its figure covers.

A figure over a 7-day window is only a 7-day figure if Prometheus holds 7 days of the SLO's
data. Two things can make it hold less: its retention is shorter than the window, or the series
are younger than the window (a new service, a new SLO). The rule:

* the data source's retention is read from ``/api/v1/status/runtimeinfo`` (``storageRetention``,
  e.g. ``15d`` or ``4d or 10GiB``); a window longer than it is flagged;
* the oldest sample of the SLO's *all events* query is found with one instant query
  (``min_over_time(timestamp(...)[window:step])``); the covered time is from then to now;
* a calendar SLO's window is its period so far (month to date): its figure covers the period
  so far once the data reaches back to the period's start; the period is flagged when it is
  longer than the retention;
* both are re-read at most every ``RECHECK`` while coverage is partial or unknown, and not at
  all once the window is covered (a fixed cost per SLO, never per poll).
"""

import logging
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from slos import budget
from slos.prometheus import QueryError

log = logging.getLogger(__name__)

RECHECK = timedelta(hours=1)
MAX_PER_CYCLE = 50
# Resolution of the oldest-sample search: the window in about 1,000 steps, at least 1 minute.
STEPS = 1000

_GO_DURATION = re.compile(r"(\d+)(ms|y|w|d|h|m|s)")
_UNIT_SECONDS = {"y": 365 * budget.DAY, "w": 7 * budget.DAY, "d": budget.DAY,
                 "h": budget.HOUR, "m": budget.MINUTE, "s": 1, "ms": 0.001}


def retention_seconds(storage_retention):
    """Seconds in Prometheus's ``storageRetention`` text ("15d", "8w4d", "4d or 10GiB");
    None when retention is by size only."""
    text = str(storage_retention or "").split(" or ")[0].strip()
    parts = _GO_DURATION.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        return None
    return sum(int(n) * _UNIT_SECONDS[u] for n, u in parts)


def step_seconds(window_seconds):
    """The resolution of the oldest-sample search: the window in about STEPS steps."""
    return max(1, window_seconds // STEPS // budget.MINUTE) * budget.MINUTE


def oldest_sample_query(slo, now=None):
    """The time of the oldest step within the window at which the all-events query had data
    (the evaluation time for data younger than one step)."""
    step_minutes = step_seconds(slo.window_seconds) // budget.MINUTE
    inner = slo.query("total", f"{max(step_minutes, 5)}m")
    # Younger than one step: no step of the subquery has data yet, the evaluation time does.
    return (f"min_over_time(timestamp(({inner}))[{slo.range_at(now)}:{step_minutes}m]) "
            f"or timestamp(({inner}))")


def due(slos, now):
    """The SLOs whose coverage is unknown or partial and not re-read within RECHECK."""
    partial = [slo for slo in slos
               if not is_complete(slo.measured_seconds(now), covered_seconds(
                   slo.measured_seconds(now), slo.data_since, now))]
    return [slo for slo in partial
            if slo.coverage_checked_at is None or now - slo.coverage_checked_at >= RECHECK]


def refresh(slos, now, max_workers=8):
    """Re-read retention and oldest samples for the SLOs that are due (at most MAX_PER_CYCLE).

    The queries run at once (``max_workers`` threads, HTTP only; SLOs with the same all-events
    query and window share one), and the answers are written in a fixed number of database
    queries: one per data source for its retention, one for every SLO read."""
    from slos.models import SLO, DataSource

    todo = sorted(due(slos, now), key=lambda s: s.coverage_checked_at or datetime.min.replace(
        tzinfo=UTC))[:MAX_PER_CYCLE]
    if not todo:
        return todo
    by_source = {}
    for slo in todo:
        by_source.setdefault(slo.data_source_id, (slo.data_source, []))[1].append(slo)
    retention, oldest, clients = {}, {}, []
    try:
        with ThreadPoolExecutor(max_workers=max_workers,
                                thread_name_prefix="slo-coverage") as pool:
            for source, members in by_source.values():
                client = source.client()
                clients.append(client)
                retention[source.pk] = pool.submit(client.runtime_info)
                for slo in members:
                    key = (source.pk, oldest_sample_query(slo, now))
                    if key not in oldest:
                        oldest[key] = pool.submit(client.query, key[1], now)
    finally:
        for client in clients:
            client.close()
    for pk, future in retention.items():
        try:
            info = future.result()
        except QueryError as error:
            log.info("retention of data source %s not read: %s", pk, error.message)
            continue
        DataSource.objects.filter(pk=pk).update(
            retention_seconds=retention_seconds(info.get("storageRetention")))
    read = []
    for slo in todo:
        try:
            samples = oldest[(slo.data_source_id, oldest_sample_query(slo, now))].result()
        except QueryError as error:
            log.info("coverage of SLO %s not read: %s", slo.pk, error.message)
            continue
        slo.data_since = (datetime.fromtimestamp(samples[0].value, UTC)
                          if samples and samples[0].value == samples[0].value else None)
        slo.coverage_checked_at = now
        read.append(slo)
    SLO.objects.bulk_update(read, ["data_since", "coverage_checked_at"])
    return todo


def covered_seconds(window_seconds, data_since, now):
    if data_since is None:
        return None
    return max(0.0, min(window_seconds, (now - data_since).total_seconds()))


def is_complete(window_seconds, covered):
    """Within one search step (and a minute of scrape jitter) of the whole window is all."""
    return covered is not None and \
        covered >= window_seconds - step_seconds(window_seconds) - budget.MINUTE


def figures(window_seconds, data_since, retention, now, period_seconds=None):
    """What the panel and the API show: covered seconds and days of the window, whether the
    window is covered, and whether it (a calendar SLO's whole period, ``period_seconds``) is
    longer than the data source keeps data."""
    covered = covered_seconds(window_seconds, data_since, now)
    complete = is_complete(window_seconds, covered)
    return {
        "covered_seconds": covered,
        "covered_days": None if covered is None else covered / budget.DAY,
        "window_days": window_seconds / budget.DAY,
        "period_days": None if period_seconds is None else period_seconds / budget.DAY,
        "complete": complete,
        "retention_seconds": retention,
        "retention_days": None if retention is None else retention / budget.DAY,
        "window_exceeds_retention": retention is not None
        and (period_seconds or window_seconds) > retention,
    }
