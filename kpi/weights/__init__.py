"""Indicator weights from data: propose KPI weights with evidence (the estimator is described in `fit`).

Modules: `fit` (the estimator), `settings` (its tuning), `inputs` (input checks), `numerics` (standardising,
NNLS, projection, bootstrap), `cv` (out-of-sample comparison), `diagnostics` (warnings), `result` (typed results).
"""

from kpi.weights.fit import ALL_GROUP, fit_group, fit_weights
from kpi.weights.result import METHOD_EN, METHOD_ZH, GroupProposal, GroupRefusal, WeightsReport, WeightsWarning
from kpi.weights.settings import WeightsSettings

__all__ = [
    "ALL_GROUP",
    "METHOD_EN",
    "METHOD_ZH",
    "GroupProposal",
    "GroupRefusal",
    "WeightsReport",
    "WeightsSettings",
    "WeightsWarning",
    "fit_group",
    "fit_weights",
]
