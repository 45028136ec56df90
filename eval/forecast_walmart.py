"""Weekly benchmark on the Walmart store-department sales (`kpilot eval forecast --freq weekly`).

Rolling origins before 2012-07-27 (the data set's last history week): at each origin every tool is fitted
on the history up to it and forecasts the next 13 weeks over a calendar with every sample series and
week (the regressors of the store's week, as the real calendar file has them). kpilot runs the path users
run: the history and calendar are written as CSV files and read by `files.read_inputs`, then
`batch_forecast(AutoForecaster(horizon=13), ...)`, exactly as `kpilot forecast --id-col series --date-col
Date --value-col Weekly_Sales` does. Every tool calibrates its intervals with its own `fit` (backtests
before the origin).

Every origin here is a development window. The last one (2012-04-27 .. 2012-07-27) was kept aside until s30
and then scored and looked at, so it is development data now. The only held-out window is the 13 weeks
after 2012-07-27, whose sales the data set keeps back (scored by others, not here). The origins are
non-overlapping 13-week windows; the first two have no series with two full years of history (STL and
kpilot's `MSTL` member need 104 weeks), the last two (2012-01-27: 104 weeks, 2012-04-27: 117) do, as every
long series has after 2012-07-27; the table reports the two pairs apart.

Sample: 300 series, seeded: 240 of the series with at least 100 weeks of history and the last 52
complete (the pool of the reference figures in ../shared/data/README.md) and 60 of the others that sell
in the scored weeks (short, gappy or intermittent series).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from eval.forecast_bench import peak_memory_gb, score_paths
from forecasting.base import BaseForecaster, Paths
from forecasting.data import DS, ID, Y

DATA_DIR = Path("../shared/data/walmart")
HISTORY_FILE = "history_until_2012-07-27.csv.gz"
H = 13
ORIGINS = ("2011-07-29", "2011-10-28", "2012-01-27", "2012-04-27")
TWO_YEARS = ("2012-01-27", "2012-04-27")  # origins where long series have two full years (104+ weeks)
STORE_COLS = ("IsHoliday", "Temperature", "Fuel_Price", "MarkDown1", "MarkDown2", "MarkDown3", "MarkDown4",
              "MarkDown5", "CPI", "Unemployment")  # fmt: skip
NOTES = (
    "MASE: mean absolute error over the weeks with sales / the series' in-sample 52-week seasonal-naive error\n"
    "(one-step naive for series shorter than a year), averaged over series-windows. 80% cover: share of weeks\n"
    "with sales inside the 80% interval. Totals: p50 and 80% interval of the 13-week sum of joint sample paths\n"
    "(absent weeks count as no sales); total abs. error = sum |p50 - actual| / sum actual. statsforecast's\n"
    "AutoETS drops seasons longer than 24 steps (non-seasonal here) and its MSTL needs two full seasons\n"
    "(104 weeks): before 2012-01-27 no series has them, so MSTL is its AutoETS trend alone on those origins.\n"
    "All origins are development windows (2012-04-27 was held out until s30, then looked at); the held-out\n"
    "window is the 13 weeks after 2012-07-27, kept back by the data set and not scored here.\n"
    "Every tool's intervals come from its own `fit` (backtests before the origin, the same sample-path method)."
)
LENGTH_GROUPS = ((0, 52, "under 52 weeks"), (52, 104, "52-103 weeks"), (104, 10_000, "104 weeks or more"))


def sample_series(raw: pd.DataFrame, n: int = 300, seed: int = 0) -> list[str]:
    """Seeded sample: 80% long complete series (>= 100 weeks, last 52 complete), 20% others."""
    ds = pd.to_datetime(raw["Date"])
    end = ds.max()
    size = raw.groupby("series").size()
    last52 = raw.loc[ds > end - pd.Timedelta(weeks=52)].groupby("series").size().reindex(size.index).fillna(0)
    long = size.index[(size >= 100) & (last52 == 52)]
    scored = set(raw.loc[ds > pd.Timestamp(ORIGINS[0]), "series"])
    before = set(raw.loc[ds <= pd.Timestamp(ORIGINS[-1]), "series"])
    others = sorted((scored & before) - set(long))
    rng = np.random.default_rng(seed)
    n_long = int(round(n * 0.8))
    picked = rng.choice(sorted(long), n_long, replace=False).tolist()
    picked += rng.choice(others, min(len(others), n - n_long), replace=False).tolist()
    return sorted(picked)


def load_walmart(data_dir: Path, n: int = 300) -> pd.DataFrame:
    """The sample's history rows as the file has them (text values)."""
    raw = pd.read_csv(data_dir / HISTORY_FILE, dtype=str, keep_default_na=False, na_values=[""])
    return raw.loc[raw["series"].isin(set(sample_series(raw, n)))].reset_index(drop=True)


def calendar_for(raw: pd.DataFrame, store_weeks: pd.DataFrame, origin: pd.Timestamp) -> pd.DataFrame:
    """Every series that sold by `origin`, every one of the 13 weeks after it, with its store's regressors."""
    ds = pd.to_datetime(raw["Date"])
    ids = raw.loc[ds <= origin, ["series", "Store", "Dept"]].drop_duplicates("series")
    weeks = pd.date_range(origin + pd.Timedelta(weeks=1), periods=H, freq="W-FRI").strftime("%Y-%m-%d")
    cal = ids.merge(pd.DataFrame({"Date": weeks}), how="cross")
    return cal.merge(store_weeks, on=["Store", "Date"], how="left")


def _write(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_csv(path, index=False)
    return path


def kpilot_run(hist_csv: Path, cal_csv: Path) -> tuple[Paths, pd.Series, list[str]]:
    """The CLI's path: read the files, `batch_forecast(AutoForecaster(horizon), ...)`; paths, models, notes."""
    from forecasting.auto import AutoForecaster
    from forecasting.batch import batch_forecast
    from forecasting.files import read_inputs

    hist, cal, _ = read_inputs(hist_csv, cal_csv, "series", "Date", "Weekly_Sales", None)
    result = batch_forecast(AutoForecaster(horizon=cal.attrs["horizon"]), hist, cal)
    return result.paths, result.model_names(), list(dict.fromkeys(result.paths.notes))


def reference_run(model: BaseForecaster, hist_csv: Path, cal_csv: Path) -> Paths:
    """A reference tool on the same frames: `fit` (its own calibration) and `predict_paths`."""
    from forecasting.files import read_inputs

    hist, cal, _ = read_inputs(hist_csv, cal_csv, "series", "Date", "Weekly_Sales", None)
    return model.fit(hist).predict_paths(X=cal)


def _actuals(raw: pd.DataFrame, origin: pd.Timestamp) -> pd.DataFrame:
    ds = pd.to_datetime(raw["Date"])
    rows = raw.loc[(ds > origin) & (ds <= origin + pd.Timedelta(weeks=H))]
    return pd.DataFrame({ID: rows["series"], DS: pd.to_datetime(rows["Date"]), Y: rows["Weekly_Sales"].astype(float)})


def score_origin(paths: Paths, raw: pd.DataFrame, origin: pd.Timestamp) -> pd.DataFrame:
    """Per series: MASE over the weeks with sales, 80% coverage, 13-week total error and coverage, and
    the series' length group (observed weeks up to the origin). Absent weeks count as no sales in totals."""
    from forecasting.panel import prepare_history

    ds = pd.to_datetime(raw["Date"])
    past = raw.loc[ds <= origin]
    train = prepare_history(pd.DataFrame({ID: past["series"], DS: ds[ds <= origin], Y: past["Weekly_Sales"]}))
    test = _actuals(raw, origin)
    test = test.loc[test[ID].isin(paths.ids)].reset_index(drop=True)
    lookup = pd.DataFrame(paths.point, index=paths.ids, columns=paths.ds).stack()
    test["yhat"] = lookup.reindex(pd.MultiIndex.from_frame(test[[ID, DS]])).to_numpy()
    test["open"], test["cutoff"] = 1.0, origin
    out = score_paths(paths, test, train)
    weeks = past.groupby("series").size().reindex(out[ID]).to_numpy()
    out["group"] = [next(name for lo, hi, name in LENGTH_GROUPS if lo <= w < hi) for w in weeks]
    out["origin"] = origin.date().isoformat()
    return out


def tools(h: int) -> list[tuple[str, Callable[[], BaseForecaster] | None]]:
    """The line-up: None is kpilot's own path (AutoForecaster through the CLI's reading)."""
    from eval.forecast_refs import LagGBM, StatsForecastModel
    from forecasting.gbm import GlobalGBM
    from forecasting.models import SeasonalNaive

    return [
        ("seasonal naive", lambda: SeasonalNaive(horizon=h)),
        ("AutoETS (statsforecast)", lambda: StatsForecastModel("ets", horizon=h)),
        ("MSTL + AutoETS (statsforecast)", lambda: StatsForecastModel("mstl", horizon=h)),
        ("global HGB with lags (reference)", lambda: LagGBM(horizon=h)),
        ("kpilot GlobalGBM alone", lambda: GlobalGBM(horizon=h)),
        ("**kpilot** (AutoForecaster, as `kpilot forecast`)", None),
    ]


def summarise_scores(parts: pd.DataFrame) -> dict[str, float]:
    """MASE (mean over series-windows), weekly and total 80% coverage, 13-week total error (sum of |p50 - actual|
    over the sum of actuals)."""
    error = (parts["total_error"] * parts["total_actual"]).abs()
    return {
        "mase": float(parts["mase"].mean()),
        "cover": float(np.average(parts["day_cover"].fillna(0), weights=parts["days"])),
        "total_error": float(error.sum() / parts["total_actual"].abs().sum()),
        "total_cover": float(parts["total_in"].mean()),
        "n": float(len(parts)),
    }


def _row(label: str, s: dict[str, float], extra: str = "") -> str:
    return (
        f"| {label} | {s['mase']:.3f} | {s['cover']:.1%} | {s['total_error']:.1%} | {s['total_cover']:.1%} |"
        f" {int(s['n'])} |{extra}"
    )


def format_table(scores: dict[str, pd.DataFrame], cpu: dict[str, float], origins: list[str], info: str) -> str:
    """Markdown: every tool on the early development windows and on those with two full years of history
    (all of them development windows), then by length group."""
    head = "| tool | MASE | 80% cover | 13-week total abs. error | total 80% cover | series-windows |"
    lines = [info, ""]
    titles = (
        ("development windows, no series with two full years", False),
        ("development windows where long series have two full years (104+ weeks)", True),
    )
    for title, keep in titles:
        chosen = [o for o in origins if (o in TWO_YEARS) == keep]
        if not chosen:
            continue
        lines += [
            f"### {title}: origins {', '.join(chosen)}",
            "",
            head + " CPU s per series |",
            "|---|---|---|---|---|---|---|",
        ]
        for label, parts in scores.items():
            sub = parts.loc[parts["origin"].isin(chosen)]
            lines.append(_row(label, summarise_scores(sub), f" {cpu[label]:.2f} |"))
        lines.append("")
    later = [o for o in origins if o in TWO_YEARS]
    scopes = [("all windows", list(origins))] + ([(f"origins {', '.join(later)}", later)] if later else [])
    for scope, kept in scopes[: 1 if later == list(origins) else 2]:
        lines += [f"### by series length at the origin ({scope})", "", head, "|---|---|---|---|---|---|"]
        for label, parts in scores.items():
            for _, _, group in LENGTH_GROUPS:
                sub = parts.loc[(parts["group"] == group) & parts["origin"].isin(kept)]
                if len(sub):
                    lines.append(_row(f"{label}, {group}", summarise_scores(sub)))
        lines.append("")
    return "\n".join(lines)


def run(
    data_dir: Path,
    n: int,
    results_dir: Path,
    progress: Callable[[str], None],
    origins: tuple[str, ...] = ORIGINS,
) -> str:
    """Score every tool at every origin (all development windows since 2012-04-27 was looked at); write the
    table (`origins`: a subset, for a quicker run; its file name says which)."""
    started = time.perf_counter()
    raw = load_walmart(data_dir, n)
    store_weeks = raw[["Store", "Date", *STORE_COLS]].drop_duplicates(["Store", "Date"])
    origins = tuple(o for o in ORIGINS if o in origins)
    progress(f"walmart: {raw['series'].nunique()} series, {len(raw)} rows; origins {', '.join(origins)}")
    scores: dict[str, list[pd.DataFrame]] = {label: [] for label, _ in tools(H)}
    cpu = dict.fromkeys(scores, 0.0)
    choices = []
    with tempfile.TemporaryDirectory() as tmp:
        for origin_text in origins:
            origin = pd.Timestamp(origin_text)
            hist_csv = _write(raw.loc[pd.to_datetime(raw["Date"]) <= origin], Path(tmp) / "history.csv")
            cal_csv = _write(calendar_for(raw, store_weeks, origin), Path(tmp) / "calendar.csv")
            for label, make in tools(H):
                cpu0 = time.process_time()
                if make is None:
                    paths, names, notes = kpilot_run(hist_csv, cal_csv)
                    choices.append(f"{origin_text}: {names.value_counts().to_dict()}")
                    progress(f"{origin_text}: kpilot models {names.value_counts().to_dict()}; {len(notes)} notes")
                else:
                    paths = reference_run(make(), hist_csv, cal_csv)
                cpu[label] += time.process_time() - cpu0
                scores[label].append(score_origin(paths, raw, origin))
                progress(f"{origin_text}: {label} done ({time.perf_counter() - started:.0f} s)")
    frames = {label: pd.concat(parts, ignore_index=True) for label, parts in scores.items()}
    per_series = {label: cpu[label] / raw["series"].nunique() / len(origins) for label in cpu}
    info = (
        f"Walmart weekly: {raw['series'].nunique()} store-department series, {len(origins)} origins x {H} weeks"
        f" (all development windows; held out: the 13 weeks after 2012-07-27, not scored here);"
        f" wall {time.perf_counter() - started:.0f} s, peak memory"
        f" {peak_memory_gb():.2f} GB, 2 cores.\n\nkpilot's choices: " + "; ".join(choices) + "\n\n" + NOTES
    )
    table = format_table(frames, per_series, list(origins), info)
    results_dir.mkdir(parents=True, exist_ok=True)
    subset = "" if origins == ORIGINS else "_" + "_".join(origins)
    target = results_dir / f"forecast_walmart_{n}{subset}.md"
    tmp_path = target.with_name(target.name + ".tmp")
    tmp_path.write_text(table)
    tmp_path.replace(target)
    per_series_csv = target.with_name(target.stem + "_scores.csv.gz")  # every tool's per-series scores
    pd.concat([f.assign(tool=label) for label, f in frames.items()]).to_csv(per_series_csv, index=False)
    progress(f"wrote {target}")
    return table
