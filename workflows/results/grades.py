"""One grade per person and period, computed here and nowhere else.

The final score is the KPI score (kpi.scoring, latest actuals) after second-review adjustments (later decisions
win). A person is reviewed in a period when at least one of their KPIs has an actual. The team a person is
ranked and graded in is their department: `kpi.grading.grade_team` force-ranks teams of 30 or more 20/50/30 and
grades smaller teams by absolute bands (the small-team rule). HR's calibration change of a grade wins over the
computed one. Once the period is locked (its review cycle), the results stored at the lock are the results,
except for a person HR reopened. The plan, the report, the team page, 等级分布, 等级校准, the bonus allocation and
the exports all read `period_results`, so one person has one grade for one period wherever it is shown.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.tables import Employee, GradeCalibration, Period, PeriodResult, ReviewItem
from kpi.grading import grade_team
from workflows.coaching.data import indicator_info, load_lines, score_lines
from workflows.shared.period_lock import reopened_ids


@dataclass(frozen=True)
class Result:
    """A person's result for one period."""

    employee_id: int
    department_id: int
    score: float
    computed_score: float
    grade: str
    computed_grade: str
    method: str
    rank: int
    team_size: int
    team_mean: float
    review_item_id: int | None
    calibration_id: int | None


def computed_scores(session: Session, period: Period, employee_ids: list[int] | None = None) -> dict[int, float]:
    """KPI score per reviewed person (at least one actual), rounded to 4 decimals."""
    info = indicator_info(session)
    lines = load_lines(session, [period.id], employee_ids)
    return {
        emp: round(score_lines(ls, info).total, 4)
        for (emp, _), ls in lines.items()
        if ls and any(ln.latest is not None for ln in ls)
    }


def review_adjustments(session: Session, period: Period) -> dict[int, tuple[float, int]]:
    """Score set by second-review decisions per person, with the deciding review (later decisions win)."""
    out: dict[int, tuple[float, int]] = {}
    items = session.execute(
        select(ReviewItem)
        .where(ReviewItem.period_id == period.id, ReviewItem.status == "adjusted")
        .order_by(ReviewItem.decided_at, ReviewItem.id)
    ).scalars()
    for item in items:
        for emp, score in (item.adjustments or {}).items():
            out[int(emp)] = (round(float(score), 4), item.id)
    return out


def final_scores(
    session: Session, periods: list[Period], computed: dict[tuple[int, int], float]
) -> dict[tuple[int, int], float]:
    """(employee, period) -> final score: the computed one, or the score a second review set (for trends)."""
    out = dict(computed)
    for period in periods:
        for emp, (score, _) in review_adjustments(session, period).items():
            if (emp, period.id) in out:
                out[(emp, period.id)] = score
    return out


def calibrations(session: Session, period: Period) -> dict[int, GradeCalibration]:
    """HR's latest calibration change per person for the period."""
    rows = session.execute(
        select(GradeCalibration).where(GradeCalibration.period_id == period.id).order_by(GradeCalibration.id)
    ).scalars()
    return {row.employee_id: row for row in rows}


def period_results(session: Session, period: Period, department_id: int | None = None) -> dict[int, Result]:
    """Every reviewed person's final score, grade, rank and team (department) for `period`; with `department_id`,
    only that department's people (a grade depends only on the department, so theirs are the same)."""
    members = select(Employee.id, Employee.department_id)
    if department_id is not None:
        members = members.where(Employee.department_id == department_id)
    dept_of = dict(session.execute(members).all())
    computed = computed_scores(session, period, list(dept_of) if department_id is not None else None)
    adjusted = review_adjustments(session, period)
    final = {emp: adjusted[emp][0] if emp in adjusted else s for emp, s in computed.items()}
    teams: dict[int, dict[str, float]] = defaultdict(dict)
    for emp, score in final.items():
        teams[dept_of[emp]][str(emp)] = score
    calibrated = calibrations(session, period)
    out: dict[int, Result] = {}
    for dept, people in teams.items():
        graded = grade_team(people)
        mean = round(sum(people.values()) / len(people), 4)
        for key, score in people.items():
            emp = int(key)
            change = calibrated.get(emp)
            out[emp] = Result(
                employee_id=emp,
                department_id=dept,
                score=score,
                computed_score=computed[emp],
                grade=change.grade if change is not None else str(graded.grades[key]),
                computed_grade=str(graded.grades[key]),
                method=str(graded.method_used),
                rank=1 + sum(1 for other in people.values() if other > score),
                team_size=len(people),
                team_mean=mean,
                review_item_id=adjusted[emp][1] if emp in adjusted else None,
                calibration_id=change.id if change is not None else None,
            )
    if period.locked_at is not None:
        out.update(locked_results(session, period, department_id))
    return out


def locked_results(session: Session, period: Period, department_id: int | None = None) -> dict[int, Result]:
    """The results stored when the period locked (what pay uses), except for people HR reopened."""
    stmt = select(PeriodResult).where(PeriodResult.period_id == period.id)
    if department_id is not None:
        stmt = stmt.where(PeriodResult.department_id == department_id)
    reopened = reopened_ids(session, period.id)
    names = Result.__dataclass_fields__
    return {
        row.employee_id: Result(**{k: getattr(row, k) for k in names})
        for row in session.execute(stmt).scalars()
        if row.employee_id not in reopened
    }


def result_of(session: Session, period: Period, employee_id: int) -> Result | None:
    """One person's result for `period` (None when they were not reviewed in it): only their department is
    scored, so a plan page does not score the whole company."""
    employee = session.get(Employee, employee_id)
    if employee is None:
        return None
    return period_results(session, period, employee.department_id).get(employee_id)
