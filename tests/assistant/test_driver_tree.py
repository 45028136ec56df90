"""Driver tree: department targets multiply back to the company target."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.driver_tree import consistency_error, split_sales


@settings(max_examples=200, deadline=None)
@given(growth=st.floats(min_value=-0.5, max_value=3.0))
def test_growth_factors_multiply_back_within_1pct(growth: float) -> None:
    split = split_sales("KR1", factor=1 + growth, departments={"ops", "ads"})
    assert consistency_error(split) <= 0.01
    assert {d.owner for d in split.drivers} == {"ops", "ads"}


@settings(max_examples=100, deadline=None)
@given(
    target=st.floats(min_value=1e5, max_value=1e9),
    v=st.floats(min_value=1e4, max_value=1e7),
    c=st.floats(min_value=0.5, max_value=10),
    a=st.floats(min_value=20, max_value=2000),
)
def test_absolute_targets_multiply_to_sales_target(target: float, v: float, c: float, a: float) -> None:
    split = split_sales(
        "KR1",
        factor=1.3,
        departments={"ops", "ads"},
        sales_target=target,
        baselines={"visitors": v, "conversion_rate": c, "aov": a},
    )
    level = split.product_level()
    assert level is not None and math.isclose(level, target, rel_tol=0.01)


def test_without_ads_the_visitors_driver_goes_to_ops() -> None:
    split = split_sales("KR1", factor=1.2, departments={"ops", "cs"})
    assert {d.owner for d in split.drivers} == {"ops"}
