"""Honest under thin data: a new shop gets no probability, short history or missing days widen the range."""

from datetime import date

import numpy as np
import pandas as pd

from forecasting.base import Paths
from kpi.sales_formulas import FORMULAS
from workflows.coaching.forecast_pace import Subject, projection_of


def _paths() -> Paths:
    ds = pd.date_range("2026-11-18", "2026-11-30", freq="D")
    rng = np.random.default_rng(0)
    values = rng.normal(100.0, 20.0, size=(1, 400, len(ds)))
    return Paths(ids=["s1"], ds=ds, values=values, point=values.mean(axis=1), is_open=np.ones((1, len(ds))))


def _subject(missing: int = 0) -> Subject:
    return Subject(
        assignment_id=1, levels={"target": 3000.0, "conservative": 2900.0, "stretch": None},
        period_end=date(2026, 11, 30), as_of=date(2026, 11, 17), value=1700.0, shop_codes=["s1"],
        sums={"sales": 1700.0}, missing_days=missing, formula=FORMULAS["net_sales"], higher=True,
    )  # fmt: skip


def test_a_new_shop_gives_no_probability_and_says_why() -> None:
    p = projection_of(_subject(), {"sales": _paths()}, {"s1": 60})
    assert p is not None and p.probabilities["target"] is None and set(p.caveats) == {"short_history", "new_shop"}


def test_short_history_and_missing_days_widen_the_range_but_keep_the_probability() -> None:
    full = projection_of(_subject(), {"sales": _paths()}, {"s1": 900})
    gap = projection_of(_subject(missing=2), {"sales": _paths()}, {"s1": 900})
    short = projection_of(_subject(), {"sales": _paths()}, {"s1": 200})
    assert full is not None and gap is not None and short is not None
    assert full.caveats == () and gap.caveats == ("missing_days",) and short.caveats == ("short_history",)
    assert gap.high - gap.low > 1.4 * (full.high - full.low) and gap.probabilities["target"] is not None
    assert abs(full.median - (1700.0 + 13 * 100.0)) < 30  # done + 13 forecast days
