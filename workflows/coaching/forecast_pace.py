"""Pace from the forecast: for every sales KPI of a running period, the actual so far plus the forecast of the
days left (with the promotion calendar) gives the projected end value, its 80% range and the probability of
reaching the target, the conservative and the stretch level.

Run by the job queue (`pace` jobs, queued when new sales arrive), never on a page view: pages read the stored
`pace_forecast` rows. One gradient-boosting model per sales column over every shop (`forecasting.gbm`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.clock import Clock, clock_of
from core.db import session_scope
from core.tables import Indicator, Job, KpiAssignment, PaceForecast, Period, SalesActual, SalesDaily, Shop
from forecasting.base import Paths
from forecasting.progress import Projection, end_values, project
from kpi.sales_formulas import FORMULAS, SalesFormula
from workflows.forecasts.frames import regressor_calendar
from workflows.jobs import queue

FORECAST_COLUMNS = ("sales", "orders", "visitors")  # refunds are not forecast: a refund rate keeps the straight line
YEAR_DAYS, NEW_SHOP_DAYS, HISTORY_DAYS = 365, 120, 1095


@dataclass(frozen=True)
class Subject:
    """One sales KPI to project, as plain values (the model is fitted outside any transaction)."""

    assignment_id: int
    levels: dict[str, float | None]  # target / conservative / stretch
    period_end: date
    as_of: date
    value: float
    shop_codes: list[str]
    sums: dict[str, float]
    missing_days: int
    formula: SalesFormula
    higher: bool


def queue_refresh(session: Session) -> None:
    """Queue one pace refresh (in the open transaction) unless one is already waiting."""
    waiting = session.execute(
        select(func.count()).select_from(Job).where(Job.kind == "pace", Job.status == "queued")
    ).scalar_one()
    if not waiting:
        queue.enqueue(session, "pace", {}, max_attempts=2)


def _subjects(session: Session, today: date) -> list[Subject]:
    rows = session.execute(
        select(KpiAssignment, Period, SalesActual, Indicator.direction)
        .join(Period, Period.id == KpiAssignment.period_id)
        .join(SalesActual, SalesActual.assignment_id == KpiAssignment.id)
        .join(Indicator, Indicator.id == KpiAssignment.indicator_id)
        .where(Period.start_date <= today, Period.end_date > today, KpiAssignment.target.is_not(None))
    ).all()
    out = []
    for a, period, m, direction in rows:
        formula = FORMULAS[m.formula]
        if set(formula.columns) <= set(FORECAST_COLUMNS):
            levels = {"target": a.target, "conservative": a.target_low, "stretch": a.target_high}
            out.append(
                Subject(
                    a.id, levels, period.end_date, m.as_of, m.value, list(m.shop_codes), dict(m.sums),
                    m.missing_days, formula, direction != "lower",
                )
            )  # fmt: skip
    return out


def _history(session: Session, shops: list[Shop], column: str, end: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    since = end - timedelta(days=HISTORY_DAYS + 400)
    col = getattr(SalesDaily, column)
    rows = session.execute(
        select(Shop.code, SalesDaily.ds, col, SalesDaily.is_open)
        .join(Shop, Shop.id == SalesDaily.shop_id)
        .where(SalesDaily.shop_id.in_([s.id for s in shops]), SalesDaily.ds >= since, col.is_not(None))
        .order_by(Shop.code, SalesDaily.ds)
    ).all()
    hist = pd.DataFrame(rows, columns=["unique_id", "ds", "y", "open"]).astype({"y": float})
    hist["ds"] = pd.to_datetime(hist["ds"])
    hist["open"] = hist["open"].astype(int)
    regs = regressor_calendar(session, shops, hist["ds"].min().date(), end)
    last = hist["ds"].max()
    hist = hist.merge(regs, on=["unique_id", "ds"], how="left")
    future = regs[regs["ds"] > last].assign(open=1).reset_index(drop=True)
    return hist, future


def _paths(frames: dict[str, tuple[pd.DataFrame, pd.DataFrame]]) -> dict[str, Paths]:
    """One model per sales column over every shop; sample paths of the days left (no database involved)."""
    from forecasting.gbm import GlobalGBM  # scikit-learn loads only in the job

    out = {}
    for column, (hist, future) in sorted(frames.items()):
        if hist.empty or future.empty:
            continue
        model = GlobalGBM(horizon=len(future["ds"].unique()), max_iter=150, calibration_windows=2)
        out[column] = model.fit(hist).predict_paths(X=future)
    return out


def _rest(paths: Paths, codes: list[str], after: date, end: date) -> np.ndarray:
    """Per path, the total of the covered shops over the days after `after` up to `end`."""
    days = (paths.ds > pd.Timestamp(after)) & (paths.ds <= pd.Timestamp(end))
    rows = [paths.ids.index(c) for c in codes if c in paths.ids]
    return np.asarray(np.nansum(paths.values[rows][:, :, days], axis=(0, 2)), dtype=float)


def _history_days(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(Shop.code, func.min(SalesDaily.ds), func.max(SalesDaily.ds))
        .join(Shop, Shop.id == SalesDaily.shop_id)
        .group_by(Shop.code)
    ).all()
    return {code: (last - first).days + 1 for code, first, last in rows}


def _caveats(subject: Subject, span: dict[str, int]) -> tuple[list[str], bool]:
    days = [span.get(c, 0) for c in subject.shop_codes]
    caveats = []
    if min(days, default=0) < YEAR_DAYS:
        caveats.append("short_history")
    if min(days, default=0) < NEW_SHOP_DAYS:
        caveats.append("new_shop")
    if subject.missing_days:
        caveats.append("missing_days")
    return caveats, "new_shop" not in caveats


def projection_of(subject: Subject, paths: dict[str, Paths], span: dict[str, int]) -> Projection | None:
    """The forecast-based projection of one KPI, or None when its columns have no forecast."""
    f, m = subject.formula, subject
    if any(c not in paths for c in f.columns):
        return None
    end = subject.period_end
    rest_top = sum(_rest(paths[c], m.shop_codes, m.as_of, end) for c in f.numerator)
    done = [sum(m.sums[c] for c in f.numerator)]
    rest = [np.asarray(rest_top)]
    if f.denominator:
        done.append(sum(m.sums[c] for c in f.denominator))
        rest.append(np.asarray(sum(_rest(paths[c], m.shop_codes, m.as_of, end) for c in f.denominator)))
    ends = end_values(done, rest, scale=f.scale, ratio=bool(f.denominator))
    caveats, supported = _caveats(subject, span)
    return project(ends, subject.levels, higher_is_better=subject.higher, caveats=caveats, probability=supported)


def _store(session: Session, subject: Subject, p: Projection) -> PaceForecast:
    m, target = subject, subject.levels["target"]
    days_left = (subject.period_end - m.as_of).days
    needed = (target - m.value) / days_left if subject.formula.cumulative and days_left > 0 and target else None
    aid = subject.assignment_id
    row = session.execute(select(PaceForecast).where(PaceForecast.assignment_id == aid)).scalar_one_or_none()
    fields: dict[str, Any] = {
        "as_of": m.as_of, "method": "forecast", "actual": m.value, "projected": round(p.median, 4),
        "low": round(p.low, 4), "high": round(p.high, 4), "p_target": p.probabilities.get("target"),
        "p_conservative": p.probabilities.get("conservative"), "p_stretch": p.probabilities.get("stretch"),
        "days_left": days_left, "needed_per_day": needed, "caveats": list(p.caveats),
    }  # fmt: skip
    if row is None:
        row = PaceForecast(assignment_id=aid, history=[], **fields)
        session.add(row)
    else:
        for k, v in fields.items():
            setattr(row, k, v)
    kept = [h for h in row.history if h[0] != m.as_of.isoformat()][-59:]
    row.history = [*kept, [m.as_of.isoformat(), fields["p_target"]]]
    row.computed_at = clock_of(session).now()
    return row


@dataclass(frozen=True)
class Inputs:
    """What the model needs, read in one short read-only transaction."""

    subjects: list[Subject]
    frames: dict[str, tuple[pd.DataFrame, pd.DataFrame]]
    span: dict[str, int]


def read_inputs(session: Session) -> Inputs:
    """The sales KPIs of the running periods, the history frames of their columns and each shop's history span."""
    today = clock_of(session).today()
    subjects = _subjects(session, today)
    if not subjects:
        return Inputs([], {}, {})
    codes = sorted({c for s in subjects for c in s.shop_codes})
    shops = list(session.execute(select(Shop).where(Shop.code.in_(codes))).scalars())
    end = max(s.period_end for s in subjects)
    frames = {c: _history(session, shops, c, end) for c in {c for s in subjects for c in s.formula.columns}}
    return Inputs(subjects, frames, _history_days(session))


def store(session: Session, inputs: Inputs, paths: dict[str, Paths]) -> list[PaceForecast]:
    """Write each KPI's projection (in the open transaction); the rows written."""
    out = []
    for subject in inputs.subjects:
        p = projection_of(subject, paths, inputs.span)
        if p is not None:
            out.append(_store(session, subject, p))
    session.flush()
    return out


def run_pace_job(url: str, clock: Clock) -> None:
    """The `pace` job: read (short read-only transaction), fit with no transaction open (other writers never
    wait for the model), then write the projections and the forward-looking warnings in one short transaction."""
    from workflows.coaching.forward_alerts import warn_ahead

    with session_scope(url, write=False, clock=clock) as session:
        inputs = read_inputs(session)
    if not inputs.subjects:
        return
    paths = _paths(inputs.frames)
    with session_scope(url, clock=clock) as session:
        warn_ahead(session, store(session, inputs, paths))
