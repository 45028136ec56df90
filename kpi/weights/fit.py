"""Indicator weights from data (issue 7): propose KPI weights with evidence; HR approves elsewhere.

Estimator (also in plain words in `kpi.weights.result.METHOD_EN/ZH`): standardised indicators (lower-is-better
flipped) -> non-negative least squares -> shares rescaled to 100 and projected onto the HR bounds ->
percentile bootstrap intervals -> precision-weighted shrinkage toward the current (or equal) weights ->
out-of-sample Spearman correlation in K-fold CV for proposal, current and equal weights. Coefficient CIs come
from statsmodels OLS with HC3 errors on the same standardised indicators.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING

import numpy as np
from threadpoolctl import threadpool_limits

from kpi.errors import ConstantIndicatorError, TooFewRowsError, WeightsError
from kpi.weights.cv import cross_validate
from kpi.weights.diagnostics import collect_warnings
from kpi.weights.inputs import check_bounds, check_columns, check_current, numeric_frame
from kpi.weights.numerics import (
    FloatArray,
    bootstrap_weights,
    importance_weights,
    moments,
    project_bounded_simplex,
    standardise,
    vif,
)
from kpi.weights.result import METHOD_EN, METHOD_ZH, GroupProposal, GroupRefusal, WeightsReport
from kpi.weights.settings import WeightsSettings

if TYPE_CHECKING:
    import pandas as pd

ALL_GROUP = "all"


def fit_weights(
    df: pd.DataFrame,
    *,
    outcome: str,
    indicators: Sequence[str],
    lower_is_better: Sequence[str] = (),
    current: Mapping[str, float] | None = None,
    group: str | None = None,
    bounds: tuple[float, float] = (5.0, 40.0),
    settings: WeightsSettings | None = None,
    progress: Callable[[str], None] | None = None,
) -> WeightsReport:
    """Propose weights per group; raises a WeightsError subclass when no group can support a proposal."""
    settings = settings or WeightsSettings()
    settings.validate()
    indicators = list(indicators)
    check_columns(df, outcome, indicators, lower_is_better, group)
    lo, hi = check_bounds(bounds, len(indicators))
    cur = check_current(current, indicators)
    data = numeric_frame(df, [outcome, *indicators])
    keys = df[group].astype("string").fillna("(blank)") if group else None
    flip = [c in set(lower_is_better) for c in indicators]
    proposals: dict[str, GroupProposal] = {}
    first_error: WeightsError | None = None
    refused: dict[str, GroupRefusal] = {}
    # Single-threaded BLAS: the matrices are small and on a shared machine 2-thread OpenBLAS spin-waits
    # (measured 100x slower under load); callers parallelise across groups or requests instead.
    with threadpool_limits(1, user_api="blas"):
        for name, part in _split(data, keys):
            complete = part.dropna()
            if progress is not None:
                progress(f"fitting group {name!r}: {len(complete)} complete rows")
            try:
                proposals[name] = fit_group(
                    complete[indicators].to_numpy(float),
                    complete[outcome].to_numpy(float),
                    indicators,
                    flip,
                    cur,
                    (lo, hi),
                    settings,
                    group=name,
                    n_dropped=len(part) - len(complete),
                )
            except WeightsError as exc:
                if keys is None:
                    raise
                first_error = first_error or exc
                refused[name] = GroupRefusal(group=name, n=len(complete), code=type(exc).__name__, message=str(exc))
    if not proposals:
        first = next(iter(refused.values()))
        # Same class as the first group's refusal, so callers can map it precisely.
        raise type(first_error or TooFewRowsError(""))(
            f"no group could support a proposal; e.g. group {first.group!r}: {first.message}"
        )
    run = {
        **asdict(settings),
        "bounds": [lo, hi],
        "outcome": outcome,
        "indicators": indicators,
        "lower_is_better": list(lower_is_better),
        "group": group,
    }
    return WeightsReport(
        groups=proposals,
        refused=refused,
        settings=run,
        method_en=METHOD_EN.format(n_boot=settings.n_boot, level=settings.level, folds=settings.cv_folds),
        method_zh=METHOD_ZH.format(n_boot=settings.n_boot, level=settings.level, folds=settings.cv_folds),
    )


def _split(data: pd.DataFrame, keys: pd.Series | None) -> list[tuple[str, pd.DataFrame]]:
    if keys is None:
        return [(ALL_GROUP, data)]
    return [(str(k), data.loc[keys == k]) for k in sorted(keys.unique())]


def _check_rows(x: FloatArray, y: FloatArray, names: Sequence[str], settings: WeightsSettings) -> None:
    k = len(names)
    min_rows = settings.min_rows if settings.min_rows is not None else max(30, 10 * k)
    if len(y) < min_rows:
        raise TooFewRowsError(
            f"{len(y)} complete rows, at least {min_rows} needed for {k} indicators; "
            "add periods or people, or use fewer indicators"
        )
    const = [n for n, sd in zip(names, x.std(axis=0), strict=True) if not sd > 0]
    if const:
        raise ConstantIndicatorError(
            f"indicator(s) {const} have the same value in every row; their effect "
            "cannot be estimated: drop them or add data where they vary"
        )
    if not y.std() > 0:
        raise ConstantIndicatorError("the outcome has the same value in every row; nothing to explain")


def fit_group(
    x: FloatArray,
    y: FloatArray,
    names: Sequence[str],
    flip: Sequence[bool],
    current: Mapping[str, float] | None,
    bounds: tuple[float, float],
    settings: WeightsSettings,
    *,
    group: str = ALL_GROUP,
    n_dropped: int = 0,
) -> GroupProposal:
    """Proposal for one group from complete rows (x: n x k raw indicators, y: outcome)."""
    _check_rows(x, y, names, settings)
    lo, hi = bounds
    k = len(names)
    rng = np.random.default_rng(settings.seed)
    z, _, _ = standardise(x, flip)
    g, c = moments(z, y)
    w_data = importance_weights(g, c, lo, hi)
    prior = project_bounded_simplex(
        np.array([current[n] for n in names]) if current else np.full(k, 100.0 / k), 100.0, lo, hi
    )
    boot = bootstrap_weights(z, y, lo, hi, settings.n_boot, rng)
    ok = boot[~np.isnan(boot).any(axis=1)]
    se = ok.std(axis=0) if len(ok) > 1 else np.full(k, np.inf)
    lam = settings.prior_sd**2 / (settings.prior_sd**2 + se**2)
    final = prior if w_data is None else project_bounded_simplex(lam * w_data + (1 - lam) * prior, 100.0, lo, hi)
    boot_final = project_bounded_simplex(lam * ok + (1 - lam) * prior, 100.0, lo, hi) if len(ok) else ok
    coef, ci, pv = _ols(z, y, settings.level, names)
    vifs = vif(z)
    cur_arr = np.array([current[n] for n in names]) if current else None
    cv_sp, cv_r2 = cross_validate(x, y, flip, (lo, hi), lam, prior, cur_arr, settings)
    tail = (1 - settings.level) / 2 * 100
    data_ci = _intervals(ok, tail, names, w_data)
    final_ci = _intervals(boot_final, tail, names, final)
    as_dict = dict(zip(names, map(float, final), strict=True))
    warnings = collect_warnings(
        names=names,
        n=len(y),
        n_dropped=n_dropped,
        settings_small_n=settings.small_n,
        vif_warn=settings.vif_warn,
        vifs=vifs,
        ci=ci,
        final=final,
        bounds=bounds,
        shrinkage=float(np.mean(1 - lam)) if w_data is not None else 1.0,
        no_signal=w_data is None,
        data_ci=data_ci,
        cv=cv_sp,
        has_current=current is not None,
        n_failed_boot=settings.n_boot - len(ok),
    )
    return GroupProposal(
        group=group,
        n=len(y),
        n_dropped=n_dropped,
        weights=as_dict,
        weights_ci=final_ci,
        data_weights=dict(zip(names, map(float, w_data if w_data is not None else prior), strict=True)),
        data_weights_ci=data_ci,
        current_weights=dict(current) if current else None,
        change={n: as_dict[n] - float(current[n]) for n in names} if current else None,
        coef=dict(zip(names, coef, strict=True)),
        ci=ci,
        p_values=dict(zip(names, pv, strict=True)),
        vif=dict(zip(names, map(float, vifs), strict=True)),
        shrinkage=float(np.mean(1 - lam)) if w_data is not None else 1.0,
        cv_score=cv_sp,
        cv_r2=cv_r2,
        warnings=warnings,
    )


def _intervals(
    boot: FloatArray, tail: float, names: Sequence[str], point: FloatArray | None
) -> dict[str, tuple[float, float]]:
    if len(boot) == 0:
        p = point if point is not None else np.full(len(names), np.nan)
        return {n: (float(v), float(v)) for n, v in zip(names, p, strict=True)}
    lo_q, hi_q = np.percentile(boot, [tail, 100 - tail], axis=0)
    return {n: (float(a), float(b)) for n, a, b in zip(names, lo_q, hi_q, strict=True)}


def _ols(
    z: FloatArray, y: FloatArray, level: float, names: Sequence[str]
) -> tuple[list[float], dict[str, tuple[float, float]], list[float]]:
    """Standardised OLS coefficients with HC3 (heteroskedasticity-robust) intervals and p-values."""
    import statsmodels.api as sm

    res = sm.OLS(y, sm.add_constant(z, has_constant="add")).fit(cov_type="HC3")
    ci = np.asarray(res.conf_int(alpha=1 - level))[1:]
    params = np.asarray(res.params)[1:]
    pvals = np.asarray(res.pvalues)[1:]
    return (
        [float(v) for v in params],
        {n: (float(a), float(b)) for n, (a, b) in zip(names, ci, strict=True)},
        [float(v) for v in pvals],
    )
