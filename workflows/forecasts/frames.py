"""What a forecast reads: the shops a job covers and their daily sales as frames, with the company's promotion
calendar as known-in-advance regressors for history and horizon."""

from datetime import date, timedelta

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import InvalidInput, coded
from core.security import Caller
from core.tables import ForecastJob, SalesDaily, Shop
from workflows.onboarding.calendar import company_calendar
from workflows.shared.access import managed_department_ids

MIN_HISTORY_DAYS = 56


def shops_for(session: Session, job: ForecastJob, caller_shops: set[int] | None) -> list[Shop]:
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
        raise coded(
            InvalidInput("No sales history is stored for the chosen shop(s); import sales first."),
            "forecast.no_history",
        )
    hist["ds"] = pd.to_datetime(hist["ds"])
    hist["open"] = hist["open"].astype(int)
    start, last = hist["ds"].min().date(), hist["ds"].max().date()
    if (last - start).days < MIN_HISTORY_DAYS:
        raise coded(
            InvalidInput(
                f"Only {(last - start).days + 1} days of sales history; at least {MIN_HISTORY_DAYS} "
                "are needed for a target range."
            ),
            "forecast.short_history",
            days=(last - start).days + 1,
            needed=MIN_HISTORY_DAYS,
        )
    regs = regressor_calendar(session, shops, start, end)
    hist = hist.merge(regs, on=["unique_id", "ds"], how="left")
    future = regs[regs["ds"] > pd.Timestamp(last)].assign(open=1)  # planned closures are not stored: open
    return hist, future.reset_index(drop=True)


def plannable_shop_ids(session: Session, caller: Caller) -> set[int] | None:
    """Shops the caller may forecast and read: None = all (HR/admin); a manager's departments' shops."""
    depts = managed_department_ids(session, caller)
    if depts is None:
        return None
    return set(session.execute(select(Shop.id).where(Shop.department_id.in_(depts))).scalars())
