"""`kpilot eval weights`: synthetic ground truth, real data and speed of the weight regression."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from eval.weights_real import real_data_tables
from eval.weights_tables import markdown, write_table
from kpi.weights import WeightsSettings, fit_weights

Progress = Callable[[str], None] | None
TRUE_WEIGHTS = [35.0, 25.0, 20.0, 12.0, 8.0]
SIZES = (200, 500, 2000)
NOISE = {"low": 0.5, "high": 1.5}  # noise SD; the signal SD is about 0.5 when indicators are uncorrelated
RHO = (0.0, 0.5)


def synthetic(n: int, weights: list[float], noise_sd: float, rho: float, rng: np.random.Generator) -> pd.DataFrame:
    """Indicators in different units with equicorrelation rho; outcome = sum(w_j z_j) / 100 + noise."""
    k = len(weights)
    cov = rho * np.ones((k, k)) + (1 - rho) * np.eye(k)
    z = rng.multivariate_normal(np.zeros(k), cov, size=n)
    y = z @ np.asarray(weights) / 100 + rng.normal(0.0, noise_sd, n)
    # The last indicator is lower-is-better (stored with the opposite sign), as response time would be.
    cols = {f"i{j}": (-1 if j == k - 1 else 1) * z[:, j] * (j + 1) * 7 + 100 for j in range(k)}
    return pd.DataFrame({**cols, "outcome": y})


def synthetic_table(reps: int, n_boot: int, progress: Progress) -> pd.DataFrame:
    """Coverage of true weights by the 95% intervals and mean absolute weight error per configuration."""
    names = [f"i{j}" for j in range(len(TRUE_WEIGHTS))]
    truth = np.asarray(TRUE_WEIGHTS)
    rows = []
    for n in SIZES:
        for noise_name, sd in NOISE.items():
            for rho in RHO:
                rng = np.random.default_rng(1000 * n + int(10 * sd) + int(10 * rho))
                hits_data, hits_final, err_data, err_final, width = [], [], [], [], []
                for rep in range(reps):
                    df = synthetic(n, TRUE_WEIGHTS, sd, rho, rng)
                    g = fit_weights(
                        df,
                        outcome="outcome",
                        indicators=names,
                        lower_is_better=[names[-1]],
                        settings=WeightsSettings(n_boot=n_boot, seed=rep),
                    ).groups["all"]
                    lo_d, hi_d = (np.array([g.data_weights_ci[m][i] for m in names]) for i in (0, 1))
                    lo_f, hi_f = (np.array([g.weights_ci[m][i] for m in names]) for i in (0, 1))
                    hits_data += list((lo_d <= truth) & (truth <= hi_d))
                    hits_final += list((lo_f <= truth) & (truth <= hi_f))
                    err_data.append(np.abs(np.array([g.data_weights[m] for m in names]) - truth).mean())
                    err_final.append(np.abs(np.array([g.weights[m] for m in names]) - truth).mean())
                    width.append(float((hi_d - lo_d).mean()))
                rows.append(
                    {
                        "n": n,
                        "noise": noise_name,
                        "rho": rho,
                        "datasets": reps,
                        "coverage_data_ci": float(np.mean(hits_data)),
                        "coverage_final_ci": float(np.mean(hits_final)),
                        "mae_data_weights": float(np.mean(err_data)),
                        "mae_final_weights": float(np.mean(err_final)),
                        "mean_ci_width": float(np.mean(width)),
                    }
                )
                if progress:
                    r = rows[-1]
                    progress(
                        f"synthetic n={n} noise={noise_name} rho={rho}: coverage "
                        f"{r['coverage_data_ci']:.3f}, "
                        f"MAE {r['mae_final_weights']:.2f}"
                    )
    return pd.DataFrame(rows)


def speed_table(n_boot: int, progress: Progress, repeats: int = 3) -> pd.DataFrame:
    """Wall time of one full proposal (bootstrap intervals, OLS, 5-fold CV) on 50,000 rows x 10 indicators."""
    rng = np.random.default_rng(7)
    weights = [20.0, 15.0, 12.0, 10.0, 10.0, 8.0, 8.0, 7.0, 5.0, 5.0]
    df = synthetic(50_000, weights, 0.5, 0.3, rng)
    names = [f"i{j}" for j in range(10)]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fit_weights(
            df,
            outcome="outcome",
            indicators=names,
            lower_is_better=[names[-1]],
            settings=WeightsSettings(n_boot=n_boot),
        )
        times.append(time.perf_counter() - start)
    if progress:
        progress(f"speed 50,000 x 10: median {statistics.median(times):.2f} s")
    return pd.DataFrame(
        [
            {
                "rows": 50_000,
                "indicators": 10,
                "n_boot": n_boot,
                "repeats": repeats,
                "median_seconds": statistics.median(times),
                "max_seconds": max(times),
                "budget_seconds": 10.0,
                "within_budget": max(times) < 10.0,
            }
        ]
    )


def data_dir() -> Path:
    """../shared/data next to the project root."""
    return Path(__file__).resolve().parents[1].parent / "shared" / "data"


def run_all(out_dir: Path, reps: int, n_boot: int, progress: Progress) -> Iterator[tuple[str, str]]:
    """Run every part, write each table to out_dir, and yield (title, markdown) for printing."""
    out_dir.mkdir(parents=True, exist_ok=True)
    syn = synthetic_table(reps, n_boot, progress)
    write_table(syn, out_dir / "weights_synthetic")
    yield "Synthetic ground truth (true weights 35/25/20/12/8, 95% bootstrap intervals)", markdown(syn)
    real = real_data_tables(data_dir(), n_boot, progress)
    if real is None:
        yield "Real data", f"skipped: {data_dir()} not found (real data lives in ../shared/data)"
    else:
        summary, weights = real
        write_table(summary, out_dir / "weights_real_summary")
        write_table(weights, out_dir / "weights_real_weights")
        yield "Real data: out-of-sample Spearman and R^2, proposal vs equal weights", markdown(summary)
        yield "Real data: proposed weights with 95% intervals", markdown(weights)
    speed = speed_table(n_boot, progress)
    write_table(speed, out_dir / "weights_speed")
    yield "Speed", markdown(speed)
