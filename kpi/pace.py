"""In-period pace: projected period-end achievement from actuals so far and the expected shape of the period.

For a cumulative indicator (sales, orders) the expected share of the period total that falls on the days
already elapsed comes from `daily_shape` (e.g. the forecast p50 per day, so a promotion at the end of the
month is expected to bring a big share late): projected total = actual so far / expected share. Without a
shape every day counts the same. For a rate indicator (conversion, response time) the value so far is the
best projection of the period value. Achievement follows the direction (target / projected for
lower-is-better) and is not capped here: pace is a nudge, not a score.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from core.vocab import Direction
from kpi.errors import InvalidPeriodError
from kpi.rules import achievement_ratio, check_value


class MetricKind(StrEnum):
    """Cumulative indicators add up over the period; rates are averages."""

    CUMULATIVE = "cumulative"
    RATE = "rate"


class PaceStatus(StrEnum):
    """Where the indicator is heading relative to its target."""

    AHEAD = "ahead"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    TOO_EARLY = "too_early"


@dataclass(frozen=True)
class PaceResult:
    """Projection of one indicator to the end of its period, with the numbers behind it."""

    days_elapsed: int
    period_days: int
    expected_share_to_date: float
    expected_to_date: float
    actual_to_date: float
    projected_end: float | None
    projected_achievement: float | None
    status: PaceStatus
    explanation_en: str
    explanation_zh: str

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON responses."""
        out = asdict(self)
        out["status"] = str(self.status)
        return out


def _shape(daily_shape: Sequence[float] | None, period_days: int | None) -> list[float]:
    if daily_shape is None:
        if period_days is None or period_days <= 0:
            raise InvalidPeriodError("give either daily_shape or a positive period_days")
        return [1.0] * period_days
    shape = [float(x) for x in daily_shape]
    if period_days is not None and period_days != len(shape):
        raise InvalidPeriodError(f"daily_shape has {len(shape)} days but period_days is {period_days}")
    if not shape or any(not math.isfinite(x) or x < 0 for x in shape) or sum(shape) <= 0:
        raise InvalidPeriodError("daily_shape must be non-negative numbers with a positive sum")
    return shape


def project_pace(
    actual_to_date: float,
    target: float,
    days_elapsed: int,
    *,
    daily_shape: Sequence[float] | None = None,
    period_days: int | None = None,
    direction: Direction = Direction.HIGHER,
    kind: MetricKind = MetricKind.CUMULATIVE,
    tolerance: float = 0.05,
) -> PaceResult:
    """Project period-end achievement; status is ahead / on_track / behind within +-tolerance of 100%."""
    shape = _shape(daily_shape, period_days)
    n_days = len(shape)
    if not 0 <= days_elapsed <= n_days:
        raise InvalidPeriodError(f"days_elapsed must be between 0 and {n_days}, got {days_elapsed}")
    for label, v in (("actual_to_date", actual_to_date), ("target", target)):
        check_value(label, v)
    share = sum(shape[:days_elapsed]) / sum(shape)
    expected = target * share if kind is MetricKind.CUMULATIVE else target
    if days_elapsed == 0 or (kind is MetricKind.CUMULATIVE and share == 0):
        return PaceResult(
            days_elapsed,
            n_days,
            share,
            expected,
            actual_to_date,
            None,
            None,
            PaceStatus.TOO_EARLY,
            "Too early to project: no expected activity has happened yet.",
            "为时尚早：本周期预期的业务量尚未发生，暂不预测。",
        )
    projected = actual_to_date / share if kind is MetricKind.CUMULATIVE else actual_to_date
    ach = achievement_ratio(actual=projected, target=target, direction=direction)
    status = PaceStatus.ON_TRACK
    if ach > 1 + tolerance:
        status = PaceStatus.AHEAD
    elif ach < 1 - tolerance:
        status = PaceStatus.BEHIND
    en, zh = _explain(share, expected, actual_to_date, projected, ach, status, kind)
    return PaceResult(days_elapsed, n_days, share, expected, actual_to_date, projected, ach, status, en, zh)


def _explain(
    share: float,
    expected: float,
    actual: float,
    projected: float,
    ach: float,
    status: PaceStatus,
    kind: MetricKind,
) -> tuple[str, str]:
    ach_txt = "unbounded" if math.isinf(ach) else f"{ach:.0%}"
    label_en = {"ahead": "ahead of target", "on_track": "on track", "behind": "behind target"}[status.value]
    label_zh = {"ahead": "超前", "on_track": "符合进度", "behind": "落后"}[status.value]
    if kind is MetricKind.CUMULATIVE:
        en = (
            f"{share:.0%} of the period's expected volume has passed; expected {expected:,.2f} by now, "
            f"actual {actual:,.2f}; projected period end {projected:,.2f} = {ach_txt} of target: {label_en}."
        )
        zh = (
            f"按预期节奏已过本周期 {share:.0%} 的业务量；此时应完成 {expected:,.2f}，实际 {actual:,.2f}；"
            f"预计期末 {projected:,.2f}，达成率 {ach_txt}：{label_zh}。"
        )
    else:
        en = f"Value so far {actual:,.4g} against target {expected:,.4g} = {ach_txt}: {label_en}."
        zh = f"目前数值 {actual:,.4g}，目标 {expected:,.4g}，达成率 {ach_txt}：{label_zh}。"
    return en, zh
