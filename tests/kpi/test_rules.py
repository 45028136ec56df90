"""The shared domain rules: achievement with its zero policy, largest-remainder rounding, weight-set checks."""

import math

import pytest

from core.vocab import Direction
from kpi.errors import InvalidKpiValueError, InvalidWeightsError
from kpi.rules import (
    WEIGHT_SUM_TOLERANCE,
    achievement_ratio,
    apportion,
    round_to_100,
    validate_weights,
    weight_problems,
)
from kpi.scoring import achievement

H, L = Direction.HIGHER, Direction.LOWER


@pytest.mark.parametrize(
    ("actual", "target", "direction", "expected"),
    [
        (120.0, 100.0, H, 1.2),
        (80.0, 100.0, H, 0.8),
        (20.0, 40.0, L, 2.0),  # half the response time of the target
        (50.0, 40.0, L, 0.8),
        (0.0, 0.0, H, 1.0),  # zero target met exactly
        (5.0, 0.0, H, math.inf),  # anything above a zero target: unbounded (scoring caps it)
        (0.0, 0.0, L, 1.0),  # "zero complaints" met
        (3.0, 0.0, L, 0.0),  # complaints against a zero target
        (0.0, 30.0, L, math.inf),  # nothing against a positive lower-is-better target: unbounded
        (0.0, 100.0, H, 0.0),
    ],
)
def test_achievement_ratio_is_direction_aware_with_one_zero_policy(
    actual: float, target: float, direction: Direction, expected: float
) -> None:
    assert achievement_ratio(actual=actual, target=target, direction=direction) == pytest.approx(expected)


def test_achievement_ratio_accepts_the_plain_strings_stored_in_the_database() -> None:
    assert achievement_ratio(actual=30.0, target=60.0, direction="lower") == 2.0
    assert achievement_ratio(actual=30.0, target=60.0, direction="higher") == 0.5


@pytest.mark.parametrize(("actual", "target"), [(-1.0, 10.0), (10.0, -1.0), (math.nan, 10.0), (10.0, math.inf)])
def test_achievement_ratio_refuses_negative_and_non_finite_values(actual: float, target: float) -> None:
    with pytest.raises(InvalidKpiValueError, match="finite number >= 0"):
        achievement_ratio(actual=actual, target=target, direction=H)


def test_scoring_caps_the_shared_ratio_and_names_the_zero_case() -> None:
    unbounded = achievement(0.0, 5.0, H)
    assert unbounded.raw == math.inf and unbounded.value == 1.2 and unbounded.capped
    assert "unbounded, capped" in unbounded.formula
    met = achievement(0.0, 0.0, L)
    assert met.value == 1.0 and "met exactly" in met.formula


def test_apportion_sums_exactly_with_ties_to_the_earlier_item() -> None:
    assert apportion([1, 1, 1]) == [34, 33, 33]
    assert apportion([30, 25, 20]) == [40, 33, 27]
    assert apportion([1, 2, 3], 7) == [1, 2, 4]
    assert apportion([0, 0]) == [50, 50]  # nothing to go on: equal shares
    assert apportion([]) == []


def test_apportion_keeps_whole_shares_despite_float_noise() -> None:
    assert apportion([5.0, 40.0, 55.0], 10_000) == [500, 4000, 5500]
    assert apportion([0.1, 0.2, 0.7], 10) == [1, 2, 7]


def test_apportion_at_least_one_borrows_from_the_largest() -> None:
    assert apportion([1000, 1], at_least_one=False) == [100, 0]
    assert apportion([1000, 1], at_least_one=True) == [99, 1]
    assert apportion([50, 49.6, 0.4], at_least_one=True) == [49, 50, 1]


def test_round_to_100_rounds_to_hundredths_and_keeps_keys() -> None:
    assert round_to_100({"a": 1.0, "b": 1.0, "c": 1.0}) == {"a": 33.34, "b": 33.33, "c": 33.33}
    assert round_to_100({"x": 3.0, "y": 1.0}, decimals=0) == {"x": 75.0, "y": 25.0}
    assert list(round_to_100({"z": 2.0, "a": 1.0})) == ["z", "a"]


def test_weight_problems_lists_every_problem_in_a_stable_order() -> None:
    problems = weight_problems({"b": 70.0, "x": 10.0, "c": -5.0}, expected=["a", "b", "c"], bounds=(0.0, 60.0))
    assert [(p.code, p.message.split(" ")[0]) for p in problems] == [
        ("x", "not"),
        ("a", "missing:"),
        ("b", "70"),
        ("c", "weight"),
        (None, "weights"),
    ]
    assert problems[-1].message == "weights sum to 75 (they must sum to 100)"


def test_weight_sum_tolerance_is_one_hundredth() -> None:
    assert WEIGHT_SUM_TOLERANCE == 0.01
    assert weight_problems({"a": 33.33, "b": 33.33, "c": 33.34}) == []
    assert weight_problems({"a": 50.0, "b": 50.004}) == []
    assert weight_problems({"a": 50.0, "b": 49.9})  # inside the old 0.5 tolerance, now refused
    assert weight_problems({"a": 50.0, "b": math.nan})


def test_weight_problems_positive_refuses_zero_weights_and_counts_repeated_codes() -> None:
    assert weight_problems([("a", 100.0), ("b", 0.0)], positive=True)[0].code == "b"
    assert weight_problems([("a", 100.0), ("b", 0.0)]) == []
    assert weight_problems([("a", 50.0), ("a", 50.0)]) == []  # a repeated code still counts twice


def test_validate_weights_returns_floats_or_raises_with_every_problem() -> None:
    assert validate_weights({"a": 40, "b": 60}, expected=["a", "b"]) == {"a": 40.0, "b": 60.0}
    with pytest.raises(InvalidWeightsError, match=r"^current weights: c: missing.*sum to 100"):
        validate_weights({"a": 40.0}, expected=["a", "c"], label="current weights")
