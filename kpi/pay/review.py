"""Second-review flags before money moves (DOMAIN.md §8, article 004 §2 and §5). Flags only; nothing changes.

- `department_high_outcome_low`: a department whose scores are (almost) all high while its business outcome
  is below target;
- `pool_full_payout`: a pool paid out (almost) in full in every recent period although results were below
  target in some of them ("bonus paid out in full whatever the results");
- `manager_divergence`: a manager whose ratings of their people sit far from the same people's self, peer and
  cross-department ratings (mean gap on the 1-5 scale, two-sided t-test across the people).
Every flag names the people whose scores it questions (`related`): an allocation depending on one waits.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from kpi.anomaly import AnomalyFlag

RATING_KINDS = ("self", "peer", "cross", "manager")


def _chance(p: float, lang: str) -> str:
    """A p value in words: how likely a gap this large is by chance (no scientific notation)."""
    if p < 0.001:
        return "不到千分之一" if lang == "zh" else "less than once in a thousand"
    return f"约为 {p:.1%}" if lang == "zh" else f"about {p:.1%} of the time"


def department_high_outcome_low(
    scores: dict[str, dict[str, float]],
    outcomes: dict[str, float | None],
    *,
    high: float = 100.0,
    share: float = 0.8,
    below: float = 95.0,
    min_size: int = 3,
) -> list[AnomalyFlag]:
    """Departments with >= `share` of people scoring >= `high` while the outcome index is below `below`."""
    everyone = [s for people in scores.values() for s in people.values()]
    company = sum(s >= high for s in everyone) / len(everyone) if everyone else 0.0
    flags = []
    for dept in sorted(scores):
        people = scores[dept]
        outcome = outcomes.get(dept)
        if len(people) < min_size or outcome is None:
            continue
        vals = list(people.values())
        frac = sum(v >= high for v in vals) / len(vals)
        if frac >= share and outcome < below:
            mean = sum(vals) / len(vals)
            flags.append(
                AnomalyFlag(
                    code="department_high_outcome_low",
                    subject=dept,
                    evidence={
                        "people": len(vals),
                        "share_high": round(frac, 4),
                        "high_threshold": high,
                        "mean_score": round(mean, 2),
                        "outcome": outcome,
                        "outcome_threshold": below,
                        "company_share_high": round(company, 4),
                    },
                    explanation_en=f"{frac:.0%} of {len(vals)} people in {dept} score {high:g} or more (mean "
                    f"{mean:.1f}; company {company:.0%}) while its business outcome is {outcome:.1f} "
                    f"(target 100). Please review the scores before paying.",
                    explanation_zh=f"{dept} 的 {len(vals)} 人中有 {frac:.0%} 得分不低于 {high:g}（平均 {mean:.1f}，"
                    f"全公司 {company:.0%}），而部门业绩只有 {outcome:.1f}（目标 100）。发放前请复核评分。",
                    related=sorted(people),
                )
            )
    return flags


@dataclass(frozen=True)
class PoolRecord:
    """One period's pool: amount, what was paid to people, and the company outcome (100 = target)."""

    period: str
    pool_fen: int
    paid_fen: int
    outcome: float | None


def pool_full_payout(
    history: list[PoolRecord],
    *,
    subject: str = "company",
    full: float = 0.98,
    min_periods: int = 3,
    below: float = 100.0,
    related: list[str] | None = None,
) -> list[AnomalyFlag]:
    """Flag when the last >= min_periods pools were all paid at >= `full` though some outcome was below target."""
    recent = [h for h in sorted(history, key=lambda h: h.period) if h.pool_fen > 0][-max(min_periods, 1) * 2 :]
    if len(recent) < min_periods:
        return []
    ratios = [h.paid_fen / h.pool_fen for h in recent]
    outcomes = [h.outcome for h in recent if h.outcome is not None]
    if min(ratios) < full or not outcomes or min(outcomes) >= below:
        return []
    weak = [h.period for h in recent if h.outcome is not None and h.outcome < below]
    return [
        AnomalyFlag(
            code="pool_full_payout",
            subject=subject,
            period=recent[-1].period,
            evidence={
                "periods": len(recent),
                "min_payout_ratio": round(min(ratios), 4),
                "mean_payout_ratio": round(sum(ratios) / len(ratios), 4),
                "threshold": full,
                "min_outcome": min(outcomes),
                "periods_below_target": ", ".join(weak),
            },
            explanation_en=f"The bonus pool was paid out at {min(ratios):.0%} or more in all {len(recent)} periods "
            f"although the business outcome was below target in {', '.join(weak)} (lowest {min(outcomes):.1f}): "
            "bonuses no longer follow results.",
            explanation_zh=f"奖金池在全部 {len(recent)} 个周期中发放比例均不低于 {min(ratios):.0%}，"
            f"而 {'、'.join(weak)} 的业绩低于目标（最低 {min(outcomes):.1f}）：奖金已与业绩脱钩。",
            related=list(related or []),
        )
    ]


@dataclass(frozen=True)
class Rating:
    """One rating (1-5) of a person: kind self/peer/cross/manager; `manager` names the ratee's manager."""

    ratee: str
    kind: str
    value: float
    manager: str | None


def t_pvalue(values: list[float], *, alternative: str = "two-sided") -> float:
    """One-sample t-test of mean 0, computed directly so (nearly) constant samples give a clean answer instead of
    scipy's precision warning: zero spread means p = 0 for a non-zero mean in the tested direction, else 1."""
    from scipy.stats import t as student

    n = len(values)
    if n < 2:
        return 1.0
    mean = sum(values) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    if sd <= 1e-12 * max(1.0, abs(mean)):
        hit = mean > 0 if alternative == "greater" else mean != 0
        return 0.0 if hit else 1.0
    stat = mean / (sd / math.sqrt(n))
    if alternative == "greater":
        return float(student.sf(stat, n - 1))
    return float(2 * student.sf(abs(stat), n - 1))


def _mean(xs: list[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None


def manager_divergence(
    ratings: list[Rating], *, min_gap: float = 0.75, min_people: int = 3, alpha: float = 0.05
) -> list[AnomalyFlag]:
    """Managers whose ratings differ from self, peer and cross-department ratings by >= min_gap on average."""
    by_person: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    manager_of: dict[str, str] = {}
    for r in ratings:
        by_person[r.ratee][r.kind].append(r.value)
        if r.manager:
            manager_of[r.ratee] = r.manager
    per_manager: dict[str, list[tuple[str, float, dict[str, float | None]]]] = defaultdict(list)
    for person, kinds in sorted(by_person.items()):
        mgr = manager_of.get(person)
        others = kinds["self"] + kinds["peer"] + kinds["cross"]
        if mgr is None or not kinds["manager"] or not others:
            continue
        means = {k: _mean(kinds[k]) for k in ("self", "peer", "cross")}
        known = [m for m in means.values() if m is not None]
        gap = sum(kinds["manager"]) / len(kinds["manager"]) - sum(known) / len(known)
        per_manager[mgr].append((person, gap, means))
    flags = []
    for mgr, rows in sorted(per_manager.items()):
        if len(rows) < min_people:
            continue
        gaps = [g for _, g, _ in rows]
        mean_gap = sum(gaps) / len(gaps)
        p = t_pvalue(gaps)
        if abs(mean_gap) < min_gap or not p < alpha:
            continue
        flags.append(_divergence_flag(mgr, rows, by_person, mean_gap, p))
    return flags


def _divergence_flag(
    mgr: str,
    rows: list[tuple[str, float, dict[str, float | None]]],
    by_person: dict[str, dict[str, list[float]]],
    mean_gap: float,
    p: float,
) -> AnomalyFlag:
    people = [person for person, _, _ in rows]

    def kind_mean(kind: str) -> float | None:
        vals = [v for person in people for v in by_person[person][kind]]
        return None if not vals else round(sum(vals) / len(vals), 3)

    direction_en, direction_zh = ("above", "高于") if mean_gap > 0 else ("below", "低于")
    return AnomalyFlag(
        code="manager_divergence",
        subject=mgr,
        evidence={
            "people": len(rows),
            "mean_gap": round(mean_gap, 3),
            "p_value": round(p, 6),
            "mean_manager_rating": kind_mean("manager"),
            "mean_self_rating": kind_mean("self"),
            "mean_peer_rating": kind_mean("peer"),
            "mean_cross_rating": kind_mean("cross"),
        },
        explanation_en=f"Manager {mgr} rates {len(rows)} people {abs(mean_gap):.2f} points {direction_en} their "
        f"self, peer and cross-department ratings on average (a gap this large arises by chance "
        f"{_chance(p, 'en')}). Please review their scores.",
        explanation_zh=f"经理 {mgr} 对 {len(rows)} 人的评分平均{direction_zh}其自评、同事和跨部门评分 "
        f"{abs(mean_gap):.2f} 分（偶然出现这么大差距的可能{_chance(p, 'zh')}）。请复核这些人的得分。",
        related=people,
    )
