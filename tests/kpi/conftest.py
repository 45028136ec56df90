"""Small data builders for the kpi tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpi.weights import WeightsSettings


def synthetic_frame(n: int, weights: list[float], noise: float = 1.0, seed: int = 0, rho: float = 0.0) -> pd.DataFrame:
    """Indicators with equicorrelation rho, outcome = sum(w_j z_j)/100 + noise; columns k0.. and `out`."""
    rng = np.random.default_rng(seed)
    k = len(weights)
    cov = rho * np.ones((k, k)) + (1 - rho) * np.eye(k)
    z = rng.multivariate_normal(np.zeros(k), cov, size=n)
    y = z @ np.asarray(weights) / 100 + rng.normal(0, noise * 0.3, n)
    # Different units per column: standardisation must make them comparable.
    frame = {f"k{j}": z[:, j] * (j + 1) * 10 + 50 for j in range(k)}
    return pd.DataFrame({**frame, "out": y})


@pytest.fixture
def fast() -> WeightsSettings:
    """Settings with a small bootstrap so tests stay quick."""
    return WeightsSettings(n_boot=60, seed=3)
