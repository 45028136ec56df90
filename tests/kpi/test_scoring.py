"""Scoring edge cases: direction, caps, zero targets, missing values, mid-period KPIs."""

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.vocab import Direction
from kpi.errors import InvalidKpiValueError, InvalidPolicyError
from kpi.scoring import (
    KpiInput,
    LineStatus,
    MissingPolicy,
    ScoringPolicy,
    achievement,
    prorate_target,
    score_person,
)


def test_domain_example_weight_30_at_120_percent_gives_36_points() -> None:
    b = score_person(
        [KpiInput("conv", 30, 100, 120), KpiInput("camp", 10, 100, 80), KpiInput("x", 60, 1, 1)], person_id="e1"
    )
    points = {line.code: line.points for line in b.lines}
    assert points["conv"] == pytest.approx(36.0)
    assert points["camp"] == pytest.approx(8.0)
    assert b.total == pytest.approx(36 + 8 + 60)
    assert b.to_dict()["person_id"] == "e1"


def test_cap_clips_and_is_reported() -> None:
    b = score_person([KpiInput("conv", 100, 100, 200)])
    line = b.lines[0]
    assert line.capped and line.achievement == pytest.approx(1.2) and line.achievement_raw == pytest.approx(2.0)
    assert line.points == pytest.approx(120.0)
    assert any("capped" in n for n in line.notes)
    assert score_person([KpiInput("c", 100, 100, 200)], ScoringPolicy(cap=1.5)).total == pytest.approx(150)


def test_floor_raises_low_achievement() -> None:
    line = score_person([KpiInput("c", 100, 100, 10)], ScoringPolicy(floor=0.5)).lines[0]
    assert line.floored and line.points == pytest.approx(50.0)


def test_lower_is_better_inverts() -> None:
    a = achievement(target=120, actual=60, direction=Direction.LOWER, policy=ScoringPolicy(cap=5))
    assert a.raw == pytest.approx(2.0) and "target / actual" in a.formula
    assert achievement(60, 120, Direction.LOWER).value == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("target", "actual", "direction", "expected"),
    [
        (0, 0, Direction.HIGHER, 1.0),
        (0, 5, Direction.HIGHER, 1.2),
        (0, 0, Direction.LOWER, 1.0),
        (0, 3, Direction.LOWER, 0.0),
        (10, 0, Direction.LOWER, 1.2),
        (10, 0, Direction.HIGHER, 0.0),
    ],
)
def test_zero_targets_and_actuals_never_divide_by_zero(
    target: float, actual: float, direction: Direction, expected: float
) -> None:
    assert achievement(target, actual, direction).value == pytest.approx(expected)


def test_unbounded_raw_is_json_safe() -> None:
    b = score_person([KpiInput("c", 100, 0, 5)])
    assert b.lines[0].achievement_raw is None and b.lines[0].capped
    json.dumps(b.to_dict(), allow_nan=False)


@pytest.mark.parametrize("bad", [-1.0, math.inf, math.nan])
def test_negative_or_non_finite_values_are_refused(bad: float) -> None:
    with pytest.raises(InvalidKpiValueError):
        achievement(bad, 1.0)
    with pytest.raises(InvalidKpiValueError):
        score_person([KpiInput("c", bad, 1.0, 1.0)])


def test_missing_actual_excluded_and_weight_redistributed() -> None:
    b = score_person([KpiInput("a", 60, 100, 100), KpiInput("b", 40, 100, None)])
    assert b.lines[1].status is LineStatus.MISSING_ACTUAL and b.lines[1].points == 0
    assert b.lines[0].effective_weight == pytest.approx(100.0)
    assert b.total == pytest.approx(100.0)


def test_missing_actual_zero_policy_scores_zero() -> None:
    b = score_person(
        [KpiInput("a", 60, 100, 100), KpiInput("b", 40, 100, float("nan"))],
        ScoringPolicy(missing_actual=MissingPolicy.ZERO),
    )
    assert b.lines[1].status is LineStatus.SCORED and b.lines[1].achievement == 0.0
    assert b.total == pytest.approx(60.0)


def test_missing_target_always_excluded() -> None:
    b = score_person(
        [KpiInput("a", 50, None, 3), KpiInput("b", 50, 10, 10)],
        ScoringPolicy(missing_actual=MissingPolicy.ZERO),
    )
    assert b.lines[0].status is LineStatus.MISSING_TARGET
    assert b.total == pytest.approx(100.0)


def test_kpi_added_mid_period_is_prorated_and_total_weight_kept() -> None:
    kpis = [KpiInput("old", 60, 100, 100), KpiInput("new", 40, 50, 50, active_fraction=0.5)]
    b = score_person(kpis)
    assert b.lines[1].effective_weight == pytest.approx(20.0)
    assert b.lines[0].effective_weight == pytest.approx(80.0)
    assert sum(line.effective_weight for line in b.lines) == pytest.approx(100.0)
    assert any("mid-period" in n for n in b.lines[1].notes)
    assert prorate_target(3000, 10, 30) == pytest.approx(1000)
    with pytest.raises(InvalidKpiValueError):
        score_person([KpiInput("x", 10, 1, 1, active_fraction=0)])


def test_invalid_policy() -> None:
    with pytest.raises(InvalidPolicyError):
        score_person([KpiInput("a", 1, 1, 1)], ScoringPolicy(cap=0.9))


@given(
    st.lists(
        st.tuples(st.floats(0, 100), st.floats(0, 1e6), st.floats(0, 1e6), st.booleans()),
        min_size=1,
        max_size=5,
    )
)
def test_total_bounded_by_weight_times_cap(rows: list[tuple[float, float, float, bool]]) -> None:
    kpis = [
        KpiInput(f"k{i}", w, t, a, Direction.LOWER if low else Direction.HIGHER)
        for i, (w, t, a, low) in enumerate(rows)
    ]
    b = score_person(kpis)
    assert 0 <= b.total <= b.max_points + 1e-6
    assert b.total == pytest.approx(sum(line.points for line in b.lines))
