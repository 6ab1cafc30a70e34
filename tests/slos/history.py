"""A known 29-day history of a service's request counters, backfilled into the tests'
Prometheus, and what Prometheus must answer about it."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from slos import budget

HISTORY_STEP = 120  # seconds between backfilled samples
HISTORY_DAYS = 29
HISTORY_PER_STEP = 2000  # requests per step
RESTART_DAYS_AGO = 10

# The SLO expressions over that history.
HISTORY_GOOD = 'sum(increase(slo_history_requests_total{code!~"5.."}[$window]))'
HISTORY_TOTAL = "sum(increase(slo_history_requests_total[$window]))"


def utc(timestamp):
    return datetime.fromtimestamp(timestamp, UTC)


@dataclass
class History:
    """A known 29-day history of slo_history_requests_total{code}: a steady low error ratio,
    a bad afternoon 20 days ago, a restart 10 days ago (the counters reset to zero) and a
    worse last two days."""

    times: list = field(default_factory=list)
    good: list = field(default_factory=list)
    bad: list = field(default_factory=list)

    @classmethod
    def build(cls, end):
        history = cls()
        steps = HISTORY_DAYS * 86400 // HISTORY_STEP
        good = bad = 1_000_000  # far from zero: no extrapolation to zero at the window start
        restarted = False
        for i in range(steps):
            t = end - (steps - 1 - i) * HISTORY_STEP
            age_days = (end - t) / 86400
            if age_days < RESTART_DAYS_AGO and not restarted:
                good = bad = 0  # the service restarted: its counters start again
                restarted = True
            if 20 <= age_days < 20.125:
                errors = 100  # 5% for three hours
            elif age_days < 2:
                errors = 2  # 0.1%
            else:
                errors = 1 if i % 2 else 0  # 0.025%
            good += HISTORY_PER_STEP - errors
            bad += errors
            history.times.append(t)
            history.good.append(good)
            history.bad.append(bad)
        return history

    def openmetrics(self):
        lines = ["# HELP slo_history_requests Requests of a service with a known past.",
                 "# TYPE slo_history_requests counter"]
        for code, values in (("200", self.good), ("500", self.bad)):
            lines += [f'slo_history_requests_total{{code="{code}"}} {v} {t:.1f}'
                      for t, v in zip(self.times, values, strict=True)]
        lines.append("# EOF")
        return "\n".join(lines) + "\n"

    def error_ratio(self, at, window_seconds):
        """What Prometheus must answer for 1 - good/total over [at - window, at]: the
        extrapolation factor is the same for both series (same timestamps), so it cancels."""
        t = at.timestamp()
        inside = [i for i, ts in enumerate(self.times) if t - window_seconds <= ts <= t]
        if len(inside) < 2:
            return None
        first, last = inside[0], inside[-1] + 1
        good = budget.counter_increase(self.good[first:last])
        total = good + budget.counter_increase(self.bad[first:last])
        return None if total == 0 else 1 - good / total
