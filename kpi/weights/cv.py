"""Out-of-sample comparison of weight sets: K-fold CV of the composite score against the outcome."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from kpi.weights.numerics import (
    FloatArray,
    importance_weights,
    moments,
    oos_r2,
    project_bounded_simplex,
    spearman,
    standardise,
)

if TYPE_CHECKING:
    from kpi.weights.settings import WeightsSettings


def cross_validate(
    x: FloatArray,
    y: FloatArray,
    flip: Sequence[bool],
    bounds: tuple[float, float],
    lam: FloatArray,
    prior: FloatArray,
    current: FloatArray | None,
    settings: WeightsSettings,
) -> tuple[dict[str, float | None], dict[str, float | None]]:
    """Mean held-out Spearman and R^2 of sum(w_j z_j) for proposal (refit per fold), current and equal."""
    from sklearn.model_selection import KFold

    lo, hi = bounds
    k = x.shape[1]
    folds = max(2, min(settings.cv_folds, len(y) // 10))
    equal = np.full(k, 100.0 / k)
    # Standardisation uses training-fold statistics only, so nothing leaks from the held-out rows.
    sp: dict[str, list[float]] = {"proposal": [], "current": [], "equal": []}
    r2: dict[str, list[float]] = {"proposal": [], "current": [], "equal": []}
    for train, test in KFold(folds, shuffle=True, random_state=settings.seed).split(x):
        z_tr, mean, sd = standardise(x[train], flip)
        z_te, _, _ = standardise(x[test], flip, mean, sd)
        w_fold = importance_weights(*moments(z_tr, y[train]), lo, hi)
        proposal = prior if w_fold is None else project_bounded_simplex(lam * w_fold + (1 - lam) * prior, 100.0, lo, hi)
        sets = {"proposal": proposal, "equal": equal}
        if current is not None:
            sets["current"] = current
        for name, w in sets.items():
            s_tr, s_te = z_tr @ w, z_te @ w
            sp[name].append(spearman(s_te, y[test]))
            r2[name].append(oos_r2(s_tr, y[train], s_te, y[test]))
    return {n: _mean(v) for n, v in sp.items()}, {n: _mean(v) for n, v in r2.items()}


def _mean(values: list[float]) -> float | None:
    return float(np.mean(values)) if values else None
