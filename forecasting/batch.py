"""Forecast many series by mapping a model over groups of series with joblib.

Each group gets its own clone of the model (a global model is global within its group). With
`n_jobs > 1` groups run in parallel processes; with `backend="dask"` (or under
`joblib.parallel_config(backend="dask")`) the same code sends each group to the workers of the current
`dask.distributed.Client`, e.g. one on a `LocalCluster` or `Client("tcp://scheduler:8786")`. One group
(the default for up to `group_size` series) is the plain fit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from joblib import Parallel, delayed, parallel_config
from sklearn.base import clone

from forecasting.base import BaseForecaster, Paths, quantile_frame
from forecasting.data import ID


@dataclass(frozen=True)
class BatchResult:
    """Daily quantiles, joint paths and the fitted model of every group."""

    forecast: pd.DataFrame
    paths: Paths
    models: list[BaseForecaster]

    def model_names(self) -> pd.Series:
        """The model used for each series."""
        parts = [
            m.model_names() if hasattr(m, "model_names") else pd.Series(type(m).__name__, index=m.panel_.ids)
            for m in self.models
        ]
        return pd.concat(parts)

    def reasons(self) -> pd.Series:
        """Per series: the model used and why, in words (a model without a choice: that it was given)."""
        parts = [
            m.reasons()
            if hasattr(m, "reasons")
            else pd.Series(f"{type(m).__name__}: the model asked for", m.panel_.ids)
            for m in self.models
        ]
        return pd.concat(parts)


def _groups(ids: list[str], group_size: int) -> list[list[str]]:
    return [ids[i : i + group_size] for i in range(0, len(ids), group_size)]


def _run_group(
    model: BaseForecaster, history: pd.DataFrame, calendar: pd.DataFrame | None, h: int | None, level: tuple[int, ...]
) -> tuple[BaseForecaster, pd.DataFrame, Paths]:
    fitted = clone(model).fit(history)
    paths = fitted.predict_paths(h, calendar)
    return fitted, quantile_frame(paths, level), paths


def batch_forecast(
    model: BaseForecaster,
    history: pd.DataFrame,
    calendar: pd.DataFrame | None = None,
    *,
    h: int | None = None,
    level: tuple[int, ...] = (80,),
    group_size: int = 2000,
    n_jobs: int = 1,
    backend: str | None = None,
) -> BatchResult:
    """Fit a clone of `model` per group of series and forecast; results are concatenated.

    `backend`: None (joblib's default, processes when `n_jobs > 1`) or "dask" (every group on the workers
    of the current dask.distributed Client; `n_jobs` is then ignored)."""
    ids = sorted(history[ID].astype(str).unique().tolist())
    groups = _groups(ids, group_size)
    hist_ids = history[ID].astype(str)
    cal_ids = calendar[ID].astype(str) if calendar is not None else None
    jobs = (
        delayed(_run_group)(
            model,
            history.loc[hist_ids.isin(set(g))],
            calendar.loc[cal_ids.isin(set(g))] if calendar is not None and cal_ids is not None else None,
            h,
            level,
        )
        for g in groups
    )
    if backend == "dask":
        with parallel_config(backend="dask"):
            results = Parallel(n_jobs=-1)(jobs)
    else:
        results = Parallel(n_jobs=n_jobs if len(groups) > 1 else 1)(jobs)
    forecast = pd.concat([r[1] for r in results], ignore_index=True)
    return BatchResult(forecast, _merge_paths([r[2] for r in results]), [r[0] for r in results])


def _merge_paths(parts: list[Paths]) -> Paths:
    if len(parts) == 1:
        return parts[0]
    notes = tuple(note for p in parts for note in p.notes)
    dates = pd.DatetimeIndex(sorted(set().union(*[set(p.ds) for p in parts])))
    n_paths = parts[0].values.shape[1]
    ids: list[str] = []
    values, point, is_open = [], [], []
    for p in parts:
        cols = dates.get_indexer(p.ds)
        v = np.full((len(p.ids), n_paths, len(dates)), np.nan, dtype=np.float32)
        v[:, :, cols] = p.values
        pt = np.full((len(p.ids), len(dates)), np.nan)
        pt[:, cols] = p.point
        op = np.zeros((len(p.ids), len(dates)), dtype=bool)
        op[:, cols] = p.is_open
        ids += p.ids
        values.append(v)
        point.append(pt)
        is_open.append(op)
    return Paths(ids, dates, np.concatenate(values), np.concatenate(point), np.concatenate(is_open), notes)
