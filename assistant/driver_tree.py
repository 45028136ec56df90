"""Sales driver tree: 销售额 = 访客数 x 转化率 x 客单价 (sales = visitors x conversion x AOV)."""

from __future__ import annotations

import math

from pydantic import BaseModel

DRIVERS: tuple[str, ...] = ("visitors", "conversion", "aov")
DRIVER_CODES: dict[str, str] = {"visitors": "visitors", "conversion": "conversion_rate", "aov": "aov"}
# Share of the growth (in log space) each driver carries: traffic moves most easily, AOV least.
DEFAULT_SHARES: dict[str, float] = {"visitors": 0.5, "conversion": 0.3, "aov": 0.2}
DEFAULT_OWNERS: dict[str, tuple[str, ...]] = {
    "visitors": ("ads", "ops", "live"),
    "conversion": ("ops", "live"),
    "aov": ("ops", "live"),
}


class DriverTarget(BaseModel):
    """One driver's share of a sales KR: growth factor, and absolute levels when a baseline is known.

    `fixed_by` names the company KR that states this driver's target itself; such a driver keeps exactly
    that target, and only the drivers no KR speaks about are solved from the sales target."""

    driver: str
    code: str
    owner: str
    growth_pct: float
    baseline: float | None = None
    target: float | None = None
    unit: str
    fixed_by: str | None = None


class FixedDriver(BaseModel):
    """A driver target the company wrote down (e.g. "AOV from 38 to 45"), from KR `kr_id`."""

    kr_id: str
    factor: float
    level: float | None = None
    baseline: float | None = None


class DriverSplit(BaseModel):
    """A sales KR split over the three drivers; the factors multiply back to the company factor.

    `space` says how they are checked: "level" when every driver has a level on the data's own baselines
    (visitors x conversion x AOV = the sales target), "factor" when only growth factors are comparable."""

    kr_id: str
    factor: float
    sales_target: float | None = None
    sales_baseline: float | None = None
    basis: str = "yoy"
    space: str = "factor"
    drivers: list[DriverTarget]

    def product_factor(self) -> float:
        """Product of the rounded driver growth factors (should equal `factor` within 1%)."""
        return math.prod(1 + d.growth_pct / 100 for d in self.drivers)

    def product_level(self) -> float | None:
        """visitors x conversion x AOV from the rounded absolute targets, when all are known."""
        if any(d.target is None for d in self.drivers):
            return None
        v, c, a = (next(d.target for d in self.drivers if d.driver == k) for k in DRIVERS)
        return float(v * c / 100 * a)  # type: ignore[operator]

    def over_determined(self) -> bool:
        """True when the company stated every driver, so nothing was left to solve."""
        return all(d.fixed_by for d in self.drivers)


def _owner(driver: str, departments: set[str]) -> str:
    for dept in DEFAULT_OWNERS[driver]:
        if dept in departments:
            return dept
    return sorted(departments)[0]


def _free_growth(factor: float, fixed: dict[str, FixedDriver], shares: dict[str, float]) -> dict[str, float]:
    """Growth factor per driver: the stated ones as written, the rest share what the sales factor leaves."""
    growth = {d: f.factor for d, f in fixed.items()}
    free = [d for d in DRIVERS if d not in fixed]
    if free:
        left = math.log(factor) - sum(math.log(g) for g in growth.values())
        total = sum(shares[d] for d in free)
        growth.update({d: math.exp(shares[d] / total * left) for d in free})
    return growth


def split_sales(
    kr_id: str,
    *,
    factor: float,
    departments: set[str],
    sales_target: float | None = None,
    baselines: dict[str, float] | None = None,
    shares: dict[str, float] | None = None,
    fixed: dict[str, FixedDriver] | None = None,
    basis: str = "yoy",
) -> DriverSplit:
    """Split a sales growth factor (target / baseline) over visitors, conversion and AOV.

    `baselines` may hold the comparison period's visitors, conversion_rate (%) and aov; when all three are
    known and a sales target is given, the factor is recomputed from them so the absolute driver targets
    multiply back to exactly the sales target. `fixed` holds the drivers the company stated itself: they keep
    their targets and the remaining drivers are solved (the last one absorbs rounding)."""
    shares = shares or DEFAULT_SHARES
    fixed = dict(fixed or {})
    base = baselines or {}
    levels = {d: base.get(DRIVER_CODES[d]) for d in DRIVERS}
    have_levels = all(x is not None and x > 0 for x in levels.values())
    # A stated level counts on the data's scale only if the KR's own baseline (if any) is the data's baseline.
    level_space = have_levels and all(
        f.level is not None and (f.baseline is None or abs(f.baseline / float(levels[d] or 1) - 1) <= 0.02)
        for d, f in fixed.items()
    )
    if level_space and sales_target is not None:
        factor = sales_target / math.prod(float(levels[d] or 0) for d in DRIVERS) * 100
    if level_space:
        fixed = {
            d: f.model_copy(update={"factor": float(f.level or 0) / float(levels[d] or 1)}) for d, f in fixed.items()
        }
    growth = _free_growth(factor, fixed, shares)
    targets: dict[str, float | None] = {d: None for d in DRIVERS}
    if level_space:
        v0, c0, a0 = (float(levels[d] or 0) for d in DRIVERS)
        v1 = float(fixed["visitors"].level) if "visitors" in fixed else float(round(v0 * growth["visitors"]))  # type: ignore[arg-type]
        c1 = float(fixed["conversion"].level) if "conversion" in fixed else float(f"{c0 * growth['conversion']:.4g}")  # type: ignore[arg-type]
        a1 = float(fixed["aov"].level) if "aov" in fixed else round(a0 * growth["aov"], 2)  # type: ignore[arg-type]
        wanted = v0 * c0 / 100 * a0 * factor
        # The last unstated driver absorbs the rounding of the others, so the product lands on the target.
        absorb = next((d for d in ("aov", "visitors", "conversion") if d not in fixed), None)
        if absorb == "aov":
            a1 = round(wanted / (v1 * c1 / 100), 2)
        elif absorb == "conversion":
            c1 = round(wanted / (v1 * a1) * 100, 4)
        elif absorb == "visitors":
            v1 = float(round(wanted / (c1 / 100 * a1)))
        targets = {"visitors": v1, "conversion": c1, "aov": a1}
        growth = {"visitors": v1 / v0, "conversion": c1 / c0, "aov": a1 / a0}
    drivers: list[DriverTarget] = []
    for d in DRIVERS:
        f = fixed.get(d)
        if level_space:
            baseline, target = levels[d], targets[d]
        elif f is not None:
            baseline, target = f.baseline, f.level
        elif have_levels:  # an unstated driver still gets a level on the data's baseline
            baseline = levels[d]
            raw = float(levels[d] or 0) * growth[d]
            target = float(round(raw)) if d == "visitors" else round(raw, 4 if d == "conversion" else 2)
        else:
            baseline, target = None, None
        drivers.append(
            DriverTarget(
                driver=d,
                code=DRIVER_CODES[d],
                owner=_owner(d, departments),
                growth_pct=round((growth[d] - 1) * 100, 1),
                baseline=baseline,
                target=target,
                unit={"visitors": "count", "conversion": "%", "aov": "CNY"}[d],
                fixed_by=f.kr_id if f else None,
            )
        )
    sales_baseline = sales_target / factor if sales_target is not None else None
    return DriverSplit(
        kr_id=kr_id,
        factor=factor,
        sales_target=sales_target,
        sales_baseline=None if sales_baseline is None else round(sales_baseline, 2),
        basis=basis,
        space="level" if level_space else "factor",
        drivers=drivers,
    )


def consistency_error(split: DriverSplit) -> float:
    """Relative gap between the drivers' product and the company target (0.004 = 0.4%)."""
    level = split.product_level() if split.space == "level" else None
    if level is not None and split.sales_target:
        return abs(level / split.sales_target - 1)
    return abs(split.product_factor() / split.factor - 1)
