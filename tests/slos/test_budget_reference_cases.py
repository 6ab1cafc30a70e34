"""The budget maths reproduces every reference case of tests/slos/reference_cases.json.

The cases are public figures (the SRE workbook, Sloth, Pyrra, OpenSLO, slo-generator, Nobl9,
Prometheus), kept in the repository as our own test data, each with its source. A missing file
fails the run loudly; so does a case no check knows, or a figure of a case no check reads."""

import json
import math
import re
from decimal import Decimal
from pathlib import Path

import pytest

from postmortems.models import Service
from slos import budget, rules
from slos.models import SLO

REFERENCE_CASES = Path(__file__).with_name("reference_cases.json")
# Keys of "expected" that explain a case rather than state a figure.
EXPLANATIONS = {"note", "rule"}


def load_cases():
    if not REFERENCE_CASES.exists():
        raise FileNotFoundError(
            f"{REFERENCE_CASES} is missing: the SLO maths reference cases are part of the "
            "test suite"
        )
    return json.loads(REFERENCE_CASES.read_text())["cases"]


CASES = load_cases()


class Expected(dict):
    """The expected figures of a case, remembering which ones a check read."""

    def __init__(self, figures):
        super().__init__({key: _expected(value) for key, value in figures.items()})
        self.read = set()

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)

    def unread(self, path=""):
        for key, value in self.items():
            where = f"{path}{key}"
            if key not in self.read and key not in EXPLANATIONS:
                yield where
            elif isinstance(value, Expected):
                yield from value.unread(f"{where}.")
            elif isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, Expected):
                        yield from item.unread(f"{where}[{index}].")


def _expected(value):
    if isinstance(value, dict):
        return Expected(value)
    if isinstance(value, list):
        return [_expected(item) for item in value]
    return value


def close(actual, expected, tolerance):
    if expected is None:
        return actual is None
    return math.isclose(actual, expected, rel_tol=tolerance.get("rel", 0),
                        abs_tol=tolerance.get("abs", 0))


def check_allowed_downtime(inputs, expected, tol):
    seconds = budget.allowed_downtime_seconds(inputs["objective_percent"], inputs["period_days"])
    assert close(seconds, expected["allowed_bad_seconds"], tol)
    assert close(seconds / 60, expected["allowed_bad_minutes"], tol)
    assert close(budget.error_budget(inputs["objective_percent"]),
                 expected["error_budget_ratio"], tol)


def check_burn_and_exhaustion(inputs, expected, tol):
    budget_ratio = budget.error_budget(inputs["objective_percent"])
    burn = budget.burn_rate(inputs["error_ratio"], budget_ratio)
    assert close(burn, expected["burn_rate"], tol)
    period = inputs["period_days"] * budget.DAY
    assert close(budget.time_to_exhaust_entire_budget(burn, period),
                 expected["time_to_exhaust_entire_budget_seconds"], tol)
    # A full budget lasts exactly as long as time_to_exhaustion says from remaining = 1.
    assert close(budget.time_to_exhaustion(1.0, burn, period),
                 expected["time_to_exhaust_entire_budget_seconds"], tol)


def generated_alerts(target_percent, period_days):
    """The burn-rate alerts the generated rules file (slos/rules.py) gives an SLO, as
    {(long window, short window): threshold error ratio}."""
    slo = SLO(service=Service(name="Reference", slug="reference"), name="Reference",
              slug="reference", target=Decimal(str(target_percent)), window=f"{period_days}d",
              good_query="sum(rate(good_total[$window]))",
              total_query="sum(rate(all_total[$window]))")
    alerts = {}
    for rule in rules.group_for(slo)["rules"]:
        if rule.get("alert") in rules.ALERT_NAMES.values():
            long, threshold, short, same = BURN_ALERT.fullmatch(rule["expr"]).groups()
            assert same == threshold
            alerts[(long, short)] = float(threshold)
    assert len(alerts) == len(budget.ALERT_SHARES)
    return alerts


BURN_ALERT = re.compile(r"slo:sli_error:ratio_rate(\w+)\{[^}]*\} > (\S+)\n"
                        r"and slo:sli_error:ratio_rate(\w+)\{[^}]*\} > (\S+)")


def same_window(a, b):
    return budget.parse_duration(a) == budget.parse_duration(b)


def check_mwmb(inputs, expected, tol):
    target, days = inputs["objective_percent"], inputs["period_days"]
    budget_ratio = budget.error_budget(target)
    paging_factor = budget.alert_factors(days)["slow_burn"]  # fast and slow burn page
    shares = inputs["budget_percent_per_long_window"]
    assert [want["long_window"] for want in expected["alerts"]] == list(shares)
    for want in expected["alerts"]:
        long = want["long_window"]
        factor = budget.burn_factor(shares[long] / 100, budget.parse_duration(long),
                                    days * budget.DAY)
        assert close(factor, want["burn_rate"], tol)
        assert close(factor * budget_ratio, want["error_ratio_threshold_at_99.9"], tol)
        assert close(shares[long] / 100, want["budget_consumed_fraction"], tol)
        assert budget.parse_duration(want["short_window"]) * 12 == budget.parse_duration(long)
        assert want["severity"] == ("page" if factor >= paging_factor else "ticket")
    # Every alert of the generated rules is a row of the table, with the table's threshold.
    for (long, short), threshold in generated_alerts(target, days).items():
        (want,) = [row for row in expected["alerts"] if same_window(row["long_window"], long)]
        assert same_window(want["short_window"], short)
        assert close(threshold, want["error_ratio_threshold_at_99.9"], tol)


def check_burn_factors(inputs, expected, tol):
    period = inputs["period_days"] * budget.DAY
    wanted = dict(zip([(long, short) for long, short, _share in inputs["windows"]],
                      expected["burn_rate_factors"], strict=True))
    for long, short, share in inputs["windows"]:
        factor = budget.burn_factor(share / 100, budget.parse_duration(long), period)
        assert close(factor, wanted[(long, short)], tol)
    # The generated rules of an SLO over this period alert at the same factors.
    target = 99.9
    for (long, short), threshold in generated_alerts(target, inputs["period_days"]).items():
        (window,) = [pair for pair in wanted if same_window(pair[0], long)
                     and same_window(pair[1], short)]
        assert close(threshold / budget.error_budget(target), wanted[window], tol)


def check_budget_share_burn(inputs, expected, tol):
    burn = budget.burn_factor(inputs["budget_fraction"], inputs["window_hours"] * budget.HOUR,
                              inputs["period_days"] * budget.DAY)
    assert close(burn, expected["burn_rate"], tol)


def check_budget_remaining(inputs, expected, tol):
    budget_ratio = budget.error_budget(inputs["objective_percent"])
    sli = budget.sli_from_counts(inputs["good"], inputs["total"])
    error_ratio = budget.error_ratio_from_sli(sli)
    assert close(sli, expected["sli"], tol)
    assert close(error_ratio, expected["error_ratio"], tol)
    assert close(budget.burn_rate(error_ratio, budget_ratio), expected["burn_rate_over_window"],
                 tol)
    assert close(budget.budget_consumed(error_ratio, budget_ratio),
                 expected["budget_consumed_fraction"], tol)
    remaining = budget.budget_remaining(error_ratio, budget_ratio)
    assert close(remaining, expected["budget_remaining_fraction"], tol)
    allowed = budget.allowed_bad_events(inputs["total"], budget_ratio)
    assert close(allowed, expected["allowed_bad_events"], tol)
    assert close(allowed * remaining, expected["remaining_bad_events"], tol)


def check_time_to_exhaustion(inputs, expected, tol):
    period = inputs["period_days"] * budget.DAY
    seconds = budget.time_to_exhaustion(inputs["budget_remaining_fraction"], inputs["burn_rate"],
                                        period)
    assert close(seconds, expected["time_to_exhaust_remaining_seconds"], tol)
    assert close(seconds / budget.HOUR, expected["time_to_exhaust_remaining_hours"], tol)
    entire = budget.time_to_exhaust_entire_budget(inputs["burn_rate"], period)
    assert close(entire / budget.DAY, expected["time_to_exhaust_entire_budget_days"], tol)


def check_latency(inputs, expected, tol):
    buckets = inputs["bucket_increase"]
    total = inputs["count_increase"]
    good = budget.latency_good_events(buckets, inputs["threshold_seconds"])
    budget_ratio = budget.error_budget(inputs["objective_percent"])
    sli = budget.sli_from_counts(good, total)
    error_ratio = budget.error_ratio_from_sli(sli)
    assert good == expected["good"]
    assert total - good == expected["bad"]
    assert close(sli, expected["sli"], tol)
    assert close(error_ratio, expected["error_ratio"], tol)
    assert close(budget.burn_rate(error_ratio, budget_ratio), expected["burn_rate"], tol)
    assert close(budget.budget_remaining(error_ratio, budget_ratio),
                 expected["budget_remaining_fraction"], tol)
    other = expected["with_threshold_0.25"]
    sli_025 = budget.sli_from_counts(budget.latency_good_events(buckets, 0.25), total)
    assert close(sli_025, other["sli"], tol)
    ratio_025 = budget.error_ratio_from_sli(sli_025)
    assert close(budget.burn_rate(ratio_025, budget_ratio), other["burn_rate"], tol)
    assert close(budget.budget_remaining(ratio_025, budget_ratio),
                 other["budget_remaining_fraction"], tol)
    assert expected["threshold_0.3_not_a_bucket"].startswith("reject")
    with pytest.raises(ValueError, match="not a histogram bucket boundary"):
        budget.latency_good_events(buckets, 0.3)


def check_le_matchers(inputs, expected, tol):
    assert [budget.le_matcher(le) for le in inputs["le_values"]] == expected["matchers"]


def check_zero_traffic(inputs, expected, tol):
    budget_ratio = budget.error_budget(inputs["objective_percent"])
    sli = budget.sli_from_counts(inputs["good"], inputs["total"])
    error_ratio = budget.error_ratio_from_sli(sli)
    assert sli is expected["sli"] is None
    assert error_ratio is expected["error_ratio"] is None
    assert budget.burn_rate(error_ratio, budget_ratio) is expected["burn_rate"] is None
    remaining = budget.budget_remaining(error_ratio, budget_ratio)
    assert budget.policy_state(remaining) == budget.NO_DATA == expected["status"]
    factor = budget.alert_factors(30)["fast_burn"]
    assert budget.alert_fires(error_ratio, error_ratio, factor, budget_ratio) is \
        expected["alert_fires"]


def check_target_refused(inputs, expected, tol):
    assert expected["valid"] is False
    with pytest.raises(budget.TargetError) as refused:
        budget.validate_target(inputs["objective_percent"])
    assert str(refused.value) == expected["error"]


def check_float_artefact(inputs, expected, tol):
    target = inputs["objective_percent"]
    budget_ratio = budget.error_budget(target)
    assert budget_ratio == expected["error_budget_ratio"]  # exact, not merely close
    assert budget_ratio != expected["naive_float64_value"]  # not the float artefact
    assert close(budget.alert_factors(30)["fast_burn"] * budget_ratio,
                 expected["page_threshold_14.4x"], tol)


def check_counter_reset(inputs, expected, tol):
    samples = inputs["samples"]
    assert budget.counter_increase(samples) == expected["increase"]
    assert samples[-1] - samples[0] == expected["naive_last_minus_first"]


CHECKS = {
    "allowed_downtime": check_allowed_downtime,
    "burn_rate_and_exhaustion": check_burn_and_exhaustion,
    "multiwindow_alerts": check_mwmb,
    "burn_factors": check_burn_factors,
    "budget_share_burn": check_budget_share_burn,
    "budget_remaining": check_budget_remaining,
    "time_to_exhaustion": check_time_to_exhaustion,
    "latency_sli": check_latency,
    "le_matchers": check_le_matchers,
    "zero_traffic": check_zero_traffic,
    "target_refused": check_target_refused,
    "float_artefact": check_float_artefact,
    "counter_reset": check_counter_reset,
}


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_the_maths_reproduces_the_reference_case(case):
    check = CHECKS.get(case["kind"])
    assert check is not None, f"no check knows the reference case kind {case['kind']!r}"
    assert case["source"].strip(), f"{case['name']!r} does not say where its figures come from"
    expected = Expected(case["expected"])
    check(case["inputs"], expected, case["tolerance"])
    assert not list(expected.unread()), f"figures no check read: {list(expected.unread())}"


def test_every_reference_case_is_checked():
    assert len(CASES) >= 20
    assert {case["kind"] for case in CASES} == set(CHECKS)
