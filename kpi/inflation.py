"""HR inflation and anomaly checks over a scores table (DOMAIN.md §8). Flags only; nothing is changed.

Each check reads plain columns of a pandas DataFrame (names are parameters) and returns `AnomalyFlag`s:
- `all_high`: a department/period where (almost) everyone scores in the top band;
- `score_above_outcome`: scores far above what business results support (robust residual of a
  score-on-outcome line across departments/periods);
- `manager_above_self` / `manager_above_peer`: a manager's ratings systematically above the same people's
  self- or peer ratings (paired differences, one-sided t-test);
- `sudden_jump`: a score far above the subject's previous period (absolute and robust-z thresholds);
- `bonus_always_full`: a bonus pool paid out (almost) in full every period.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from kpi.anomaly import AnomalyFlag
from kpi.errors import AnomalyInputError

if TYPE_CHECKING:
    import pandas as pd


def _need(df: pd.DataFrame, cols: list[str]) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise AnomalyInputError(f"scores table lacks column(s) {missing}; available: {list(map(str, df.columns))}")


def _keys(df: pd.DataFrame, group_col: str, period_col: str | None) -> list[str]:
    return [group_col] + ([period_col] if period_col else [])


def _robust_sd(x: np.ndarray) -> float:
    return 1.4826 * float(np.median(np.abs(x - np.median(x))))


def check_all_high(
    scores: pd.DataFrame,
    *,
    group_col: str = "department",
    period_col: str | None = "period",
    score_col: str = "score",
    high: float = 100.0,
    share: float = 0.9,
    min_size: int = 3,
) -> list[AnomalyFlag]:
    """Flag groups (per period) where at least `share` of people score >= `high`."""
    _need(scores, [score_col, *_keys(scores, group_col, period_col)])
    company_share = float((scores[score_col] >= high).mean()) if len(scores) else 0.0
    flags = []
    for key, part in scores.groupby(_keys(scores, group_col, period_col), sort=True):
        vals = part[score_col].dropna().to_numpy(float)
        if len(vals) < min_size:
            continue
        frac = float((vals >= high).mean())
        if frac >= share:
            group, period = (key[0], key[1]) if period_col else (key[0], None)
            flags.append(
                AnomalyFlag(
                    code="all_high",
                    subject=str(group),
                    period=None if period is None else str(period),
                    evidence={
                        "people": len(vals),
                        "share_high": frac,
                        "high_threshold": high,
                        "mean_score": float(vals.mean()),
                        "min_score": float(vals.min()),
                        "company_share_high": company_share,
                    },
                    explanation_en=f"{frac:.0%} of {len(vals)} people in {group} score {high:g} or "
                    f"more (company: "
                    f"{company_share:.0%}); lowest score {vals.min():.1f}. Please run a second review.",
                    explanation_zh=f"{group} 的 {len(vals)} 人中有 {frac:.0%} 得分不低于 {high:g}（全公司 "
                    f"{company_share:.0%}），最低分 {vals.min():.1f}。建议进行二次复核。",
                )
            )
    return flags


def check_score_vs_outcome(
    table: pd.DataFrame,
    *,
    subject_col: str = "department",
    period_col: str | None = "period",
    score_col: str = "score",
    outcome_col: str = "outcome",
    z: float = 2.5,
    min_rows: int = 8,
) -> list[AnomalyFlag]:
    """Flag rows whose score is far above the score-vs-outcome line (robust residual z >= z)."""
    _need(table, [score_col, outcome_col, *_keys(table, subject_col, period_col)])
    data = table.dropna(subset=[score_col, outcome_col])
    if len(data) < min_rows:
        return []
    x, y = data[outcome_col].to_numpy(float), data[score_col].to_numpy(float)
    # Outcomes that barely vary carry no line to compare with: fall back to the median score.
    if x.std() > 1e-9 * max(1.0, abs(float(x.mean()))):
        slope = float(np.cov(x, y, bias=True)[0, 1] / x.var())
        intercept = float(y.mean() - slope * x.mean())
    else:
        slope, intercept = 0.0, float(np.median(y))
    resid = y - (intercept + slope * x)
    scale = max(_robust_sd(resid), 1e-9)
    flags = []
    for (_, row), r in zip(data.iterrows(), resid, strict=True):
        rz = r / scale
        if rz >= z:
            expected = float(intercept + slope * row[outcome_col])
            period = str(row[period_col]) if period_col else None
            flags.append(
                AnomalyFlag(
                    code="score_above_outcome",
                    subject=str(row[subject_col]),
                    period=period,
                    evidence={
                        "score": float(row[score_col]),
                        "outcome": float(row[outcome_col]),
                        "expected_score": expected,
                        "residual": float(r),
                        "robust_z": float(rz),
                    },
                    explanation_en=f"Score {row[score_col]:.1f} is {r:.1f} points above the "
                    f"{expected:.1f} that its "
                    f"business result ({row[outcome_col]:.4g}) supports ({rz:.1f} robust SDs).",
                    explanation_zh=f"得分 {row[score_col]:.1f} 比其业务结果（{row[outcome_col]:.4g}）"
                    f"所支撑的 "
                    f"{expected:.1f} 高出 {r:.1f} 分（{rz:.1f} 个稳健标准差）。",
                )
            )
    return flags


def check_rating_bias(
    ratings: pd.DataFrame,
    *,
    manager_col: str = "manager_id",
    manager_rating_col: str = "manager_rating",
    other_col: str = "self_rating",
    kind: str = "self",
    min_gap: float = 0.5,
    alpha: float = 0.05,
    min_n: int = 5,
) -> list[AnomalyFlag]:
    """Flag managers rating people >= min_gap above their self (or peer) ratings, one-sided p < alpha."""
    from kpi.pay.review import t_pvalue

    _need(ratings, [manager_col, manager_rating_col, other_col])
    flags = []
    for mgr, part in ratings.dropna(subset=[manager_rating_col, other_col]).groupby(manager_col, sort=True):
        diff = (part[manager_rating_col] - part[other_col]).to_numpy(float)
        if len(diff) < min_n:
            continue
        gap = float(diff.mean())
        # A constant positive gap has no variance; it is the clearest case of all (p = 0, no precision warning).
        p = t_pvalue([float(x) for x in diff], alternative="greater")
        if gap >= min_gap and p < alpha:
            label_zh = "自评" if kind == "self" else "同事评分"
            flags.append(
                AnomalyFlag(
                    code=f"manager_above_{kind}",
                    subject=str(mgr),
                    evidence={
                        "people": len(diff),
                        "mean_gap": gap,
                        "share_above": float((diff > 0).mean()),
                        "p_value": p,
                        "mean_manager_rating": float(part[manager_rating_col].mean()),
                        f"mean_{kind}_rating": float(part[other_col].mean()),
                    },
                    explanation_en=f"Manager {mgr} rates {len(diff)} people {gap:.2f} points above "
                    f"their {kind} "
                    f"ratings on average ({(diff > 0).mean():.0%} above; p={p:.3g}).",
                    explanation_zh=f"经理 {mgr} 对 {len(diff)} 人的评分平均比其{label_zh}高 {gap:.2f} 分"
                    f"（{(diff > 0).mean():.0%} 高于{label_zh}；p={p:.3g}）。",
                )
            )
    return flags


def check_sudden_jumps(
    scores: pd.DataFrame,
    *,
    subject_col: str = "person_id",
    period_col: str = "period",
    score_col: str = "score",
    min_jump: float = 20.0,
    z: float = 3.0,
) -> list[AnomalyFlag]:
    """Flag period-on-period rises >= min_jump points that are also >= z robust SDs of all changes."""
    _need(scores, [subject_col, period_col, score_col])
    data = scores.dropna(subset=[score_col]).sort_values([subject_col, period_col])
    prev = data.groupby(subject_col)[score_col].shift(1)
    delta = (data[score_col] - prev).dropna()
    if len(delta) < 3:
        return []
    center, scale = float(delta.median()), max(_robust_sd(delta.to_numpy(float)), 1e-9)
    flags = []
    for idx, d in delta.items():
        rz = (d - center) / scale
        if d >= min_jump and rz >= z:
            row = data.loc[idx]
            flags.append(
                AnomalyFlag(
                    code="sudden_jump",
                    subject=str(row[subject_col]),
                    period=str(row[period_col]),
                    evidence={
                        "previous_score": float(prev.loc[idx]),
                        "score": float(row[score_col]),
                        "jump": float(d),
                        "typical_change": center,
                        "robust_z": float(rz),
                    },
                    explanation_en=f"Score rose {d:.1f} points in one period ({prev.loc[idx]:.1f} -> "
                    f"{row[score_col]:.1f}); typical change {center:+.1f}. Check what changed.",
                    explanation_zh=f"得分一期内上升 {d:.1f} 分（{prev.loc[idx]:.1f} -> "
                    f"{row[score_col]:.1f}），"
                    f"通常变化 {center:+.1f} 分。请核实原因。",
                )
            )
    return flags


def check_bonus_payout(
    pools: pd.DataFrame,
    *,
    group_col: str = "department",
    period_col: str = "period",
    pool_col: str = "pool",
    paid_col: str = "paid",
    full: float = 0.98,
    min_periods: int = 3,
) -> list[AnomalyFlag]:
    """Flag groups whose bonus pool was paid at >= `full` in every one of >= min_periods periods."""
    _need(pools, [group_col, period_col, pool_col, paid_col])
    flags = []
    for group, part in pools.dropna(subset=[pool_col, paid_col]).groupby(group_col, sort=True):
        part = part[part[pool_col] > 0]
        if part[period_col].nunique() < min_periods:
            continue
        ratio = (part[paid_col] / part[pool_col]).to_numpy(float)
        if (ratio >= full).all():
            n = int(part[period_col].nunique())
            flags.append(
                AnomalyFlag(
                    code="bonus_always_full",
                    subject=str(group),
                    evidence={
                        "periods": n,
                        "min_payout_ratio": float(ratio.min()),
                        "mean_payout_ratio": float(ratio.mean()),
                        "threshold": full,
                    },
                    explanation_en=f"The bonus pool of {group} was paid out at {ratio.min():.0%} or "
                    f"more in all {n} "
                    "periods: bonuses no longer differentiate performance.",
                    explanation_zh=f"{group} 的奖金池在全部 {n} 个周期中发放比例均不低于 {ratio.min():.0%}："
                    "奖金已无法区分绩效差异。",
                )
            )
    return flags


def run_inflation_checks(
    scores: pd.DataFrame,
    *,
    outcomes: pd.DataFrame | None = None,
    pools: pd.DataFrame | None = None,
    high: float = 100.0,
) -> list[AnomalyFlag]:
    """All checks with the default column names; checks whose columns are absent are skipped.

    scores: person_id, department, period, score [, manager_id, manager_rating, self_rating, peer_rating];
    outcomes: department, period, outcome (business result per department and period);
    pools: department, period, pool, paid.
    """
    flags = check_all_high(scores, high=high) + check_sudden_jumps(scores)
    if outcomes is not None:
        dept = scores.groupby(["department", "period"], as_index=False)["score"].mean()
        flags += check_score_vs_outcome(dept.merge(outcomes, on=["department", "period"]))
    for other, kind in (("self_rating", "self"), ("peer_rating", "peer")):
        if {"manager_id", "manager_rating", other} <= set(scores.columns):
            flags += check_rating_bias(scores, other_col=other, kind=kind)
    if pools is not None:
        flags += check_bonus_payout(pools)
    return flags
