"""Which indicators are measured from shop sales, and how: the one table of indicator -> formula.

A ratio over a period is computed from the period's sums (conversion = orders / visitors over all the days and
shops), never as an average of daily ratios: a quiet day with a high rate must not weigh like 双11.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

COLUMNS = ("sales", "orders", "visitors", "refunds")


@dataclass(frozen=True)
class SalesFormula:
    """How an indicator follows from summed sales columns: numerator / denominator x scale."""

    code: str  # the formula's stable name, stored with the actual
    numerator: tuple[str, ...]  # summed columns added together
    denominator: tuple[str, ...] = ()  # empty: a plain sum
    scale: float = 1.0
    cumulative: bool = True  # sums grow over the period; ratios do not
    text_zh: str = ""
    text_en: str = ""

    @property
    def columns(self) -> tuple[str, ...]:
        """Every sales column the formula needs on a day for that day to count."""
        return tuple(dict.fromkeys(self.numerator + self.denominator))

    def value(self, sums: Mapping[str, float]) -> float | None:
        """The indicator from the period's sums; None when the denominator is zero."""
        top = sum(sums[c] for c in self.numerator)
        if not self.denominator:
            return top * self.scale
        bottom = sum(sums[c] for c in self.denominator)
        return top / bottom * self.scale if bottom else None


FORMULAS: dict[str, SalesFormula] = {
    f.code: f
    for f in (
        SalesFormula(
            "net_sales", ("sales",),
            text_zh="净销售额之和（支付金额 - 退款）", text_en="sum of net sales (paid - refunds)",
        ),
        SalesFormula("orders", ("orders",), text_zh="支付订单数之和", text_en="sum of paid orders"),
        SalesFormula("visitors", ("visitors",), text_zh="访客数之和", text_en="sum of visitors"),
        SalesFormula(
            "aov", ("sales",), ("orders",), cumulative=False,
            text_zh="本期净销售额之和 / 本期订单数之和", text_en="period net sales / period orders",
        ),
        SalesFormula(
            "conversion", ("orders",), ("visitors",), 100.0, cumulative=False,
            text_zh="本期订单数之和 / 本期访客数之和（不是每日转化率的平均）",
            text_en="period orders / period visitors (not an average of daily rates)",
        ),
        SalesFormula(
            "refund_rate", ("refunds",), ("sales", "refunds"), 100.0, cumulative=False,
            text_zh="本期退款金额 / 本期支付金额", text_en="period refunds / period paid amount",
        ),
    )
}  # fmt: skip

# Indicator code -> formula. The catalogue's codes; an indicator not named here is measured by hand.
INDICATOR_FORMULAS: dict[str, str] = {
    "gmv": "net_sales",
    "net_sales": "net_sales",
    "orders": "orders",
    "visitors": "visitors",
    "aov": "aov",
    "conversion_rate": "conversion",
    # Not the catalogue's return_rate (returned or refunded ORDERS / paid orders): shop exports give refund
    # AMOUNTS, so only an indicator defined on amounts (code refund_rate) is measured from them.
    "refund_rate": "refund_rate",
}


def formula_for(indicator_code: str, mapped: str | None = None) -> SalesFormula | None:
    """The sales formula measuring an indicator (HR's `mapped` formula name first), or None when it is not
    measured from sales."""
    name = mapped or INDICATOR_FORMULAS.get(indicator_code)
    return FORMULAS.get(name) if name else None
