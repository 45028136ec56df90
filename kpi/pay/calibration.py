"""Calibration: the company's grade distribution against the 20/50/30 guide (DOMAIN.md §5), team by team.

Each team is graded with `kpi.grading.grade_team`: teams of at least `small_team_size` people are force-ranked
20/50/30, smaller ones get absolute bands (the small-team rule), so a small team can sit above the guide. A
team sits above the guide when its share of "excellent" exceeds the guide by more than `tolerance`; the
reasons say by how much, its mean score against the company's, its business outcome and its open flags.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from kpi.grading import Grade, GradePolicy, grade_team

GRADES = (Grade.EXCELLENT, Grade.GOOD, Grade.NEEDS_IMPROVEMENT)


@dataclass
class TeamCalibration:
    """One team's grade counts and shares, the method used and, when above the guide, why."""

    team: str
    people: int
    counts: dict[str, int]
    shares: dict[str, float]
    method: str
    mean_score: float
    outcome: float | None
    above_guide: bool
    reasons_en: list[str] = field(default_factory=list)
    reasons_zh: list[str] = field(default_factory=list)


@dataclass
class Calibration:
    """Company-wide distribution, the guide, and every team."""

    guide: dict[str, float]
    people: int
    counts: dict[str, int]
    shares: dict[str, float]
    teams: list[TeamCalibration]
    grades: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        return asdict(self)


# The second-review flags (kpi/pay/review.py) by name, for the reasons a reader sees.
FLAG_NAMES = {
    "department_high_outcome_low": (
        "部门得分普遍偏高而业务结果未达标",
        "scores high while the business outcome is below target",
    ),
    "pool_full_payout": ("奖金池不论业绩几乎每期全额发放", "the pool paid out in full whatever the results"),
    "manager_divergence": (
        "经理评分明显偏离本人、同事和跨部门评分",
        "the manager's ratings sit far from self, peer and cross ratings",
    ),
}


def _shares(counts: dict[str, int], n: int) -> dict[str, float]:
    return {k: round(v / n, 4) if n else 0.0 for k, v in counts.items()}


def calibrate(
    teams: dict[str, dict[str, float]],
    *,
    outcomes: dict[str, float | None] | None = None,
    flags: dict[str, list[str]] | None = None,
    policy: GradePolicy | None = None,
    tolerance: float = 0.1,
    grades: Mapping[str, str] | None = None,
) -> Calibration:
    """Grade every team (small-team rule), sum up the company and explain the teams above the guide; `grades`
    (person -> grade), when given, are the period's grades already decided and replace the computed ones."""
    policy = policy or GradePolicy()
    guide = dict(zip((str(g) for g in GRADES), policy.distribution, strict=True))
    everyone = [s for people in teams.values() for s in people.values()]
    company_mean = sum(everyone) / len(everyone) if everyone else 0.0
    all_grades: dict[str, str] = {}
    rows = []
    for team in sorted(teams):
        people = teams[team]
        if not people:
            continue
        graded = grade_team(people, policy)
        given = {k: (grades or {}).get(k) or str(v) for k, v in graded.grades.items()}
        counts = {str(g): sum(1 for x in given.values() if x == str(g)) for g in GRADES}
        all_grades.update(given)
        n = len(people)
        shares = _shares(counts, n)
        mean = sum(people.values()) / n
        outcome = (outcomes or {}).get(team)
        row = TeamCalibration(
            team=team,
            people=n,
            counts=counts,
            shares=shares,
            method=str(graded.method_used),
            mean_score=round(mean, 2),
            outcome=outcome,
            above_guide=shares["excellent"] > guide["excellent"] + tolerance,
        )
        if row.above_guide:
            _explain(row, guide["excellent"], company_mean, policy, (flags or {}).get(team, []))
        rows.append(row)
    counts = {str(g): sum(r.counts[str(g)] for r in rows) for g in GRADES}
    n_all = sum(r.people for r in rows)
    return Calibration(guide, n_all, counts, _shares(counts, n_all), rows, all_grades)


def _explain(
    row: TeamCalibration, guide_exc: float, company_mean: float, policy: GradePolicy, flags: list[str]
) -> None:
    en, zh = row.reasons_en, row.reasons_zh
    exc = row.shares["excellent"]
    en.append(f"{exc:.0%} excellent against the {guide_exc:.0%} guide")
    zh.append(f"优秀占比 {exc:.0%}，参考比例 {guide_exc:.0%}")
    if row.method == "bands":
        en.append(f"team of {row.people} < {policy.small_team_size}: graded by absolute bands, not forced ranking")
        zh.append(f"团队 {row.people} 人，少于 {policy.small_team_size} 人：按绝对分数段评级，不强制分布")
    en.append(f"mean score {row.mean_score:.1f} against the company's {company_mean:.1f}")
    zh.append(f"平均分 {row.mean_score:.1f}，全公司 {company_mean:.1f}")
    if row.outcome is not None:
        state_en = "below" if row.outcome < 100 else "at or above"
        state_zh = "低于" if row.outcome < 100 else "达到或高于"
        en.append(f"business outcome {row.outcome:.1f}, {state_en} target (100)")
        zh.append(f"业务结果 {row.outcome:.1f}，{state_zh}目标（100）")
    for code in flags:
        flag_zh, flag_en = FLAG_NAMES.get(code, (code, code))
        en.append(f"open second-review flag: {flag_en}")
        zh.append(f"待二次复核：{flag_zh}")
