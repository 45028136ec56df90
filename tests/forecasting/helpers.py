"""Small generated sales panels for the forecasting tests."""

from __future__ import annotations

import numpy as np
import pandas as pd


def make_daily(
    n_series: int = 3, days: int = 300, horizon: int = 14, seed: int = 0, gap: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """History (`unique_id, ds, y, open, promo, holiday`) and a horizon calendar for `n_series` shops.

    Weekly pattern, promotions every other week, closed on Sundays and holidays; with `gap` the second
    series misses two months in the middle (as real stores do)."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2023-01-02", periods=days + horizon, freq="D")
    rows = []
    for i in range(n_series):
        level = 1000 * (i + 1)
        dow = dates.day_of_week.to_numpy()
        promo = ((np.arange(len(dates)) // 7) % 2 == 0) & (dow < 5)
        holiday = np.isin(dates.strftime("%m-%d"), ["05-01", "10-01", "10-02"])
        is_open = (dow != 6) & ~holiday
        trend = 1 + 0.0005 * np.arange(len(dates))
        y = level * trend * (1 + 0.1 * dow) * np.where(promo, 1.3, 1.0) * rng.lognormal(0, 0.08, len(dates))
        frame = pd.DataFrame(
            {
                "unique_id": f"shop{i}",
                "ds": dates,
                "y": np.where(is_open, y.round(2), 0.0),
                "open": is_open.astype(int),
                "promo": promo.astype(int),
                "holiday": np.where(holiday, "a", "0"),
            }
        )
        rows.append(frame)
    full = pd.concat(rows, ignore_index=True)
    if gap:
        drop = (full["unique_id"] == "shop1") & full["ds"].between(dates[100], dates[160])
        full = full.loc[~drop]
    cut = dates[days - 1]
    history = full.loc[full["ds"] <= cut].reset_index(drop=True)
    calendar = full.loc[full["ds"] > cut].drop(columns="y").reset_index(drop=True)
    return history, calendar


def make_weekly(n_series: int = 2, weeks: int = 130, seed: int = 1) -> pd.DataFrame:
    """Weekly sales without regressors, with a yearly cycle."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2021-01-03", periods=weeks, freq="W-SUN")
    parts = []
    for i in range(n_series):
        season = 1 + 0.3 * np.sin(2 * np.pi * np.arange(weeks) / 52)
        y = 500 * (i + 1) * season * rng.lognormal(0, 0.05, weeks)
        parts.append(pd.DataFrame({"unique_id": f"w{i}", "ds": dates, "y": y}))
    return pd.concat(parts, ignore_index=True)
