"""A known history on fixed calendar dates (25 September → 12 November 2026, UTC), backfilled
into a Prometheus of its own, and what the calendar figures over it must be.

slo_calendar_requests_total{code} gains 1,000 requests every 5 minutes:

* September: 1 error a step (0.1 %);
* October: 1 error every 4th step (0.025 %), and 50 a step (5 %) on 14 October 10:00-14:00;
* November: 1 error every 2nd step (0.05 %), and 40 a step (4 %) on 3 November 03:00-05:00.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime

STEP = 300
PER_STEP = 1000
START = datetime(2026, 9, 25, tzinfo=UTC)
END = datetime(2026, 11, 12, tzinfo=UTC)
OCTOBER_SPIKE = (datetime(2026, 10, 14, 10, tzinfo=UTC), datetime(2026, 10, 14, 14, tzinfo=UTC))
NOVEMBER_SPIKE = (datetime(2026, 11, 3, 3, tzinfo=UTC), datetime(2026, 11, 3, 5, tzinfo=UTC))
# The instant the tests stand at: after the history's last sample, inside November.
NOW = datetime(2026, 11, 12, 6, tzinfo=UTC)

GOOD = 'sum(increase(slo_calendar_requests_total{code!~"5.."}[$window]))'
TOTAL = "sum(increase(slo_calendar_requests_total[$window]))"


def errors_at(t, index):
    if t.month == 9:
        return 1
    if t.month == 10:
        return 50 if OCTOBER_SPIKE[0] < t <= OCTOBER_SPIKE[1] else int(index % 4 == 0)
    return 40 if NOVEMBER_SPIKE[0] < t <= NOVEMBER_SPIKE[1] else int(index % 2 == 0)


@dataclass
class CalendarHistory:
    times: list = field(default_factory=list)  # unix seconds
    good: list = field(default_factory=list)
    bad: list = field(default_factory=list)

    @classmethod
    def build(cls):
        history = cls()
        good = bad = 0
        t, index = START.timestamp(), 0
        while t <= END.timestamp():
            errors = errors_at(datetime.fromtimestamp(t, UTC), index)
            good += PER_STEP - errors
            bad += errors
            history.times.append(t)
            history.good.append(good)
            history.bad.append(bad)
            t, index = t + STEP, index + 1
        return history

    def openmetrics(self):
        lines = ["# TYPE slo_calendar_requests counter"]
        for code, values in (("200", self.good), ("500", self.bad)):
            lines += [f'slo_calendar_requests_total{{code="{code}"}} {v} {t:.1f}'
                      for t, v in zip(self.times, values, strict=True)]
        return lines

    def _at(self, when):
        return self.times.index(when.timestamp())

    def events(self, start, end):
        """(bad, total) between two sample times: the counters' difference."""
        first, last = self._at(start), self._at(end)
        bad = self.bad[last] - self.bad[first]
        return bad, bad + self.good[last] - self.good[first]

    def sli(self, start, end):
        bad, total = self.events(start, end)
        return 1 - bad / total
