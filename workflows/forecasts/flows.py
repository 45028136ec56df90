"""Forecast use cases: request a target-range forecast, run it in the background, read ranges and charts.

A job forecasts one shop (or every shop the caller plans for) from the stored daily sales up to the end of
a period. The built-in Chinese e-commerce calendar plus the stored promotion events give known-in-advance
regressors for history and horizon. When the period has already started, the days already sold are added
to every sample path, so the range is for the whole period's total.
"""

import logging
from typing import Any

import pandas as pd
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.errors import InvalidInput, NotFound, coded
from core.security import Caller
from core.tables import ForecastJob, Period, SalesDaily, Shop, TargetRange
from workflows.forecasts.frames import plannable_shop_ids
from workflows.forecasts.runner import mark_failed as mark_failed
from workflows.forecasts.runner import run_job as run_job
from workflows.forecasts.schemas import ForecastCreate
from workflows.jobs import queue as jobs
from workflows.onboarding.calendar import company_calendar
from workflows.shared import common

log = logging.getLogger("kpilot.forecasts")


def request_forecast(session: Session, caller: Caller, data: ForecastCreate) -> ForecastJob:
    """Queue a forecast job (audited; the caller commits and then starts `run_job`)."""
    period = session.get(Period, data.period_id)
    if period is None:
        raise coded(NotFound(f"Period {data.period_id} not found."), "not_found", thing="period")
    allowed = plannable_shop_ids(session, caller)
    if data.shop_id is not None and (
        session.get(Shop, data.shop_id) is None or (allowed is not None and data.shop_id not in allowed)
    ):
        raise coded(NotFound(f"Shop {data.shop_id} not found."), "not_found", thing="shop")
    if data.shop_id is None and allowed is not None and not allowed:
        raise coded(NotFound("You plan for no shop; ask HR to link your department to its shops."), "forecast.no_shops")
    last = session.execute(select(SalesDaily.ds).order_by(SalesDaily.ds.desc()).limit(1)).scalar()
    if last is None or period.end_date <= last:
        raise coded(
            InvalidInput(
                "That period has no days after the stored sales history; pick a current or future period.",
                [{"loc": ["period_id"], "msg": f"ends {period.end_date}, history ends {last}"}],
            ),
            "forecast.period_in_past",
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


def request(session: Session, caller: Caller, data: ForecastCreate, key: str | None) -> tuple[int, dict[str, Any]]:
    """Queue a job in one transaction with the Idempotency-Key record (a worker then runs `run_job`)."""

    def produce() -> tuple[int, dict[str, Any]]:
        job = request_forecast(session, caller, data)
        session.flush()
        return 202, job_view(session, job, caller)

    return common.run_once(session, caller=caller, key=key, payload=data.model_dump(mode="json"), produce=produce)


def get_job(session: Session, caller: Caller, job_id: int) -> ForecastJob:
    """A job the caller may read (HR/admin all; managers jobs on their shops or their own requests)."""
    job = session.get(ForecastJob, job_id)
    allowed = plannable_shop_ids(session, caller)
    if job is None or not (allowed is None or job.requested_by == caller.user_id or job.shop_id in allowed):
        raise coded(NotFound(f"Forecast {job_id} not found."), "not_found", thing="forecast")
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
        raise coded(NotFound(f"Forecast {job_id} has no chart yet (status {job.status})."), "forecast.no_chart_yet")
    codes = sorted({d["shop_code"] for d in job.daily})
    shop = (
        session.get(Shop, shop_id)
        if shop_id is not None
        else session.execute(select(Shop).where(Shop.code == codes[0])).scalar_one()
    )
    if shop is None or shop.code not in codes:
        raise coded(NotFound(f"Shop {shop_id} is not in forecast {job_id}."), "forecast.shop_not_in_job")
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
