"""The pay eval's graders all pass on the synthetic company (and the table is written)."""

from pathlib import Path

from eval.pay_eval import run_pay_eval, write_results


def test_every_planted_problem_is_found_and_sums_are_exact(tmp_path: Path) -> None:
    rows, summary = run_pay_eval(seed=7, pools=20)
    failed = [r for r in rows if r.passed != r.total]
    assert failed == [], failed
    assert summary["payable_fen"] + summary["retained_fen"] == summary["pool_fen"]
    text = write_results(rows, summary, tmp_path)
    assert "planted inflation" in text and (tmp_path / "pay_eval.csv").is_file()
