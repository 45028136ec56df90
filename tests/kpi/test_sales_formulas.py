"""The one table of indicator -> sales formula: ratios from the period's sums, never averages of daily rates."""

import pytest

from kpi.sales_formulas import FORMULAS, formula_for


def test_conversion_is_orders_over_visitors_of_the_sums_not_the_mean_of_daily_rates() -> None:
    days = [(9000, 10000), (10, 1000)]  # a campaign day at 90% and a quiet day at 1%
    sums = {"orders": sum(o for o, _ in days), "visitors": sum(v for _, v in days)}
    conv = formula_for("conversion_rate")
    assert conv is not None and not conv.cumulative
    assert conv.value(sums) == pytest.approx(100 * 9010 / 11000)
    assert conv.value(sums) != pytest.approx(100 * (0.9 + 0.01) / 2)


def test_sums_ratios_and_what_is_not_measured() -> None:
    assert formula_for("gmv") is FORMULAS["net_sales"] and FORMULAS["net_sales"].value({"sales": 12.5}) == 12.5
    assert formula_for("aov").value({"sales": 1000.0, "orders": 4.0}) == 250.0  # type: ignore[union-attr]
    refund = formula_for("refund_rate")
    assert refund is not None and refund.value({"refunds": 50.0, "sales": 950.0}) == pytest.approx(5.0)
    assert formula_for("aov").value({"sales": 1.0, "orders": 0.0}) is None  # type: ignore[union-attr]
    assert formula_for("return_rate") is None  # orders returned / paid orders: not in an amount export
    assert formula_for("csat") is None
