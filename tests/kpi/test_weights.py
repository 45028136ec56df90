"""Indicator-weight regression: recovery of known weights, direction, shrinkage, refusals, output shape."""

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi.errors import (
    ConstantIndicatorError,
    InvalidBoundsError,
    InvalidSettingsError,
    InvalidWeightsError,
    KpiError,
    MissingOutcomeError,
    NonNumericColumnError,
    TooFewRowsError,
    UnknownColumnError,
)
from kpi.weights import WeightsSettings, fit_weights
from kpi.weights.numerics import project_bounded_simplex
from tests.kpi.conftest import synthetic_frame

TRUE = [35.0, 25.0, 20.0, 12.0, 8.0]
NAMES = [f"k{j}" for j in range(5)]


def test_recovers_known_weights_with_intervals(fast: WeightsSettings) -> None:
    df = synthetic_frame(3000, TRUE, noise=1.0, seed=1, rho=0.3)
    g = fit_weights(df, outcome="out", indicators=NAMES, settings=fast).groups["all"]
    assert sum(g.weights.values()) == pytest.approx(100.0)
    assert all(5 - 1e-9 <= w <= 40 + 1e-9 for w in g.weights.values())
    errors = [abs(g.data_weights[n] - t) for n, t in zip(NAMES, TRUE, strict=True)]
    assert max(errors) < 3.0
    covered = [
        g.data_weights_ci[n][0] - 0.5 <= t <= g.data_weights_ci[n][1] + 0.5 for n, t in zip(NAMES, TRUE, strict=True)
    ]
    assert sum(covered) >= 4
    assert g.cv_score["proposal"] is not None and g.cv_score["equal"] is not None
    assert g.cv_score["proposal"] > g.cv_score["equal"]
    assert g.cv_score["current"] is None


def test_lower_is_better_flip(fast: WeightsSettings) -> None:
    df = synthetic_frame(1500, [50.0, 50.0], seed=2)
    df["k1"] = -df["k1"]  # now a lower-is-better indicator (e.g. response time)
    flipped = fit_weights(
        df, outcome="out", indicators=["k0", "k1"], lower_is_better=["k1"], bounds=(5, 95), settings=fast
    ).groups["all"]
    assert flipped.weights["k1"] == pytest.approx(50, abs=6)
    naive = fit_weights(df, outcome="out", indicators=["k0", "k1"], bounds=(5, 95), settings=fast).groups["all"]
    assert naive.weights["k1"] == pytest.approx(5.0)
    assert {"negative_effect", "at_bound"} <= {w.code for w in naive.warnings}


def test_weak_evidence_shrinks_toward_current(fast: WeightsSettings) -> None:
    df = synthetic_frame(60, [60.0, 20.0, 20.0], noise=4.0, seed=4)
    current = {"k0": 20.0, "k1": 40.0, "k2": 40.0}
    g = fit_weights(
        df, outcome="out", indicators=["k0", "k1", "k2"], current=current, bounds=(5, 90), settings=fast
    ).groups["all"]
    codes = {w.code for w in g.warnings}
    assert "weak_evidence" in codes and "small_sample" in codes
    assert g.shrinkage > 0.1
    dist_final = sum(abs(g.weights[n] - current[n]) for n in current)
    dist_data = sum(abs(g.data_weights[n] - current[n]) for n in current)
    assert dist_final < dist_data
    assert g.change == pytest.approx({n: g.weights[n] - current[n] for n in current})
    assert g.cv_score["current"] is not None


def test_collinearity_warning(fast: WeightsSettings) -> None:
    df = synthetic_frame(800, [50.0, 50.0], seed=5)
    df["dup"] = df["k0"] + np.random.default_rng(0).normal(0, 0.5, len(df))
    g = fit_weights(df, outcome="out", indicators=["k0", "k1", "dup"], bounds=(5, 90), settings=fast).groups["all"]
    assert g.vif["k0"] > 5 and any(w.code == "collinearity" for w in g.warnings)


def test_groups_and_refused_group(fast: WeightsSettings) -> None:
    big = synthetic_frame(400, [70.0, 30.0], seed=6).assign(dept="ops")
    small = synthetic_frame(10, [70.0, 30.0], seed=7).assign(dept="cs")
    rep = fit_weights(
        pd.concat([big, small]),
        outcome="out",
        indicators=["k0", "k1"],
        group="dept",
        bounds=(5, 95),
        settings=fast,
    )
    assert set(rep.groups) == {"ops"} and rep.refused["cs"].code == "TooFewRowsError"
    d = rep.to_dict()
    json.dumps(d, allow_nan=False, ensure_ascii=False)
    assert {"weights", "ci", "cv_score", "n", "warnings"} <= set(d["groups"]["ops"])
    assert "bootstrap" in d["method"]["en"] and "自助法" in d["method"]["zh"]
    with pytest.raises(TooFewRowsError):
        fit_weights(small, outcome="out", indicators=["k0", "k1"], group="dept", bounds=(5, 95), settings=fast)


def test_blank_rows_dropped_and_reported(fast: WeightsSettings) -> None:
    df = synthetic_frame(300, [50.0, 50.0], seed=8)
    df.loc[:9, "k1"] = np.nan
    g = fit_weights(df, outcome="out", indicators=["k0", "k1"], bounds=(5, 95), settings=fast).groups["all"]
    assert g.n == 290 and g.n_dropped == 10 and any(w.code == "rows_dropped" for w in g.warnings)


def test_deterministic(fast: WeightsSettings) -> None:
    df = synthetic_frame(200, [50.0, 30.0, 20.0], seed=9)
    a = fit_weights(df, outcome="out", indicators=["k0", "k1", "k2"], settings=fast).to_dict()
    b = fit_weights(df, outcome="out", indicators=["k0", "k1", "k2"], settings=fast).to_dict()
    assert a == b


@pytest.mark.parametrize(
    ("mutate", "kwargs", "error"),
    [
        (lambda d: d.head(20), {}, TooFewRowsError),
        (lambda d: d.assign(k1=3.0), {}, ConstantIndicatorError),
        (lambda d: d.assign(out=1.0), {}, ConstantIndicatorError),
        (lambda d: d.assign(out=np.nan), {}, MissingOutcomeError),
        (lambda d: d, {"indicators": ["k0", "nope"]}, UnknownColumnError),
        (lambda d: d, {"outcome": "missing"}, UnknownColumnError),
        (lambda d: d, {"lower_is_better": ["zzz"]}, UnknownColumnError),
        (lambda d: d.assign(k0=["x"] + [1.0] * (len(d) - 1)), {}, NonNumericColumnError),
        (lambda d: d, {"bounds": (40, 50)}, InvalidBoundsError),
        (lambda d: d, {"bounds": (1, 20)}, InvalidBoundsError),
        (lambda d: d, {"current": {"k0": 50, "k1": 50}}, InvalidWeightsError),
        (lambda d: d, {"current": {"k0": 50, "k1": 30, "k2": 30}}, InvalidWeightsError),
        (lambda d: d, {"settings": WeightsSettings(n_boot=1)}, InvalidSettingsError),
    ],
)
def test_refusals(mutate, kwargs, error) -> None:
    df = mutate(synthetic_frame(200, [50.0, 30.0, 20.0], seed=10))
    args = {
        "outcome": "out",
        "indicators": ["k0", "k1", "k2"],
        "settings": WeightsSettings(n_boot=20),
        **kwargs,
    }
    with pytest.raises(error) as info:
        fit_weights(df, **args)
    assert isinstance(info.value, KpiError) and str(info.value)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-200, 300), min_size=3, max_size=10), st.floats(0, 10), st.floats(35, 100))
def test_projection_on_bounded_simplex(v: list[float], lo: float, hi: float) -> None:
    out = project_bounded_simplex(np.array(v), 100.0, lo, hi)
    if lo * len(v) > 100 or hi * len(v) < 100:
        return
    assert out.sum() == pytest.approx(100.0, abs=1e-6)
    assert (out >= lo - 1e-9).all() and (out <= hi + 1e-9).all()
    again = project_bounded_simplex(out, 100.0, lo, hi)
    assert np.allclose(again, out, atol=1e-6)
