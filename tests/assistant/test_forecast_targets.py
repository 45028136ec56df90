"""Forecast ranges as targets: chances under a log-normal reading of the range, driver ranges that multiply
back to the sales range, and flags for company targets outside it."""

import math

import pytest

from assistant.driver_tree import split_sales
from assistant.forecast_targets import driver_ranges, judge_company_targets, probability_reached
from assistant.schemas import CompanyOKR, KeyResult, Objective, TargetRange

RANGE = TargetRange(conservative=80.0, base=100.0, stretch=125.0)


def test_the_base_is_an_even_chance_and_the_bounds_are_the_quantiles() -> None:
    assert probability_reached(100.0, RANGE) == pytest.approx(0.5, abs=0.001)
    # 125 = base x 1.25 is the 90% quantile: a 10% chance to reach it (both sides have the same log spread).
    assert probability_reached(125.0, RANGE) == pytest.approx(0.1, abs=0.005)
    assert probability_reached(80.0, RANGE) == pytest.approx(0.9, abs=0.005)
    further, stretch = probability_reached(150.0, RANGE), probability_reached(125.0, RANGE)
    assert further is not None and stretch is not None and further < stretch
    # Lower is better: the chance of staying at or under a level.
    assert probability_reached(125.0, RANGE, "lower") == pytest.approx(0.9, abs=0.005)


def test_a_point_range_gives_certainty_or_nothing() -> None:
    point = TargetRange(conservative=100.0, base=100.0, stretch=100.0)
    assert probability_reached(99.0, point) == 1.0 and probability_reached(101.0, point) == 0.0
    assert probability_reached(0.0, RANGE) is None


def test_driver_ranges_multiply_back_to_the_sales_range() -> None:
    baselines = {"visitors": 1_000_000.0, "conversion_rate": 2.5, "aov": 200.0}
    split = split_sales("O1.KR1", factor=1.2, departments={"ops", "ads"}, sales_target=6_000_000.0, baselines=baselines)
    sales = TargetRange(conservative=5_000_000.0, base=5_600_000.0, stretch=6_200_000.0)
    ranges = driver_ranges(split, sales)
    assert set(ranges) == {"visitors", "conversion_rate", "aov", "traffic_growth"}
    for bound in ("conservative", "base", "stretch"):
        product = math.prod(getattr(ranges[c], bound) for c in ("visitors", "conversion_rate", "aov")) / 100
        assert product == pytest.approx(getattr(sales, bound), rel=0.002)
        visitors = getattr(ranges["visitors"], bound)
        assert getattr(ranges["traffic_growth"], bound) == pytest.approx((visitors / 1_000_000 - 1) * 100, abs=0.06)
    assert ranges["aov"].conservative < ranges["aov"].base < ranges["aov"].stretch


def test_a_company_target_above_the_stretch_is_flagged_with_its_chance() -> None:
    kr = KeyResult(id="O1.KR1", title="GMV", metric="gmv", target=1_500_000.0, unit="CNY")
    company = CompanyOKR(period="2027 Q1", objectives=[Objective(id="O1", title="grow", key_results=[kr])])
    flags: list[str] = []
    chances = judge_company_targets(
        company, {"gmv": TargetRange(conservative=1_000_000.0, base=1_150_000.0, stretch=1_300_000.0)}, "zh", flags
    )
    assert 0 < chances["O1.KR1"] < 0.1
    assert len(flags) == 1 and flags[0].startswith("target_above_forecast_stretch:O1.KR1")
    assert f"about {round(100 * chances['O1.KR1'])}% likely" in flags[0]
