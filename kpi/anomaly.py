"""Early warnings (DOMAIN.md §9) and the HR inflation checks (§8, in `kpi.inflation`), as typed flags.

Early warning: an indicator is "clearly outside its expected range" on a day when it is below the day's
lower bound (higher-is-better) or above the upper bound (lower-is-better). Bounds come from the forecast
(e.g. lo-80 per day) via `warnings_from_bounds`, or from the indicator's own recent history via
`warnings_from_history` (median +- k robust standard deviations of the previous `window` days, so a
single bad day cannot move its own baseline). A run of at least `min_consecutive` (default 3) such days
gives one warning with every day's evidence. A missing value breaks a run: no data is not evidence.
Nothing here changes data; the caller stores and routes the warnings.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import numpy as np

from core.vocab import Direction
from kpi.errors import AnomalyInputError

Day = date | str | int


@dataclass(frozen=True)
class DayEvidence:
    """One day of a warning run: the value and the bound it missed."""

    day: Day
    value: float
    bound: float


@dataclass(frozen=True)
class EarlyWarning:
    """A run of consecutive days outside the expected range."""

    code: str
    subject: str
    indicator: str
    start: Day
    end: Day
    days: int
    ongoing: bool
    mean_gap: float
    evidence: list[DayEvidence]
    explanation_en: str
    explanation_zh: str

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON (dates as ISO strings)."""
        out = asdict(self)
        for key in ("start", "end"):
            out[key] = _day(out[key])
        for ev in out["evidence"]:
            ev["day"] = _day(ev["day"])
        return out


@dataclass(frozen=True)
class AnomalyFlag:
    """An HR inflation/anomaly flag: code, subject, numbers behind it and an explanation in zh and en."""

    code: str
    subject: str
    evidence: dict[str, float | int | str | None]
    explanation_en: str
    explanation_zh: str
    period: str | None = None
    severity: str = "warning"
    related: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON, with the severity and each piece of evidence in words (zh and en)."""
        out = asdict(self)
        zh, en = SEVERITY_WORDS.get(self.severity, SEVERITY_WORDS["warning"])
        out["severity_zh"], out["severity_en"] = zh, en
        out["evidence_items"] = evidence_items(self.evidence)
        return out


# What a reader calls each severity and each evidence key, and how its value reads (no raw keys on a page).
SEVERITY_WORDS: dict[str, tuple[str, str]] = {
    "warning": ("需复核", "Needs a second look"),
    "info": ("提示", "Note"),
}
_SCORE, _SHARE, _COUNT, _PLAIN, _CHANCE = "score", "share", "count", "plain", "chance"
EVIDENCE_WORDS: dict[str, tuple[str, str, str]] = {
    "people": ("人数", "People", _COUNT),
    "share_high": ("高分人数占比", "Share with high scores", _SHARE),
    "high_threshold": ("高分线", "High-score line", _SCORE),
    "mean_score": ("平均得分", "Average score", _SCORE),
    "min_score": ("最低得分", "Lowest score", _SCORE),
    "company_share_high": ("全公司高分占比", "Company-wide share with high scores", _SHARE),
    "score": ("得分", "Score", _SCORE),
    "outcome": ("业务结果", "Business result", _PLAIN),
    "expected_score": ("按业务结果应得的分数", "Score the result supports", _SCORE),
    "residual": ("高出的分数", "Points above", _SCORE),
    "robust_z": ("偏离程度（倍于通常波动）", "Distance from the usual (times the typical spread)", _PLAIN),
    "mean_gap": ("平均高出", "Average gap", _SCORE),
    "share_above": ("评分更高的占比", "Share rated higher", _SHARE),
    "p_value": ("纯属偶然的可能性", "Chance this is a coincidence", _CHANCE),
    "mean_manager_rating": ("上级平均评分", "Manager's average rating", _SCORE),
    "previous_score": ("上期得分", "Previous score", _SCORE),
    "jump": ("变化幅度", "Change", _SCORE),
    "typical_change": ("通常变化幅度", "Typical change", _SCORE),
    "periods": ("考核期数", "Periods", _COUNT),
    "min_payout_ratio": ("最低发放比例", "Lowest payout ratio", _SHARE),
    "mean_payout_ratio": ("平均发放比例", "Average payout ratio", _SHARE),
    "threshold": ("满额发放线", "Full-payout line", _SHARE),
}


def evidence_items(evidence: dict[str, float | int | str | None]) -> list[dict[str, Any]]:
    """Each piece of evidence as {key, label_zh, label_en, value, value_text}: a label and a plain number
    (percentages for shares, "< 0.1%" for tiny chances, never scientific notation)."""
    out = []
    for key, value in evidence.items():
        label_zh, label_en, kind = EVIDENCE_WORDS.get(key, ("其他依据", "Other evidence", _PLAIN))
        out.append(
            {
                "key": key,
                "label_zh": label_zh,
                "label_en": label_en,
                "value": value,
                "value_text": _value_text(value, kind),
            }
        )
    return out


def _value_text(value: float | int | str | None, kind: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, str):
        return value
    v = float(value)
    if kind == _COUNT:
        return f"{v:.0f}"
    if kind == _SHARE:
        return f"{v * 100:.0f}%"
    if kind == _CHANCE:
        return "< 0.1%" if v < 0.001 else f"{v * 100:.1f}%"
    if kind == _SCORE:
        return f"{v:.1f}"
    return f"{v:,.2f}".rstrip("0").rstrip(".") if abs(v) < 1e15 else f"{v:,.0f}"


def _day(d: Day) -> str | int:
    return d.isoformat() if isinstance(d, date) else d


def _finite(v: float | None) -> bool:
    return v is not None and not (isinstance(v, float) and math.isnan(v))


def warnings_from_bounds(
    values: Sequence[float | None],
    bounds: Sequence[float | None],
    *,
    days: Sequence[Day] | None = None,
    direction: Direction = Direction.HIGHER,
    min_consecutive: int = 3,
    indicator: str = "",
    subject: str = "",
    indicator_zh: str = "",
) -> list[EarlyWarning]:
    """Warnings for runs of >= min_consecutive days beyond the per-day bound (lower if higher-is-better).

    A run counts consecutive days WITH data; `indicator` names the KPI in English, `indicator_zh` in Chinese."""
    if len(values) != len(bounds):
        raise AnomalyInputError(f"{len(values)} values but {len(bounds)} bounds; give one bound per day")
    if days is not None and len(days) != len(values):
        raise AnomalyInputError(f"{len(values)} values but {len(days)} days")
    if min_consecutive < 1:
        raise AnomalyInputError("min_consecutive must be >= 1")
    labels: Sequence[Day] = days if days is not None else list(range(len(values)))
    breach = [
        _finite(v) and _finite(b) and ((v < b) if direction is Direction.HIGHER else (v > b))  # type: ignore[operator]
        for v, b in zip(values, bounds, strict=True)
    ]
    out: list[EarlyWarning] = []
    i = 0
    while i < len(breach):
        if not breach[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(breach) and breach[j + 1]:
            j += 1
        if j - i + 1 >= min_consecutive:
            ev = [DayEvidence(labels[t], float(values[t]), float(bounds[t])) for t in range(i, j + 1)]  # type: ignore[arg-type]
            names = (indicator, indicator_zh or indicator)
            out.append(_warning(ev, direction, names, subject, ongoing=j == len(breach) - 1))
        i = j + 1
    return out


def _span_days(ev: list[DayEvidence]) -> int | None:
    """Calendar days from the run's first to last day, when the days are dates."""
    first, last = ev[0].day, ev[-1].day
    if isinstance(first, date) and isinstance(last, date):
        return (last - first).days + 1
    return None


def _run_words(ev: list[DayEvidence]) -> tuple[str, str]:
    """'3 consecutive days' / '连续 3 天', or, when days without data lie inside the run, says so."""
    n, span = len(ev), _span_days(ev)
    when_en, when_zh = f"{_day(ev[0].day)} to {_day(ev[-1].day)}", f"{_day(ev[0].day)} 至 {_day(ev[-1].day)}"
    if span is None or span <= n:
        return f"for {n} consecutive days ({when_en})", f"连续 {n} 天（{when_zh}）"
    missing = span - n
    return (
        f"on {n} consecutive days with data ({when_en}; no data on {missing} of those {span} days)",
        f"连续 {n} 个有数据的日子（{when_zh}，这 {span} 天中有 {missing} 天没有数据）",
    )


def _warning(
    ev: list[DayEvidence], direction: Direction, names: tuple[str, str], subject: str, ongoing: bool
) -> EarlyWarning:
    gaps = [abs(e.value - e.bound) for e in ev]
    mean_gap = float(np.mean(gaps))
    low = direction is Direction.HIGHER
    code = "below_expected_range" if low else "above_expected_range"
    side_en, side_zh = ("below", "低于") if low else ("above", "高于")
    name_en, name_zh = names[0] or "indicator", names[1] or "该指标"
    still_en = " and is still outside it" if ongoing else ""
    still_zh = "，且目前仍未恢复" if ongoing else ""
    run_en, run_zh = _run_words(ev)
    en = (
        f"{name_en} was {side_en} its expected range {run_en}{still_en}, by {mean_gap:,.4g} on average; "
        "please review the cause."
    )
    zh = f"{name_zh}{run_zh}{side_zh}预期区间{still_zh}，平均偏离 {mean_gap:,.4g}；请复盘原因。"
    return EarlyWarning(
        code=code,
        subject=subject,
        indicator=names[0],
        start=ev[0].day,
        end=ev[-1].day,
        days=len(ev),
        ongoing=ongoing,
        mean_gap=mean_gap,
        evidence=ev,
        explanation_en=en,
        explanation_zh=zh,
    )


def history_bounds(
    values: Sequence[float | None],
    *,
    window: int = 28,
    k: float = 2.0,
    min_history: int = 7,
    direction: Direction = Direction.HIGHER,
) -> list[float | None]:
    """Per-day bound from the previous `window` days: median -/+ k robust SDs (None until min_history)."""
    if window < 2 or min_history < 2 or k <= 0:
        raise AnomalyInputError("need window >= 2, min_history >= 2 and k > 0")
    arr = np.array([v if _finite(v) else np.nan for v in values], dtype=float)
    out: list[float | None] = []
    for t in range(len(arr)):
        past = arr[max(0, t - window) : t]
        past = past[~np.isnan(past)]
        if len(past) < min_history:
            out.append(None)
            continue
        med = float(np.median(past))
        # 1.4826 x MAD estimates the standard deviation without being pulled by outliers; the 5%-of-median
        # floor keeps a perfectly flat history from flagging a trivial dip.
        spread = max(1.4826 * float(np.median(np.abs(past - med))), 0.05 * abs(med))
        out.append(med - k * spread if direction is Direction.HIGHER else med + k * spread)
    return out


def warnings_from_history(
    values: Sequence[float | None],
    *,
    days: Sequence[Day] | None = None,
    direction: Direction = Direction.HIGHER,
    window: int = 28,
    k: float = 2.0,
    min_history: int = 7,
    min_consecutive: int = 3,
    indicator: str = "",
    subject: str = "",
) -> list[EarlyWarning]:
    """Warnings for runs outside the range learned from the indicator's own previous days."""
    bounds = history_bounds(values, window=window, k=k, min_history=min_history, direction=direction)
    return warnings_from_bounds(
        values,
        bounds,
        days=days,
        direction=direction,
        min_consecutive=min_consecutive,
        indicator=indicator,
        subject=subject,
    )
