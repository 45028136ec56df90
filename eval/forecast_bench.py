"""Rolling-origin benchmark of the forecasters on the Rossmann stores (`kpilot eval forecast`).

Windows: `windows` windows of `h` days ending on the last history day (2015-06-19); each model is fitted
at each window's cutoff and calibrated on the `calib` windows before it, exactly as `fit` does at
run time (the point forecasts of all cutoffs are computed once and reused). The held-back 42 days after
2015-06-19 are never read. Measures, per model:
- daily MASE: mean absolute error over open days / the store's mean |y_t - y_{t-7}| over pairs of open
  days in its training history; averaged over stores and windows;
- daily 80% cover: share of open store-days inside the 80% interval;
- total abs. error: |p50 - actual| / actual of each store's 42-day total (from joint sample paths),
  averaged; total 80% cover: share of store-windows whose total is inside its 80% interval;
- CPU s per store (process CPU time of fitting + forecasting, all threads) and the peak resident memory.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from eval.forecast_scores import ModelScore as ModelScore  # noqa: E402
from eval.forecast_scores import daily_goal as daily_goal  # noqa: E402
from eval.forecast_scores import format_table as format_table  # noqa: E402
from eval.forecast_scores import peak_memory_gb as peak_memory_gb  # noqa: E402
from forecasting.backtest import backtest_point, coverage, score, seasonal_scale
from forecasting.base import BaseForecaster, Paths, paths_from_points
from forecasting.data import DS, ID, OPEN, Y
from forecasting.intervals import Calibration, summarise
from forecasting.panel import Panel, prepare_history

DATA_DIR = Path("../shared/data/rossmann")
HISTORY_FILE = "train_until_2015-06-19.csv.gz"
CALENDAR_FILE = "calendar_2015-06-20_2015-07-31.csv"
STORE_FILE = "store.csv"
STORE_NUMERIC = (
    "CompetitionDistance",
    "CompetitionOpenSinceMonth",
    "CompetitionOpenSinceYear",
    "Promo2",
    "Promo2SinceWeek",
    "Promo2SinceYear",
)
CALIBRATION_WINDOWS = 3


def store_regressors(frame: pd.DataFrame, store_csv: Path) -> pd.DataFrame:
    """Known-in-advance columns from `store.csv` added to a Rossmann frame (`Store`, `Date` columns).

    StoreType, Assortment, CompetitionDistance (missing: 100 km), CompOpenMonths (months since the
    nearest competitor opened, clipped to -24..24; 99 when unknown) and Promo2Active (the store's
    continuing promotion runs this month)."""
    stores = pd.read_csv(store_csv, dtype=str).set_index("Store")
    out = frame.copy()
    ds = pd.to_datetime(out["Date"])
    info = stores.reindex(out["Store"])
    num = {c: pd.to_numeric(info[c], errors="coerce").to_numpy() for c in STORE_NUMERIC}
    out["StoreType"] = info["StoreType"].to_numpy()
    out["Assortment"] = info["Assortment"].to_numpy()
    out["CompetitionDistance"] = np.nan_to_num(num["CompetitionDistance"], nan=100_000.0)
    months = (ds.dt.year - num["CompetitionOpenSinceYear"]) * 12 + ds.dt.month - num["CompetitionOpenSinceMonth"]
    out["CompOpenMonths"] = months.clip(-24, 24).fillna(99).to_numpy()
    since = pd.to_datetime(
        pd.Series(np.nan_to_num(num["Promo2SinceYear"], nan=2100).astype(int).astype(str), index=out.index) + "-01-01"
    ) + pd.to_timedelta((np.nan_to_num(num["Promo2SinceWeek"], nan=1) - 1) * 7, unit="D")
    month = ds.dt.strftime("%b").str.replace("Sep", "Sept")
    interval = info["PromoInterval"].fillna("").to_numpy()
    in_interval = np.array([m in iv.split(",") for m, iv in zip(month, interval, strict=True)])
    out["Promo2Active"] = ((num["Promo2"] == 1) & (ds >= since).to_numpy() & in_interval).astype(int)
    return out


def load_rossmann(data_dir: Path, stores: int | None, seed: int = 0) -> pd.DataFrame:
    """History in long format (`unique_id, ds, y, open` + Promo, holiday and store regressors)."""
    raw = pd.read_csv(data_dir / HISTORY_FILE, dtype=str)
    ids = sorted(raw["Store"].unique(), key=int)
    if stores is not None and stores < len(ids):
        rng = np.random.default_rng(seed)
        ids = sorted(rng.choice(ids, size=stores, replace=False).tolist(), key=int)
    raw = store_regressors(raw.loc[raw["Store"].isin(set(ids))], data_dir / STORE_FILE)
    frame = raw.rename(columns={"Store": ID, "Date": DS, "Sales": Y, "Open": "open"})
    return frame.drop(columns=["Customers", "DayOfWeek"])


def evaluate(
    model: BaseForecaster, panel: Panel, h: int, windows: int, calib: int, progress: Callable[[str], None]
) -> ModelScore:
    """Backtest one model on `windows` outer windows, each calibrated on the `calib` before it."""
    cpu0 = time.process_time()
    cutoffs = [panel.end - k * h * panel.freq.offset for k in range(windows + calib, 0, -1)]
    bt = backtest_point(model, panel, cutoffs, h)
    rows = []
    for i, cutoff in enumerate(cutoffs[calib:], start=calib):
        calibration = Calibration.from_backtest(bt.loc[bt["cutoff"].isin(cutoffs[i - calib : i])], h, seed=0)
        test = bt.loc[bt["cutoff"] == cutoff].reset_index(drop=True)
        rows.append(_score_window(test, calibration, panel.until(cutoff), model))
        progress(f"{type(model).__name__}: window after {cutoff.date()} done")
    cpu = time.process_time() - cpu0
    parts = pd.concat(rows, ignore_index=True)
    return ModelScore(
        type(model).__name__,
        float(parts["mase"].mean()),
        float(np.average(parts["day_cover"], weights=parts["days"])),
        float(parts["total_error"].mean()),
        float(parts["total_in"].mean()),
        cpu / panel.frame[ID].nunique(),
    )


def _score_window(test: pd.DataFrame, calibration: Calibration, train: Panel, model: BaseForecaster) -> pd.DataFrame:
    return score_paths(paths_from_points(test, calibration, model.n_paths, model.seed), test, train)


def score_paths(paths: Paths, test: pd.DataFrame, train: Panel) -> pd.DataFrame:
    """Per series: MASE, daily 80% coverage, 42-day total error and whether the total is inside its 80%
    interval, of sample paths against the actuals in `test` (`unique_id, ds, y, open, yhat`)."""
    daily = summarise(paths.values, [80])
    actual = np.full(paths.point.shape, np.nan)
    actual[pd.Index(paths.ids).get_indexer(test[ID]), paths.ds.get_indexer(test[DS])] = test[Y].to_numpy(float)
    mase = score(test, seasonal_scale(train)).set_index(ID)["mase"]
    totals = np.nansum(paths.values, axis=2)
    tot = summarise(totals, [80])
    actual_total = np.nansum(np.where(paths.is_open, actual, 0.0), axis=1)
    out = pd.DataFrame({ID: paths.ids})
    out["mase"] = mase.reindex(paths.ids).to_numpy()
    open_days = paths.is_open & ~np.isnan(actual)
    out["days"] = open_days.sum(axis=1)
    out["day_cover"] = [
        coverage(actual[i][open_days[i]], daily["lo-80"][i][open_days[i]], daily["hi-80"][i][open_days[i]])
        for i in range(len(paths.ids))
    ]
    with np.errstate(divide="ignore", invalid="ignore"):  # a series with no sales in the window: inf
        out["total_error"] = np.abs(tot["p50"] - actual_total) / actual_total
    out["total_in"] = (actual_total >= tot["lo-80"]) & (actual_total <= tot["hi-80"])
    out["total_actual"] = actual_total
    return out.loc[out["days"] > 0]


def holdout(data_dir: Path, stores: int | None, h: int, progress: Callable[[str], None]) -> tuple[ModelScore, str]:
    """The CLI's path on a held-out period: `AutoForecaster(horizon=h).fit` (the per-series choice of
    `kpilot forecast`) on the history up to h days before its end, calibrating itself on its backtests
    before that cut, then `predict_paths` over the last h days' calendar (no sales), scored against their
    actual sales. The second item says how much rosier the model's own backtests were (optimism)."""
    from forecasting.auto import AutoForecaster
    from forecasting.targets import backtest_accuracy

    cpu0 = time.process_time()
    raw = load_rossmann(data_dir, stores)
    ds = pd.to_datetime(raw[DS])
    cut = ds.max() - pd.Timedelta(days=h)
    model = AutoForecaster(horizon=h).fit(raw.loc[ds <= cut])
    paths = model.predict_paths(X=raw.loc[ds > cut].drop(columns=[Y]))
    full = prepare_history(raw).frame
    test = full.loc[(full[DS] > cut) & full[OPEN].notna()].reset_index(drop=True)
    lookup = pd.DataFrame(paths.point, index=paths.ids, columns=paths.ds).stack()
    test["yhat"] = lookup.reindex(pd.MultiIndex.from_frame(test[[ID, DS]])).to_numpy()
    test["cutoff"] = cut
    parts = score_paths(paths, test, model.panel_)
    progress(f"held-out 42 days after {cut.date()} scored")
    result = ModelScore(
        "AutoForecaster, held out",
        float(parts["mase"].mean()),
        float(np.average(parts["day_cover"], weights=parts["days"])),
        float(parts["total_error"].mean()),
        float(parts["total_in"].mean()),
        (time.process_time() - cpu0) / len(parts),
    )
    own = backtest_accuracy(model)
    models = model.model_names().value_counts().to_dict()
    span = f"{(cut + pd.Timedelta(days=1)).date()}..{ds.max().date()}"
    optimism = (
        f"models {models}; its own backtests (the 3 windows before the cut): MASE {own['mase'].mean():.3f}, "
        f"{own['daily_coverage'].mean():.1%} of days and {own['total_coverage'].mean():.1%} of totals inside "
        f"the 80% interval; optimism (held out minus backtests): MASE {result.daily_mase - own['mase'].mean():+.3f}, "
        f"day cover {result.daily_cover - own['daily_coverage'].mean():+.1%}, "
        f"total cover {result.total_cover - own['total_coverage'].mean():+.1%}"
    )
    return result, f"trained until {cut.date()}, scored on {span} ({len(parts)} stores); {optimism}"


def prepare(data_dir: Path, stores: int | None) -> Panel:
    """The benchmark panel: Rossmann history with Promo, StateHoliday and SchoolHoliday regressors."""
    return prepare_history(load_rossmann(data_dir, stores))


def open_share(panel: Panel) -> float:
    """Share of open days in the panel (sanity line for the report)."""
    return float((panel.frame[OPEN] == 1).mean())


def run(
    data_dir: Path,
    stores: int | None,
    windows: int,
    h: int,
    results_dir: Path,
    progress: Callable[[str], None],
    with_holdout: bool = True,
) -> str:
    """Run the benchmark, write `forecast_rossmann_<n>stores.md` to `results_dir`, return the table.

    With `with_holdout`, the product's path is also scored on the last `h` days held out (see `holdout`)."""
    from forecasting.gbm import GlobalGBM
    from forecasting.models import SeasonalNaive

    started = time.perf_counter()
    panel = prepare(data_dir, stores)
    n = panel.frame[ID].nunique()
    progress(f"{n} stores, {len(panel.frame)} rows ({open_share(panel):.0%} open days)")
    scores = [
        evaluate(model, panel, h, windows, CALIBRATION_WINDOWS, progress)
        for model in (SeasonalNaive(horizon=h), GlobalGBM(horizon=h))
    ]
    held = holdout(data_dir, stores, h, progress) if with_holdout else None
    table = format_table(scores, n, windows, h, time.perf_counter() - started, held)
    results_dir.mkdir(parents=True, exist_ok=True)
    target = results_dir / f"forecast_rossmann_{'all' if stores is None else n}stores.md"
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(table)
    tmp.replace(target)
    progress(f"wrote {target}")
    return table


def write_inputs(data_dir: Path, folder: Path) -> tuple[Path, Path]:
    """History and calendar CSVs with the store.csv regressors added, ready for `kpilot forecast`."""
    # DayOfWeek is dropped as in the backtest (the model derives the weekday from the date itself).
    history = pd.read_csv(data_dir / HISTORY_FILE, dtype=str).drop(columns="DayOfWeek")
    calendar = pd.read_csv(data_dir / CALENDAR_FILE, dtype=str).drop(columns="DayOfWeek")
    paths = folder / "history.csv.gz", folder / "calendar.csv"
    store_regressors(history, data_dir / STORE_FILE).to_csv(paths[0], index=False)
    store_regressors(calendar, data_dir / STORE_FILE).to_csv(paths[1], index=False)
    return paths
