"""Validation of the weight-regression input: columns, numbers, bounds and current weights."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from kpi.errors import (
    InvalidBoundsError,
    MissingOutcomeError,
    NonNumericColumnError,
    UnknownColumnError,
)
from kpi.rules import validate_weights

if TYPE_CHECKING:
    import pandas as pd


def check_columns(
    df: pd.DataFrame,
    outcome: str,
    indicators: Sequence[str],
    lower_is_better: Sequence[str],
    group: str | None,
) -> None:
    """Raise UnknownColumnError naming every missing column and the columns that exist."""
    if not indicators:
        raise UnknownColumnError("no indicators given; name at least one indicator column")
    if len(set(indicators)) != len(indicators):
        raise UnknownColumnError(f"indicators listed twice: {list(indicators)}")
    if outcome in indicators:
        raise UnknownColumnError(f"the outcome {outcome!r} cannot also be an indicator")
    wanted = [outcome, *indicators] + ([group] if group else [])
    missing = [c for c in wanted if c not in df.columns]
    if missing:
        raise UnknownColumnError(f"column(s) not in the data: {missing}; available: {list(map(str, df.columns))}")
    stray = [c for c in lower_is_better if c not in indicators]
    if stray:
        raise UnknownColumnError(f"lower-is-better column(s) {stray} are not among the indicators {list(indicators)}")


def numeric_frame(df: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Columns converted to float; blanks become NaN, any other non-number raises NonNumericColumnError."""
    import pandas as pd

    out = pd.DataFrame(index=df.index)
    for col in columns:
        raw = df[col]
        if raw.dtype == bool:
            raw = raw.astype(float)
        conv = pd.to_numeric(raw, errors="coerce")
        bad = conv.isna() & raw.notna()
        if bad.any():
            bad &= ~raw.astype(str).str.strip().eq("")  # blanks are missing values, not errors
        if bad.any():
            pos = int(bad.to_numpy().argmax())
            raise NonNumericColumnError(
                f"column {col!r} holds {raw.iloc[pos]!r} in data row {pos + 1} (header excluded), "
                "not a number; "
                "fix or blank the value",
                column=str(col),
                row=pos,
            )
        out[col] = conv.astype(float)
    if out[columns[0]].notna().sum() == 0:
        raise MissingOutcomeError(f"outcome column {columns[0]!r} has no values")
    return out


def check_bounds(bounds: tuple[float, float], k: int) -> tuple[float, float]:
    """Return (lo, hi) if k weights within them can sum to 100, else raise InvalidBoundsError."""
    lo, hi = float(bounds[0]), float(bounds[1])
    if not (math.isfinite(lo) and math.isfinite(hi)) or not 0 <= lo <= hi <= 100:
        raise InvalidBoundsError(f"bounds must satisfy 0 <= min <= max <= 100, got {lo:g},{hi:g}")
    if lo * k > 100 + 1e-9 or hi * k < 100 - 1e-9:
        raise InvalidBoundsError(
            f"with {k} indicators, weights between {lo:g} and {hi:g} cannot sum to 100; "
            f"use a minimum <= {100 / k:.1f} and a maximum >= {100 / k:.1f}"
        )
    return lo, hi


def check_current(current: Mapping[str, float] | None, indicators: Sequence[str]) -> dict[str, float] | None:
    """Current weights must name exactly the indicators, be >= 0 and sum to 100 (`kpi.rules` tolerance)."""
    if current is None:
        return None
    checked = validate_weights({k: float(v) for k, v in current.items()}, expected=indicators, label="current weights")
    return {k: checked[k] for k in indicators}
