"""Forecast use cases: request a target-range forecast, run it in the background, read ranges and charts.

A job forecasts one shop (or every shop the caller plans for) from the stored daily sales up to the end of
a period. The built-in Chinese e-commerce calendar plus the stored promotion events give known-in-advance
regressors for history and horizon. When the period has already started, the days already sold are added
to every sample path, so the range is for the whole period's total.
"""

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.clock import Clock, clock_of
from core.db import session_scope
from core.errors import InvalidInput, NotFound
from core.security import Caller
from core.tables import ForecastJob, Period, SalesDaily, Shop, TargetRange
from workflows.forecasts.events import events_used
from workflows.forecasts.schemas import ForecastCreate
from workflows.jobs import queue as jobs
from workflows.onboarding.calendar import company_calendar
from workflows.shared import audit, common
from workflows.shared.access import managed_department_ids

log = logging.getLogger("kpilot.forecasts")
MIN_HISTORY_DAYS = 56


def plannable_shop_ids(session: Session, caller: Caller) -> set[int] | None:
    """Shops the caller may forecast and read: None = all (HR/admin); a manager's departments' shops."""
    depts = managed_department_ids(session, caller)
    if depts is None:
        return None
    return set(session.execute(select(Shop.id).where(Shop.department_id.in_(depts))).scalars())


def request_forecast(session: Session, caller: Caller, data: ForecastCreate) -> ForecastJob:
    """Queue a forecast job (audited; the caller commits and then starts `run_job`)."""
    period = session.get(Period, data.period_id)
    if period is None:
        raise NotFound(f"Period {data.period_id} not found.")
    allowed = plannable_shop_ids(session, caller)
    if data.shop_id is not None and (
        session.get(Shop, data.shop_id) is None or (allowed is not None and data.shop_id not in allowed)
    ):
        raise NotFound(f"Shop {data.shop_id} not found.")
    if data.shop_id is None and allowed is not None and not allowed:
        raise NotFound("You plan for no shop; ask HR to link your department to its shops.")
    last = session.execute(select(SalesDaily.ds).order_by(SalesDaily.ds.desc()).limit(1)).scalar()
    if last is None or period.end_date <= last:
        raise InvalidInput(
            "That period has no days after the stored sales history; pick a current or future period.",
            [{"loc": ["period_id"], "msg": f"ends {period.end_date}, history ends {last}"}],
        )
    job = ForecastJob(
        shop_id=data.shop_id,
        period_id=period.id,
        quantiles=list(data.quantiles),
        level=data.level,
        requested_by=caller.user_id,
        requested_by_name=caller.username,
        status="queued",
    )
    return _queued(session, common.create(session, job, caller=caller, entity="forecast_job"))


def _shops_for(session: Session, job: ForecastJob, caller_shops: set[int] | None) -> list[Shop]:
    stmt = select(Shop).order_by(Shop.code)
    if job.shop_id is not None:
        stmt = stmt.where(Shop.id == job.shop_id)
    else:  # an all-shops forecast is of the shops still open; a closed shop keeps its history only
        stmt = stmt.where(Shop.active.is_(True))
    if job.shop_id is None and caller_shops is not None:
        stmt = stmt.where(Shop.id.in_(caller_shops))
    return list(session.execute(stmt).scalars())


def regressor_calendar(session: Session, shops: list[Shop], start: date, end: date) -> pd.DataFrame:
    """Per shop and day in [start, end]: `promo` (platform or own campaign), `promo_intensity`,
    `logistics_pause`, from the built-in calendar and the stored promotion events."""
    # The company's calendar (built-in events as it corrected them, plus its own campaigns): the one calendar.
    frames = [company_calendar(session, shop.id, start, end).assign(unique_id=shop.code) for shop in shops]
    cal = pd.concat(frames, ignore_index=True)
    cal["promo"] = (cal["event"].notna() | cal["shop_event"].notna()).astype(int)
    cal["logistics_pause"] = cal["logistics_pause"].astype(int)
    return cal[["unique_id", "ds", "promo", "promo_intensity", "logistics_pause"]]


def build_frames(
    session: Session,
    shops: list[Shop],
    end: date,
    *,
    history_days: int = 1095,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Long-format history (`unique_id, ds, y, open` + regressors) of the last `history_days` days, and the
    horizon calendar up to `end`."""
    last_day = session.execute(
        select(SalesDaily.ds)
        .where(SalesDaily.shop_id.in_([s.id for s in shops]))
        .order_by(SalesDaily.ds.desc())
        .limit(1)
    ).scalar()
    since = (last_day or end) - timedelta(days=history_days - 1)
    rows = session.execute(
        select(Shop.code, SalesDaily.ds, SalesDaily.sales, SalesDaily.is_open)
        .join(Shop, Shop.id == SalesDaily.shop_id)
        .where(SalesDaily.shop_id.in_([s.id for s in shops]))
        .where(SalesDaily.ds >= since)
        .order_by(Shop.code, SalesDaily.ds)
    ).all()
    hist = pd.DataFrame(rows, columns=["unique_id", "ds", "y", "open"])
    if hist.empty:
        raise InvalidInput("No sales history is stored for the chosen shop(s); import sales first.")
    hist["ds"] = pd.to_datetime(hist["ds"])
    hist["open"] = hist["open"].astype(int)
    start, last = hist["ds"].min().date(), hist["ds"].max().date()
    if (last - start).days < MIN_HISTORY_DAYS:
        raise InvalidInput(
            f"Only {(last - start).days + 1} days of sales history; at least {MIN_HISTORY_DAYS} "
            "are needed for a target range."
        )
    regs = regressor_calendar(session, shops, start, end)
    hist = hist.merge(regs, on=["unique_id", "ds"], how="left")
    future = regs[regs["ds"] > pd.Timestamp(last)].assign(open=1)  # planned closures are not stored: open
    return hist, future.reset_index(drop=True)


def request(session: Session, caller: Caller, data: ForecastCreate, key: str | None) -> tuple[int, dict[str, Any]]:
    """Queue a job in one transaction with the Idempotency-Key record (a worker then runs `run_job`)."""

    def produce() -> tuple[int, dict[str, Any]]:
        job = request_forecast(session, caller, data)
        session.flush()
        return 202, job_view(session, job, caller)

    return common.run_once(session, caller=caller, key=key, payload=data.model_dump(mode="json"), produce=produce)


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
        mark_failed(url, job_id, str(exc) if known else "Internal error while forecasting; it was logged.", clock)


def mark_failed(url: str, job_id: int, message: str, clock: Clock | None = None) -> None:
    """Mark a forecast job failed with `message` (audited), unless it is already done or failed."""
    with session_scope(url, clock=clock) as session:
        job = session.get(ForecastJob, job_id)
        if job is None or job.status in ("done", "failed"):  # deleted meanwhile, or already settled
            return
        job.status, job.finished_at = "failed", clock_of(session).now()
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
    shops = _shops_for(session, job, scope)
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
    job.message = f"{len(ranges.ranges)} target range(s); models: {sorted({r.model for r in ranges.ranges})}"
    widened = ranges.recalibrated()
    if widened:  # honest intervals: say which shops' backtests missed the nominal coverage
        job.message += f"; intervals widened for {widened}: their backtests missed the nominal coverage"
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


def get_job(session: Session, caller: Caller, job_id: int) -> ForecastJob:
    """A job the caller may read (HR/admin all; managers jobs on their shops or their own requests)."""
    job = session.get(ForecastJob, job_id)
    allowed = plannable_shop_ids(session, caller)
    if job is None or not (allowed is None or job.requested_by == caller.user_id or job.shop_id in allowed):
        raise NotFound(f"Forecast {job_id} not found.")
    return job


def list_jobs(session: Session, caller: Caller, *, limit: int, offset: int) -> tuple[list[ForecastJob], int]:
    """Jobs the caller may read, newest first."""
    stmt = select(ForecastJob).order_by(ForecastJob.id.desc())
    allowed = plannable_shop_ids(session, caller)
    if allowed is not None:
        stmt = stmt.where(or_(ForecastJob.requested_by == caller.user_id, ForecastJob.shop_id.in_(allowed)))
    return common.paginate(session, stmt, limit=limit, offset=offset)


def job_ranges(session: Session, job: ForecastJob) -> list[TargetRange]:
    """The target ranges a job proposed."""
    return list(
        session.execute(select(TargetRange).where(TargetRange.job_id == job.id).order_by(TargetRange.shop_id)).scalars()
    )


def list_ranges(
    session: Session, caller: Caller, *, period_id: int | None, shop_id: int | None, limit: int, offset: int
) -> tuple[list[TargetRange], int]:
    """Proposed target ranges the caller may read, newest first."""
    stmt = select(TargetRange).order_by(TargetRange.id.desc())
    allowed = plannable_shop_ids(session, caller)
    if allowed is not None:
        stmt = stmt.where(TargetRange.shop_id.in_(allowed))
    if period_id is not None:
        stmt = stmt.where(TargetRange.period_id == period_id)
    if shop_id is not None:
        stmt = stmt.where(TargetRange.shop_id == shop_id)
    return common.paginate(session, stmt, limit=limit, offset=offset)


def chart_png(session: Session, caller: Caller, job_id: int, shop_id: int | None, lang: str = "zh") -> bytes:
    """The fan chart of one shop of a finished job in the reader's language: recent history, p50, band,
    promotions shaded and named."""
    from forecasting.calendar import promotion_spans
    from forecasting.plot import fan_chart

    job = get_job(session, caller, job_id)
    if job.status != "done" or not job.daily:
        raise NotFound(f"Forecast {job_id} has no chart yet (status {job.status}).")
    codes = sorted({d["shop_code"] for d in job.daily})
    shop = (
        session.get(Shop, shop_id)
        if shop_id is not None
        else session.execute(select(Shop).where(Shop.code == codes[0])).scalar_one()
    )
    if shop is None or shop.code not in codes:
        raise NotFound(f"Shop {shop_id} is not in forecast {job_id}.")
    daily = pd.DataFrame([d for d in job.daily if d["shop_code"] == shop.code])
    fc = pd.DataFrame(
        {
            "unique_id": shop.code,
            "ds": pd.to_datetime(daily["ds"]),
            "p50": daily["p50"],
            f"lo-{job.level}": daily["lo"],
            f"hi-{job.level}": daily["hi"],
        }
    )
    hist_rows = session.execute(
        select(SalesDaily.ds, SalesDaily.sales)
        .where(SalesDaily.shop_id == shop.id)
        .order_by(SalesDaily.ds.desc())
        .limit(120)
    ).all()
    hist = pd.DataFrame(hist_rows, columns=["ds", "y"]).assign(unique_id=shop.code)
    hist["ds"] = pd.to_datetime(hist["ds"])
    # Only the charted days' calendar is needed, not a rebuild of the whole history frame.
    start, end = min(hist["ds"].min(), fc["ds"].min()).date(), fc["ds"].max().date()
    spans = promotion_spans(company_calendar(session, shop.id, start, end), lang)
    name = shop.name_zh if lang == "zh" else shop.name_en
    title = f"{name} · 销售额预测 · 中位数与 {job.level}% 区间" if lang == "zh" else None
    return fan_chart(
        hist.sort_values("ds"),
        fc,
        unique_id=shop.code,
        promotions=spans,
        title=title or f"{name} · {job.metric} · median and {job.level}% band",
        lang=lang,
    )


def job_view(session: Session, job: ForecastJob, caller: Caller | None = None) -> dict[str, Any]:
    """A job with the ranges `caller` may see (a manager: their shops' only), JSON-ready."""
    from workflows.forecasts.schemas import ForecastJobPublic, TargetRangePublic

    allowed = plannable_shop_ids(session, caller) if caller is not None else None
    ranges = [r for r in job_ranges(session, job) if allowed is None or r.shop_id in allowed]
    data = ForecastJobPublic.model_validate(job).model_dump(mode="json")
    data["ranges"] = [TargetRangePublic.model_validate(r).model_dump(mode="json") for r in ranges]
    data["events"] = [e for e in job.events or [] if allowed is None or e["shop_id"] in allowed]
    return data


def company_forecast(session: Session, caller: Caller, period: Period) -> ForecastJob | None:
    """The job a draft waits for: None when every shop has a range for `period`; else a queued or running
    all-shops job for it, or a new one (queued, audited; whoever asks, since the company KR needs all shops)."""
    shops = set(session.execute(select(Shop.id)).scalars())
    ranged = set(
        session.execute(
            select(TargetRange.shop_id).where(TargetRange.period_id == period.id, TargetRange.metric == "sales")
        ).scalars()
    )
    if not shops or shops <= ranged:
        return None
    pending = session.execute(
        select(ForecastJob).where(
            ForecastJob.period_id == period.id,
            ForecastJob.all_shops.is_(True),
            ForecastJob.status.in_(("queued", "running")),
        )
    ).scalar()
    if pending is not None:
        return pending
    last = session.execute(select(SalesDaily.ds).order_by(SalesDaily.ds.desc()).limit(1)).scalar()
    if last is None or period.end_date <= last:
        return None  # nothing to forecast: the period is over or there is no sales history
    job = ForecastJob(
        shop_id=None,
        all_shops=True,
        period_id=period.id,
        quantiles=[0.1, 0.5, 0.9],
        level=80,
        requested_by=caller.user_id,
        requested_by_name=f"{caller.username} (goal draft)",
        status="queued",
    )
    return _queued(session, common.create(session, job, caller=caller, entity="forecast_job"))


def _queued(session: Session, job: ForecastJob) -> ForecastJob:
    """Put `job` on the durable queue in the same transaction: any worker runs it, once."""
    jobs.enqueue(session, "forecast", {"forecast_job_id": job.id})
    return job
