"""Overviews for the web app (read-only): a team at a glance, and the company-wide grade distribution."""

from collections import Counter, defaultdict
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.report_facts import CUMULATIVE_CODES, IndicatorInfo
from core.security import Caller
from core.tables import CoachingAlert, Department, PaceForecast, Period
from core.vocab import Direction
from kpi.grading import Grade
from workflows.coaching.data import Line, choose_periods, indicator_info, load_lines
from workflows.coaching.pace import forecasts_of, pace_of, sales_shape
from workflows.coaching.schemas import (
    DepartmentGrades,
    GradeDistribution,
    PeriodRef,
    RiskOut,
    TeamMember,
    TeamOverview,
)
from workflows.org import flows as org
from workflows.results.grades import period_results

GRADES = [str(g) for g in Grade]


def team_overview(session: Session, caller: Caller, today: date, *, department_id: int | None) -> TeamOverview:
    """Everyone the caller may see (the same scope as GET /employees): the reviewed period's score, this
    period's pace per status and the number of stored alerts; a handful of queries, not one plan per person."""
    emps = [e for e in org.list_employees(session, caller, department_id=department_id, limit=10_000, offset=0)[0]]
    emps = [e for e in emps if e.active and e.id != caller.employee_id]
    periods = list(session.execute(select(Period).where(Period.kind == "month").order_by(Period.start_date)).scalars())
    choice = choose_periods(periods, today)
    review, cur = choice.review, choice.current
    ids = [e.id for e in emps]
    info = indicator_info(session)
    lines = load_lines(session, [cur.id], ids) if cur is not None else {}
    results = period_results(session, review) if review is not None else {}
    shape = sales_shape(session, cur) if cur else None
    alerts: Counter[int] = Counter()
    if cur is not None and ids:
        stmt = select(CoachingAlert.employee_id).where(
            CoachingAlert.period_id == cur.id, CoachingAlert.employee_id.in_(ids)
        )
        alerts.update(session.execute(stmt).scalars())
    ahead = forecasts_of(session, [ln.assignment_id for ls in lines.values() for ln in ls])
    members = []
    for e in emps:
        result = results.get(e.id)
        score = result.score if result is not None else None
        pace: Counter[str] = Counter()
        for ln in lines.get((e.id, cur.id), []) if cur else []:
            meta = info.get(ln.code)
            p = (
                pace_of(ln, cur, Direction(meta.direction), shape if ln.code in CUMULATIVE_CODES else None)
                if meta and cur
                else None
            )
            if p is not None:
                pace[str(p.status)] += 1
        members.append(
            TeamMember(
                employee_id=e.id,
                name_zh=e.name_zh,
                name_en=e.name_en,
                department_id=e.department_id,
                score=None if score is None else round(score, 1),
                grade=result.grade if result is not None else None,
                rank=result.rank if result is not None else None,
                team_size=result.team_size if result is not None else None,
                pace=dict(pace),
                alerts=alerts.get(e.id, 0),
                **risk_of(lines.get((e.id, cur.id), []) if cur else [], ahead, info),
            )
        )
    # Riskiest first: the lowest forecast chance of a sales KPI; people without one keep their order after them.
    members.sort(key=lambda m: (m.lowest_probability_pct is None, m.lowest_probability_pct or 0.0))
    ref = PeriodRef.model_validate
    return TeamOverview(
        review_period=ref(review) if review else None, current_period=ref(cur) if cur else None, members=members
    )


def grade_distribution(session: Session, today: date) -> GradeDistribution:
    """How many people got each grade in the latest ended period, company-wide and per department; grades are
    read from the period's one result per person (workflows.results), as on every other page."""
    periods = list(session.execute(select(Period).where(Period.kind == "month").order_by(Period.start_date)).scalars())
    review = choose_periods(periods, today).review
    if review is None:
        return GradeDistribution(
            period=None,
            period_name_zh=None,
            period_name_en=None,
            people=0,
            counts=dict.fromkeys(GRADES, 0),
            departments=[],
        )
    results = period_results(session, review)
    codes = dict(session.execute(select(Department.id, Department.code)).all())
    counts: Counter[str] = Counter(r.grade for r in results.values())
    by_dept: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for r in results.values():
        by_dept[codes[r.department_id]].append((r.grade, r.score))
    return GradeDistribution(
        period=review.code,
        period_name_zh=review.name_zh,
        period_name_en=review.name_en,
        people=sum(counts.values()),
        counts={g: counts.get(g, 0) for g in GRADES},
        departments=[
            DepartmentGrades(
                department=code,
                people=len(rows),
                mean_score=round(sum(s for _, s in rows) / len(rows), 1),
                counts={g: sum(1 for grade, _ in rows if grade == g) for g in GRADES},
            )
            for code, rows in sorted(by_dept.items())
        ],
    )


def risk_of(lines: list[Line], ahead: dict[int, PaceForecast], info: dict[str, IndicatorInfo]) -> dict[str, Any]:
    """A member's forecast-based outlook per sales KPI and the lowest chance among them."""
    risk = []
    for ln in lines:
        f, meta = ahead.get(ln.assignment_id), info.get(ln.code)
        if f is None or meta is None:
            continue
        pct = None if f.p_target is None else round(100 * f.p_target, 1)
        risk.append(
            RiskOut(
                assignment_id=ln.assignment_id, code=ln.code, name_zh=meta.name_zh, name_en=meta.name_en,
                unit=meta.unit, projected=f.projected, low=f.low, high=f.high, probability_pct=pct,
            )
        )  # fmt: skip
    known = [r.probability_pct for r in risk if r.probability_pct is not None]
    return {"risk": risk, "lowest_probability_pct": min(known) if known else None}
