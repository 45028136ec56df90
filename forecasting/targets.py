"""Period totals and target ranges (conservative / base / stretch) from joint sample paths."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date

import numpy as np
import pandas as pd

from forecasting.backtest import coverage, score, seasonal_scale
from forecasting.base import BaseForecaster, Paths, paths_from_points
from forecasting.data import DS, ID, data_hash
from forecasting.errors import DataValidationError
from forecasting.intervals import Calibration, check_levels, slog, summarise

MAX_WIDENING = 4.0  # recalibration widens a series' intervals at most this much

Period = tuple[str, date | str, date | str]  # (name, first day, last day), e.g. a campaign


def _periods(ds: pd.DatetimeIndex, period: str | list[Period]) -> list[tuple[str, pd.Timestamp, pd.Timestamp]]:
    if isinstance(period, list):
        return [(name, pd.Timestamp(a), pd.Timestamp(b)) for name, a, b in period]
    if period == "horizon":
        return [("horizon", ds.min(), ds.max())]
    if period == "month":
        months = ds.to_period("M").unique()
        return [(str(m), max(m.start_time, ds.min()), min(m.end_time.normalize(), ds.max())) for m in months]
    raise DataValidationError(f"period must be 'horizon', 'month' or a list of (name, start, end); got {period!r}")


def period_totals(paths: Paths, period: str | list[Period] = "horizon", level: tuple[int, ...] = (80,)) -> pd.DataFrame:
    """Per series and period: `unique_id, period, start, end, p50, lo-L, hi-L` of the path totals.

    Totals are summed path by path, so their spread reflects errors that persist across days."""
    levels = check_levels(level)
    rows = []
    for name, start, end in _periods(paths.ds, period):
        cols = (paths.ds >= start) & (paths.ds <= end)
        if not cols.any():
            raise DataValidationError(f"period {name!r} ({start.date()}..{end.date()}) is outside the horizon")
        totals = np.nansum(paths.values[:, :, cols], axis=2)
        stats = summarise(totals, levels)
        frame = pd.DataFrame({ID: paths.ids, "period": name, "start": start, "end": end})
        for key in ["p50"] + [f"lo-{lv}" for lv in reversed(levels)] + [f"hi-{lv}" for lv in levels]:
            frame[key] = stats[key]
        rows.append(frame)
    return pd.concat(rows, ignore_index=True).sort_values([ID, "start"], kind="stable").reset_index(drop=True)


def backtest_accuracy(model: BaseForecaster, level: int = 80) -> pd.DataFrame:
    """Per series: backtest MASE and the coverage of the `level`% daily and window-total intervals.

    Coverage is out of sample: each backtest window is scored with intervals calibrated on the other
    windows (with a single window, on itself, flagged by `windows == 1`). `widening` is how much the
    series' residual scale would have to grow for the window totals to fall inside the `level`% interval
    as often as nominal (the `level`% quantile over windows of the factor each window needed, >= 1)."""
    model._check_fitted()
    bt, panel = model.backtest_, model.panel_
    if bt is None or len(bt) == 0:
        cols = [ID, "mase", "daily_coverage", "total_coverage", "windows", "widening"]
        return pd.DataFrame(columns=cols).set_index(ID)
    mase = score(bt, seasonal_scale(panel)).groupby(ID)["mase"].mean()
    cutoffs = sorted(bt["cutoff"].unique())
    h = model.calibration_.h
    parts = []
    for cutoff in cutoffs:
        others = bt.loc[bt["cutoff"] != cutoff] if len(cutoffs) > 1 else bt
        cal = Calibration.from_backtest(
            others,
            h,
            seed=model.seed,
            signed=model.panel_.signed,
            young=model.panel_.young(),
            groups=model.panel_.length_groups(),
        )
        test = bt.loc[bt["cutoff"] == cutoff].reset_index(drop=True)
        parts.append(_window_coverage(test, cal, model, level))
    windows = pd.concat(parts)
    cov = windows[["daily_coverage", "total_coverage"]].groupby(ID).mean()
    out = pd.DataFrame({"mase": mase}).join(cov, how="outer")
    out["windows"] = bt.groupby(ID)["cutoff"].nunique()
    needed = windows["needed"].groupby(ID).quantile(level / 100, interpolation="higher")
    out["widening"] = needed.clip(lower=1.0, upper=MAX_WIDENING).reindex(out.index).fillna(1.0)
    return out


def _window_coverage(test: pd.DataFrame, cal: Calibration, model: BaseForecaster, level: int) -> pd.DataFrame:
    paths = paths_from_points(test, cal, model.n_paths, model.seed)
    actual = np.full(paths.point.shape, np.nan)
    actual[pd.Index(paths.ids).get_indexer(test[ID]), paths.ds.get_indexer(test[DS])] = test["y"].to_numpy(float)
    daily = summarise(paths.values, [level])
    totals = summarise(np.nansum(paths.values, axis=2), [level])
    real_total = np.nansum(np.where(paths.is_open, actual, 0.0), axis=1)
    lo, hi = f"lo-{level}", f"hi-{level}"
    opened = paths.is_open & ~np.isnan(actual)
    # Widening this window needed: distance of the actual total from the median over the distance of
    # the bound on its side, on the log scale where the paths' spread is proportional to the scale.
    miss = slog(real_total) - slog(totals["p50"])
    reach = np.where(miss > 0, slog(totals[hi]), slog(totals[lo])) - slog(totals["p50"])
    with np.errstate(divide="ignore", invalid="ignore"):
        needed = np.where(np.abs(reach) > 0, np.abs(miss) / np.abs(reach), 1.0)
    return pd.DataFrame(
        {
            "daily_coverage": [
                coverage(actual[i][opened[i]], daily[lo][i][opened[i]], daily[hi][i][opened[i]])
                for i in range(len(paths.ids))
            ],
            "total_coverage": ((real_total >= totals[lo]) & (real_total <= totals[hi])).astype(float),
            "needed": np.nan_to_num(needed, nan=1.0),
        },
        index=pd.Index(paths.ids, name=ID),
    )


@dataclass(frozen=True)
class TargetRange:
    """Conservative / base / stretch levels of one series' total over one period, with its evidence."""

    unique_id: str
    period: str
    start: date
    end: date
    conservative: float
    base: float
    stretch: float
    quantiles: tuple[float, float, float]
    model: str
    data_hash: str
    backtest_mase: float | None
    backtest_daily_coverage: float | None
    backtest_total_coverage: float | None
    recalibrated: bool = False
    interval_widening: float = 1.0
    nominal_coverage: float = 0.8


@dataclass(frozen=True)
class TargetRanges:
    """All target ranges of one run; `to_frame()` gives one row per series and period."""

    ranges: list[TargetRange]
    data_hash: str
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """A DataFrame view of the ranges."""
        return pd.DataFrame([asdict(r) for r in self.ranges])

    def recalibrated(self) -> list[str]:
        """Series whose intervals were widened because their backtests missed the nominal coverage."""
        return sorted({r.unique_id for r in self.ranges if r.recalibrated})


def _opt(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]


def target_ranges(
    model: BaseForecaster,
    h: int | None = None,
    X: pd.DataFrame | None = None,
    *,
    period: str | list[Period] = "month",
    quantiles: tuple[float, float, float] = (0.2, 0.5, 0.8),
    recalibrate: bool = True,
    level: int = 80,
) -> TargetRanges:
    """Per series and period: the `quantiles` of the period total as conservative / base / stretch.

    Each range carries its series' backtest MASE and coverage of the `level`% interval. With
    `recalibrate`, a series whose backtest window totals fell inside that interval less often than
    `level`% gets its residual scale widened by `interval_widening` (see `backtest_accuracy`) and
    `recalibrated=True`; the notes say which and why."""
    q = tuple(float(x) for x in quantiles)
    if len(q) != 3 or not 0 < q[0] < q[1] < q[2] < 1:
        raise DataValidationError(f"quantiles must be three increasing numbers in (0, 1), got {quantiles}")
    paths = model.predict_paths(h, X)
    accuracy = backtest_accuracy(model, level)
    widen = _widening(accuracy, level) if recalibrate else pd.Series(dtype=float)
    notes = list(paths.notes)
    if len(widen):
        paths = _widened(model, paths, widen)
        for sid, factor in widen.items():
            cov = accuracy.loc[sid, "total_coverage"]
            notes.append(
                f"series {sid!r}: its backtest totals fell inside the {level}% interval in {cov:.0%} of "
                f"{int(accuracy.loc[sid, 'windows'])} window(s); its intervals were widened x{factor:.2f}"
            )
    names = model.model_names() if hasattr(model, "model_names") else pd.Series(type(model).__name__, index=paths.ids)
    digest = getattr(model, "data_hash_", None) or data_hash(model.panel_.frame)
    ranges = []
    for name, start, end in _periods(paths.ds, period):
        cols = (paths.ds >= start) & (paths.ds <= end)
        totals = np.nansum(paths.values[:, :, cols], axis=2)
        levels = np.quantile(totals, q, axis=1)
        for i, sid in enumerate(paths.ids):
            acc = accuracy.loc[sid] if sid in accuracy.index else pd.Series(dtype=float)
            ranges.append(
                TargetRange(
                    sid,
                    name,
                    start.date(),
                    end.date(),
                    float(levels[0, i]),
                    float(levels[1, i]),
                    float(levels[2, i]),
                    q,
                    str(names.get(sid, type(model).__name__)),
                    digest,
                    _opt(acc.get("mase")),
                    _opt(acc.get("daily_coverage")),
                    _opt(acc.get("total_coverage")),
                    sid in widen.index,
                    float(widen.get(sid, 1.0)),
                    level / 100,
                )
            )
    return TargetRanges(ranges, digest, tuple(notes))


def _widening(accuracy: pd.DataFrame, level: int) -> pd.Series:
    """Widening factors (> 1) of the series whose backtest total coverage is below `level`%."""
    low = accuracy["total_coverage"].notna() & (accuracy["total_coverage"] < level / 100 - 1e-9)
    factors = accuracy.loc[low, "widening"].astype(float)
    return factors.loc[factors > 1.0]


def _widened(model: BaseForecaster, paths: Paths, widen: pd.Series) -> Paths:
    """The same point forecasts re-sampled with the widened series scales."""
    cal = model.calibration_
    scale = dict(cal.scale)
    for sid, factor in widen.items():
        scale[str(sid)] = cal.series_scale(str(sid)) * float(factor)
    values = replace(cal, scale=scale).sample(paths.ids, paths.point, paths.is_open, paths.values.shape[1], model.seed)
    return replace(paths, values=values)
