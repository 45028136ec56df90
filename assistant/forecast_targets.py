"""Forecast ranges as targets: the chance of reaching a target, and driver ranges consistent with a sales range.

A range (conservative / base / stretch at known quantile levels, e.g. 10% / 50% / 90%) is read as a log-normal
distribution of the period total: median = base, spread from the two bounds. Under that reading a target
has a probability ("7300 万元: about 12% likely"), and the driver tree (sales = visitors x conversion x AOV)
splits the range so that the drivers' conservative levels multiply back to the sales conservative level, and
the same for base and stretch.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from statistics import NormalDist

from assistant.driver_tree import DEFAULT_SHARES, DriverSplit
from assistant.numbers import fmt_number
from assistant.schemas import CompanyOKR, TargetRange
from core.vocab import Direction

DEFAULT_LEVELS = (0.1, 0.5, 0.9)
_STD = NormalDist()


def _sigma(rng: TargetRange, levels: tuple[float, float, float]) -> float:
    """Log-scale spread implied by the bounds (the mean of the two sides; 0 for a degenerate range)."""
    sides = []
    if rng.base > 0 and rng.stretch > rng.base:
        sides.append(math.log(rng.stretch / rng.base) / _STD.inv_cdf(levels[2]))
    if rng.conservative > 0 and rng.base > rng.conservative:
        sides.append(math.log(rng.base / rng.conservative) / -_STD.inv_cdf(levels[0]))
    return sum(sides) / len(sides) if sides else 0.0


def probability_reached(
    value: float, rng: TargetRange, direction: str = "higher", levels: tuple[float, float, float] = DEFAULT_LEVELS
) -> float | None:
    """Chance (0..1) that the period total reaches `value` (at least it; at most it when lower is better)."""
    if value <= 0 or rng.base <= 0:
        return None
    sigma = _sigma(rng, levels)
    if sigma == 0:
        above = 1.0 if rng.base >= value else 0.0
    else:
        above = 1 - _STD.cdf(math.log(value / rng.base) / sigma)
    p = above if direction == Direction.HIGHER else 1 - above
    return round(min(max(p, 0.0), 1.0), 3)


def driver_ranges(split: DriverSplit, sales: TargetRange) -> dict[str, TargetRange]:
    """Ranges for visitors, conversion and AOV whose products are the sales range's bounds.

    Each driver takes its share of the log-distance between the sales target and each bound (the same shares
    that split the growth), around its own target level."""
    target = split.sales_target
    if not target or target <= 0 or any(d.target is None for d in split.drivers):
        return {}
    out: dict[str, TargetRange] = {}
    for d in split.drivers:
        share = DEFAULT_SHARES.get(d.driver, 1 / len(split.drivers))
        level = float(d.target)  # type: ignore[arg-type]  # checked above

        def at(bound: float, share: float = share, level: float = level) -> float:
            return level * (bound / target) ** share if bound > 0 else 0.0

        digits = 0 if d.driver == "visitors" else (4 if d.driver == "conversion" else 2)
        out[d.code] = TargetRange(
            conservative=round(at(sales.conservative), digits),
            base=round(at(sales.base), digits),
            stretch=round(at(sales.stretch), digits),
        )
        if d.driver == "visitors" and d.baseline:
            # traffic_growth is the visitors' growth in %: the same range, as a change on the baseline.
            out["traffic_growth"] = TargetRange(
                **{
                    k: round((getattr(out[d.code], k) / d.baseline - 1) * 100, 1)
                    for k in ("conservative", "base", "stretch")
                }
            )
    return out


def judge_company_targets(
    company: CompanyOKR, forecasts: Mapping[str, TargetRange], lang: str, flags: list[str]
) -> dict[str, float]:
    """Each company KR with a forecast: its chance under the forecast (by KR id); a flag names every target
    above the stretch or below the conservative level, with its probability."""
    out: dict[str, float] = {}
    for kr in company.all_krs():
        rng = forecasts.get(kr.metric or "")
        if rng is None or kr.target is None:
            continue
        p = probability_reached(kr.target, rng, kr.direction)
        if p is None:
            continue
        out[kr.id] = p
        unit = kr.unit or ""
        shown = fmt_number(kr.target, unit, lang)
        pct = round(100 * p)
        if kr.target > rng.stretch:
            flags.append(
                f"target_above_forecast_stretch:{kr.id} ({shown}: about {pct}% likely; "
                f"stretch {fmt_number(rng.stretch, unit, lang)})"
            )
        elif kr.target < rng.conservative:
            flags.append(
                f"target_below_forecast_conservative:{kr.id} ({shown}: about {pct}% likely; "
                f"conservative {fmt_number(rng.conservative, unit, lang)})"
            )
    return out
