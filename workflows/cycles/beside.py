"""What a reviewer sees beside each person's self-assessment (issue 29): the pace history of every KPI over the
period and the inflation / divergence checks that concern the person. Nothing is computed here for the first
time: pace and progress are the plan page's functions (`workflows.coaching.pace`), the checks are the anomaly
report of the period (`workflows.coaching.anomalies` over `kpi.inflation`) and the second-review queue
(`workflows.pay.reviews`), so a number reads the same on every page."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.report_facts import CUMULATIVE_CODES, IndicatorInfo
from core.clock import clock_of
from core.security import Caller
from core.tables import CycleItem, Department, Employee, Period, ReviewItem
from core.vocab import Direction
from workflows.coaching.anomalies import anomaly_report
from workflows.coaching.data import Line, indicator_info, load_lines, score_lines
from workflows.coaching.pace import pace_of, progress, sales_shape
from workflows.cycles import data
from workflows.cycles.checkins import week_start

MAX_POINTS = 8  # the last actual of each of the last eight weeks: a history, not a ledger


def history(line: Line, period: Period, meta: IndicatorInfo | None, shape: list[float] | None) -> list[dict[str, Any]]:
    """Progress and straight-line pace of one KPI as they stood on each week's last actual (oldest first)."""
    direction = Direction(meta.direction) if meta else Direction.HIGHER
    last_of_week: dict[Any, int] = {}
    for i, (as_of, _) in enumerate(line.values):
        last_of_week[week_start(as_of)] = i
    out = []
    for i in sorted(last_of_week.values())[-MAX_POINTS:]:
        then = replace(line, values=line.values[: i + 1])
        p = pace_of(then, period, direction, shape)
        ach = p.projected_achievement if p is not None else None
        out.append(
            {
                "as_of": then.values[-1][0],
                "actual": then.values[-1][1],
                "progress_pct": progress(then, direction),
                "projected_pct": round(100 * ach, 1) if ach is not None and ach != float("inf") else None,
                "status": str(p.status) if p is not None else None,
            }
        )
    return out


RATER_CHECKS = ("manager_above_self", "manager_above_peer")  # their subject is the rater, not the person rated


def _concerns(session: Session, emp: Employee, flag: dict[str, Any]) -> bool:
    """Whether a flag is about this person: them, their team (by manager), their department, or their manager's
    ratings (the rating-bias checks name the rater; any other flag naming the manager is about the manager)."""
    boss = session.get(Employee, emp.manager_id) if emp.manager_id else None
    dept = session.get(Department, emp.department_id)
    subject, code = str(flag["subject"]), str(flag["code"])
    if code in RATER_CHECKS:
        return boss is not None and subject == boss.code
    return subject in {emp.code, f"team:{boss.code if boss else emp.code}", dept.code if dept else ""}


def _second_reviews(session: Session, period_id: int, employee_id: int) -> list[dict[str, Any]]:
    rows = session.execute(select(ReviewItem).where(ReviewItem.period_id == period_id).order_by(ReviewItem.id))
    return [
        {"id": r.id, "code": r.code, "status": r.status, "explanation_zh": r.explanation_zh,
         "explanation_en": r.explanation_en}
        for r in rows.scalars()
        if r.subject_employee_id == employee_id or employee_id in (r.related or [])
    ]  # fmt: skip


def beside(session: Session, caller: Caller, cycle_id: int) -> list[dict[str, Any]]:
    """For every item of the cycle the caller may see, except their own: pace history, checks, second reviews."""
    cycle = data.cycle_or_404(session, cycle_id)
    items: list[CycleItem] = [
        i for i in data.items_for(session, caller, cycle_id) if i.employee_id != caller.employee_id
    ]
    period = session.get(Period, cycle.period_id)
    if not items or period is None:
        return []
    info = indicator_info(session)
    people = [i.employee_id for i in items]
    lines = load_lines(session, [period.id], people)
    everyone = [ln for ls in lines.values() for ln in ls]
    shape = sales_shape(session, period) if any(ln.code in CUMULATIVE_CODES for ln in everyone) else None
    flags = anomaly_report(session, period.id, today=clock_of(session).today()).flags
    out = []
    for item in items:
        emp = session.get(Employee, item.employee_id)
        own = lines.get((item.employee_id, period.id), [])
        out.append(
            {
                "item_id": item.id,
                "employee_id": item.employee_id,
                "score": round(score_lines(own, info).total, 1) if own else None,
                "kpis": [
                    {
                        "assignment_id": ln.assignment_id,
                        "target": ln.target,
                        "points": history(ln, period, info.get(ln.code), shape),
                    }
                    for ln in own
                ],  # fmt: skip
                "checks": [
                    {
                        "code": str(f["code"]),
                        "subject_name": str(f.get("subject_name") or ""),
                        "explanation_zh": str(f["explanation_zh"]),
                        "explanation_en": str(f["explanation_en"]),
                    }
                    for f in flags
                    if emp is not None and _concerns(session, emp, f)
                ],  # fmt: skip
                "second_reviews": _second_reviews(session, period.id, item.employee_id),
            }
        )
    return out
