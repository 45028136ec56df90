"""Pay eval (issue 16): a synthetic company with planted problems, run through the same `kpi.pay` rules the
service uses.

Planted: (1) inflation: one department scores ~115 on average while its business outcome is 82;
(2) a full pay-out: the last four pools were paid out at >= 99% though outcomes were 85-97;
(3) a manager whose ratings sit 1.5 points above their people's self, peer and cross-department ratings.
Graders: each planted problem is flagged with its evidence, and nothing else is flagged (false positives over
the other departments and managers); allocations of many random pools add up to the pool to the fen; every
line's trace recomputes its weight; swapping names and genders (and the order of the records) changes no
amount. Writes eval/results/pay_eval.{md,csv}.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from kpi.pay import (
    DepartmentInput,
    Person,
    PoolRecord,
    Rating,
    allocate,
    department_high_outcome_low,
    manager_divergence,
    pool_full_payout,
)

RESULTS_DIR = Path(__file__).resolve().parent / "results"
# department code, headcount, business outcome (100 = target)
DEPARTMENTS = (
    ("ops", 24, 104.0),
    ("design", 14, 82.0),
    ("cs", 30, 99.0),
    ("warehouse", 22, 101.0),
    ("ads", 10, 96.0),
    ("live", 16, 108.0),
)
INFLATED = "design"
DIVERGENT_MANAGER = "M-cs-1"
SURNAMES = ("王", "李", "张", "刘", "陈", "杨", "赵", "黄")
GIVEN = ("伟", "芳", "娜", "敏", "静", "磊", "洋", "艳")


@dataclass(frozen=True)
class Record:
    """A synthetic employee: what HR holds, including what must not matter (name, gender)."""

    id: str
    name: str
    gender: str
    department: str
    manager: str
    score: float
    key_class: str


@dataclass(frozen=True)
class Row:
    """One result line."""

    check: str
    passed: int
    total: int
    detail: str = ""


def company(seed: int) -> list[Record]:
    """The synthetic company: ~116 people in 6 departments, teams of up to 8 under a manager."""
    rng = random.Random(seed)
    out = []
    for code, n, _ in DEPARTMENTS:
        for i in range(n):
            score = rng.uniform(108, 120) if code == INFLATED else min(120.0, max(40.0, rng.gauss(92, 12)))
            out.append(
                Record(
                    id=f"{code}-{i:03d}",
                    name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                    gender=rng.choice(("female", "male")),
                    department=code,
                    manager=f"M-{code}-{i // 8}",
                    score=round(score, 2),
                    key_class=rng.choice(("A", "C", "C", "C")) if code in ("ops", "live", "ads") else "C",
                )
            )
    return out


def people(records: list[Record]) -> list[Person]:
    """What the allocation sees: id, department, score, key class and multiplier (never name or gender)."""
    mult = {"A": 1.25, "B": 1.1, "C": 1.0}
    return [Person(r.id, r.department, r.score, r.key_class, mult[r.key_class]) for r in records]


def departments() -> list[DepartmentInput]:
    """Departments with their outcomes."""
    return [DepartmentInput(code, outcome) for code, _, outcome in DEPARTMENTS]


def ratings(records: list[Record], seed: int) -> list[Rating]:
    """Self, peer, cross and manager ratings; one manager rates 1.5 points above everyone else's view."""
    rng = random.Random(seed + 1)
    out = []
    for r in records:
        true = rng.choice((3.0, 3.5, 4.0))
        for kind, k in (("self", 1), ("peer", 3), ("cross", 3)):
            out += [Rating(r.id, kind, min(5.0, max(1.0, true + rng.gauss(0, 0.4))), r.manager) for _ in range(k)]
        bump = 1.5 if r.manager == DIVERGENT_MANAGER else 0.0
        out.append(Rating(r.id, "manager", min(5.0, max(1.0, true + bump + rng.gauss(0, 0.4))), r.manager))
    return out


def history() -> list[PoolRecord]:
    """Four earlier pools paid out in full although outcomes were below target, then this one."""
    outcomes = (85.0, 92.0, 97.0, 88.0)
    return [PoolRecord(f"2026-0{m + 5}", 2_000_000_00, 2_000_000_00 - m * 100, o) for m, o in enumerate(outcomes)]


def fair_history() -> list[PoolRecord]:
    """A control: pay-outs that follow the outcomes (never flagged)."""
    outcomes = (85.0, 92.0, 97.0, 104.0)
    return [
        PoolRecord(f"2026-0{m + 5}", 2_000_000_00, int(2_000_000_00 * min(1.0, o / 100)), o)
        for m, o in enumerate(outcomes)
    ]


def _detection(records: list[Record], seed: int) -> list[Row]:
    by_dept: dict[str, dict[str, float]] = {}
    for r in records:
        by_dept.setdefault(r.department, {})[r.id] = r.score
    outcomes: dict[str, float | None] = {c: o for c, _, o in DEPARTMENTS}
    infl = department_high_outcome_low(by_dept, outcomes)
    full = pool_full_payout(history()) + pool_full_payout(fair_history(), subject="control pools")
    div = manager_divergence(ratings(records, seed))
    managers = {r.manager for r in records}
    rows = []
    for name, flags, planted, universe in (
        ("planted inflation flagged (department_high_outcome_low)", infl, INFLATED, len(DEPARTMENTS)),
        ("planted full pay-out flagged (pool_full_payout)", full, "company", 2),
        ("planted manager divergence flagged (manager_divergence)", div, DIVERGENT_MANAGER, len(managers)),
    ):
        hit = [f for f in flags if f.subject == planted]
        evidence = "; ".join(f"{k}={v}" for k, v in hit[0].evidence.items()) if hit else "not flagged"
        rows.append(Row(name, len(hit), 1, evidence))
        false = [f.subject for f in flags if f.subject != planted]
        rows.append(
            Row(
                f"  no false flag of this kind ({universe - 1} clean subjects)",
                universe - 1 - len(false),
                universe - 1,
                ", ".join(false) or "none",
            )
        )
    return rows


def _sums(seed: int, n_pools: int) -> Row:
    rng = random.Random(seed + 2)
    ok = 0
    for _ in range(n_pools):
        recs = company(rng.randrange(10**6))
        pool = rng.randrange(0, 10**9)
        result = allocate(pool, people(recs), departments())
        ok += result.total_fen() == pool and all(x.amount_fen >= 0 for x in result.lines)
    return Row("allocations add up to the pool to the fen (random pools and companies)", ok, n_pools)


def _trace(seed: int) -> Row:
    recs = company(seed)
    result = allocate(123_456_789, people(recs), departments())
    ok = 0
    for line in result.lines:
        t = line.trace
        weight = t["score"] / 100 * t["grade_multiplier"] * t["key_multiplier"]
        ok += abs(weight - t["person_weight"]) < 1e-6 and abs(t["exact_fen"] - line.amount_fen) <= 1
    return Row(
        "every line traces to its inputs (weight recomputed, within 1 fen of its exact share)", ok, len(result.lines)
    )


def _counterfactual(seed: int) -> list[Row]:
    recs = company(seed)
    base = {x.person: x.amount_fen for x in allocate(98_765_432, people(recs), departments()).lines}
    rng = random.Random(seed + 3)
    names, genders = [r.name for r in recs], [r.gender for r in recs]
    rng.shuffle(names)
    swapped = [
        replace(r, name=n, gender="male" if r.gender == "female" else "female")
        for r, n in zip(recs, names, strict=True)
    ]
    shuffled = swapped[:]
    rng.shuffle(shuffled)
    after = {x.person: x.amount_fen for x in allocate(98_765_432, people(shuffled), departments()).lines}
    same = sum(base[k] == after.get(k) for k in base)
    del genders
    return [Row("counterfactual: names swapped, genders flipped, records reordered -> same amount", same, len(base))]


def run_pay_eval(*, seed: int = 7, pools: int = 200) -> tuple[list[Row], dict[str, Any]]:
    """All graders; also a summary of one allocation for the table."""
    recs = company(seed)
    rows = _detection(recs, seed) + [_sums(seed, pools), _trace(seed)] + _counterfactual(seed)
    result = allocate(100_000_000, people(recs), departments())
    summary = {
        "people": len(recs),
        "pool_fen": result.pool_fen,
        "payable_fen": result.payable_fen,
        "retained_fen": result.retained_fen,
        "company_outcome": round(result.company_outcome or 0, 2),
        "departments": {d.code: d.pot_fen for d in result.departments},
    }
    return rows, summary


def write_results(rows: list[Row], summary: dict[str, Any], out_dir: Path = RESULTS_DIR) -> str:
    """Write eval/results/pay_eval.{md,csv}; return the markdown."""
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = ["# Pay eval (synthetic company, seed 7)", "", "| check | passed | total | detail |", "|---|---|---|---|"]
    lines += [f"| {r.check} | {r.passed} | {r.total} | {r.detail} |" for r in rows]
    lines += [
        "",
        f"One pool of {summary['pool_fen']} fen over {summary['people']} people: company outcome "
        f"{summary['company_outcome']}, payable {summary['payable_fen']} fen, retained {summary['retained_fen']} fen.",
        "",
        "| department | pot (fen) |",
        "|---|---|",
    ]
    lines += [f"| {k} | {v} |" for k, v in summary["departments"].items()]
    text = "\n".join(lines) + "\n"
    (out_dir / "pay_eval.md").write_text(text, encoding="utf-8")
    with (out_dir / "pay_eval.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["check", "passed", "total", "detail"])
        w.writerows([r.check.strip(), r.passed, r.total, r.detail] for r in rows)
    return text
