"""A forecast job as the worker runs it: read the inputs in a short transaction, fit with none open, store the
ranges and the fan-chart paths; a stopped or failed job is marked so its requester sees why."""

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import Clock, clock_of
from core.db import session_scope
from core.errors import InvalidInput, KpilotError
from core.security import Caller
from core.tables import ForecastJob, Period, Shop, TargetRange
from workflows.forecasts.events import events_used
from workflows.forecasts.frames import build_frames, plannable_shop_ids, shops_for
from workflows.forecasts.schemas import status_note
from workflows.shared import audit

log = logging.getLogger("kpilot.forecasts")


def run_job(url: str, job_id: int, *, n_jobs: int = 1, history_days: int = 1095, clock: Clock | None = None) -> None:
    """Run one queued job to `done` or `failed`; never raises (its outcome is the job's status).

    Inputs are read in a read-only transaction and results written in a short one, so the minutes of model
    fitting in between never hold the database's write lock. The job queue runs each job on one worker at a
    time; a job found `running` is a retry after its worker died, and runs again from the start (results are
    only ever written in the last transaction, so a dead attempt left none).
    """
    with session_scope(url, clock=clock) as session:
        job = session.get(ForecastJob, job_id)
        if job is None or job.status not in ("queued", "running"):
            return
        job.status, job.started_at = "running", clock_of(session).now()
    try:
        with session_scope(url, write=False, clock=clock) as session:
            inputs = _inputs(session, session.get(ForecastJob, job_id), history_days)  # type: ignore[arg-type]
        result = _fit(inputs, n_jobs)
        with session_scope(url, clock=clock) as session:
            _store(session, session.get(ForecastJob, job_id), inputs, result)  # type: ignore[arg-type]
    except Exception as exc:  # noqa: BLE001 - a background job's edge: record the failure, keep serving
        from forecasting.errors import ForecastingError

        known = isinstance(exc, ForecastingError | InvalidInput)
        if not known:
            log.exception("forecast job %s failed", job_id)
            note = status_note("forecast.internal_error")
        elif isinstance(exc, KpilotError) and exc.code:  # a refusal with its own code and Chinese words
            note = status_note(exc.code, exc.params, en=str(exc), zh=exc.zh)
        else:
            note = status_note("forecast.failed", {"reason": str(exc)}, en=str(exc))
        mark_failed(url, job_id, note, clock)


def mark_failed(url: str, job_id: int, message: str, clock: Clock | None = None) -> None:
    """Mark a forecast job failed with `message` (a `status_note`, or plain English: then noted as
    `forecast.failed`; audited), unless it is already done or failed."""
    with session_scope(url, clock=clock) as session:
        job = session.get(ForecastJob, job_id)
        if job is None or job.status in ("done", "failed"):  # deleted meanwhile, or already settled
            return
        job.status, job.finished_at = "failed", clock_of(session).now()
        if not message.startswith("{"):
            message = status_note("forecast.failed", {"reason": message[:1500]}, en=message[:1500])
        job.message = message[:2000]
        audit.record(
            session,
            actor=None,
            action="forecast_failed",
            entity="forecast_job",
            entity_id=job_id,
            after={"message": job.message},
        )


@dataclass(frozen=True)
class _Inputs:
    period_id: int
    period_code: str
    start: date
    end: date
    shop_ids: dict[str, int]
    hist: pd.DataFrame
    future: pd.DataFrame
    quantiles: tuple[float, float, float]
    level: int
    events: list[dict[str, Any]]  # the promotion events of the horizon the model was given (`events.py`)


def _inputs(session: Session, job: ForecastJob, history_days: int) -> _Inputs:
    period = session.get(Period, job.period_id)
    assert period is not None  # a foreign key guarantees it
    requester = _requester(session, job)
    scope = None if job.all_shops or requester is None else plannable_shop_ids(session, requester)
    shops = shops_for(session, job, scope)
    hist, future = build_frames(session, shops, period.end_date, history_days=history_days)
    q = tuple(float(x) for x in job.quantiles)
    horizon = (hist["ds"].max().date() + timedelta(days=1), period.end_date)
    events = events_used(session, [s.id for s in shops], *horizon)
    return _Inputs(
        period.id,
        period.code,
        period.start_date,
        period.end_date,
        {s.code: s.id for s in shops},
        hist,
        future,
        (q[0], q[1], q[2]),
        job.level,
        events,
    )


def _fit(inputs: _Inputs, n_jobs: int) -> tuple[Any, pd.DataFrame]:
    from forecasting.auto import AutoForecaster
    from forecasting.targets import target_ranges

    last = inputs.hist["ds"].max().date()
    first_open = max(inputs.start, last + timedelta(days=1))
    model = AutoForecaster(horizon=len(inputs.future["ds"].unique()), n_jobs=n_jobs).fit(inputs.hist)
    ranges = target_ranges(
        model, X=inputs.future, period=[(inputs.period_code, first_open, inputs.end)], quantiles=inputs.quantiles
    )
    return ranges, model.predict(X=inputs.future, level=(inputs.level,))


def _store(session: Session, job: ForecastJob, inputs: _Inputs, result: tuple[Any, pd.DataFrame]) -> None:
    ranges, daily = result
    last = inputs.hist["ds"].max().date()
    sold = _sold_so_far(inputs.hist, inputs.start, last)
    for r in ranges.ranges:
        done = sold.get(r.unique_id, 0.0)
        session.add(
            TargetRange(
                job_id=job.id,
                shop_id=inputs.shop_ids[r.unique_id],
                period_id=inputs.period_id,
                conservative=r.conservative + done,
                base=r.base + done,
                stretch=r.stretch + done,
                quantiles=list(r.quantiles),
                model=r.model,
                data_hash=r.data_hash,
                backtest_mase=r.backtest_mase,
                backtest_daily_coverage=r.backtest_daily_coverage,
                backtest_total_coverage=r.backtest_total_coverage,
            )
        )
    lo, hi = f"lo-{inputs.level}", f"hi-{inputs.level}"
    job.daily = [
        {
            "shop_code": row.unique_id,
            "ds": row.ds.date().isoformat(),
            "p50": float(row.p50),
            "lo": float(row[lo]),
            "hi": float(row[hi]),
        }
        for _, row in daily.iterrows()
    ]
    job.events = inputs.events
    job.status, job.finished_at = "done", clock_of(session).now()
    job.data_hash, job.history_end = ranges.data_hash, last
    models = sorted({r.model for r in ranges.ranges})
    widened = ranges.recalibrated()
    # honest intervals: say which shops' backtests missed the nominal coverage, by their names
    names = {s.code: s for s in session.execute(select(Shop).where(Shop.code.in_(widened))).scalars()}
    job.message = status_note(
        "forecast.done_widened" if widened else "forecast.done",
        {
            "count": len(ranges.ranges),
            "models": models,
            "widened_en": [names[c].name_en if c in names else c for c in widened],
            "widened_zh": [names[c].name_zh if c in names else c for c in widened],
        },
        en=f"{len(ranges.ranges)} target range(s); models: {models}"
        + (f"; intervals widened for {widened}: their backtests missed the nominal coverage" if widened else ""),
    )
    audit.record(
        session,
        actor=None,
        action="forecast_done",
        entity="forecast_job",
        entity_id=job.id,
        after={"ranges": len(ranges.ranges), "data_hash": ranges.data_hash},
    )


def _requester(session: Session, job: ForecastJob) -> Caller | None:
    from core.errors import AuthenticationFailed
    from workflows.org.users import caller_for

    try:
        return caller_for(session, job.requested_by)
    except AuthenticationFailed:  # the requester was removed meanwhile: keep the job's own shop choice
        return None


def _sold_so_far(hist: pd.DataFrame, start: date, last: date) -> dict[str, float]:
    mask = (hist["ds"] >= pd.Timestamp(start)) & (hist["ds"] <= pd.Timestamp(last))
    return {str(k): float(v) for k, v in hist.loc[mask].groupby("unique_id")["y"].sum().items()}
