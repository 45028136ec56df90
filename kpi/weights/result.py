"""Typed results of the indicator-weight regression and the plain-words method text (zh and en)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

METHOD_EN = (
    "Each indicator is first put on a common scale (distance from its average in standard deviations; "
    "for lower-is-better indicators the sign is flipped so that higher always means better). We then find "
    "the non-negative combination of indicators that best predicts the business outcome (non-negative least "
    "squares): an indicator's share of that combination is its importance. Shares are rescaled to 100 and "
    "moved as little as possible to respect the minimum and maximum weight set by HR. The ranges come from "
    "re-running the whole calculation on {n_boot} resamples of the rows (bootstrap, {level:.0%} "
    "percentile intervals). When the ranges are wide (little or noisy data), each weight is pulled toward "
    "the current weights (or equal weights when none are given) in proportion to its uncertainty, and a "
    "warning says by how much. Coefficient ranges come from an ordinary regression of the outcome on "
    "the standardised indicators with errors that stay valid when the noise is uneven. The check score is the average "
    "rank correlation (Spearman) between the weighted score and the outcome on rows held out in "
    "{folds}-fold cross-validation, for the proposal, the current weights and equal weights: higher is "
    "better, 0 means no relation."
)

METHOD_ZH = (
    "先把每个指标换算到同一尺度（与平均值相差几个标准差；“越低越好”的指标取反，使数值越高总代表越好）。"
    "再求出能最好地预测业务结果、且各项系数都不为负的指标组合（非负最小二乘），每个指标在组合中的占比"
    "即其重要性。占比换算为总和 100，并以最小的调整满足人事设定的权重上下限。区间来自对数据行进行 "
    "{n_boot} 次重抽样、每次重算全过程（自助法，{level:.0%} 百分位区间）。当区间较宽（数据少或噪声大）时，"
    "每个权重会按其不确定程度向现行权重（未提供时为平均权重）收缩，并在警告中说明收缩幅度。系数区间"
    "来自业务结果对标准化指标的普通回归，使用在噪声不均匀时仍然成立的稳健标准误。检验得分为 {folds} 折交叉验证中，"
    "在未参与拟合的数据上加权得分与业务结果的秩相关平均值，分别计算建议权重、现行权重和平均"
    "权重：越高越好，0 表示无关。"
)


def _num(v: float | None, nd: int) -> float | None:
    return None if v is None or not math.isfinite(v) else round(float(v), nd)


@dataclass(frozen=True)
class WeightsWarning:
    """A caveat HR should read before approving, with a stable code."""

    code: str
    en: str
    zh: str

    def to_dict(self) -> dict[str, str]:
        """Plain dict for JSON."""
        return {"code": self.code, "message": self.en, "message_zh": self.zh}


@dataclass(frozen=True)
class GroupProposal:
    """Proposed weights (percent) and their evidence for one group (department, role, or 'all')."""

    group: str
    n: int
    n_dropped: int
    weights: dict[str, float]
    weights_ci: dict[str, tuple[float, float]]
    data_weights: dict[str, float]
    data_weights_ci: dict[str, tuple[float, float]]
    current_weights: dict[str, float] | None
    change: dict[str, float] | None
    coef: dict[str, float]
    ci: dict[str, tuple[float, float]]
    p_values: dict[str, float]
    vif: dict[str, float]
    shrinkage: float
    cv_score: dict[str, float | None]
    cv_r2: dict[str, float | None]
    warnings: list[WeightsWarning] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict; this is exactly what `kpilot weights fit --json` prints per group."""

        def r(d: dict[str, float] | None, nd: int = 2) -> dict[str, float | None] | None:
            # JSON has no infinity (a VIF of perfectly collinear columns): report it as null.
            return None if d is None else {k: _num(v, nd) for k, v in d.items()}

        def ri(d: dict[str, tuple[float, float]], nd: int = 4) -> dict[str, list[float]]:
            return {k: [round(float(lo), nd), round(float(hi), nd)] for k, (lo, hi) in d.items()}

        return {
            "group": self.group,
            "n": self.n,
            "n_dropped": self.n_dropped,
            "weights": r(self.weights),
            "weights_ci": ri(self.weights_ci, 2),
            "data_weights": r(self.data_weights),
            "data_weights_ci": ri(self.data_weights_ci, 2),
            "current_weights": r(self.current_weights),
            "change": r(self.change),
            "coef": r(self.coef, 4),
            "ci": ri(self.ci),
            "p_values": r(self.p_values, 6),
            "vif": r(self.vif, 2),
            "shrinkage": round(self.shrinkage, 4),
            "cv_score": {k: _num(v, 4) for k, v in self.cv_score.items()},
            "cv_r2": {k: _num(v, 4) for k, v in self.cv_r2.items()},
            "warnings": [w.to_dict() for w in self.warnings],
        }


@dataclass(frozen=True)
class GroupRefusal:
    """Why no proposal was made for a group (only used when the data are grouped)."""

    group: str
    n: int
    code: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        return {"group": self.group, "n": self.n, "code": self.code, "message": self.message}


@dataclass(frozen=True)
class WeightsReport:
    """All groups' proposals, refusals, the settings used and the method in words."""

    groups: dict[str, GroupProposal]
    refused: dict[str, GroupRefusal]
    settings: dict[str, Any]
    method_en: str
    method_zh: str
    cv_metric: str = "spearman"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict matching the CLI output."""
        return {
            "method": {"en": self.method_en, "zh": self.method_zh},
            "cv_metric": self.cv_metric,
            "settings": dict(self.settings),
            "groups": {k: g.to_dict() for k, g in self.groups.items()},
            "refused": {k: g.to_dict() for k, g in self.refused.items()},
        }
