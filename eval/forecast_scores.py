"""The Rossmann benchmark's scores: one model's record, the daily goal, the markdown table and the memory it took."""

from __future__ import annotations

import resource
from dataclasses import dataclass


@dataclass
class ModelScore:
    """One row of the benchmark table."""

    model: str
    daily_mase: float
    daily_cover: float
    total_error: float
    total_cover: float
    cpu_per_store: float


def peak_memory_gb() -> float:
    """Peak resident memory of this process and its finished children, in GB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) / 1024**2


def daily_goal(s: ModelScore) -> bool:
    """The daily goal: MASE <= 0.28, 77-83% of days and 70-90% of 42-day totals inside the 80% interval,
    total error <= 3%."""
    return (
        s.daily_mase <= 0.28
        and 0.77 <= s.daily_cover <= 0.83
        and s.total_error <= 0.03
        and 0.70 <= s.total_cover <= 0.90
    )


def format_table(
    scores: list[ModelScore],
    n_stores: int,
    windows: int,
    h: int,
    wall: float,
    held: tuple[ModelScore, str] | None = None,
) -> str:
    """The markdown table written to eval/results/."""
    lines = [
        f"Rossmann rolling-origin backtest: {n_stores} stores, {windows} windows of {h} days ending 2015-06-19",
        "",
        "| tool | daily MASE | daily 80% cover | total abs. error | total 80% cover | CPU s per store |",
        "|---|---|---|---|---|---|",
    ]
    for s in scores:
        lines.append(
            f"| {s.model} | {s.daily_mase:.3f} | {s.daily_cover:.1%} | {s.total_error:.1%} | "
            f"{s.total_cover:.1%} | {s.cpu_per_store:.3f} |"
        )
    if held is not None:
        s = held[0]
        lines.append(
            f"| **{s.model}** | {s.daily_mase:.3f} | {s.daily_cover:.1%} | {s.total_error:.1%} | "
            f"{s.total_cover:.1%} | {s.cpu_per_store:.3f} |"
        )
    goal = "daily goal (MASE <= 0.28, 77-83% day cover, total error <= 3%, 70-90% total cover)"
    lines += ["", f"{goal} on the backtests: {'met' if daily_goal(scores[-1]) else 'NOT met'}."]
    if held is not None:
        lines += [
            f"{goal} on the held-out period: {'met' if daily_goal(held[0]) else 'NOT met'}.",
            f"Held out: `AutoForecaster(horizon={h}).fit` (the per-series choice `kpilot forecast` makes) {held[1]}.",
            "The model calibrated itself on its own 3 backtest windows before the cut and never saw the scored days.",
        ]
    lines += [
        "",
        f"wall time {wall:.0f} s; peak memory {peak_memory_gb():.2f} GB; 2 cores.",
        "",
        "Each window's model is fitted on the history before it and calibrated on the 3 windows before that",
        "(so CPU s per store covers 6 fits of every model). Regressors: Promo, StateHoliday, SchoolHoliday and",
        "from store.csv StoreType, Assortment, CompetitionDistance, CompOpenMonths, Promo2Active. MASE scale:",
        "the store's mean |y_t - y_{t-7}| over pairs of open days before the window; errors over open days.",
        "Totals: the p50 and 80% interval of the 42-day sum of joint sample paths, never sums of daily bounds.",
    ]
    return "\n".join(lines) + "\n"
