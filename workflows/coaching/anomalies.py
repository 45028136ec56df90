"""Inflation and anomaly flags for HR (DOMAIN.md §8): computed on request, explained, nothing changed.

Scores are recomputed from the stored KPIs for the period and the previous periods of the same kind, then
the `kpi.inflation` checks run on them:
- all_high per department and per team (people sharing a manager): >= 90% of them at or above HIGH points,
  i.e. clearly above target on almost every KPI (the default scale gives 100 points at target);
- team_jump: a team's mean score rising far more than teams usually move from one period to the next;
- sudden_jump: one person's score rising >= 20 points and >= 3 robust SDs of all changes;
- score_above_outcome: a department's mean score far above the line of score against its stored business
  outcome (the `department_outcome` table) across departments and periods.
- manager_above_self / manager_above_peer: a manager's ratings of their people systematically above the same
  people's self- or peer ratings (stored ratings of the period, `workflows.pay.ratings`);
- bonus_always_full: the company bonus pool paid out (almost) in full in every approved allocation so far.
A check without the data it needs (no ratings in the period, fewer than three approved pools) is listed as
skipped with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import NotFound, coded
from core.tables import Department, DepartmentOutcome, Employee, Period
from kpi.anomaly import AnomalyFlag
from kpi.inflation import (
    check_all_high,
    check_bonus_payout,
    check_rating_bias,
    check_score_vs_outcome,
    check_sudden_jumps,
)
from workflows.coaching.data import indicator_info, load_lines, scores

HIGH = 110.0
TEAM_MIN_JUMP = 8.0
HISTORY_PERIODS = 24
NO_RATINGS = "no manager ratings paired with {kind} ratings are stored for this period"
NO_POOLS = "fewer than 3 approved bonus pools are stored"
NO_OUTCOMES = "no department business outcomes are stored for these periods"


@dataclass(frozen=True)
class AnomalyReport:
    """Flags of one period and which checks ran."""

    period: Period
    flags: list[dict[str, Any]]
    checks: list[dict[str, str]]


def default_period(session: Session, today: Any) -> Period:
    """The latest ended period in which people hold KPIs."""
    from core.tables import KpiAssignment

    period = session.execute(
        select(Period)
        .where(Period.end_date < today, Period.id.in_(select(KpiAssignment.period_id)))
        .order_by(Period.end_date.desc(), Period.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if period is None:
        raise coded(NotFound("No ended period with KPIs yet: nothing to check."), "anomalies.no_period")
    return period


def _score_table(session: Session, period: Period) -> Any:
    import pandas as pd

    earlier = list(
        session.execute(
            select(Period)
            .where(Period.kind == period.kind, Period.end_date < period.start_date)
            .order_by(Period.start_date.desc())
            .limit(HISTORY_PERIODS)
        ).scalars()
    )
    periods = {p.id: p for p in [period, *earlier]}
    info = indicator_info(session)
    totals = scores(load_lines(session, periods), info)
    emps = {e.id: e for e in session.execute(select(Employee)).scalars()}
    codes = dict(session.execute(select(Department.id, Department.code)).all())
    rows = []
    for (emp_id, pid), score in totals.items():
        e = emps[emp_id]
        team = emps[e.manager_id].code if e.manager_id in emps else e.code
        # Periods are named by start date so text order equals time order in the jump checks.
        rows.append(
            {
                "person_id": e.code,
                "department": codes[e.department_id],
                "team": f"team:{team}",
                "period": periods[pid].start_date.isoformat(),
                "period_code": periods[pid].code,
                "score": score,
            }
        )
    return pd.DataFrame(rows, columns=["person_id", "department", "team", "period", "period_code", "score"])


def _outcomes(session: Session) -> Any:
    import pandas as pd

    rows = session.execute(
        select(Department.code, Period.start_date, DepartmentOutcome.value)
        .join(Department, Department.id == DepartmentOutcome.department_id)
        .join(Period, Period.id == DepartmentOutcome.period_id)
    ).all()
    return pd.DataFrame(
        [(d, start.isoformat(), v) for d, start, v in rows], columns=["department", "period", "outcome"]
    )


def _outcome_flags(session: Session, table: Any, key: str, code: str) -> tuple[list[dict[str, Any]], bool]:
    outcomes = _outcomes(session)
    dept = table.groupby(["department", "period"], as_index=False)["score"].mean()
    merged = dept.merge(outcomes, on=["department", "period"])
    if merged.empty or key not in set(merged["period"]):
        return [], False
    return _named(check_score_vs_outcome(merged), key, code, "score_above_outcome"), True


def _named(flags: list[AnomalyFlag], period_key: str, period_code: str, check: str) -> list[dict[str, Any]]:
    out = []
    for f in flags:
        if f.period != period_key:
            continue
        d = f.to_dict()
        d["period"] = period_code
        d["check"] = check
        out.append(d)
    return out


def anomaly_report(session: Session, period_id: int | None, *, today: Any) -> AnomalyReport:
    """Run the inflation checks for one period (default: the latest ended one)."""
    period = session.get(Period, period_id) if period_id is not None else default_period(session, today)
    if period is None:
        raise coded(NotFound(f"Period {period_id} not found."), "not_found", thing="period")
    table = _score_table(session, period)
    key = period.start_date.isoformat()
    flags: list[dict[str, Any]] = []
    if not table.empty:
        now = table[table["period"] == key]
        flags += _named(check_all_high(now, group_col="department", high=HIGH), key, period.code, "all_high")
        flags += _named(check_all_high(now, group_col="team", high=HIGH), key, period.code, "all_high")
        team_means = table.groupby(["team", "period"], as_index=False)["score"].mean()
        flags += _named(
            check_sudden_jumps(team_means, subject_col="team", min_jump=TEAM_MIN_JUMP), key, period.code, "team_jump"
        )
        flags += _named(check_sudden_jumps(table), key, period.code, "sudden_jump")
        found, ran = _outcome_flags(session, table, key, period.code)
        flags += found
    else:
        ran = False
    for f in flags:
        if f["check"] == "team_jump":
            f["code"] = "team_jump"
        f["subject_name"] = _subject_name(session, f["subject"])
    checks = [{"code": c, "status": "ran", "reason": ""} for c in ("all_high", "team_jump", "sudden_jump")]
    checks.append(
        {"code": "score_above_outcome", "status": "ran" if ran else "skipped", "reason": "" if ran else NO_OUTCOMES}
    )
    more_flags, more_checks = _pay_checks(session, period)
    for f in more_flags:
        f["subject_name"] = _subject_name(session, f["subject"])
    return AnomalyReport(period=period, flags=flags + more_flags, checks=checks + more_checks)


def _pay_checks(session: Session, period: Period) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """The rating-bias checks on the period's stored ratings and the full-payout check on approved pools."""
    import pandas as pd

    from core.tables import BonusAllocation, BonusPool, Rating

    flags: list[dict[str, Any]] = []
    checks: list[dict[str, str]] = []
    codes = dict(session.execute(select(Employee.id, Employee.code)).all())
    managers = dict(session.execute(select(Employee.id, Employee.manager_id)).all())
    rows = session.execute(
        select(Rating.ratee_id, Rating.kind, Rating.score).where(Rating.period_id == period.id)
    ).all()
    table = pd.DataFrame(rows, columns=["ratee", "kind", "score"])
    means = table.pivot_table(index="ratee", columns="kind", values="score", aggfunc="mean") if len(table) else None
    for kind in ("self", "peer"):
        code = f"manager_above_{kind}"
        if means is None or "manager" not in means.columns or kind not in means.columns:
            checks.append({"code": code, "status": "skipped", "reason": NO_RATINGS.format(kind=kind)})
            continue
        frame = pd.DataFrame(
            {
                "manager_id": [codes.get(managers.get(int(r)) or -1) for r in means.index],
                "manager_rating": means["manager"].to_numpy(),
                "other": means[kind].to_numpy(),
            }
        ).dropna()
        found = check_rating_bias(frame, other_col="other", kind=kind)
        flags += [{**f.to_dict(), "period": period.code, "check": code} for f in found]
        checks.append({"code": code, "status": "ran", "reason": ""})
    pools = session.execute(
        select(Period.start_date, BonusPool.amount_fen, BonusAllocation.retained_fen)
        .join(BonusPool, BonusPool.id == BonusAllocation.pool_id)
        .join(Period, Period.id == BonusPool.period_id)
        .where(BonusAllocation.status == "approved", Period.start_date <= period.start_date)
    ).all()
    if len(pools) < 3:
        checks.append({"code": "bonus_always_full", "status": "skipped", "reason": NO_POOLS})
    else:
        frame = pd.DataFrame(
            [("company", s.isoformat(), a, a - r) for s, a, r in pools],
            columns=["department", "period", "pool", "paid"],
        )
        found = check_bonus_payout(frame)
        flags += [{**f.to_dict(), "period": period.code, "check": "bonus_always_full"} for f in found]
        checks.append({"code": "bonus_always_full", "status": "ran", "reason": ""})
    return flags, checks


def _subject_name(session: Session, subject: str) -> str:
    """A readable name for a flag's subject: a department, a team (by its manager) or a person."""
    code = subject.removeprefix("team:")
    emp = session.execute(select(Employee).where(Employee.code == code)).scalar_one_or_none()
    if emp is not None:
        prefix = ("团队：", "team of ") if subject.startswith("team:") else ("", "")
        return f"{prefix[0]}{emp.name_zh} / {prefix[1]}{emp.name_en} ({emp.code})"
    dept = session.execute(select(Department).where(Department.code == subject)).scalar_one_or_none()
    return f"{dept.name_zh} / {dept.name_en}" if dept is not None else subject
