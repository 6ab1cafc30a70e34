"""How the site writes a duration: one module, used by both apps' templates and the export.

* A measured span (an incident's duration, time to detect, MTTR) is written exactly, to the
  minute or the second: "2 h 05 min", "4 min 30 s", "1 d 3 h". The Markdown export writes the
  guide's "65 min" instead (exact to the second), which the import reads back.
* A figure derived from an SLO target (allowed downtime, time to exhaustion) is written in its
  largest sensible unit, three significant digits: "43.2 min", "8.76 h", "12 days", as the SLO
  form's live preview writes it.

Unknown values are an em dash.
"""

from datetime import timedelta

UNKNOWN = "—"
MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR
# (below this many seconds, unit, seconds per unit) for approximate figures
_APPROXIMATE_UNITS = ((MINUTE, "s", 1), (HOUR, "min", MINUTE), (2 * DAY, "h", HOUR))


def span(value):
    """A timedelta as "2 h 05 min" / "4 min 30 s" / "1 d 3 h"; an em dash when unknown."""
    if not isinstance(value, timedelta):
        return UNKNOWN
    seconds = int(value.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    days, rest = divmod(seconds, DAY)
    hours, rest = divmod(rest, HOUR)
    minutes, seconds = divmod(rest, MINUTE)
    if days:
        return f"{sign}{days} d {hours} h"
    if hours:
        return f"{sign}{hours} h {minutes:02d} min"
    if minutes:
        return f"{sign}{minutes} min" + (f" {seconds} s" if seconds else "")
    return f"{sign}{seconds} s"


def approximate(seconds, whole=False):
    """Seconds in their largest sensible unit: 2592 -> "43.2 min", 31536 -> "8.76 h",
    1036800 -> "12 days"; ``whole`` rounds to a whole number of that unit ("~28 h")."""
    if seconds is None:
        return UNKNOWN
    seconds = float(seconds)
    for limit, unit, size in _APPROXIMATE_UNITS:
        if seconds < limit:
            return f"{_figure(seconds / size, whole)} {unit}"
    return f"{_figure(seconds / DAY, whole)} days"


def _figure(value, whole):
    if whole or value >= 100:
        return f"{value:.0f}"
    return f"{value:.3g}"
