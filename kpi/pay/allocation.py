"""Bonus pools to departments and people by contribution (article 004: not by salary ratio), in whole fen.

The documented formula (FORMULA_EN / FORMULA_ZH, stored with every allocation):
1. payable = pool x payout, payout = clamp(company outcome / 100, min_payout, 1): a company below its targets
   does not pay the whole pool; the rest is retained. The company outcome is the headcount-weighted mean of the
   departments' business outcomes (index, 100 = target).
2. department weight = base x performance x outcome x key, where
   base = headcount (or the salary base when HR chooses it), performance = clamp(mean score / 100, 0.5, 1.2),
   outcome = clamp(department outcome / 100, 0.5, 1.2) (1 when unknown), key = mean bonus multiplier of the
   department's people (key positions earn more, `kpi.pay.positions`). Department pots split `payable` by weight.
3. person weight = score / 100 x grade multiplier x key multiplier; grades per department with the small-team
   rule (`kpi.grading.grade_team`): excellent earns extra (x1.3), needs improvement gets a coaching plan instead
   of a bonus (x0). A department pot splits by person weight; a pot nobody can receive is retained.
Every split uses `split_fen` (largest remainder), so lines + retained = pool exactly, and every line keeps the
numbers it came from (`trace`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from kpi.grading import Grade, GradePolicy, grade_team
from kpi.pay.errors import InvalidPayInputError
from kpi.pay.money import exact_share, split_fen

FORMULA_EN = (
    "Payable = pool × the company's outcome / 100, kept between the minimum payout share and 100%. "
    "A department's weight = its base (headcount or salary base) × its mean score / 100 (kept between 0.5 and 1.2) "
    "× its outcome / 100 (kept between 0.5 and 1.2) × its mean key-position multiplier. "
    "A person's weight = score / 100 × grade multiplier × key-position multiplier. "
    "Amounts are split to the fen so that they add up exactly (largest remainders first); what is left is retained."
)
FORMULA_ZH = (
    "可发放 = 奖金池 × 公司业绩/100（不低于最低发放比例，不高于 100%）；"
    "部门权重 = 基数（人数或薪资基数）× 平均分/100（限 0.5 至 1.2）× 业绩/100（限 0.5 至 1.2）× 平均关键岗位系数；"
    "个人权重 = 得分/100 × 等级系数 × 关键岗位系数；"
    "金额精确到分并保证合计不差一分（余数大的先得），余额留存"
)


@dataclass(frozen=True)
class Person:
    """A person in the pool: stable id, department, score (total points, 100 = on target), key class/multiplier."""

    id: str
    department: str
    score: float
    key_class: str = "C"
    key_multiplier: float = 1.0
    grade: str | None = None  # the period's one grade when the caller has it; else graded here (small-team rule)


@dataclass(frozen=True)
class DepartmentInput:
    """A department's business outcome (index, 100 = target) and optional salary base in fen."""

    code: str
    outcome: float | None = None
    salary_base_fen: int | None = None


@dataclass(frozen=True)
class AllocationPolicy:
    """Knobs of the formula; the defaults are the documented ones."""

    base: str = "headcount"  # headcount | salary
    min_payout: float = 0.5
    perf_clamp: tuple[float, float] = (0.5, 1.2)
    outcome_clamp: tuple[float, float] = (0.5, 1.2)
    grade_multipliers: dict[str, float] = field(
        default_factory=lambda: {"excellent": 1.3, "good": 1.0, "needs_improvement": 0.0}
    )
    grades: GradePolicy = field(default_factory=GradePolicy)


@dataclass
class Line:
    """One person's amount and everything it was computed from."""

    person: str
    department: str
    amount_fen: int
    grade: str
    coaching_plan: bool
    trace: dict[str, Any]


@dataclass
class DepartmentShare:
    """One department's pot and the inputs of its weight."""

    code: str
    headcount: int
    base: float
    mean_score: float
    performance: float
    outcome: float | None
    outcome_factor: float
    key_factor: float
    weight: float
    pot_fen: int
    paid_fen: int
    retained_fen: int
    grade_method: str
    grade_notes: list[str]


@dataclass
class Allocation:
    """The proposed split of a pool: lines + retained = pool, to the fen."""

    pool_fen: int
    payout: float
    company_outcome: float | None
    payable_fen: int
    retained_fen: int
    departments: list[DepartmentShare]
    lines: list[Line]
    formula_en: str = FORMULA_EN
    formula_zh: str = FORMULA_ZH

    def total_fen(self) -> int:
        """Lines plus retained: always the pool."""
        return sum(x.amount_fen for x in self.lines) + self.retained_fen

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        return asdict(self)


def _clamp(x: float, lo_hi: tuple[float, float]) -> float:
    return min(max(x, lo_hi[0]), lo_hi[1])


def _check(pool_fen: int, people: list[Person], policy: AllocationPolicy) -> None:
    if pool_fen < 0:
        raise InvalidPayInputError(f"the pool must not be negative, got {pool_fen} fen")
    if policy.base not in ("headcount", "salary"):
        raise InvalidPayInputError(f"base must be 'headcount' or 'salary', got {policy.base!r}")
    if not 0 <= policy.min_payout <= 1:
        raise InvalidPayInputError("min_payout must be between 0 and 1")
    ids = [p.id for p in people]
    if len(set(ids)) != len(ids):
        raise InvalidPayInputError("a person appears twice in the pool")
    for p in people:
        if not 0 <= p.score <= 1000 or p.key_multiplier < 0:
            raise InvalidPayInputError(f"person {p.id}: score {p.score} or multiplier {p.key_multiplier} out of range")


def company_outcome(people: list[Person], depts: dict[str, DepartmentInput]) -> float | None:
    """Headcount-weighted mean of the known department outcomes (None when none is known)."""
    heads: dict[str, int] = defaultdict(int)
    for p in people:
        heads[p.department] += 1
    known = [(heads[c], d.outcome) for c, d in depts.items() if d.outcome is not None and heads[c] > 0]
    n = sum(h for h, _ in known)
    return None if n == 0 else sum(h * o for h, o in known if o is not None) / n


def allocate(
    pool_fen: int,
    people: list[Person],
    departments: list[DepartmentInput],
    policy: AllocationPolicy | None = None,
) -> Allocation:
    """Split `pool_fen` over departments and people by the documented contribution formula."""
    policy = policy or AllocationPolicy()
    _check(pool_fen, people, policy)
    depts = {d.code: d for d in departments}
    people = sorted(people, key=lambda p: p.id)  # order by stable id only: names never matter
    by_dept: dict[str, list[Person]] = defaultdict(list)
    for p in people:
        by_dept[p.department].append(p)
    outcome = company_outcome(people, depts)
    payout = 1.0 if outcome is None else _clamp(outcome / 100, (policy.min_payout, 1.0))
    payable = split_fen(pool_fen, {"payable": payout, "rest": 1 - payout})["payable"] if payout < 1 else pool_fen
    codes = sorted(by_dept)
    graded = [_department(c, by_dept[c], depts.get(c, DepartmentInput(c)), policy) for c in codes]
    shares = [s for s, _ in graded]
    grades = {s.code: g for s, g in graded}
    weights = {s.code: s.weight for s in shares}
    pots = split_fen(payable, weights)
    lines: list[Line] = []
    for s in shares:
        s.pot_fen = pots[s.code]
        dept_lines = _people(s, by_dept[s.code], grades[s.code], policy, (payable, weights))
        s.paid_fen = sum(x.amount_fen for x in dept_lines)
        s.retained_fen = s.pot_fen - s.paid_fen
        lines += dept_lines
    retained = pool_fen - sum(x.amount_fen for x in lines)
    return Allocation(pool_fen, payout, outcome, payable, retained, shares, lines)


def _department(
    code: str, members: list[Person], dept: DepartmentInput, policy: AllocationPolicy
) -> tuple[DepartmentShare, dict[str, str]]:
    """A department's weight inputs and its people's grades (small-team rule)."""
    scores = {p.id: p.score for p in members}
    graded = grade_team(scores, policy.grades)
    grades = {p.id: p.grade or str(graded.grades[p.id]) for p in members}
    mean = sum(scores.values()) / len(scores)
    if policy.base == "salary":
        if dept.salary_base_fen is None or dept.salary_base_fen < 0:
            raise InvalidPayInputError(f"department {code}: base 'salary' needs its salary base in fen")
        base = float(dept.salary_base_fen)
    else:
        base = float(len(members))
    perf = _clamp(mean / 100, policy.perf_clamp)
    out_f = 1.0 if dept.outcome is None else _clamp(dept.outcome / 100, policy.outcome_clamp)
    key = sum(p.key_multiplier for p in members) / len(members)
    share = DepartmentShare(
        code=code,
        headcount=len(members),
        base=base,
        mean_score=round(mean, 4),
        performance=round(perf, 6),
        outcome=dept.outcome,
        outcome_factor=round(out_f, 6),
        key_factor=round(key, 6),
        weight=round(base * perf * out_f * key, 9),
        pot_fen=0,
        paid_fen=0,
        retained_fen=0,
        grade_method=str(graded.method_used),
        grade_notes=list(graded.notes),
    )
    return share, grades


def _people(
    s: DepartmentShare,
    members: list[Person],
    grades: dict[str, str],
    policy: AllocationPolicy,
    split: tuple[int, dict[str, float]],
) -> list[Line]:
    """A department pot split over its people by score, grade and key multiplier."""
    payable, dept_weights = split
    gm = policy.grade_multipliers
    weights = {p.id: max(p.score, 0.0) / 100 * gm.get(grades[p.id], 1.0) * p.key_multiplier for p in members}
    amounts = split_fen(s.pot_fen, weights)
    out = []
    for p in members:
        out.append(
            Line(
                person=p.id,
                department=p.department,
                amount_fen=amounts[p.id],
                grade=grades[p.id],
                coaching_plan=grades[p.id] == Grade.NEEDS_IMPROVEMENT,
                trace={
                    "score": p.score,
                    "grade": grades[p.id],
                    "grade_multiplier": gm.get(grades[p.id], 1.0),
                    "key_class": p.key_class,
                    "key_multiplier": p.key_multiplier,
                    "person_weight": round(weights[p.id], 9),
                    "department_weight": s.weight,
                    "department_pot_fen": s.pot_fen,
                    "department_pot_exact_fen": round(exact_share(payable, dept_weights, s.code), 4),
                    "exact_fen": round(exact_share(s.pot_fen, weights, p.id), 4),
                    "rounding_fen": round(amounts[p.id] - exact_share(s.pot_fen, weights, p.id), 4),
                },
            )
        )
    return out
