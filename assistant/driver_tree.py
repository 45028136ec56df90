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
    """One driver's share of a sales KR: growth factor, and absolute levels when a baseline is known."""

    driver: str
    code: str
    owner: str
    growth_pct: float
    baseline: float | None = None
    target: float | None = None
    unit: str


class DriverSplit(BaseModel):
    """A sales KR split over the three drivers; the factors multiply back to the company factor."""

    kr_id: str
    factor: float
    sales_target: float | None = None
    sales_baseline: float | None = None
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


def _owner(driver: str, departments: set[str]) -> str:
    for dept in DEFAULT_OWNERS[driver]:
        if dept in departments:
            return dept
    return sorted(departments)[0]


def split_sales(
    kr_id: str,
    *,
    factor: float,
    departments: set[str],
    sales_target: float | None = None,
    baselines: dict[str, float] | None = None,
    shares: dict[str, float] | None = None,
) -> DriverSplit:
    """Split a sales growth factor (target / baseline) over visitors, conversion and AOV.

    `baselines` may hold last period's visitors, conversion_rate (%) and aov; when all three are known
    and a sales target is given, the factor is recomputed from them so the absolute driver targets
    multiply back to exactly the sales target.
    """
    shares = shares or DEFAULT_SHARES
    base = baselines or {}
    levels = [base.get(DRIVER_CODES[d]) for d in DRIVERS]
    have_levels = all(x is not None and x > 0 for x in levels)
    if have_levels and sales_target is not None:
        v0, c0, a0 = (float(x) for x in levels)  # type: ignore[arg-type]
        factor = sales_target / (v0 * c0 / 100 * a0)
    log_f = math.log(factor)
    growth = {d: math.exp(shares[d] * log_f) for d in DRIVERS}
    targets: dict[str, float | None] = {d: None for d in DRIVERS}
    if have_levels:
        v0, c0, a0 = (float(x) for x in levels)  # type: ignore[arg-type]
        v1 = round(v0 * growth["visitors"])
        c1 = float(f"{c0 * growth['conversion']:.4g}")
        # AOV absorbs the rounding of the other two, so the product lands on the sales target.
        a1 = round(v0 * c0 / 100 * a0 * factor / (v1 * c1 / 100), 2)
        targets = {"visitors": v1, "conversion": c1, "aov": a1}
        growth = {"visitors": v1 / v0, "conversion": c1 / c0, "aov": a1 / a0}
    drivers: list[DriverTarget] = []
    for d, level in zip(DRIVERS, levels, strict=True):
        drivers.append(
            DriverTarget(
                driver=d,
                code=DRIVER_CODES[d],
                owner=_owner(d, departments),
                growth_pct=round((growth[d] - 1) * 100, 1),
                baseline=level if have_levels else None,
                target=targets[d],
                unit={"visitors": "count", "conversion": "%", "aov": "CNY"}[d],
            )
        )
    sales_baseline = sales_target / factor if sales_target is not None else None
    return DriverSplit(
        kr_id=kr_id,
        factor=factor,
        sales_target=sales_target,
        sales_baseline=None if sales_baseline is None else round(sales_baseline, 2),
        drivers=drivers,
    )


def consistency_error(split: DriverSplit) -> float:
    """Relative gap between the drivers' product and the company target (0.004 = 0.4%)."""
    level = split.product_level()
    if level is not None and split.sales_target:
        return abs(level / split.sales_target - 1)
    return abs(split.product_factor() / split.factor - 1)
