"""Tuning of the indicator-weight regression (bootstrap size, interval level, CV folds, shrinkage prior)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from kpi.errors import InvalidSettingsError


@dataclass(frozen=True)
class WeightsSettings:
    """Tuning of the regression; defaults suit monthly data of a 25-150 person company."""

    n_boot: int = 200
    level: float = 0.95
    cv_folds: int = 5
    prior_sd: float = 10.0  # percentage points: how far today's weights plausibly are from the right ones
    min_rows: int | None = None  # default max(30, 10 x number of indicators)
    small_n: int = 200
    vif_warn: float = 5.0
    seed: int = 0

    def validate(self) -> None:
        """Raise InvalidSettingsError on out-of-range settings."""
        if self.n_boot < 10 or not 0.5 <= self.level < 1 or self.cv_folds < 2 or self.prior_sd <= 0:
            raise InvalidSettingsError(
                f"need n_boot >= 10, 0.5 <= level < 1, cv_folds >= 2, prior_sd > 0; got {asdict(self)}"
            )
