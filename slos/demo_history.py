"""The demo's past: 40 days of the demo workload as OpenMetrics text (the 28-day window of an
incident 9 days ago, and a margin), with the demo incidents of the Checkout service as real
error (and latency) spikes, for `make run` to backfill into its Prometheus (`promtool tsdb
create-blocks-from openmetrics`); then polls at past times so the first page shows burn-down
charts over the whole window.

The workload is flat between incidents: a sample every 10 minutes there (every rate over 20
minutes or more reads the same), every 2 minutes from one quiet step before an incident to one
after, so the spikes keep their shape; ~4x fewer samples than a 2-minute grid, so the backfill
takes seconds.

The series are the ones Prometheus scrapes from `manage.py demo_workload` (job
"demo-workload", same instance and labels), at the workload's default traffic: 20 requests a
second, 0.05% errors, 0.2% slow requests; during an incident 20% errors and 30% slow."""

from datetime import timedelta

from slos.workload import BUCKETS

DAYS = 40
WINDOW_DAYS = 28  # the demo SLOs' window: the polls of the past cover it
STEP = 120  # seconds between samples around incidents
QUIET_STEP = 600  # seconds between samples elsewhere
RATE = 20.0
ERRORS, SLOW = 0.0005, 0.002
INCIDENT_ERRORS, INCIDENT_SLOW = 0.20, 0.30


def _le(bound):
    return "+Inf" if bound == float("inf") else repr(float(bound))


def sample_times(start, end, spans, step=STEP, quiet_step=QUIET_STEP):
    """Sample times from ``start`` to before ``end``: every ``step`` seconds within a quiet
    step of an incident span, every ``quiet_step`` elsewhere (all on the ``step`` grid)."""
    near = [(s - quiet_step, e + quiet_step) for s, e in spans]
    times, t = [], start
    while t < end:
        times.append(t)
        busy = any(s <= t < e for s, e in near)
        t += step if busy else quiet_step
    return times


def openmetrics(end, incidents, instance, days=DAYS, step=STEP, quiet_step=QUIET_STEP):
    """Lines of OpenMetrics text ending at ``end`` (exclusive of live data); ``incidents``:
    [(start, end)] datetimes."""
    spans = [(s.timestamp(), e.timestamp()) for s, e in incidents]
    labels = f'job="demo-workload",instance="{instance}"'
    bounds = [*BUCKETS, float("inf")]
    ok = errors = 0
    buckets = dict.fromkeys(bounds, 0)
    carry_errors = carry_slow = 0.0
    rows = []
    steps = days * 86400 // step
    start = end.timestamp() - steps * step
    times = sample_times(start, end.timestamp(), spans, step, quiet_step)
    for t, following in zip(times, [*times[1:], end.timestamp()], strict=True):
        bad = any(s <= t < e for s, e in spans)
        requests = int(RATE * (following - t))
        carry_errors += requests * (INCIDENT_ERRORS if bad else ERRORS)
        carry_slow += requests * (INCIDENT_SLOW if bad else SLOW)
        new_errors, slow = int(carry_errors), int(carry_slow)
        carry_errors -= new_errors
        carry_slow -= slow
        ok += requests - new_errors
        errors += new_errors
        for bound in bounds:
            buckets[bound] += (requests - slow if bound >= 0.08 else 0) + \
                (slow if bound >= 1.0 else 0)
        rows.append((t, ok, errors, dict(buckets)))
    lines = ["# TYPE http_requests counter"]
    for status, index in (("200", 1), ("500", 2)):
        lines += [f'http_requests_total{{{labels},status="{status}"}} {row[index]} {row[0]:.0f}'
                  for row in rows]
    lines.append("# TYPE http_request_duration_seconds histogram")
    for bound in bounds:
        lines += [f'http_request_duration_seconds_bucket{{{labels},le="{_le(bound)}"}} '
                  f"{row[3][bound]} {row[0]:.0f}" for row in rows]
    lines += [f"http_request_duration_seconds_count{{{labels}}} {row[3][float('inf')]} "
              f"{row[0]:.0f}" for row in rows]
    return lines  # the writer ends the text with "# EOF"


def demo_incidents():
    """The Checkout service's demo incidents as (start, end)."""
    from postmortems.models import Incident

    spans = []
    for incident in Incident.objects.filter(services__slug="checkout"):
        end = incident.resolved_at or incident.mitigated_at
        if incident.started_at and end:
            spans.append((incident.started_at, end))
    return spans


def _wait_until_ready(url, seconds=30):
    import time

    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url.rstrip('/')}/-/ready", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)


def poll_the_past(now, every=timedelta(hours=12), days=WINDOW_DAYS):
    """Poll the demo SLOs at past times (oldest first), as the beat job would have; skipped
    when they already have history. Returns the number of polls."""
    from slos import poller
    from slos.models import SLO, Snapshot

    slos = list(SLO.objects.filter(service__slug="checkout").select_related("data_source"))
    start = now - timedelta(days=days) + every
    if not slos or Snapshot.objects.filter(slo__in=slos,
                                           taken_at__lt=now - timedelta(hours=1)).exists():
        return 0
    _wait_until_ready(slos[0].data_source.url)
    from slos import impacts

    polls, at = 0, start
    while at < now:
        poller.poll(slos, at=at.replace(microsecond=0), measure_coverage=False)
        polls += 1
        at += every
    poller.poll(slos)  # and now: the page opens on a current figure
    impacts.measure_pending()  # the demo incident's budget share, in events
    return polls + 1
