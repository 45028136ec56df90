"""Early warnings on injected drops, and inflation flags on injected inflation."""

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from core.vocab import Direction
from kpi.anomaly import AnomalyFlag, history_bounds, warnings_from_bounds, warnings_from_history
from kpi.errors import AnomalyInputError
from kpi.inflation import (
    check_all_high,
    check_bonus_payout,
    check_rating_bias,
    check_score_vs_outcome,
    check_sudden_jumps,
    run_inflation_checks,
)


def daily(n: int = 60, seed: int = 0) -> np.ndarray:
    return 100 + np.random.default_rng(seed).normal(0, 3, n)


def test_injected_three_day_drop_is_flagged_with_evidence() -> None:
    values = daily()
    values[40:44] = 70  # four bad days
    days = [date(2024, 5, 1) + timedelta(days=i) for i in range(60)]
    found = warnings_from_history(list(values), days=days, indicator="live conversion", subject="u7")
    assert len(found) == 1
    w = found[0]
    assert (w.start, w.days, w.ongoing, w.code) == (days[40], 4, False, "below_expected_range")
    assert all(e.value < e.bound for e in w.evidence)
    assert "连续 4 天" in w.explanation_zh and "4 consecutive days" in w.explanation_en
    assert w.to_dict()["start"] == "2024-06-10"


def test_two_day_dip_and_clean_series_do_not_warn() -> None:
    values = daily(seed=1)
    assert warnings_from_history(list(values)) == []
    values[30:32] = 60
    assert warnings_from_history(list(values)) == []
    assert len(warnings_from_history(list(values), min_consecutive=2)) == 1


def test_bounds_from_forecast_lower_is_better_and_missing_breaks_run() -> None:
    upper = [60.0] * 10
    resp = [50, 70, 71, 72, 50, 80, None, 80, 81, 82]
    found = warnings_from_bounds(resp, upper, direction=Direction.LOWER, indicator="response time")
    assert [(w.start, w.end, w.ongoing) for w in found] == [(1, 3, False), (7, 9, True)]
    assert found[0].code == "above_expected_range" and found[0].mean_gap == pytest.approx(11.0)


def test_promotion_shape_in_bounds_is_not_a_warning() -> None:
    # A forecast that expects a dip (e.g. logistics pause) gives low bounds on those days: no warning.
    values = [100.0] * 10 + [40.0] * 5
    bounds = [90.0] * 10 + [30.0] * 5
    assert warnings_from_bounds(values, bounds) == []
    assert len(warnings_from_bounds(values, [90.0] * 15)) == 1


def test_flat_history_needs_a_real_drop() -> None:
    bounds = history_bounds([10.0] * 20)
    assert bounds[-1] == pytest.approx(9.0)  # 10 - 2 x 5% floor
    assert bounds[0] is None


def test_bad_early_warning_input() -> None:
    with pytest.raises(AnomalyInputError):
        warnings_from_bounds([1, 2], [1])
    with pytest.raises(AnomalyInputError):
        history_bounds([1, 2], window=1)


def scores_table(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for dept, bias in (("ops", 0.0), ("cs", 0.0), ("design", 27.0)):
        for period in ("2024-01", "2024-02", "2024-03"):
            for p in range(8):
                score = float(np.clip(rng.normal(85 + bias, 3 if bias else 8), 0, 120))
                rows.append(
                    {
                        "department": dept,
                        "period": period,
                        "person_id": f"{dept}{p}",
                        "score": score,
                        "manager_id": f"m_{dept}",
                        "self_rating": float(rng.integers(2, 5)),
                        "peer_rating": float(rng.integers(2, 5)),
                    }
                )
    df = pd.DataFrame(rows)
    df["manager_rating"] = df["self_rating"] + np.where(df["department"] == "design", 1.0, 0.0)
    return df


def _number(flag: AnomalyFlag, key: str) -> float:
    """A numeric piece of a flag's evidence (evidence also holds texts)."""
    value = flag.evidence[key]
    assert isinstance(value, int | float), (key, value)
    return float(value)


def test_all_high_department_flagged() -> None:
    flags = check_all_high(scores_table())
    assert {f.subject for f in flags} == {"design"} and {f.period for f in flags} == {
        "2024-01",
        "2024-02",
        "2024-03",
    }
    assert _number(flags[0], "share_high") >= 0.9 and "二次复核" in flags[0].explanation_zh


def test_score_far_above_outcome_flagged() -> None:
    rng = np.random.default_rng(2)
    outcome = rng.uniform(0.7, 1.2, 12)
    table = pd.DataFrame(
        {
            "department": [f"d{i}" for i in range(12)],
            "period": "2024-Q1",
            "outcome": outcome,
            "score": 100 * outcome + rng.normal(0, 2, 12),
        }
    )
    table.loc[5, "score"] = 100 * table.loc[5, "outcome"] + 30
    flags = check_score_vs_outcome(table)
    assert [f.subject for f in flags] == ["d5"] and _number(flags[0], "residual") > 20
    assert check_score_vs_outcome(table.head(5)) == []  # too few rows to judge


def test_manager_above_self_and_peer() -> None:
    df = scores_table()
    self_flags = check_rating_bias(df)
    assert [f.subject for f in self_flags] == ["m_design"] and self_flags[0].code == "manager_above_self"
    peer = check_rating_bias(df.assign(manager_rating=df["peer_rating"] + 1.5), other_col="peer_rating", kind="peer")
    assert {f.code for f in peer} == {"manager_above_peer"} and len(peer) == 3


def test_sudden_jump_flagged() -> None:
    rng = np.random.default_rng(3)
    rows = [
        {"person_id": f"p{i}", "period": f"2024-{m:02d}", "score": 80 + rng.normal(0, 3)}
        for i in range(20)
        for m in range(1, 5)
    ]
    df = pd.DataFrame(rows)
    df.loc[(df.person_id == "p4") & (df.period == "2024-04"), "score"] = 118.0
    flags = check_sudden_jumps(df)
    assert [(f.subject, f.period) for f in flags] == [("p4", "2024-04")]
    assert _number(flags[0], "jump") > 30


def test_bonus_always_full() -> None:
    pools = pd.DataFrame(
        {
            "department": ["ops"] * 4 + ["cs"] * 4,
            "period": list(range(4)) * 2,
            "pool": [1000.0] * 8,
            "paid": [1000, 995, 1000, 990, 1000, 700, 1000, 1000],
        }
    )
    flags = check_bonus_payout(pools)
    assert [f.subject for f in flags] == ["ops"] and flags[0].evidence["periods"] == 4


def test_run_all_checks_and_no_data_changed() -> None:
    df = scores_table()
    before = df.copy()
    outcomes = pd.DataFrame(
        {
            "department": ["ops", "cs", "design"] * 3,
            "period": [p for p in ("2024-01", "2024-02", "2024-03") for _ in range(3)],
            "outcome": [0.9] * 9,
        }
    )
    flags = run_inflation_checks(df, outcomes=outcomes)
    codes = {f.code for f in flags}
    assert {"all_high", "manager_above_self"} <= codes
    pd.testing.assert_frame_equal(df, before)
    assert all(isinstance(f.to_dict()["evidence"], dict) for f in flags)
    with pytest.raises(AnomalyInputError):
        check_all_high(df.drop(columns=["score"]))


def test_every_evidence_key_and_severity_has_words_and_a_plain_value() -> None:
    import re
    from pathlib import Path

    from kpi.anomaly import EVIDENCE_WORDS, SEVERITY_WORDS, evidence_items

    source = (Path(__file__).resolve().parents[2] / "kpi" / "inflation.py").read_text(encoding="utf-8")
    keys = {k for block in re.findall(r"evidence=\{(.*?)\}", source, re.S) for k in re.findall(r'"(\w+)":', block)}
    assert keys and keys <= set(EVIDENCE_WORDS), keys - set(EVIDENCE_WORDS)
    for zh, en, _kind in EVIDENCE_WORDS.values():
        assert re.search(r"[\u4e00-\u9fff]", zh) and not re.search(r"[A-Za-z_]", zh) and en
    assert all(re.search(r"[\u4e00-\u9fff]", zh) and en for zh, en in SEVERITY_WORDS.values())
    items = {i["key"]: i for i in evidence_items({"p_value": 4.27e-06, "share_high": 0.625, "people": 8})}
    assert items["p_value"]["value_text"] == "< 0.1%" and items["p_value"]["label_zh"] == "纯属偶然的可能性"
    assert items["share_high"]["value_text"] == "62%" and items["people"]["value_text"] == "8"
    flag = AnomalyFlag(code="x", subject="s", evidence={"robust_z": 4.2749}, explanation_en="e", explanation_zh="z")
    d = flag.to_dict()
    assert d["severity_zh"] == "需复核" and d["evidence_items"][0]["value_text"] == "4.27"
    assert "e" not in d["evidence_items"][0]["value_text"]
