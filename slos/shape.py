"""The shape of an SLO's two queries, checked at save and at every poll (pure, no I/O).

* good and total must each give **one series** per SLO. Written without ``sum()``, the ratio
  divides series by series: the ``status="200"`` series by itself, so the error ratio is 0 and
  the SLO looks perfect whatever fails. Several series is a broken query, never a figure.
* good events can never exceed all events: an error ratio below zero (beyond rounding) is a
  broken query, never clamped to a perfect 100%.
* a side with no series at all is worth a warning at save: a typo in a metric or label value
  (``le="0.250"`` where the series says ``0.25``) otherwise shows "no data" forever.
"""

from slos.prometheus import MANY

GOOD_ABOVE_TOTAL = "good_above_total"
# Extrapolation of two counters read at the same instant can differ by rounding only.
NEGATIVE_TOLERANCE = 1e-6
SIDES = (("good", "good events"), ("total", "all events"))


def series_query(good, total):
    """One instant query giving the number of series of each side: {side="good"} n, ..."""
    return (f'label_replace(count({good}), "side", "good", "", "") '
            f'or label_replace(count({total}), "side", "total", "", "")')


def several_series(side, count):
    label = dict(SIDES)[side]
    return (f"the {label} query returns {count:g} series where one is expected: aggregate it, "
            f"e.g. sum(rate(…[$window])). Without sum() good and total are divided series by "
            f"series (each status by itself), which hides every error.")


def many_series_problem(counts):
    """(fault, message) when a side gives several series, else None. ``counts``: side -> n."""
    for side, _label in SIDES:
        count = counts.get(side)
        if count is not None and count > 1:
            return MANY, several_series(side, count)
    return None


def negative_ratio_problem(ratios):
    """(fault, message) when an error ratio is below zero: good exceeds total."""
    for window, ratio in ratios.items():
        if ratio is not None and ratio < -NEGATIVE_TOLERANCE:
            return GOOD_ABOVE_TOTAL, (
                f"good events exceed all events (error ratio {ratio:.4g} over {window}): the "
                "two queries do not count the same requests; fix them rather than trust a "
                "figure above 100%")
    return None


def empty_sides(counts):
    """Warnings for the sides that return no series at all."""
    return [f"The {label} query returns no series now: check the metric name and the label "
            f"values (a bucket bound is written as Prometheus prints it, e.g. le=\"0.25\")."
            for side, label in SIDES if not counts.get(side)]
