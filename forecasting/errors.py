"""The forecasting package's errors: one root, `ForecastingError`, with precise subclasses."""

from __future__ import annotations


class ForecastingError(Exception):
    """Root of every error raised by `forecasting`."""


class DataValidationError(ForecastingError, ValueError):
    """Input data is malformed; the message names the series and rows to fix."""


class DuplicateDatesError(DataValidationError):
    """A series has the same date more than once."""


class NegativeValuesError(DataValidationError):
    """A series has negative target values."""


class UnparseableDatesError(DataValidationError):
    """A date column has values that are not dates."""


class MissingRegressorsError(DataValidationError):
    """Regressors used in the history are missing (columns or rows) in the horizon."""


class InsufficientHistoryError(DataValidationError):
    """A series is too short for the requested model and no fallback was allowed."""


class CalendarError(DataValidationError):
    """A calendar or a shop event is malformed."""


class NotFittedError(ForecastingError, AttributeError):
    """`predict` was called before `fit`."""
