"""The words of a forecast-based pace, Chinese first: "按预测，本季度 GMV 达成目标的概率约 22%；需要在剩余 38 天里
日均多卖 4.1 万元". Numbers come from the stored projection; the text only formats them."""

from __future__ import annotations

from assistant.report_texts import value_text
from core.tables import PaceForecast

CAVEATS = {
    "short_history": ("历史数据不足一年，区间已放宽", "less than a year of sales history: the range is widened"),
    "new_shop": ("含新店，数据太少，不给出概率", "a new shop with too little data: no probability is given"),
    "missing_days": ("本期有缺失的日期，区间已放宽", "days are missing in this period: the range is widened"),
}


def extra_per_day(p: PaceForecast, target: float | None, cumulative: bool) -> float | None:
    """How much more than the forecast each remaining day must bring to reach the target (sums only)."""
    if not cumulative or target is None or p.days_left <= 0 or p.projected >= target:
        return None
    return (target - p.projected) / p.days_left


def caveat_text(p: PaceForecast, lang: str) -> str:
    """The thin-data caveats of a projection, joined."""
    words = [CAVEATS[c][0 if lang == "zh" else 1] for c in p.caveats if c in CAVEATS]
    return ("；" if lang == "zh" else "; ").join(words)


def pace_sentence(
    p: PaceForecast, *, name: str, period: str, unit: str, target: float | None, cumulative: bool, lang: str
) -> str:
    """One sentence: the probability (or why there is none), the projected range and what each day needs."""
    proj, lo, hi = (value_text(v, unit, lang) for v in (p.projected, p.low, p.high))
    extra = extra_per_day(p, target, cumulative)
    pct = None if p.p_target is None else round(100 * p.p_target)
    caveat = caveat_text(p, lang)
    if lang == "zh":
        head = (
            f"按预测，{period}{name}达成目标的概率约 {pct}%"
            if pct is not None
            else f"按预测，{period}{name}暂无法给出达成概率"
        )
        text = f"{head}；预计期末 {proj}（80% 区间 {lo}–{hi}）"
        if extra is not None:
            text += f"；需要在剩余 {p.days_left} 天里日均多卖 {value_text(extra, unit, lang)}"
        elif p.days_left > 0:
            text += f"；剩余 {p.days_left} 天"
        return text + (f"（{caveat}）" if caveat else "") + "。"
    head = (
        f"By the forecast, {name} for {period} has about a {pct}% chance of reaching its target"
        if pct is not None
        else f"By the forecast, no probability can be given yet for {name} in {period}"
    )
    text = f"{head}; projected end {proj} (80% range {lo} to {hi})"
    if extra is not None:
        text += (
            f"; it needs {value_text(extra, unit, lang)} more per day than forecast over the {p.days_left} days left"
        )
    elif p.days_left > 0:
        text += f"; {p.days_left} days left"
    return text + (f" ({caveat})" if caveat else "") + "."
