"""Early warnings (DOMAIN.md §9): detect runs of days outside the expected range, store and list them.

Expected range of a KPI on a day of the running period: the looser of the plan's target range and the
person's own history (median -/+ 2 robust SDs of their last 12 period values, `kpi.anomaly.history_bounds`),
so an alert means "clearly below both what was planned and what this person usually does". Cumulative
indicators (sales) are compared with the share of the period elapsed. Three consecutive as-of days
outside the range give an alert for the owner and their manager; re-running updates instead of duplicating.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.report_facts import CUMULATIVE_CODES, IndicatorInfo, WarningFact
from core.security import Caller
from core.tables import CoachingAlert, Employee, Period
from core.vocab import Direction
from kpi.anomaly import EarlyWarning, history_bounds, warnings_from_bounds
from workflows.coaching.data import Line, indicator_info, load_lines
from workflows.shared import audit, common
from workflows.shared.access import visible_employee_ids

MIN_DAYS = 3
RECENT_DAYS = timedelta(days=7)  # a period that ended this recently still shows its final days' warnings
HISTORY_PERIODS = 12


def _history_bound(history: list[float], direction: Direction) -> float | None:
    if len(history) < 3:
        return None
    return history_bounds([*history, 0.0], window=HISTORY_PERIODS, k=2.0, min_history=3, direction=direction)[-1]


def expected_limit(line: Line, history: list[float], direction: Direction) -> float | None:
    """The period-level limit of the expected range (lower limit if higher is better), or None."""
    plan = line.target_low if direction is Direction.HIGHER else line.target_high
    hist = _history_bound(history, direction)
    known = [b for b in (plan, hist) if b is not None]
    if not known:
        return None
    return min(known) if direction is Direction.HIGHER else max(known)


def line_warnings(line: Line, period: Period, history: list[float], info: IndicatorInfo) -> list[EarlyWarning]:
    """Ongoing warning runs of one KPI line in its running period."""
    direction = Direction(info.direction)
    limit = expected_limit(line, history, direction)
    if limit is None or len(line.values) < MIN_DAYS:
        return []
    days = [d for d, _ in line.values]
    total_days = (period.end_date - period.start_date).days + 1
    if line.code in CUMULATIVE_CODES:
        bounds: list[float | None] = [limit * ((d - period.start_date).days + 1) / total_days for d in days]
    else:
        bounds = [limit] * len(days)
    found = warnings_from_bounds(
        [v for _, v in line.values],
        bounds,
        days=days,
        direction=direction,
        min_consecutive=MIN_DAYS,
        indicator=info.name_en,
        indicator_zh=info.name_zh,
        subject=str(line.employee_id),
    )
    return [w for w in found if w.ongoing]


def _histories(session: Session, lines: list[Line], period: Period) -> dict[tuple[int, str], list[float]]:
    """Each (employee, indicator)'s latest values in the previous periods of the same kind."""
    earlier = list(
        session.execute(
            select(Period.id)
            .where(Period.kind == period.kind, Period.end_date < period.start_date)
            .order_by(Period.start_date.desc())
            .limit(HISTORY_PERIODS)
        ).scalars()
    )
    past = load_lines(session, earlier, {ln.employee_id for ln in lines})
    starts = dict(session.execute(select(Period.id, Period.start_date).where(Period.id.in_(earlier or [0]))).all())
    out: dict[tuple[int, str], list[tuple[date, float]]] = {}
    for (emp, pid), ls in past.items():
        for ln in ls:
            if ln.latest is not None:
                out.setdefault((emp, ln.code), []).append((starts[pid], ln.latest[1]))
    return {k: [v for _, v in sorted(vals)] for k, vals in out.items()}


@dataclass(frozen=True)
class FoundWarning:
    """A warning with the line it belongs to."""

    line: Line
    period: Period
    warning: EarlyWarning


def detect(session: Session, today: date, employee_ids: set[int] | None = None) -> list[FoundWarning]:
    """Ongoing early warnings of the periods running on `today` or ended in the last RECENT_DAYS days
    (optionally for some people only): on the 1st of a month, last month's final days still warn."""
    info = indicator_info(session)
    running = list(
        session.execute(
            select(Period).where(Period.start_date <= today, Period.end_date >= today - RECENT_DAYS)
        ).scalars()
    )
    out: list[FoundWarning] = []
    for period in running:
        lines = [ln for ls in load_lines(session, [period.id], employee_ids).values() for ln in ls]
        lines = [ln for ln in lines if ln.code in info]
        if not lines:
            continue
        hist = _histories(session, lines, period)
        for ln in lines:
            out += [
                FoundWarning(ln, period, w)
                for w in line_warnings(ln, period, hist.get((ln.employee_id, ln.code), []), info[ln.code])
            ]
    return out


@dataclass(frozen=True)
class AlertRun:
    """What a run of the checks stored."""

    created: int
    updated: int
    ongoing: int


def run_alerts(session: Session, *, actor: Caller | None, today: date) -> AlertRun:
    """Detect and store early-warning alerts (upsert by assignment, kind, start; audited; caller commits)."""
    managers = dict(session.execute(select(Employee.id, Employee.manager_id)).all())
    created = updated = 0
    for found in detect(session, today):
        w, ln = found.warning, found.line
        values = {
            "end_date": w.end,
            "days": w.days,
            "ongoing": w.ongoing,
            "evidence": w.to_dict()["evidence"],
            "explanation_zh": w.explanation_zh,
            "explanation_en": w.explanation_en,
        }
        row = session.execute(
            select(CoachingAlert).where(
                CoachingAlert.assignment_id == ln.assignment_id,
                CoachingAlert.kind == w.code,
                CoachingAlert.start_date == w.start,
            )
        ).scalar_one_or_none()
        if row is None:
            row = CoachingAlert(
                employee_id=ln.employee_id,
                manager_id=managers.get(ln.employee_id),
                assignment_id=ln.assignment_id,
                period_id=found.period.id,
                indicator_code=ln.code,
                kind=w.code,
                start_date=w.start,
                **values,
            )
            common.create(session, row, caller=actor, entity="coaching_alert")
            created += 1
        elif row.end_date != w.end:
            before = common.snapshot(row)
            for k, v in values.items():
                setattr(row, k, v)
            session.flush()
            audit.record(
                session,
                actor=actor,
                action="update",
                entity="coaching_alert",
                entity_id=row.id,
                before=before,
                after=common.snapshot(row),
            )
            updated += 1
    total = created + updated
    audit.record(
        session,
        actor=actor,
        action="alerts_run",
        entity="coaching_alert",
        entity_id="run",
        after={"today": today.isoformat(), "created": created, "updated": updated},
    )
    return AlertRun(created=created, updated=updated, ongoing=total)


def list_alerts(
    session: Session,
    caller: Caller,
    *,
    period_id: int | None,
    employee_id: int | None,
    limit: int,
    offset: int,
) -> tuple[list[CoachingAlert], int]:
    """Alerts the caller may see: their own, their reporting line's (managers), all (HR/admin)."""
    stmt = select(CoachingAlert).order_by(CoachingAlert.start_date.desc(), CoachingAlert.id.desc())
    if period_id is not None:
        stmt = stmt.where(CoachingAlert.period_id == period_id)
    if employee_id is not None:
        stmt = stmt.where(CoachingAlert.employee_id == employee_id)
    visible = visible_employee_ids(session, caller)
    if visible is not None:
        stmt = stmt.where(CoachingAlert.employee_id.in_(sorted(visible)))
    return common.paginate(session, stmt, limit=limit, offset=offset)


def alerts_of(session: Session, employee_id: int, period_id: int | None) -> list[CoachingAlert]:
    """Stored alerts of one person (of one period when given), newest first."""
    stmt = select(CoachingAlert).where(CoachingAlert.employee_id == employee_id)
    if period_id is not None:
        stmt = stmt.where(CoachingAlert.period_id == period_id)
    return list(session.execute(stmt.order_by(CoachingAlert.start_date.desc(), CoachingAlert.id.desc())).scalars())


def warning_fact(found: FoundWarning, info: dict[str, IndicatorInfo]) -> WarningFact:
    """A stored-or-detected warning as a report fact."""
    meta, ev, w = info[found.line.code], found.warning.evidence[-1], found.warning.to_dict()
    return WarningFact(
        code=found.line.code,
        name_zh=meta.name_zh,
        name_en=meta.name_en,
        unit=meta.unit,
        start=str(w["start"]),
        end=str(w["end"]),
        days=found.warning.days,
        latest_value=ev.value,
        bound=round(ev.bound, 4),
        ongoing=found.warning.ongoing,
    )
