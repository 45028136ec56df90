"""`kpilot eval pace`: a backtest of the forecast-based pace against the straight line.

For many (period, day-into-period) pairs of real or demo shop sales: cut the history at 25%, 50% and 75% of a
month, fit the forecaster on what was known then (with the promotion calendar of the days left), and project
the month's end as sales so far + sample paths of the days left (`forecasting.progress`, as the `pace` job
does). Scored against what happened:
- calibration: targets set from the same month last year x 0.95 / 1.05 / 1.15; of the targets given a 20-30%
  chance, how many were reached (per probability bin);
- the mean absolute error of the projected end value against the straight line (sales so far / days elapsed x
  days in the month), in % of the mean actual month, with (period, cut) pairs whose days left hold a campaign
  (promotion days split unevenly: their share after the cut differs from before by over 20 points) apart.
Sums only (sales); ratio KPIs follow from the same paths but are not scored here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from eval.weights_tables import markdown as table
from forecasting.progress import end_values, project

FRACTIONS = (0.25, 0.5, 0.75)
LEVELS = (0.95, 1.05, 1.15)
BINS = tuple(i / 10 for i in range(11))
UNEVEN = 0.2


@dataclass(frozen=True)
class Case:
    """One (series, month, cut, target level) with the projections and what happened."""

    dataset: str
    series: str
    month: str
    fraction: float
    campaign: bool
    actual: float
    forecast: float
    straight: float
    level: float
    probability: float
    reached: bool


def month_span(month: pd.Period) -> tuple[pd.Timestamp, pd.Timestamp, int]:
    """First day, last day and number of days of a month."""
    start, end = month.start_time.normalize(), month.end_time.normalize()
    return start, end, (end - start).days + 1


def _cases_at(
    name: str, frame: pd.DataFrame, month: pd.Period, fraction: float, paths_of: Callable[..., object]
) -> list[Case]:
    start, end, n = month_span(month)
    cut = start + pd.Timedelta(days=max(1, math.ceil(fraction * n)) - 1)
    hist = frame[frame["ds"] <= cut]
    future = frame[(frame["ds"] > cut) & (frame["ds"] <= end)].drop(columns=["y"])
    paths = paths_of(hist, future)
    last_year = pd.Period(month.start_time - pd.DateOffset(years=1), "M")
    ly_start, ly_end, _ = month_span(last_year)
    out = []
    for i, sid in enumerate(paths.ids):  # type: ignore[attr-defined]
        s = frame[frame["unique_id"] == sid]
        in_month = s[(s["ds"] >= start) & (s["ds"] <= end)]
        ly = s[(s["ds"] >= ly_start) & (s["ds"] <= ly_end)]
        if len(in_month) < n or len(ly) < n - 1 or ly["y"].sum() <= 0:
            continue  # a month with missing days, or no last year to set a target from
        done_rows = in_month[in_month["ds"] <= cut]
        done, actual, elapsed = float(done_rows["y"].sum()), float(in_month["y"].sum()), len(done_rows)
        rest = np.nansum(paths.values[i], axis=1)  # type: ignore[attr-defined]
        ends = end_values([done], [rest])
        promo_before = float(done_rows["promo"].mean())
        promo_after = float(in_month[in_month["ds"] > cut]["promo"].mean())
        campaign = abs(promo_after - promo_before) > UNEVEN
        for level in LEVELS:
            target = float(ly["y"].sum()) * level
            p = project(ends, {"target": target})
            assert p is not None
            out.append(
                Case(
                    name, str(sid), str(month), fraction, campaign, actual, p.median, done / elapsed * n,
                    level, float(p.probabilities["target"] or 0.0), actual >= target,
                )
            )  # fmt: skip
    return out


def gbm_paths(hist: pd.DataFrame, future: pd.DataFrame) -> object:
    """The `pace` job's forecaster fitted on `hist`, sample paths over `future`."""
    from forecasting.gbm import GlobalGBM

    model = GlobalGBM(horizon=int(future["ds"].nunique()), max_iter=150, calibration_windows=2)
    return model.fit(hist).predict_paths(X=future)


def backtest(
    name: str,
    frame: pd.DataFrame,
    months: list[pd.Period],
    say: Callable[[str], None],
    paths_of: Callable[..., object] = gbm_paths,
) -> list[Case]:
    """Every (month, cut) of `months`: one fit over all series of `frame` per cut."""
    out: list[Case] = []
    for month in months:
        for fraction in FRACTIONS:
            out += _cases_at(name, frame, month, fraction, paths_of)
            say(f"{name} {month} at {fraction:.0%}: {len(out)} cases so far")
    return out


def calibration_table(cases: list[Case]) -> pd.DataFrame:
    """Per dataset and probability bin: targets, mean forecast probability, share reached."""
    df = pd.DataFrame([c.__dict__ for c in cases])
    df["bin"] = pd.cut(df["probability"], BINS, include_lowest=True, right=False)
    df.loc[df["probability"] >= 1.0, "bin"] = pd.Interval(0.9, 1.0, closed="left")
    g = df.groupby(["dataset", "bin"], observed=True)
    out = g.agg(targets=("reached", "size"), mean_probability=("probability", "mean"), reached=("reached", "mean"))
    return out.reset_index().assign(bin=lambda d: d["bin"].map(lambda i: f"{100 * i.left:.0f}-{100 * i.right:.0f}%"))


def error_table(cases: list[Case]) -> pd.DataFrame:
    """MAE of the projected end value in % of the mean actual month: forecast vs straight line, per cut."""
    df = pd.DataFrame([c.__dict__ for c in cases])
    df = df[df["level"] == LEVELS[0]]  # one row per (series, month, cut)
    rows = []
    for (dataset, fraction), part in df.groupby(["dataset", "fraction"]):
        for group, sub in (
            ("campaign", part[part["campaign"]]),
            ("no campaign", part[~part["campaign"]]),
            ("all", part),
        ):
            if sub.empty:
                continue
            scale = float(sub["actual"].mean())
            rows.append({
                "dataset": dataset, "into_period": f"{fraction:.0%}", "periods": group, "n": len(sub),
                "mae_forecast_pct": round(100 * float((sub["forecast"] - sub["actual"]).abs().mean()) / scale, 2),
                "mae_straight_pct": round(100 * float((sub["straight"] - sub["actual"]).abs().mean()) / scale, 2),
            })  # fmt: skip
    return pd.DataFrame(rows)


def demo_frame(seed: int = 7, today: date | None = None) -> tuple[pd.DataFrame, list[pd.Period]]:
    """The demo shops' daily sales with the promotion calendar, and the months to test (campaigns and ordinary
    months of the last year)."""
    from demo.company import generate_demo_company
    from forecasting.calendar import cn_ecommerce_calendar

    sales = generate_demo_company(seed=seed, today=today, n_employees=40).sales
    frame = pd.DataFrame(
        {
            "unique_id": sales["shop_code"], "ds": pd.to_datetime(sales["ds"]), "y": sales["sales"].astype(float),
            "open": sales["is_open"].astype(int), "promo": sales["promo"].astype(int),
        }
    )  # fmt: skip
    cal = cn_ecommerce_calendar(frame["ds"].min().date(), frame["ds"].max().date())
    cal = cal.assign(ds=pd.to_datetime(cal["ds"]))[["ds", "promo_intensity", "logistics_pause"]]
    frame = frame.merge(cal.assign(logistics_pause=cal["logistics_pause"].astype(int)), on="ds", how="left")
    last = pd.Period(frame["ds"].max(), "M") - 1
    months = [m for m in (last - k for k in range(12)) if m.month in (1, 3, 6, 9, 11, 12)]
    return frame, sorted(months)


def rossmann_frame(data_dir: Path, stores: int, seed: int = 0) -> tuple[pd.DataFrame, list[pd.Period]] | None:
    """A sample of Rossmann stores (None when the data is absent) and the months to test (2015-03..05)."""
    from eval.forecast_bench import HISTORY_FILE, load_rossmann

    if not (data_dir / HISTORY_FILE).exists():
        return None
    frame = load_rossmann(data_dir, stores, seed=seed)
    frame["ds"] = pd.to_datetime(frame["ds"])
    frame["y"] = frame["y"].astype(float)
    frame["open"] = frame["open"].astype(int)
    frame["promo"] = frame["Promo"].astype(int)
    frame = frame.drop(columns=["Promo"])
    return frame, [pd.Period(f"2015-{m:02d}", "M") for m in range(3, 6)]


def markdown(calibration: pd.DataFrame, errors: pd.DataFrame, note: str) -> str:
    """The results page."""
    return "\n".join([
        "# Pace from the forecast vs the straight line (`kpilot eval pace`)", "", note, "",
        "## Mean absolute error of the projected month end (% of the mean actual month)", "",
        table(errors), "",
        "## Calibration: forecast probability of reaching a target vs reached", "",
        "Targets: the same month last year x 0.95 / 1.05 / 1.15.", "",
        table(calibration.round(3)), "",
    ])  # fmt: skip


def run_pace_eval(
    *, data_dir: Path, stores: int, seed: int, results_dir: Path, say: Callable[[str], None]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Backtest the demo shops and (when present) a sample of Rossmann stores; write the tables."""
    frame, months = demo_frame(seed)
    cases = backtest("demo", frame, months, say)
    note = f"Demo shops (seed {seed}): {frame['unique_id'].nunique()} shops, months {months[0]}..{months[-1]}."
    ross = rossmann_frame(data_dir, stores, seed)
    if ross is None:
        say(f"Rossmann data not found under {data_dir}: skipped")
        note += f" Rossmann: skipped ({data_dir} absent)."
    else:
        cases += backtest("rossmann", ross[0], ross[1], say)
        note += f" Rossmann: {stores} sampled stores (seed {seed}), months 2015-03..2015-05."
    calibration, errors = calibration_table(cases), error_table(cases)
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / "pace_eval.md").write_text(markdown(calibration, errors, note), encoding="utf-8")
    errors.to_csv(results_dir / "pace_eval_errors.csv", index=False)
    calibration.to_csv(results_dir / "pace_eval_calibration.csv", index=False)
    return calibration, errors
