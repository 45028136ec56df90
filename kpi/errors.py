"""Errors of the pure `kpi` package: one root (`KpiError`) with precise subclasses, no HTTP knowledge."""

from __future__ import annotations


class KpiError(Exception):
    """Root of every error raised by the kpi package."""


# --- scoring -------------------------------------------------------------------------------------------
class ScoringError(KpiError):
    """A KPI line or a team cannot be scored as given."""


class InvalidKpiValueError(ScoringError):
    """A target, actual or weight is negative, infinite or otherwise unusable."""


class InvalidPolicyError(ScoringError):
    """A scoring policy (cap, floor, grade bands, distribution) is inconsistent."""


class UnknownRoleError(ScoringError):
    """No review cycle is configured for the role and no default was allowed."""


class InvalidPeriodError(ScoringError):
    """Pace inputs (days elapsed, daily shape) do not describe a period."""


# --- weights regression --------------------------------------------------------------------------------
class WeightsError(KpiError):
    """The indicator-weight regression refuses the input; the message says why and what to do."""


class UnknownColumnError(WeightsError):
    """A named outcome, indicator or group column is not in the data."""


class NonNumericColumnError(WeightsError):
    """A column holds values that are not numbers (`row`: 0-based data row, header excluded)."""

    def __init__(self, message: str, *, column: str = "", row: int = -1) -> None:
        super().__init__(message)
        self.column = column
        self.row = row


class MissingOutcomeError(WeightsError):
    """The outcome column has no usable values."""


class TooFewRowsError(WeightsError):
    """Too few complete rows to estimate the weights reliably."""


class ConstantIndicatorError(WeightsError):
    """An indicator (or the outcome) does not vary, so its effect cannot be estimated."""


class InvalidBoundsError(WeightsError):
    """Weight bounds are impossible (e.g. minimum x indicators above 100)."""


class InvalidWeightsError(WeightsError):
    """Current weights name unknown indicators, miss some, are negative or do not sum to 100."""


class InvalidSettingsError(WeightsError):
    """Regression settings (bootstrap size, folds, level) are out of range."""


# --- anomaly checks ------------------------------------------------------------------------------------
class AnomalyInputError(KpiError):
    """A series or scores table given to the anomaly checks is malformed."""
