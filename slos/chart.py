"""The burn-down chart as server-side SVG geometry: budget remaining over the SLO window from
the snapshots, with incidents marked. Pure: takes plain values, returns coordinates."""

from dataclasses import dataclass

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


def burn_down(points, start, end, incidents=()):
    """``points``: [(time, remaining)], ``incidents``: [(start, end_or_None, label)]."""
    span = max((end - start).total_seconds(), 1)
    values = [remaining for _, remaining in points if remaining is not None]
    low = min([0.0, *values])
    high = max([1.0, *values])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(t):
        return LEFT + plot_w * min(max((t - start).total_seconds() / span, 0), 1)

    def y(v):
        return TOP + plot_h * (high - v) / (high - low)

    drawn = [(t, v) for t, v in points if v is not None]
    path = " ".join(f"{'M' if i == 0 else 'L'}{x(t):.1f},{y(v):.1f}"
                    for i, (t, v) in enumerate(drawn))
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
