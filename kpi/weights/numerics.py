"""Numerical core of the weight regression: NNLS on standardised indicators, bounded simplex, bootstrap, CV.

Everything works on moment matrices (G = cov(Z), c = cov(Z, y)) so a bootstrap replicate costs one weighted
k x k product over the rows and a k-variable NNLS, which keeps 50,000 rows x 10 indicators fast.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy.linalg import cho_factor, solve_triangular
from scipy.optimize import nnls
from scipy.stats import rankdata

FloatArray = npt.NDArray[np.float64]


def standardise(
    x: FloatArray, flip: Sequence[bool], mean: FloatArray | None = None, sd: FloatArray | None = None
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Centre and scale columns (sign flipped for lower-is-better); returns (z, mean, sd) with sd=0 -> 1."""
    mean = x.mean(axis=0) if mean is None else mean
    sd = x.std(axis=0) if sd is None else sd
    safe = np.where(sd > 0, sd, 1.0)
    sign = np.where(np.asarray(flip, dtype=bool), -1.0, 1.0)
    return (x - mean) / safe * sign, mean, safe


def project_bounded_simplex(v: FloatArray, total: float, lo: float, hi: float) -> FloatArray:
    """Closest point (Euclidean) to each row of v with entries in [lo, hi] summing to `total`."""
    v2 = np.atleast_2d(v).astype(float)
    # sum(clip(v - tau, lo, hi)) decreases in tau; bisection per row, vectorised over rows.
    t_lo = v2.min(axis=1) - hi - 1.0
    t_hi = v2.max(axis=1) - lo + 1.0
    for _ in range(80):
        mid = (t_lo + t_hi) / 2
        s = np.clip(v2 - mid[:, None], lo, hi).sum(axis=1)
        too_big = s > total
        t_lo = np.where(too_big, mid, t_lo)
        t_hi = np.where(too_big, t_hi, mid)
    out = np.clip(v2 - ((t_lo + t_hi) / 2)[:, None], lo, hi)
    res = out.reshape(np.shape(v)) if np.ndim(v) == 1 else out
    return np.asarray(res, dtype=np.float64)


def nnls_from_moments(g: FloatArray, c: FloatArray) -> FloatArray:
    """Minimise b'Gb - 2c'b subject to b >= 0 (least squares from moments) via Cholesky and NNLS."""
    k = g.shape[0]
    jitter = 1e-10 * max(float(np.trace(g)) / k, 1e-12)
    r, _ = cho_factor(g + jitter * np.eye(k), lower=False)
    r = np.triu(r)
    rhs = solve_triangular(r.T, c, lower=True)
    b, _ = nnls(r, rhs)
    return np.asarray(b, dtype=float)


def moments(z: FloatArray, y: FloatArray, w: FloatArray | None = None) -> tuple[FloatArray, FloatArray]:
    """Weighted covariance of the indicators (G) and with the outcome (c); w are bootstrap counts."""
    if w is None:
        w = np.ones(len(y))
    sw = w.sum()
    mz = (w @ z) / sw
    my = float(w @ y) / sw
    zw = z.T * w
    g = (zw @ z) / sw - np.outer(mz, mz)
    c = (zw @ y) / sw - mz * my
    return g, c


def importance_weights(g: FloatArray, c: FloatArray, lo: float, hi: float) -> FloatArray | None:
    """Percent weights from NNLS importance per SD, projected onto the bounds; None if no signal."""
    b = nnls_from_moments(g, c)
    # Coefficients per 1 SD of this sample: scale by the sample SD of each (already standardised) column.
    imp = b * np.sqrt(np.clip(np.diag(g), 0.0, None))
    if imp.sum() <= 1e-12:
        return None
    return project_bounded_simplex(100.0 * imp / imp.sum(), 100.0, lo, hi)


def bootstrap_weights(
    z: FloatArray, y: FloatArray, lo: float, hi: float, n_boot: int, rng: np.random.Generator, batch: int = 50
) -> FloatArray:
    """Data weights for each bootstrap resample (rows resampled with replacement); NaN rows had no signal."""
    n, k = z.shape
    iu = np.triu_indices(k)
    # One matrix of per-row sufficient statistics; a batch of resamples is then a single matrix product.
    stats = np.column_stack([np.ones(n), z, y, (z[:, :, None] * z[:, None, :])[:, iu[0], iu[1]], z * y[:, None]])
    out = np.full((n_boot, k), np.nan)
    for start in range(0, n_boot, batch):
        size = min(batch, n_boot - start)
        counts = np.stack([np.bincount(rng.integers(0, n, n), minlength=n) for _ in range(size)]).astype(float)
        sums = counts @ stats
        for b in range(size):
            g, c = _moments_from_sums(sums[b], k, iu)
            w = importance_weights(g, c, lo, hi)
            if w is not None:
                out[start + b] = w
    return out


def _moments_from_sums(
    s: FloatArray, k: int, iu: tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]
) -> tuple[FloatArray, FloatArray]:
    total = s[0]
    mz = s[1 : 1 + k] / total
    my = s[1 + k] / total
    zz = np.zeros((k, k))
    zz[iu] = s[2 + k : 2 + k + len(iu[0])] / total
    zz = zz + np.triu(zz, 1).T
    zy = s[2 + k + len(iu[0]) :] / total
    return zz - np.outer(mz, mz), zy - mz * my


def vif(z: FloatArray) -> FloatArray:
    """Variance inflation factor of every column (diagonal of the inverse correlation matrix)."""
    corr = np.corrcoef(z, rowvar=False)
    corr = np.atleast_2d(corr)
    try:
        return np.asarray(np.diag(np.linalg.inv(corr)), dtype=float)
    except np.linalg.LinAlgError:
        return np.full(z.shape[1], np.inf)


def spearman(a: FloatArray, b: FloatArray) -> float:
    """Spearman rank correlation (average ranks for ties); 0 when either side is constant."""
    ra, rb = rankdata(a), rankdata(b)
    sa, sb = ra.std(), rb.std()
    if sa == 0 or sb == 0:
        return 0.0
    return float(np.mean((ra - ra.mean()) * (rb - rb.mean())) / (sa * sb))


def oos_r2(train_score: FloatArray, train_y: FloatArray, test_score: FloatArray, test_y: FloatArray) -> float:
    """Out-of-sample R^2 of y ~ a + s * score fitted on the training fold (1 - SSE / SST on the test fold)."""
    var = train_score.var()
    slope = 0.0 if var == 0 else float(np.cov(train_score, train_y, bias=True)[0, 1] / var)
    intercept = train_y.mean() - slope * train_score.mean()
    pred = intercept + slope * test_score
    sst = float(((test_y - test_y.mean()) ** 2).sum())
    return 0.0 if sst == 0 else 1.0 - float(((test_y - pred) ** 2).sum()) / sst
