"""Weight proposals on real data nobody here made: HR promotion (WNS) and garment team productivity (UCI)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from kpi.weights import WeightsSettings, fit_weights
from kpi.weights.result import WeightsReport

HR_INDICATORS = [
    "KPIs_met >80%",
    "awards_won?",
    "avg_training_score",
    "previous_year_rating",
    "no_of_trainings",
]
GARMENT_INDICATORS = [
    "targeted_productivity",
    "incentive",
    "over_time",
    "smv",
    "idle_time",
    "idle_men",
    "no_of_style_change",
]
GARMENT_LOWER = ["smv", "idle_time", "idle_men", "no_of_style_change"]


def _rows(dataset: str, report: WeightsReport) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    summary: list[dict[str, object]] = []
    weights: list[dict[str, object]] = []
    for name, g in report.groups.items():
        summary.append(
            {
                "dataset": dataset,
                "group": name,
                "n": g.n,
                "dropped": g.n_dropped,
                "cv_spearman_proposal": g.cv_score["proposal"],
                "cv_spearman_equal": g.cv_score["equal"],
                "cv_r2_proposal": g.cv_r2["proposal"],
                "cv_r2_equal": g.cv_r2["equal"],
                "shrinkage": g.shrinkage,
                "warnings": ";".join(sorted({w.code for w in g.warnings})),
            }
        )
        for ind, w in g.weights.items():
            weights.append(
                {
                    "dataset": dataset,
                    "group": name,
                    "indicator": ind,
                    "weight": w,
                    "weight_lo": g.weights_ci[ind][0],
                    "weight_hi": g.weights_ci[ind][1],
                    "coef": g.coef[ind],
                    "coef_lo": g.ci[ind][0],
                    "coef_hi": g.ci[ind][1],
                    "vif": g.vif[ind],
                }
            )
    for name, r in report.refused.items():
        summary.append(
            {
                "dataset": dataset,
                "group": name,
                "n": r.n,
                "dropped": None,
                "cv_spearman_proposal": None,
                "cv_spearman_equal": None,
                "cv_r2_proposal": None,
                "cv_r2_equal": None,
                "shrinkage": None,
                "warnings": f"refused: {r.code}",
            }
        )
    return summary, weights


def real_data_tables(
    root: Path, n_boot: int, progress: Callable[[str], None] | None
) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """Summary and weights tables for both datasets, or None when ../shared/data is absent."""
    hr_path = root / "hr_promotion" / "train.csv"
    garment_path = root / "garment" / "garments_worker_productivity.csv"
    if not hr_path.is_file() or not garment_path.is_file():
        return None
    settings = WeightsSettings(n_boot=n_boot)
    summary: list[dict[str, object]] = []
    weights: list[dict[str, object]] = []
    hr = pd.read_csv(hr_path)  # Windows line endings are handled by the csv parser
    garment = pd.read_csv(garment_path)
    garment["department"] = garment["department"].str.strip()  # 'finishing ' has a trailing space
    runs = [
        ("hr_promotion", hr, "is_promoted", HR_INDICATORS, [], None),
        ("hr_promotion", hr, "is_promoted", HR_INDICATORS, [], "department"),
        ("garment", garment, "actual_productivity", GARMENT_INDICATORS, GARMENT_LOWER, None),
        ("garment", garment, "actual_productivity", GARMENT_INDICATORS, GARMENT_LOWER, "department"),
    ]
    for dataset, df, outcome, inds, lower, group in runs:
        if progress:
            progress(f"real data: {dataset} (group={group})")
        report = fit_weights(
            df, outcome=outcome, indicators=inds, lower_is_better=lower, group=group, settings=settings
        )
        s, w = _rows(dataset, report)
        summary += s
        weights += w
    return pd.DataFrame(summary), pd.DataFrame(weights)
