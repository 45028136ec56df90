"""Many series on Dask: series per second of `batch_forecast` for N generated daily series
(`kpilot eval forecast-scale`), in this process and on a `dask.distributed.LocalCluster`, side by side.

The series: one year of daily history plus a 28-day horizon, a weekly shape, a promotion flag, a yearly
cycle, trends and noise; levels from 20 to 20,000 a day. The model: `GlobalGBM` per group of
`group_size` series (a global model within each group), 2 calibration windows, 100 boosting rounds,
200 sample paths. Wall time covers fitting, calibration and the paths of the 28-day horizon.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from forecasting.data import DS, ID, Y

HISTORY_DAYS, HORIZON = 365, 28


def generated_daily(n_series: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """History (`unique_id, ds, y, promo`) and horizon calendar of `n_series` generated daily series."""
    rng = np.random.default_rng(seed)
    days = HISTORY_DAYS + HORIZON
    dates = pd.date_range("2025-01-01", periods=days, freq="D")
    t = np.arange(days)
    level = np.exp(rng.uniform(np.log(20), np.log(20_000), (n_series, 1)))
    weekly = 1 + rng.uniform(0, 0.3, (n_series, 1)) * np.sin(
        2 * np.pi * (t[None, :] + rng.integers(0, 7, (n_series, 1))) / 7
    )
    yearly = 1 + rng.uniform(0, 0.3, (n_series, 1)) * np.sin(2 * np.pi * t[None, :] / 365.25)
    trend = np.exp(rng.uniform(-0.2, 0.4, (n_series, 1)) * t[None, :] / 365.25)
    promo = (rng.random((n_series, days)) < 0.1).astype(int)
    y = level * weekly * yearly * trend * (1 + 0.5 * promo) * rng.lognormal(0, 0.15, (n_series, days))
    frame = pd.DataFrame(
        {
            ID: np.repeat([f"s{i:05d}" for i in range(n_series)], days),
            DS: np.tile(dates, n_series),
            Y: y.reshape(-1).round(2),
            "promo": promo.reshape(-1),
        }
    )
    cut = dates[HISTORY_DAYS - 1]
    return frame.loc[frame[DS] <= cut].reset_index(drop=True), frame.loc[frame[DS] > cut].drop(columns=Y)


def run(
    n_series: int, group_size: int, workers: int, results_dir: Path, progress: Callable[[str], None], local: bool = True
) -> str:
    """Time `batch_forecast` in-process (when `local`) and on a LocalCluster; write and return the table."""
    from dask.distributed import Client, LocalCluster

    from forecasting.batch import batch_forecast
    from forecasting.gbm import GlobalGBM

    history, calendar = generated_daily(n_series)
    model = GlobalGBM(horizon=HORIZON, calibration_windows=2, max_iter=100, n_paths=200)
    rows = []
    if local:
        progress(f"{n_series} series in this process, groups of {group_size}")
        started = time.perf_counter()
        batch_forecast(model, history, calendar, group_size=group_size)
        rows.append(("in-process (joblib, 1 job)", time.perf_counter() - started))
    progress(f"{n_series} series on a LocalCluster of {workers} worker processes x 1 thread")
    with (
        LocalCluster(  # type: ignore[no-untyped-call]  # dask.distributed ships no annotations for it
            n_workers=workers, threads_per_worker=1, host="127.0.0.1", dashboard_address="127.0.0.1:0"
        ) as cluster,
        Client(cluster),  # type: ignore[no-untyped-call]
    ):
        started = time.perf_counter()
        result = batch_forecast(model, history, calendar, group_size=group_size, backend="dask")
        rows.append((f"dask LocalCluster ({workers} workers)", time.perf_counter() - started))
    assert result.forecast[ID].nunique() == n_series
    lines = [
        f"batch_forecast of {n_series:,} generated daily series ({HISTORY_DAYS} days of history, {HORIZON}-day "
        f"horizon), GlobalGBM per group of {group_size:,} series; {os.cpu_count()} cores",
        "",
        "| run | wall s | series per second |",
        "|---|---|---|",
    ]
    lines += [f"| {name} | {wall:.0f} | {n_series / wall:.1f} |" for name, wall in rows]
    table = "\n".join(lines) + "\n"
    results_dir.mkdir(parents=True, exist_ok=True)
    target = results_dir / f"forecast_scale_{n_series}.md"
    target.write_text(table)
    progress(f"wrote {target}")
    return table
