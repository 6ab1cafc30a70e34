"""What the SLO page reads, in one round trip: its SLO (objectives.for_panel), the incidents
that hit it (impacts.for_slo_statement) and its chart's hourly points from the window's start
(snapshots.burn_down_statement).

The start follows from the SLO's window, known only once the SLO is read: the window this
process last read for that SLO is assumed (for at most WINDOWS_KEPT SLOs), and when the SLO
read beside the points says otherwise (its first read here, a window changed since) the
points are read again from the right start, in a second round trip. The chart is never drawn
from a wrong start; a wrong guess costs a round trip."""

from postmortems.statements import run
from slos import impacts
from slos.models.objectives import for_panel_statement
from slos.models.snapshots import burn_down_statement
from slos.models.windows import WindowMixin

WINDOWS_KEPT = 4096
_windows = {}  # SLO pk -> the window last read for it


class _Window(WindowMixin):
    def __init__(self, window):
        self.window = window


def read(pk, now):
    """(the SLO, the window's start, for_slo_statement's rows, the chart's points), or None
    when there is no such SLO."""
    slo_statement, make = for_panel_statement(pk)
    incidents = impacts.for_slo_statement(pk, now)
    guessed = _windows.get(pk)
    guessed_start = None if guessed is None else _Window(guessed).window_start(now)
    if guessed_start is None:
        (slo_rows, impact_rows), points = run(slo_statement, incidents), None
    else:
        slo_rows, impact_rows, points = run(
            slo_statement, incidents, burn_down_statement(pk, guessed_start))
    if not slo_rows:
        return None
    slo = make(slo_rows[0])
    start = slo.window_start(now)
    if start != guessed_start:
        (points,) = run(burn_down_statement(pk, start))
        if len(_windows) >= WINDOWS_KEPT:
            _windows.clear()
        _windows[pk] = slo.window
    return slo, start, impact_rows, points
