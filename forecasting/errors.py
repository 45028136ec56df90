"""The forecasting package's errors: one root, `ForecastingError`, with precise subclasses.

Each class carries a `hint`: what the user should do next, worded for that error (the CLI prints it)."""

from __future__ import annotations


class ForecastingError(Exception):
    """Root of every error raised by `forecasting`."""

    hint = "fix the rows named above and run again"


class DataValidationError(ForecastingError, ValueError):
    """Input data is malformed; the message names the series and rows to fix."""

    hint = "fix the values in the lines named above and run again"


class EmptyInputError(DataValidationError):
    """A file or frame has no data rows (or no values at all)."""

    hint = "pass a file with a header line and at least one data line per series"


class MissingColumnsError(DataValidationError):
    """A column the forecast needs is not in the input."""

    hint = "name the columns with --id-col/--date-col/--value-col (and --open-col) as they are spelt in the file"


class DuplicateDatesError(DataValidationError):
    """A series has the same date more than once."""

    hint = (
        "keep one line per series and date: add up or drop the repeated lines, or pass --id-col if the file "
        "holds several series"
    )


class NegativeValuesError(DataValidationError):
    """A series has negative target values although the caller said they cannot be negative."""

    hint = "negative values (returns, refunds) are accepted unless you pass --non-negative: fix them or drop the flag"


class UnparseableDatesError(DataValidationError):
    """A date column has values that are not dates."""

    hint = "write the dates as YYYY-MM-DD (or another unambiguous format); check that --date-col names the dates"


class IrregularDatesError(DataValidationError):
    """Dates are not daily, weekly or monthly."""

    hint = "aggregate the series to days, weeks or months (one line per series and step) before forecasting"


class MissingRegressorsError(DataValidationError):
    """Regressors used in the history are missing (columns or rows) in the horizon."""

    hint = "add the missing columns or dates to the calendar file (every series needs a row for every horizon date)"


class InsufficientHistoryError(DataValidationError):
    """A series is too short for the requested model and no fallback was allowed."""

    hint = "give the series more history or forecast it with the seasonal-naive fallback"


class CalendarError(DataValidationError):
    """A calendar or a shop event is malformed."""

    hint = "fix the calendar or event named above (dates as YYYY-MM-DD, start before end)"


class NotFittedError(ForecastingError, AttributeError):
    """`predict` was called before `fit`."""

    hint = "call fit(df, X) before predict"
