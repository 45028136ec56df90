"""Warnings HR reads next to a weight proposal (each in English and Chinese, with a stable code)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from kpi.weights.numerics import FloatArray
from kpi.weights.result import WeightsWarning


def collect_warnings(
    *,
    names: Sequence[str],
    n: int,
    n_dropped: int,
    settings_small_n: int,
    vif_warn: float,
    vifs: FloatArray,
    ci: dict[str, tuple[float, float]],
    final: FloatArray,
    bounds: tuple[float, float],
    shrinkage: float,
    no_signal: bool,
    data_ci: dict[str, tuple[float, float]],
    cv: dict[str, float | None],
    has_current: bool,
    n_failed_boot: int,
) -> list[WeightsWarning]:
    """All caveats of one group's proposal, most important first."""
    out: list[WeightsWarning] = []
    target_en, target_zh = ("current weights", "现行权重") if has_current else ("equal weights", "平均权重")
    if no_signal:
        out.append(
            WeightsWarning(
                "no_signal",
                f"No indicator shows a positive relation with the outcome; the proposal equals the {target_en}.",
                f"没有任何指标与业务结果呈正相关；建议权重等于{target_zh}。",
            )
        )
    elif shrinkage > 0.1:
        out.append(
            WeightsWarning(
                "weak_evidence",
                f"Evidence is weak (wide ranges): the weights were pulled {shrinkage:.0%} of the way "
                f"back toward the {target_en}.",
                f"证据偏弱（区间较宽）：权重已向{target_zh}收缩 {shrinkage:.0%}。",
            )
        )
    if n < settings_small_n:
        out.append(
            WeightsWarning(
                "small_sample",
                f"Only {n} rows: treat the proposal as a first indication.",
                f"仅有 {n} 行数据：建议仅供初步参考。",
            )
        )
    if n_dropped:
        out.append(
            WeightsWarning(
                "rows_dropped",
                f"{n_dropped} rows with blank values were left out.",
                f"{n_dropped} 行含空值，已排除。",
            )
        )
    out += _per_indicator(names, vifs, vif_warn, ci, final, bounds, data_ci)
    out += _cv_warning(cv, has_current)
    if n_failed_boot:
        out.append(
            WeightsWarning(
                "unstable",
                f"{n_failed_boot} resamples found no positive relation at all: the signal is fragile.",
                f"有 {n_failed_boot} 次重抽样未发现任何正相关：信号不稳定。",
            )
        )
    return out


def _per_indicator(
    names: Sequence[str],
    vifs: FloatArray,
    vif_warn: float,
    ci: dict[str, tuple[float, float]],
    final: FloatArray,
    bounds: tuple[float, float],
    data_ci: dict[str, tuple[float, float]],
) -> list[WeightsWarning]:
    out: list[WeightsWarning] = []
    lo, hi = bounds
    for name, v, w in zip(names, vifs, final, strict=True):
        if v > vif_warn:
            vtxt = "inf" if not np.isfinite(v) else f"{v:.1f}"
            out.append(
                WeightsWarning(
                    "collinearity",
                    f"'{name}' moves together with other indicators (VIF {vtxt} > {vif_warn:g}): its "
                    "weight and the weights of its partners are hard to separate.",
                    f"“{name}”与其他指标高度相关（VIF {vtxt} > {vif_warn:g}）：其权重难以与相关指标区分。",
                )
            )
        if ci[name][1] < 0:
            out.append(
                WeightsWarning(
                    "negative_effect",
                    f"Higher '{name}' goes with a worse outcome (coefficient range below 0): check "
                    "its direction and definition; it gets the minimum weight.",
                    f"“{name}”越高业务结果越差（系数区间低于 0）：请核对其方向与定义；其权重取下限。",
                )
            )
        if w <= lo + 0.5 or w >= hi - 0.5:  # shrinkage can leave it a hair inside
            which_en, which_zh = ("minimum", "下限") if w <= lo + 0.5 else ("maximum", "上限")
            out.append(
                WeightsWarning(
                    "at_bound",
                    f"'{name}' sits at the HR {which_en} of {w:.0f}: the data alone would go further.",
                    f"“{name}”处于人事设定的{which_zh} {w:.0f}："
                    f"仅看数据会更{'低' if which_en == 'minimum' else '高'}。",
                )
            )
        width = data_ci[name][1] - data_ci[name][0]
        if width > 20:
            out.append(
                WeightsWarning(
                    "wide_interval",
                    f"The range for '{name}' is {width:.0f} points wide: the data cannot pin it down.",
                    f"“{name}”的区间宽达 {width:.0f} 个百分点：数据无法精确确定。",
                )
            )
    return out


def _cv_warning(cv: dict[str, float | None], has_current: bool) -> list[WeightsWarning]:
    prop, ref = cv.get("proposal"), cv.get("current") if has_current else cv.get("equal")
    if prop is None or ref is None or prop > ref:
        return []
    ref_en, ref_zh = ("current", "现行") if has_current else ("equal", "平均")
    return [
        WeightsWarning(
            "not_better",
            f"Out of sample the proposal predicts the outcome no better than the {ref_en} weights "
            f"({prop:.3f} vs {ref:.3f}); keeping the {ref_en} weights is reasonable.",
            f"在样本外，建议权重对业务结果的预测并不优于{ref_zh}权重（{prop:.3f} 对 {ref:.3f}）；"
            f"保留{ref_zh}权重是合理的。",
        )
    ]
