"""Warnings that look ahead: the forecast's probability of reaching a sales KPI's target fell below the
company's threshold (default 30%) or dropped by more than 20 points within a week. One stored alert per change
(kind `forecast_risk`, dated the day of the change), so the channels send it once and never every day; the
backward-looking warnings stay as they are."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.tables import CoachingAlert, Company, Employee, Indicator, KpiAssignment, PaceForecast, Period
from kpi.sales_formulas import formula_for
from workflows.coaching.pace_text import pace_sentence
from workflows.shared import common

KIND = "forecast_risk"
DROP_POINTS = 0.20
DEFAULT_BELOW = 0.30


def _week_ago(p: PaceForecast, today: date) -> float | None:
    """The probability stored about a week before `today` (the oldest within 7 days)."""
    since = (today - timedelta(days=7)).isoformat()
    old = [h[1] for h in p.history if since <= h[0] < today.isoformat() and h[1] is not None]
    return old[0] if old else None


def trigger(p: PaceForecast, below: float) -> str | None:
    """Why this projection warns now (`below` / `drop`), or None."""
    if p.p_target is None:
        return None
    if p.p_target < below:
        return "below"
    before = _week_ago(p, p.as_of)
    if before is not None and before - p.p_target > DROP_POINTS:
        return "drop"
    return None


def _open_alert(session: Session, assignment_id: int) -> CoachingAlert | None:
    return session.execute(
        select(CoachingAlert)
        .where(CoachingAlert.assignment_id == assignment_id, CoachingAlert.kind == KIND, CoachingAlert.ongoing)
        .order_by(CoachingAlert.start_date.desc())
        .limit(1)
    ).scalar_one_or_none()


def warn_ahead(session: Session, rows: list[PaceForecast]) -> int:
    """Open, update or close forward-looking alerts for the refreshed projections; the number opened."""
    company = session.execute(select(Company).limit(1)).scalar_one_or_none()
    below = company.forecast_alert_below if company is not None else DEFAULT_BELOW
    opened = 0
    for p in rows:
        a = session.get(KpiAssignment, p.assignment_id)
        if a is None or a.employee_id is None:
            continue  # alerts belong to a person (a department's KPI shows on the team page)
        why, current = trigger(p, below), _open_alert(session, a.id)
        if why is None:
            if current is not None:
                current.ongoing, current.end_date = False, p.as_of
            continue
        texts = _texts(session, a, p, why)
        evidence = [{"as_of": p.as_of.isoformat(), "p_target": p.p_target, "why": why, "days_left": p.days_left}]
        if current is not None and current.evidence and current.evidence[0].get("why") == why and why == "below":
            current.end_date, current.days = p.as_of, (p.as_of - current.start_date).days + 1
            current.explanation_zh, current.explanation_en = texts  # same change: updated, not sent again
            continue
        if current is not None:
            current.ongoing = False
        exists = session.execute(
            select(CoachingAlert).where(
                CoachingAlert.assignment_id == a.id, CoachingAlert.kind == KIND, CoachingAlert.start_date == p.as_of
            )
        ).scalar_one_or_none()
        if exists is not None:
            continue
        manager = session.execute(select(Employee.manager_id).where(Employee.id == a.employee_id)).scalar_one()
        row = CoachingAlert(
            employee_id=a.employee_id, manager_id=manager, assignment_id=a.id, period_id=a.period_id,
            indicator_code=_code(session, a), kind=KIND, start_date=p.as_of, end_date=p.as_of, days=1,
            ongoing=True, evidence=evidence, explanation_zh=texts[0], explanation_en=texts[1],
        )  # fmt: skip
        common.create(session, row, caller=None, entity="coaching_alert")
        opened += 1
    return opened


def _code(session: Session, a: KpiAssignment) -> str:
    return str(session.execute(select(Indicator.code).where(Indicator.id == a.indicator_id)).scalar_one())


def _texts(session: Session, a: KpiAssignment, p: PaceForecast, why: str) -> tuple[str, str]:
    ind = session.get(Indicator, a.indicator_id)
    period = session.get(Period, a.period_id)
    assert ind is not None and period is not None
    f = formula_for(ind.code, ind.sales_formula)
    cumulative = f.cumulative if f else True
    out = []
    for lang, name, pname in (("zh", ind.name_zh, period.name_zh), ("en", ind.name_en, period.name_en)):
        text = pace_sentence(
            p, name=name, period=pname, unit=ind.unit, target=a.target, cumulative=cumulative, lang=lang
        )
        before = _week_ago(p, p.as_of)
        if why == "drop" and before is not None:
            text += (
                f"一周前约为 {round(100 * before)}%。"
                if lang == "zh"
                else f" A week ago it was about {round(100 * before)}%."
            )
        out.append(text)
    return out[0], out[1]
