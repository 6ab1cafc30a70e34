"""Burn rates are exact: the error ratio and the budget as they print (0.001 is 1/1000),
divided, rounded once to the nearest float. The same figure as dividing the two as
``Fraction``s, for every kind of number a poll or a target can give."""

import random
from decimal import Decimal
from fractions import Fraction

import pytest

from slos import budget


def by_fractions(error_ratio, target_budget):
    return float(Fraction(str(error_ratio)) / Fraction(str(target_budget)))


BUDGETS = [budget.error_budget(target) for target in
           ("99.9", "99.95", "99.99", "99.999", "99.5", "99", "95", "90", "50", "12.3456")]
RATIOS = [0, 0.0, -0.0, 1, 1.0, 0.001, 0.0009999999999999432, 1e-05, 1.5e-07, 5e-324,
          2.2250738585072014e-308, 0.1 + 0.2, 1 / 3, 0.9999999999999999, 123456789.125,
          1e+16, Decimal("0.0010"), Decimal("1E-5"), "0.5", " 0.25 ", "+0.5", ".5", "5."]


@pytest.mark.parametrize("error_ratio", RATIOS, ids=repr)
@pytest.mark.parametrize("target_budget", BUDGETS)
def test_a_burn_rate_is_the_exact_quotient_rounded_once(error_ratio, target_budget):
    assert budget.burn_rate(error_ratio, target_budget) == by_fractions(error_ratio,
                                                                        target_budget)


def test_random_error_ratios_give_the_figures_of_exact_fractions():
    draw = random.Random(9)
    for _ in range(20_000):
        error_ratio = draw.choice([draw.random(), draw.random() * 10 ** -draw.randint(1, 12),
                                   round(draw.random(), draw.randint(1, 8))])
        target_budget = draw.choice(BUDGETS)
        assert budget.burn_rate(error_ratio, target_budget) == by_fractions(
            error_ratio, target_budget), (error_ratio, target_budget)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), "not a number"])
def test_a_number_fractions_refuse_is_refused(value):
    with pytest.raises(ValueError):
        budget.burn_rate(value, 0.001)


def test_exact_reads_the_printed_decimal():
    assert budget.exact(0.001) == (1, 1000)
    assert budget.exact(1.5e-07) == (15, 100_000_000)
    assert budget.exact(1e+16) == (10 ** 16, 1)
    assert budget.exact(-0.25) == (-25, 100)


def test_alert_factors_are_a_fresh_dict_each_time():
    factors = budget.alert_factors(30)
    factors["fast_burn"] = 0
    assert budget.alert_factors(30)["fast_burn"] == 14.4
