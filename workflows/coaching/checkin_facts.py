"""The latest weekly check-in of each of a person's KPIs in some periods, as report facts (issue 29: check-ins
feed the self-assessment and the feedback report)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.report_checkins import CheckInFact
from core.tables import CheckIn, Indicator, KpiAssignment, Period


def latest_check_ins(session: Session, employee_id: int, period_ids: list[int]) -> list[CheckInFact]:
    """For every KPI of the person in these periods that has check-ins: the newest one, as a fact."""
    if not period_ids:
        return []
    rows = session.execute(
        select(CheckIn, Indicator, Period)
        .join(KpiAssignment, KpiAssignment.id == CheckIn.assignment_id)
        .join(Indicator, Indicator.id == KpiAssignment.indicator_id)
        .join(Period, Period.id == KpiAssignment.period_id)
        .where(CheckIn.employee_id == employee_id, KpiAssignment.period_id.in_(period_ids))
        .order_by(CheckIn.week_start.desc(), CheckIn.id.desc())
    ).all()
    seen: set[int] = set()
    out = []
    for c, ind, period in rows:
        if c.assignment_id in seen:
            continue
        seen.add(c.assignment_id)
        out.append(
            CheckInFact(
                name_zh=ind.name_zh,
                name_en=ind.name_en,
                period_zh=period.name_zh,
                period_en=period.name_en,
                week_start=c.week_start,
                note=c.note,
                confidence=c.confidence,
                blocker=c.blocker,
                manager_comment=c.manager_comment,
            )  # fmt: skip
        )
    return out
