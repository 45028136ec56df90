"""Weekly and monthly benchmarks side by side (`kpilot eval forecast --freq weekly|monthly|generated`).

Data sets: the Rossmann stores summed to weeks ending Friday (the last history day, 2015-06-19, is a
Friday) and to calendar months (complete periods only; the 180 stores' 2014H2 gap stays a gap), and a
generated weekly panel (`generated_weekly`) with what real weekly files hold: returns (negative weeks),
an empty-most-weeks markdown regressor, holiday weeks, level shifts, trends and 53-week years. Every
model is scored by the same rolling-origin code as the daily benchmark (`forecast_bench.evaluate`): fitted
before each window, intervals calibrated on the windows before it with the same sample-path method, so
the point forecasts are what differs. Known regressors per period: open, promotion, public and school
holiday days (Rossmann); IsHoliday and MarkDown (generated). AutoETS and MSTL are statsforecast's
(`eval/forecast_refs.py`), univariate.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from eval.forecast_bench import ModelScore, evaluate, load_rossmann, peak_memory_gb
from forecasting.base import BaseForecaster
from forecasting.data import DS, ID, Y
from forecasting.panel import Panel, prepare_history

# (horizon, scored windows, calibration windows) per data set
SETUP = {"rossmann-weekly": (8, 3, 3), "monthly": (3, 2, 2), "generated": (13, 3, 3)}


def aggregate_rossmann(daily: pd.DataFrame, freq: str) -> pd.DataFrame:
    """Rossmann daily rows summed to weeks ending Friday (`freq="W-FRI"`) or months (`"MS"`)."""
    d = pd.DataFrame(
        {
            ID: daily[ID],
            DS: pd.to_datetime(daily[DS]),
            Y: pd.to_numeric(daily[Y]),
            "open_days": pd.to_numeric(daily["open"]),
            "promo_days": pd.to_numeric(daily["Promo"]),
            "holiday_days": (daily["StateHoliday"].astype(str) != "0").astype(int),
            "school_days": pd.to_numeric(daily["SchoolHoliday"]),
        }
    )
    if freq == "MS":
        d["period"] = d[DS].dt.to_period("M").dt.start_time
        length = d[DS].dt.days_in_month
    else:
        d["period"] = d[DS].dt.to_period(freq).dt.end_time.dt.normalize()
        length = pd.Series(7, index=d.index)
    d["length"] = length
    agg = d.groupby([ID, "period"]).agg(
        y=(Y, "sum"),
        days=(Y, "size"),
        length=("length", "first"),
        open_days=("open_days", "sum"),
        promo_days=("promo_days", "sum"),
        holiday_days=("holiday_days", "sum"),
        school_days=("school_days", "sum"),
    )
    agg = agg.loc[agg["days"] == agg["length"]].reset_index().rename(columns={"period": DS})
    agg["open"] = (agg["open_days"] > 0).astype(int)
    return agg.drop(columns=["days", "length"])


def generated_weekly(n_series: int = 120, weeks: int = 260, seed: int = 0) -> pd.DataFrame:
    """Weekly sales (weeks ending Saturday, 2019-2023: 2022 has 53 Saturdays) like a retailer's export.

    Each series: a level from 50 to 50,000 a week, a yearly cycle on the day of the year, a trend of
    -10%..+30% a year, a level shift (x0.6..x1.6) in half of the series, holiday weeks (Black Friday,
    Christmas) with a lift, a markdown amount given in about a third of the weeks (empty otherwise) that
    lifts sales, noise, and returns: small series have weeks where refunds exceed sales (negative)."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2019-01-05", periods=weeks, freq="W-SAT")
    doy = dates.day_of_year.to_numpy()
    christmas = (dates.month == 12) & (dates.day >= 19) & (dates.day <= 25)
    black_friday = (dates.month == 11) & (dates.day >= 23) & (dates.day <= 29)
    holiday = christmas | black_friday
    parts = []
    for i in range(n_series):
        level = float(np.exp(rng.uniform(np.log(50), np.log(50_000))))
        amp, phase = rng.uniform(0.05, 0.4), rng.uniform(0, 2 * np.pi)
        season = 1 + amp * np.sin(2 * np.pi * doy / 365.25 + phase)
        trend = np.exp(rng.uniform(-0.1, 0.3) * np.arange(weeks) / 52.18)
        shift = np.ones(weeks)
        if rng.random() < 0.5:
            shift[rng.integers(weeks // 4, weeks - 20) :] = rng.uniform(0.6, 1.6)
        given = rng.random(weeks) < 0.35
        markdown = np.where(given, rng.uniform(0.02, 0.3, weeks) * level, np.nan)
        lift = 1 + np.where(given, 1.5 * np.nan_to_num(markdown) / level, 0) + np.where(holiday, 0.5, 0)
        y = level * season * trend * shift * lift * rng.lognormal(0, 0.1, weeks)
        if level < 300:
            refunds = rng.random(weeks) < 0.04
            y = np.where(refunds, -rng.uniform(0.05, 0.5, weeks) * level, y)
        parts.append(
            pd.DataFrame(
                {ID: f"g{i:03d}", DS: dates, Y: y.round(2), "IsHoliday": holiday.astype(int), "MarkDown": markdown}
            )
        )
    return pd.concat(parts, ignore_index=True)


def load(name: str, data_dir: Path, stores: int | None) -> Panel:
    """The panel of one data set."""
    if name == "generated":
        return prepare_history(generated_weekly())
    daily = load_rossmann(data_dir, stores)
    return prepare_history(aggregate_rossmann(daily, "W-FRI" if name == "rossmann-weekly" else "MS"))


def models(h: int) -> list[tuple[str, BaseForecaster]]:
    """The side-by-side line-up: baselines, the reference and ours."""
    from eval.forecast_refs import LagGBM, StatsForecastModel
    from forecasting.gbm import GlobalGBM
    from forecasting.models import SeasonalNaive

    return [
        ("seasonal naive", SeasonalNaive(horizon=h)),
        ("AutoETS (statsforecast)", StatsForecastModel("ets", horizon=h)),
        ("MSTL + AutoETS (statsforecast)", StatsForecastModel("mstl", horizon=h)),
        ("GBM reference (lags)", LagGBM(horizon=h)),
        ("kpilot GlobalGBM", GlobalGBM(horizon=h)),
    ]


def format_table(name: str, panel: Panel, scores: list[ModelScore], h: int, windows: int, wall: float) -> str:
    """Markdown table with the goal check (lowest MASE and 75-85% coverage of the 80% interval)."""
    unit = "weeks" if panel.freq.alias.startswith("W") else "months"
    n = panel.frame[ID].nunique()
    lines = [
        f"{name}: {n} series ({panel.freq.alias}), {windows} windows of {h} {unit} ending {panel.end.date()}",
        "",
        "| tool | MASE | 80% cover | total abs. error | total 80% cover | CPU s per series |",
        "|---|---|---|---|---|---|",
    ]
    for s in scores:
        lines.append(
            f"| {s.model} | {s.daily_mase:.3f} | {s.daily_cover:.1%} | {s.total_error:.1%} | "
            f"{s.total_cover:.1%} | {s.cpu_per_store:.3f} |"
        )
    ours, best = scores[-1], min(scores, key=lambda s: s.daily_mase)
    met = best is ours and 0.75 <= ours.daily_cover <= 0.85
    lines += [
        "",
        f"goal (lowest MASE and 75-85% of actuals inside the 80% interval): {'met' if met else 'NOT met'}"
        f" (lowest MASE: {best.model} {best.daily_mase:.3f}; ours {ours.daily_mase:.3f}, {ours.daily_cover:.1%}).",
        f"wall time {wall:.0f} s; peak memory {peak_memory_gb():.2f} GB; 2 cores.",
    ]
    return "\n".join(lines) + "\n"


def run(name: str, data_dir: Path, stores: int | None, results_dir: Path, progress: Callable[[str], None]) -> str:
    """Run one data set's benchmark, write `forecast_<name>_<n>.md`, return the table."""
    started = time.perf_counter()
    h, windows, calib = SETUP[name]
    panel = load(name, data_dir, stores)
    progress(f"{name}: {panel.frame[ID].nunique()} series, {len(panel.frame)} rows, frequency {panel.freq.alias}")
    scores = []
    for label, model in models(h):
        score = evaluate(model, panel, h, windows, calib, progress)
        score.model = label
        scores.append(score)
    table = format_table(name, panel, scores, h, windows, time.perf_counter() - started)
    results_dir.mkdir(parents=True, exist_ok=True)
    n = "all" if stores is None or name == "generated" else str(panel.frame[ID].nunique())
    target = results_dir / f"forecast_{name}_{n}.md"
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(table)
    tmp.replace(target)
    progress(f"wrote {target}")
    return table
