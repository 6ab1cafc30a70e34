"""Error-budget maths: pure functions, no ORM and no I/O.

Conventions (the SRE workbook's, and those of the reference cases in
``tests/slos/reference_cases.json``):

* targets are percentages, 0 < target < 100; a 100% target is refused (no error budget);
* error budget = 1 - target; error ratio = 1 - SLI; the SLI is clamped to [0, 1];
* budget remaining = 1 - error ratio / budget, **not clamped**: an overspent budget is negative;
* burn rate over a window = error ratio over that window / budget (1 = spending the budget
  exactly over the SLO window);
* time to exhaustion = remaining x window / burn rate: ``None`` at burn 0, 0 once spent;
* zero traffic (0 good / 0 total) is *no data* (``None``), never 0 errors and never 100%.

The budget is computed with exact fractions, so 99.9% gives a budget of exactly 0.001 and not
the float artefact 0.0009999999999999432.
"""

import itertools
import math
import re
from fractions import Fraction
from functools import lru_cache

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR
MONTH_DAYS = 30
YEAR_DAYS = 365

# The windows the poller reads error ratios over, and the workbook's multi-window pairs.
BURN_WINDOWS = ("5m", "30m", "1h", "2h", "6h", "1d", "3d")
# (name, long window, short window, share of the budget the long window may consume): the
# workbook's and Sloth's four alerts, for 30 days 14.4x and 6x (page), 3x and 1x (ticket).
ALERT_SHARES = (
    ("fast_burn", "1h", "5m", Fraction(2, 100)),
    ("slow_burn", "6h", "30m", Fraction(5, 100)),
    ("fast_ticket", "1d", "2h", Fraction(10, 100)),
    ("ticket", "3d", "6h", Fraction(10, 100)),
)

# Policy states, from budget remaining.
NORMAL = "normal"
POSTPONE_RISKY = "postpone_risky"
FREEZE_NON_CRITICAL = "freeze_non_critical"
FEATURE_FREEZE = "feature_freeze"
NO_DATA = "no_data"

POLICY_WORDS = {
    NORMAL: "Normal velocity: ship as usual.",
    POSTPONE_RISKY: "Postpone risky changes: less than half of the error budget is left.",
    FREEZE_NON_CRITICAL: "Freeze non-critical changes: less than 10% of the error budget is left.",
    FEATURE_FREEZE: "Feature freeze: the error budget is spent; work on reliability only.",
    NO_DATA: "No data: the SLI cannot be measured, so the budget is unknown.",
}

_DURATION = re.compile(r"^(\d+)([smhdw])$")
_UNIT_SECONDS = {"s": 1, "m": MINUTE, "h": HOUR, "d": DAY, "w": 7 * DAY}


class TargetError(ValueError):
    """A target the maths cannot work with (100% or outside (0, 100))."""


@lru_cache(maxsize=256)
def parse_duration(text):
    """Seconds in a Prometheus-style duration with one unit: "5m" -> 300, "28d" -> 2419200."""
    match = _DURATION.match(str(text).strip())
    if not match:
        raise ValueError(f"{text!r} is not a duration like 5m, 6h or 28d")
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def validate_target(target_percent):
    """Raise TargetError unless 0 < target < 100."""
    target = Fraction(str(target_percent))
    if target >= 100:
        raise TargetError("objective must be < 100 (error budget would be 0; burn rate = x/0)")
    if target <= 0:
        raise TargetError("objective must be > 0")
    return target


def error_budget_exact(target_percent):
    """The error budget as an exact fraction: 99.9 -> 1/1000."""
    return 1 - validate_target(target_percent) / 100


@lru_cache(maxsize=1024)
def error_budget(target_percent):
    """The error budget ratio: 1 - target (99.9% -> 0.001). Cached: a poll of 1,000 SLOs asks
    for a handful of targets 1,000 times."""
    return float(error_budget_exact(target_percent))


def allowed_downtime_seconds(target_percent, period_days):
    """How long the service may be fully down in a period and still meet the target."""
    return float(error_budget_exact(target_percent) * Fraction(str(period_days)) * DAY)


def downtime_table(target_percent, window_days):
    """The reality-check table: allowed downtime per SLO window, per 30-day month, per year."""
    return {
        "window": allowed_downtime_seconds(target_percent, window_days),
        "month": allowed_downtime_seconds(target_percent, MONTH_DAYS),
        "year": allowed_downtime_seconds(target_percent, YEAR_DAYS),
    }


def sli_from_counts(good, total):
    """good / total read at the same evaluation time, clamped to [0, 1]; None without traffic."""
    if good is None or total is None or not _finite(good) or not _finite(total) or total <= 0:
        return None
    return min(1.0, max(0.0, good / total))


def error_ratio_from_sli(sli):
    return None if sli is None else 1.0 - sli


def clean_ratio(value):
    """An error ratio from Prometheus: NaN/Inf (0/0, x/0) mean no data; clamp to [0, 1]."""
    if value is None or not _finite(value):
        return None
    return min(1.0, max(0.0, float(value)))


def burn_rate(error_ratio, budget):
    """Error ratio over a window divided by the budget; None without data. Exact: the two
    numbers as they print (0.001 is 1/1000), divided, rounded once to the nearest float."""
    if error_ratio is None:
        return None
    ratio_numerator, ratio_denominator = exact(error_ratio)
    budget_numerator, budget_denominator = _exact_budget(budget)
    # int / int is correctly rounded: the float of the exact quotient, as Fraction's.
    return (ratio_numerator * budget_denominator) / (ratio_denominator * budget_numerator)


_DECIMAL_TEXT = re.compile(r"(-?\d+)(?:\.(\d+))?(?:e([-+]?\d+))?")


def exact(value):
    """(numerator, denominator) of the number ``value`` prints as, exactly: 0.001 -> (1, 1000),
    1.5e-07 -> (15, 100000000). The same number as ``Fraction(str(value))``, read without its
    general parser and its reduction (the burn rates of a page of SLOs ask for thousands)."""
    text = str(value)
    whole, _, decimals = text.partition(".")
    if whole.removeprefix("-").isdecimal() and (decimals.isdecimal() or not decimals):
        return int(whole + decimals), 10 ** len(decimals)  # "0.0004", most error ratios
    match = _DECIMAL_TEXT.fullmatch(text)
    if match is None:  # anything else Fraction reads (or refuses: nan, inf)
        fraction = Fraction(text)
        return fraction.numerator, fraction.denominator
    whole, decimals, exponent = match.groups()
    decimals = decimals or ""
    numerator = int(whole + decimals)
    shift = int(exponent or 0) - len(decimals)
    return (numerator * 10 ** shift, 1) if shift >= 0 else (numerator, 10 ** -shift)


# A page of SLOs has a handful of distinct budgets (targets): each is read once.
_exact_budget = lru_cache(maxsize=256)(exact)


def budget_consumed(error_ratio, budget):
    return burn_rate(error_ratio, budget)


def budget_remaining(error_ratio, budget):
    """1 - error ratio / budget; negative when overspent; None without data."""
    consumed = budget_consumed(error_ratio, budget)
    return None if consumed is None else 1.0 - consumed


def allowed_bad_events(total, budget):
    return float(Fraction(str(total)) * Fraction(str(budget)))


def time_to_exhaust_entire_budget(burn, window_seconds):
    """How long a full budget lasts at this burn rate (window / burn); None at burn 0."""
    if burn is None or burn <= 0:
        return None
    return window_seconds / burn


def time_to_exhaustion(remaining, burn, window_seconds):
    """Seconds until the remaining budget is gone at the current burn rate.

    None when the burn rate is 0 or unknown (it never runs out); 0 when already spent."""
    if remaining is None:
        return None
    if remaining <= 0:
        return 0.0
    if burn is None or burn <= 0:
        return None
    return remaining * window_seconds / burn


def period_time_to_exhaustion(remaining, burn, elapsed_seconds, left_seconds):
    """Seconds until a calendar period's budget is gone, or None when the period ends first.

    The period's budget counts the events so far (allowed = budget x events so far), so the
    budget grows with the traffic: at burn rate ``burn`` and the period's average traffic so
    far, the remaining share is spent after remaining x elapsed / (burn - 1). A burn rate of 1
    or less never spends it; a time beyond the period's end is None (the budget starts again)."""
    if remaining is None:
        return None
    if remaining <= 0:
        return 0.0
    if burn is None or burn <= 1 or elapsed_seconds <= 0:
        return None
    seconds = remaining * elapsed_seconds / (burn - 1)
    return seconds if seconds <= left_seconds else None


def policy_state(remaining):
    """The error-budget policy for a budget remaining ratio."""
    if remaining is None:
        return NO_DATA
    if remaining <= 0:
        return FEATURE_FREEZE
    if remaining < 0.10:
        return FREEZE_NON_CRITICAL
    if remaining <= 0.50:
        return POSTPONE_RISKY
    return NORMAL


def risky_changes_allowed(state):
    """The gate: only normal velocity lets risky changes ship."""
    return state == NORMAL


def burn_factor(budget_share, long_window_seconds, period_seconds):
    """Burn rate at which the long window consumes ``budget_share`` of the period's budget:
    share x period / long window (2% of 30 days in 1h -> 14.4). The one formula: the alert
    factors of the generated rules come from it."""
    return float(Fraction(str(budget_share)) * Fraction(period_seconds) / long_window_seconds)


def alert_factors(period_days):
    """Default (fast, slow, fast ticket, ticket) burn factors for a window, from the
    workbook's shares: 30d -> 14.4, 6, 3, 1; 28d -> 13.44, 5.6, 2.8, 0.93."""
    return dict(_alert_factors(period_days))


@lru_cache(maxsize=64)
def _alert_factors(period_days):
    """Keyed by the period alone (a few distinct lengths): every SLO panel asks."""
    period = Fraction(str(period_days)) * DAY
    return tuple((name, burn_factor(share, parse_duration(long), period))
                 for name, long, _short, share in ALERT_SHARES)


def alert_fires(ratio_long, ratio_short, factor, budget):
    """Fire iff both windows burn faster than the factor; never without data."""
    if ratio_long is None or ratio_short is None:
        return False
    threshold = factor * budget
    return ratio_long > threshold and ratio_short > threshold


def latency_good_events(bucket_increase, threshold_seconds):
    """Good events of a latency SLI: the cumulative bucket whose ``le`` equals the threshold.

    ``bucket_increase`` maps le (text) to the increase of that cumulative bucket. The threshold
    must be an existing bucket boundary: interpolating between buckets would make up data."""
    threshold = float(threshold_seconds)
    for le, count in bucket_increase.items():
        if le != "+Inf" and float(le) == threshold:
            return count
    bounds = ", ".join(sorted(bucket_increase, key=lambda le: float(le)))
    raise ValueError(
        f"the latency threshold {threshold_seconds} s is not a histogram bucket boundary "
        f"(le is one of {bounds})"
    )


def le_matcher(le):
    """A label matcher for a bucket boundary that works before and after Prometheus 3
    normalised ``le`` to floats: "1" also matches "1.0"."""
    if re.fullmatch(r"\d+", le):
        return f'le=~"{le}(\\\\.0)?"'
    return f'le="{le}"'


def budget_share_of_events(bad_events, window_events, target_budget):
    """An interval's share of the window's error budget, counting events: bad events in the
    interval / (budget x all events in the window). None without traffic."""
    if bad_events is None or not window_events or not _finite(window_events):
        return None
    return max(0.0, float(bad_events)) / allowed_bad_events(window_events, target_budget)


def counter_increase(samples):
    """The increase of a counter over raw samples, correcting for resets (a drop means the
    counter restarted from 0); no extrapolation."""
    increase = 0.0
    for previous, current in itertools.pairwise(samples):
        increase += current - previous if current >= previous else current
    return increase


def _finite(value):
    try:
        return math.isfinite(value)
    except TypeError:
        return False


def budget_consumed_over(error_ratio, duration_seconds, window_seconds, target_budget):
    """Share of a window's error budget spent by an interval (an incident), assuming the
    traffic rate of the interval is the window's average: burn rate x duration / window."""
    burn = burn_rate(error_ratio, target_budget)
    if burn is None:
        return None
    return burn * duration_seconds / window_seconds


POLICY_SEVERITY = [NORMAL, POSTPONE_RISKY, FREEZE_NON_CRITICAL, FEATURE_FREEZE, NO_DATA]


def worst_policy(states):
    """The strictest of several policy states (no data counts as the strictest)."""
    states = list(states)
    return max(states, key=POLICY_SEVERITY.index) if states else NO_DATA
