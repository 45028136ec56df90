"""The lock of a period: once its review cycle locks, the period's scores, actuals, targets and weights are
read-only (409 `period.locked`), except for a person whose result HR reopened with a reason."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import Conflict, coded
from core.tables import CycleItem, Period, ReviewCycleRow


def reopened_ids(session: Session, period_id: int) -> set[int]:
    """People of the period whose locked result HR reopened."""
    rows = session.execute(
        select(CycleItem.employee_id).where(CycleItem.period_id == period_id, CycleItem.status == "reopened")
    ).scalars()
    return set(rows)


def locked_error(period: Period) -> Conflict:
    """The 409 of a write into a locked period, saying what to do instead."""
    when = period.locked_at.date().isoformat() if period.locked_at else ""
    return coded(
        Conflict(
            f"Period {period.code} was locked on {when}: its scores, actuals, targets and weights are final. "
            "Ask HR to reopen this person's result with a reason (review cycle item: reopen), then change it."
        ),
        "period.locked",
        f"期间 {period.name_zh} 已于 {when} 锁定：得分、实际值、目标和权重均为最终结果。"
        "如需修改，请由 HR 填写原因后重新开放此人的结果，再进行修改。",
    )


def ensure_open(session: Session, period_id: int, employee_id: int | None = None) -> None:
    """Refuse (409) a change to a locked period, unless it is for one person whose result HR reopened."""
    period = session.get(Period, period_id)
    if period is None or period.locked_at is None:
        return
    if employee_id is not None and employee_id in reopened_ids(session, period_id):
        return
    raise locked_error(period)


def pay_waits_for(session: Session, period_id: int, employee_ids: set[int]) -> Conflict | None:
    """Why pay of these people must wait: their period's review cycle is not locked, or HR reopened a result."""
    cycle = session.execute(select(ReviewCycleRow).where(ReviewCycleRow.period_id == period_id)).scalar_one_or_none()
    if cycle is None:
        return None
    if cycle.locked_at is None:
        return coded(
            Conflict("Bonus pools use locked results only: this period's review cycle is not locked yet."),
            "results.not_locked",
            "奖金只使用已锁定的绩效结果：本期评估周期尚未锁定。",
        )
    hit = sorted(reopened_ids(session, period_id) & employee_ids)
    if hit:
        return coded(
            Conflict(f"The results of employees {hit} were reopened by HR: lock them again before approving pay."),
            "results.reopened",
            f"有 {len(hit)} 人的结果已被 HR 重新开放：请重新锁定后再审批奖金分配。",
        )
    return None


def results_basis(session: Session, period_id: int) -> dict[str, str]:
    """What a pool or the calibration view reads, said in both languages."""
    period = session.get(Period, period_id)
    if period is not None and period.locked_at is not None:
        day = period.locked_at.date().isoformat()
        return {
            "en": f"Locked results of {period.code} (locked {day}).",
            "zh": f"使用 {period.name_zh} 已锁定的绩效结果（{day} 锁定）。",
        }
    return {"en": "Computed results: this period is not locked.", "zh": "使用计算所得的结果：本期尚未锁定。"}
