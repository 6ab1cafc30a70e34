"""The burn-down chart as server-side SVG geometry: budget remaining over the SLO window from
the snapshots, with incidents marked. Pure: takes plain values, returns coordinates."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 24, 12, 28


@dataclass
class Chart:
    width: int
    height: int
    path: str
    zero_y: float
    top_y: float
    ticks: list  # (y, label)
    x_labels: list  # (x, label)
    marks: list  # dict(x, width, label)
    points: int


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def burn_down(points, start, end, incidents=()):
    """``points``: [(time in seconds since the epoch, remaining)] (as the hourly points are
    read: SnapshotQuerySet.hourly_budget), ``incidents``: [(start, end_or_None, label)]."""
    span = max((end - start).total_seconds(), 1)
    drawn = [(t, v) for t, v in points if v is not None]
    values = [v for _, v in drawn]
    low = min([0.0, *values])
    high = max([1.0, *values])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(t):
        return LEFT + plot_w * min(max((t - start).total_seconds() / span, 0), 1)

    def y(v):
        return TOP + plot_h * (high - v) / (high - low)

    # The line's hundreds of points written at once, each x as x() would place its time:
    # the same microseconds from the start, divided as timedelta.total_seconds() does.
    start_microseconds = (start - _EPOCH) // _MICROSECOND
    coordinates = []
    for seconds, v in drawn:
        elapsed = (round(seconds * 1_000_000) - start_microseconds) / 1_000_000
        coordinates += (LEFT + plot_w * min(max(elapsed / span, 0), 1),
                        TOP + plot_h * (high - v) / (high - low))
    path = ("M%.1f,%.1f" + " L%.1f,%.1f" * (len(drawn) - 1)) % tuple(coordinates) \
        if drawn else ""
    if len(drawn) == 1:  # one point draws nothing: hold it to now, a visible line
        path += f" L{x(end):.1f},{y(drawn[0][1]):.1f}"
    ticks = [(y(v), f"{v * 100:.0f}%") for v in _ticks(low, high)]
    x_labels = [(x(start + (end - start) * f), (start + (end - start) * f).strftime("%d %b"),
                 anchor) for f, anchor in ((0, "start"), (0.25, "middle"), (0.5, "middle"),
                                           (0.75, "middle"), (1, "end"))]
    marks = []
    for begin, finish, label in incidents:
        left = x(begin)
        right = x(finish or end)
        marks.append({"x": left, "width": max(right - left, 4), "label": label})
    return Chart(WIDTH, HEIGHT, path, y(0), y(1), ticks, x_labels, marks, len(values))


def _ticks(low, high):
    step = 0.25 if high - low <= 1.5 else 0.5 if high - low <= 4 else round((high - low) / 4)
    value, ticks = 0.0, []
    while value >= low:
        ticks.append(value)
        value -= step
    value = step
    while value <= high + 1e-9:
        ticks.append(value)
        value += step
    return sorted(ticks)
