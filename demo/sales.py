"""Demo shops, their daily sales (visitors x conversion x AOV) and the promotion events behind them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from forecasting.calendar import LUNAR_NEW_YEAR, cn_ecommerce_calendar, combine_calendars

Row = dict[str, Any]


@dataclass(frozen=True)
class ShopModel:
    """Level (at `today`), growth, weekly shape and promotion sensitivity of one shop."""

    code: str
    name_zh: str
    name_en: str
    channel: str
    department_code: str
    visitors: float  # daily unique visitors on an ordinary day
    conversion: float  # orders / visitors
    aov: float  # CNY per order
    growth: float  # yearly growth of visitors
    weekly: tuple[float, ...]  # Monday..Sunday visitor factors
    visitor_lift: float  # visitors x (1 + visitor_lift x promo_intensity**2)
    conversion_lift: float
    closes_for_new_year: bool  # JD's own logistics keep the self-operated shop open


SHOPS: tuple[ShopModel, ...] = (
    ShopModel(
        "tmall",
        "云裳天猫旗舰店",
        "Yunshang Tmall flagship store",
        "tmall",
        "ops",
        26000,
        0.030,
        236.0,
        0.14,
        (0.97, 0.95, 0.96, 0.98, 1.01, 1.07, 1.06),
        3.5,
        1.5,
        True,
    ),
    ShopModel(
        "jd",
        "云裳京东自营店",
        "Yunshang JD self-operated store",
        "jd",
        "ops",
        8500,
        0.034,
        268.0,
        0.08,
        (1.0, 0.98, 0.98, 0.99, 1.01, 1.03, 1.01),
        3.0,
        1.3,
        False,
    ),
    ShopModel(
        "douyin",
        "云裳抖音小店",
        "Yunshang Douyin shop",
        "douyin",
        "live",
        30000,
        0.014,
        158.0,
        0.45,
        (0.92, 0.93, 0.95, 0.97, 1.04, 1.12, 1.07),
        2.0,
        1.0,
        True,
    ),
    ShopModel(
        "pdd",
        "云裳拼多多旗舰店",
        "Yunshang Pinduoduo flagship store",
        "pinduoduo",
        "ops",
        14000,
        0.036,
        96.0,
        0.20,
        (0.98, 0.97, 0.98, 0.99, 1.0, 1.04, 1.04),
        2.4,
        1.2,
        True,
    ),
)
EVENT_NAMES = {
    "nianhuo": "年货节",
    "women_day": "三八女王节",
    "618": "618 年中大促",
    "99": "99 划算节",
    "double11": "双11 全球狂欢节",
    "double12": "双12 年终盛典",
}
# Shop-own campaigns per year: name, (month, day) of the usual start, length in days, promo intensity.
SHOP_CAMPAIGNS: dict[str, tuple[tuple[str, tuple[int, int], int, float], ...]] = {
    "tmall": (
        ("春季上新", (3, 20), 3, 0.45),
        ("品牌会员日", (4, 22), 2, 0.35),
        ("店庆周年", (8, 18), 3, 0.55),
        ("秋冬上新", (9, 22), 3, 0.45),
    ),
    "jd": (("京东服饰品类日", (4, 18), 3, 0.45), ("店庆周年", (7, 12), 3, 0.5)),
    "douyin": (
        ("达人专场", (1, 12), 1, 0.6),
        ("达人专场", (4, 15), 1, 0.6),
        ("达人专场", (7, 16), 1, 0.6),
        ("抖音好物节", (10, 10), 3, 0.5),
        ("达人专场", (12, 20), 1, 0.6),
    ),
    "pdd": (("百亿补贴专场", (4, 8), 3, 0.45), ("百亿补贴专场", (7, 25), 3, 0.45)),
}


def sales_window(today: date) -> tuple[date, date]:
    """First and last sales day: the 36 months before the current month up to yesterday."""
    start = date(today.year - 3, today.month, 1)
    return start, today - timedelta(days=1)


def shops() -> list[Row]:
    """Shop rows: code, names, channel, the owning department; every demo shop is open."""
    keys = ("code", "name_zh", "name_en", "channel", "department_code")
    return [{**{k: getattr(s, k) for k in keys}, "active": True} for s in SHOPS]


def event_spans(cal: pd.DataFrame) -> list[tuple[str, date, date]]:
    """(event, first day, last day) of each contiguous run of one event in a calendar frame."""
    ev = cal["event"].fillna("").to_numpy(dtype=object)
    change = np.flatnonzero(np.r_[True, ev[1:] != ev[:-1]])
    ends = np.r_[change[1:] - 1, len(ev) - 1]
    days = pd.to_datetime(cal["ds"]).dt.date.to_numpy()
    return [(str(ev[a]), days[a], days[b]) for a, b in zip(change, ends, strict=True) if ev[a]]


def shop_campaigns(rng: np.random.Generator, start: date, end: date) -> list[Row]:
    """Each shop's own campaigns between start and end, with a few days of jitter per year."""
    rows: list[Row] = []
    for shop in SHOPS:
        for year in range(start.year, end.year + 1):
            for name, (month, day), length, intensity in SHOP_CAMPAIGNS[shop.code]:
                first = date(year, month, day) + timedelta(days=int(rng.integers(-3, 4)))
                last = first + timedelta(days=length - 1)
                if first >= start and last <= end:
                    rows.append(
                        {
                            "shop_code": shop.code,
                            "name": f"{year} {name}",
                            "kind": "shop",
                            "start_date": first,
                            "end_date": last,
                            "intensity": intensity,
                        }
                    )
    return rows


def platform_events(start: date, end: date) -> list[Row]:
    """Platform-wide campaigns (shop_code None) from the built-in calendar; the logistics pause is none."""
    rows = []
    for event, first, last in event_spans(cn_ecommerce_calendar(start, end)):
        if event in EVENT_NAMES:
            rows.append(
                {
                    "shop_code": None,
                    "name": f"{last.year} {EVENT_NAMES[event]}",
                    "kind": "platform",
                    "start_date": first,
                    "end_date": last,
                }
            )
    return rows


def _closed_days(ds: pd.DatetimeIndex) -> np.ndarray:
    """New Year's Eve to the 3rd day of the new year: most shops stop taking orders."""
    closed = np.zeros(len(ds), dtype=bool)
    for year in range(ds[0].year, ds[-1].year + 1):
        cny = pd.Timestamp(LUNAR_NEW_YEAR[year])
        closed |= (ds >= cny - pd.Timedelta(days=1)) & (ds <= cny + pd.Timedelta(days=3))
    return closed


def _hangover(ds: pd.DatetimeIndex) -> np.ndarray:
    """Demand pulled forward by 618 and 双11 leaves a dip in the week after them."""
    md = ds.month * 100 + ds.day
    return np.where(((md >= 1114) & (md <= 1120)) | ((md >= 621) & (md <= 627)), 0.86, 1.0)


def _shop_sales(rng: np.random.Generator, shop: ShopModel, cal: pd.DataFrame, today: date) -> pd.DataFrame:
    """Daily rows of one shop from its calendar (with its own campaigns merged in)."""
    ds = pd.DatetimeIndex(cal["ds"])
    n = len(ds)
    years = (ds - pd.Timestamp(today)).days.to_numpy() / 365.25
    doy = ds.day_of_year.to_numpy()
    intensity = cal["promo_intensity"].to_numpy(dtype=float)
    # Squared so the main day of an event towers over its warm-up days, as on real platforms.
    lift = intensity**2
    pause = cal["logistics_pause"].to_numpy(dtype=bool)
    # Apparel: traffic peaks in late autumn, baskets are dearest in winter (coats) and cheapest in summer.
    season_v = 1 + 0.10 * np.cos(2 * np.pi * (doy - 320) / 365.25)
    season_aov = 1 + 0.16 * np.cos(2 * np.pi * (doy - 15) / 365.25)
    weekly = np.asarray(shop.weekly)[ds.day_of_week.to_numpy()]
    visitors = (
        shop.visitors
        * np.exp(shop.growth * years)
        * season_v
        * weekly
        * _hangover(ds)
        * (1 + shop.visitor_lift * lift)
        * np.where(pause, 0.55, 1.0)
        * rng.lognormal(0.0, 0.07, n)
    )
    conversion = (
        shop.conversion * (1 + shop.conversion_lift * lift) * np.where(pause, 0.35, 1.0) * rng.lognormal(0.0, 0.05, n)
    )
    aov = shop.aov * season_aov * (1 + 0.08 * intensity) * rng.lognormal(0.0, 0.03, n)
    is_open = ~(_closed_days(ds) & shop.closes_for_new_year)
    visitors = np.where(is_open, np.round(visitors), 0).astype(np.int64)
    orders = rng.poisson(visitors * conversion).astype(np.int64)
    return pd.DataFrame(
        {
            "shop_code": shop.code,
            "ds": ds,
            "sales": np.round(orders * aov, 2),
            "orders": orders,
            "visitors": visitors,
            "is_open": is_open,
            "promo": (intensity > 0) & is_open,
        }
    )


def daily_sales(rng: np.random.Generator, today: date, campaigns: list[Row]) -> pd.DataFrame:
    """Every shop's days in `sales_window(today)`: shop_code, ds, sales, orders, visitors, is_open, promo."""
    start, end = sales_window(today)
    base = cn_ecommerce_calendar(start, end)
    frames = []
    for shop in SHOPS:
        own = [
            {"name": c["name"], "start": c["start_date"], "end": c["end_date"], "intensity": c["intensity"]}
            for c in campaigns
            if c["shop_code"] == shop.code
        ]
        cal = combine_calendars(base, own)
        frames.append(_shop_sales(rng, shop, cal, today))
    return pd.concat(frames, ignore_index=True)
