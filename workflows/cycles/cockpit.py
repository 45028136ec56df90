"""HR's cockpit of a cycle: the stage, who is late at each stage by department, open appeals, the second reviews
that block publication; and the reminders to the late (one per person per day through the notification
channels, by the sent log's key)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.tables import CycleAppeal, CycleItem, Department, Employee, ReviewCycleRow
from workflows.cycles import data
from workflows.cycles.stages import blocking_reviews

# Statuses that mean a person's part of the current stage is still missing.
LATE_AT = {
    "self_assessment": ("open",),
    "manager_review": ("open", "self_assessed"),
    "calibration": ("open", "self_assessed"),
    "published": ("published",),
}


def late_items(session: Session, cycle: ReviewCycleRow, today: date) -> list[CycleItem]:
    """Items still missing their part at the cycle's stage, unless HR extended it for them past today."""
    statuses = LATE_AT.get(cycle.stage, ())
    out = []
    for item in session.execute(select(CycleItem).where(CycleItem.cycle_id == cycle.id)).scalars():
        until = item.extensions.get("manager_review" if cycle.stage == "calibration" else cycle.stage)
        if item.status in statuses and not (until and today <= date.fromisoformat(until)):
            out.append(item)
    return out


def cockpit(session: Session, cycle_id: int, today: date) -> dict[str, Any]:
    """The cockpit of one cycle."""
    cycle = data.cycle_or_404(session, cycle_id)
    depts = {d.id: (d.name_zh, d.name_en) for d in session.execute(select(Department)).scalars()}
    late: dict[int, list[int]] = defaultdict(list)
    for item in late_items(session, cycle, today):
        late[item.department_id].append(item.employee_id)
    appeals = session.execute(
        select(CycleAppeal.id).where(CycleAppeal.cycle_id == cycle.id, CycleAppeal.status == "open")
    ).scalars()
    total = session.execute(select(CycleItem.id).where(CycleItem.cycle_id == cycle.id)).all()
    return {
        "cycle_id": cycle.id,
        "stage": cycle.stage,
        "people": len(total),
        "late": [
            {"department_id": d, "name_zh": depts[d][0], "name_en": depts[d][1], "employee_ids": sorted(ids)}
            for d, ids in sorted(late.items())
        ],
        "open_appeals": list(appeals),
        "blocking_reviews": blocking_reviews(session, cycle),
    }


def reminder_messages(session: Session, today: date) -> list[tuple[str, str, str]]:
    """(dedupe key, zh, en) for every late person of every running cycle: the key carries the day, so a person
    gets at most one reminder a day whatever runs the notification step."""
    out = []
    stage_zh = {
        "self_assessment": "自评",
        "manager_review": "上级评价",
        "calibration": "上级评价",
        "published": "确认或申诉",
    }
    for cycle in session.execute(select(ReviewCycleRow).where(ReviewCycleRow.stage != "locked")).scalars():
        for item in late_items(session, cycle, today):
            who = item.reviewer_id if cycle.stage in ("manager_review", "calibration") else item.employee_id
            if who is None:
                continue
            emp = session.get(Employee, item.employee_id)
            zh, en = (emp.name_zh, emp.name_en) if emp else ("", "")
            out.append(
                (
                    f"cycle:{cycle.id}:remind:{who}:{today.isoformat()}",
                    f"【kpilot 提醒】评估周期 #{cycle.id}：{zh} 的{stage_zh.get(cycle.stage, '')}尚未完成。",
                    f"[kpilot reminder] Review cycle #{cycle.id}: the {cycle.stage.replace('_', ' ')} of {en} is due.",
                )
            )
    seen: set[str] = set()
    return [m for m in out if not (m[0] in seen or seen.add(m[0]))]  # type: ignore[func-returns-value]


def published_messages(session: Session) -> list[tuple[str, str, str]]:
    """One notice per person whose result was published (sent once, by the sent log's key)."""
    out = []
    rows = session.execute(
        select(CycleItem, Employee)
        .join(Employee, Employee.id == CycleItem.employee_id)
        .where(CycleItem.status == "published")
    ).all()
    for item, emp in rows:
        out.append(
            (
                f"cycle:{item.cycle_id}:published:{item.employee_id}",
                f"【kpilot 通知】{emp.name_zh}：本期绩效结果已发布，请在截止日前确认或申诉。",
                f"[kpilot notice] {emp.name_en}: your result is published; confirm it or appeal before the deadline.",
            )
        )
    return out
