"""Grades (bands, forced distribution, small-team rule), review cycles and in-period pace."""

from datetime import date

import pytest

from core.vocab import Direction
from kpi.cycles import ReviewCycle, period_bounds, review_cycle
from kpi.errors import InvalidPeriodError, InvalidPolicyError, UnknownRoleError
from kpi.grading import Grade, GradeBands, GradeMethod, GradePolicy, grade_by_bands, grade_team
from kpi.pace import MetricKind, PaceStatus, project_pace


def test_bands() -> None:
    assert grade_by_bands(100) is Grade.EXCELLENT
    assert grade_by_bands(80) is Grade.GOOD
    assert grade_by_bands(79.9) is Grade.NEEDS_IMPROVEMENT
    assert grade_by_bands(50, GradeBands(excellent=60, good=40)) is Grade.GOOD


def test_forced_distribution_20_50_30_for_large_team() -> None:
    scores = {f"p{i}": float(i) for i in range(50)}
    res = grade_team(scores)
    assert res.method_used is GradeMethod.DISTRIBUTION
    counts = {g: sum(1 for v in res.grades.values() if v is g) for g in Grade}
    assert counts == {Grade.EXCELLENT: 10, Grade.GOOD: 25, Grade.NEEDS_IMPROVEMENT: 15}
    assert res.grades["p49"] is Grade.EXCELLENT and res.grades["p0"] is Grade.NEEDS_IMPROVEMENT


def test_ties_at_boundary_share_the_better_grade() -> None:
    scores = {f"p{i}": 90.0 for i in range(40)}
    res = grade_team(scores)
    assert set(res.grades.values()) == {Grade.EXCELLENT}


def test_small_team_never_force_ranked() -> None:
    scores = {f"p{i}": 85.0 + i for i in range(10)}
    res = grade_team(scores, GradePolicy(method=GradeMethod.DISTRIBUTION))
    assert res.method_used is GradeMethod.BANDS
    assert any("no forced ranking" in n for n in res.notes)
    # All above 80 -> no one is pushed into needs_improvement just to fill a quota.
    assert Grade.NEEDS_IMPROVEMENT not in res.grades.values()
    assert res.to_dict()["method_used"] == "bands"


def test_bad_grade_policy() -> None:
    with pytest.raises(InvalidPolicyError):
        grade_team({"a": 1}, GradePolicy(distribution=(0.5, 0.5, 0.5)))


def test_review_cycles_by_role() -> None:
    assert review_cycle("客服") is ReviewCycle.MONTHLY
    assert review_cycle("Warehouse") is ReviewCycle.MONTHLY
    assert review_cycle("投放") is ReviewCycle.QUARTERLY
    assert review_cycle("R&D") is ReviewCycle.YEARLY
    assert review_cycle("florist") is ReviewCycle.MONTHLY
    with pytest.raises(UnknownRoleError):
        review_cycle("florist", strict=True)
    assert period_bounds(ReviewCycle.QUARTERLY, date(2024, 5, 3)) == (date(2024, 4, 1), date(2024, 6, 30))
    assert period_bounds(ReviewCycle.MONTHLY, date(2024, 2, 10)) == (date(2024, 2, 1), date(2024, 2, 29))
    assert period_bounds(ReviewCycle.YEARLY, date(2024, 7, 1)) == (date(2024, 1, 1), date(2024, 12, 31))


def test_end_of_month_promotion_is_not_behind() -> None:
    shape = [1.0] * 25 + [9.0] * 5  # promotion in the last five days brings 64% of the month
    uniform = project_pace(36, 100, 25, period_days=30)
    shaped = project_pace(36, 100, 25, daily_shape=shape)
    assert uniform.status is PaceStatus.BEHIND
    assert shaped.status is PaceStatus.ON_TRACK
    assert shaped.projected_achievement == pytest.approx(36 / (25 / 70) / 100)
    assert "预计期末" in shaped.explanation_zh


def test_pace_lower_is_better_rate_and_too_early() -> None:
    r = project_pace(90, 120, 10, period_days=30, direction=Direction.LOWER, kind=MetricKind.RATE)
    assert r.status is PaceStatus.AHEAD and r.projected_achievement == pytest.approx(120 / 90)
    assert project_pace(0, 100, 0, period_days=30).status is PaceStatus.TOO_EARLY
    assert project_pace(0, 100, 3, daily_shape=[0, 0, 0, 1]).status is PaceStatus.TOO_EARLY
    with pytest.raises(InvalidPeriodError):
        project_pace(1, 1, 40, period_days=30)
    with pytest.raises(InvalidPeriodError):
        project_pace(1, 1, 1, daily_shape=[1, -1])
