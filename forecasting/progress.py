"""Progress to a period's end from sample paths: what is done so far plus the forecast of the days left.

For a sum (GMV, orders, visitors) the end value of path k is `done + sum of path k over the days left`; for a
ratio (conversion = orders / visitors, AOV = sales / orders) it is `(done_num + rest_num_k) / (done_den +
rest_den_k)`, path by path, so the ratio comes from sums and never from daily rates. The 80% range and the
probability of reaching a level are read off the paths; thin data widens the range and may withhold the
probability (`Projection.caveats` says why).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

WIDEN = 1.5  # how much wider the range gets when the history is short or days are missing


@dataclass(frozen=True)
class Projection:
    """The projected end value with its 80% range and the probabilities of reaching each level."""

    median: float
    low: float
    high: float
    probabilities: dict[str, float | None] = field(default_factory=dict)
    caveats: tuple[str, ...] = ()


def end_values(
    done: Sequence[float], rest: Sequence[np.ndarray], *, scale: float = 1.0, ratio: bool = False
) -> np.ndarray:
    """End values of every path: `done[0] + rest[0]` for a sum; `(done[0] + rest[0]) / (done[1] + rest[1])`
    for a ratio (each `rest[i]` holds one total of the days left per path)."""
    top = done[0] + np.asarray(rest[0], dtype=float)
    if not ratio:
        return top * scale
    bottom = done[1] + np.asarray(rest[1], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(bottom > 0, top / bottom, np.nan) * scale
    return np.asarray(out[np.isfinite(out)], dtype=float)


def project(
    ends: np.ndarray,
    levels: dict[str, float | None],
    *,
    higher_is_better: bool = True,
    caveats: Sequence[str] = (),
    probability: bool = True,
) -> Projection | None:
    """Median, 80% range (widened by `WIDEN` under caveats) and P(end reaches level) for each named level;
    probabilities are None when `probability` is False (the data cannot support one). None without paths."""
    ends = np.asarray(ends, dtype=float)
    if ends.size == 0:
        return None
    median = float(np.median(ends))
    lo, hi = (float(q) for q in np.quantile(ends, [0.1, 0.9]))
    if caveats:
        lo, hi = median - WIDEN * (median - lo), median + WIDEN * (hi - median)
        ends = median + WIDEN * (ends - median)  # the probabilities follow the widened spread
    probs: dict[str, float | None] = {}
    for name, level in levels.items():
        if level is None or not probability:
            probs[name] = None
            continue
        hit = ends >= level if higher_is_better else ends <= level
        probs[name] = round(float(hit.mean()), 3)
    return Projection(median, lo, hi, probs, tuple(caveats))
