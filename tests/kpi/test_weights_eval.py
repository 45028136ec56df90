"""The weights eval harness: tables are produced and written; real data parts are slow and optional."""

from pathlib import Path

import pandas as pd
import pytest

import eval.weights_eval as weights_eval
from eval.weights_real import real_data_tables


def test_run_all_small_and_without_real_data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(weights_eval, "SIZES", (200,))
    monkeypatch.setattr(weights_eval, "RHO", (0.5,))
    monkeypatch.setattr(weights_eval, "data_dir", lambda: tmp_path / "absent")
    monkeypatch.setattr(weights_eval, "speed_table", lambda n_boot, progress: pd.DataFrame([{"median_seconds": 0.0}]))
    parts = dict(weights_eval.run_all(out_dir=tmp_path, reps=2, n_boot=20, progress=None))
    assert any("skipped" in text for text in parts.values())
    syn = (tmp_path / "weights_synthetic.csv").read_text()
    assert syn.startswith("n,noise,rho,datasets,coverage_data_ci")
    assert len(syn.strip().splitlines()) == 1 + len(weights_eval.NOISE)
    assert (tmp_path / "weights_synthetic.md").read_text().startswith("| n |")


@pytest.mark.slow
def test_real_data_proposals_beat_equal_weights() -> None:
    root = weights_eval.data_dir()
    if not (root / "hr_promotion" / "train.csv").is_file():
        pytest.skip(f"real data not found under {root}")
    result = real_data_tables(root, n_boot=50, progress=None)
    assert result is not None
    summary, weights = result
    hr_all = summary[(summary.dataset == "hr_promotion") & (summary.group == "all")].iloc[0]
    assert hr_all.cv_spearman_proposal > hr_all.cv_spearman_equal
    assert (weights.groupby(["dataset", "group"]).weight.sum().round(6) == 100).all()
