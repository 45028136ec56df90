"""Review-cycle eval (issue 29): the demo company through a whole cycle of last month, day by day in Shanghai,
with simulated behaviour (most self-assess and review on time, some never do, a few appeal, the rest stay
silent), on a fresh SQLite file through the service's own use cases and housekeeping.

Reports the day each stage began and how long it lasted, the reminders housekeeping would send (one per person
and day at most), answers and appeals, and that nothing locked changed afterwards: late edits of actuals and
targets are refused and a week of housekeeping leaves every stored result, actual and target as it was.
Writes eval/results/cycle_eval.{md,csv}.
"""

from __future__ import annotations

import random
import tempfile
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import Clock, parse_pin, zone
from core.db import session_scope
from core.errors import Conflict
from core.migrate import upgrade
from core.security import Caller
from core.tables import (
    CycleAppeal,
    CycleItem,
    KpiActual,
    KpiAssignment,
    Period,
    PeriodResult,
    ReviewCycleRow,
    ReviewItem,
    User,
)
from demo.load import load_demo_company
from workflows.cycles import decide, items, stages
from workflows.cycles.cockpit import reminder_messages
from workflows.cycles.schemas import AppealCreate, AppealDecision, CycleCreate, ManagerReview, SelfAssessment, SelfEntry
from workflows.goals.assignments import record_actual, update_assignment
from workflows.goals.calendar import keep_calendar
from workflows.goals.schemas import ActualCreate, AssignmentUpdate
from workflows.pay import reviews
from workflows.pay.schemas import ReviewDecision

RESULTS_DIR = Path(__file__).resolve().parent / "results"
TZ = zone("Asia/Shanghai")
START = date(2026, 11, 1)
DATES = {
    "self_assessment_on": START,
    "manager_review_on": date(2026, 11, 8),
    "calibration_on": date(2026, 11, 15),
    "publish_on": date(2026, 11, 18),
    "appeal_until": date(2026, 11, 24),
    "lock_on": date(2026, 11, 27),
}
END = date(2026, 12, 4)  # a week of housekeeping after the lock


def _clock(day: date) -> Clock:
    return Clock(tz=TZ, pinned=parse_pin(day.isoformat(), TZ))


def _as(user: User, role: str, employee_id: int) -> Caller:
    """The simulated person acting (their own employee id; the run's HR login stands for the session)."""
    return Caller(user_id=user.id, username=f"sim-{employee_id}", role=role, employee_id=employee_id)


def _plan(rng: random.Random, items_: list[CycleItem]) -> dict[date, list[tuple[str, int]]]:
    """Who does what on which day: self-assessments, reviews and answers (the rest never act)."""
    plan: dict[date, list[tuple[str, int]]] = {}
    for it in items_:
        if rng.random() < 0.8:
            plan.setdefault(START + timedelta(days=rng.randrange(7)), []).append(("self", it.id))
        if rng.random() < 0.85:
            plan.setdefault(DATES["manager_review_on"] + timedelta(days=rng.randrange(7)), []).append(("review", it.id))
        roll = rng.random()
        day = DATES["publish_on"] + timedelta(days=rng.randrange(6))
        if roll < 0.6:
            plan.setdefault(day, []).append(("confirm", it.id))
        elif roll < 0.68:
            plan.setdefault(day, []).append(("appeal", it.id))
    return plan


def _act(s: Session, hr: User, cycle_id: int, what: str, item_id: int) -> bool:
    """One simulated action; False when the stage had closed for it (too late)."""
    cycle = s.get(ReviewCycleRow, cycle_id)
    it = s.get(CycleItem, item_id)
    assert cycle is not None and it is not None
    me = _as(hr, "employee", it.employee_id)
    tag = f'"{it.version}"'
    kpis = list(
        s.execute(
            select(KpiAssignment.id).where(
                KpiAssignment.period_id == it.period_id, KpiAssignment.employee_id == it.employee_id
            )
        ).scalars()
    )
    try:
        with s.begin_nested():
            if what == "self":
                body = SelfAssessment(entries=[SelfEntry(assignment_id=k, comment="按计划推进") for k in kpis])
                items.self_assess(s, me, cycle, it, body, tag)
            elif what == "review" and it.reviewer_id is not None:
                reviewer = _as(hr, "manager", it.reviewer_id)
                items.manager_review(s, reviewer, cycle, it, ManagerReview(overall_comment="表现稳定"), tag)
            elif what == "confirm":
                items.confirm(s, me, cycle, it, tag)
            elif what == "appeal" and kpis:
                items.appeal(s, me, cycle, it, AppealCreate(assignment_ids=kpis[:1], reason="口径有误"), tag)
    except Conflict:
        return False
    return True


def _hr_work(s: Session, hr: Caller, cycle_id: int, day: date, rng: random.Random) -> dict[str, int]:
    """HR's part: decide the second reviews at calibration, publish with a reason, decide appeals in two days."""
    done = Counter[str]()
    cycle = s.get(ReviewCycleRow, cycle_id)
    assert cycle is not None
    if cycle.stage == "calibration" and day >= DATES["calibration_on"] + timedelta(days=1):
        for rid in stages.blocking_reviews(s, cycle):
            item = s.get(ReviewItem, rid)
            if item is not None and reviews.may_review(s, hr, item):
                reviews.decide(s, hr, rid, ReviewDecision(decision="confirm", reason="复核无误"), f'"{item.version}"')
                done["second_reviews"] += 1
    if cycle.stage == "calibration" and day >= DATES["publish_on"] and not stages.blocking_reviews(s, cycle):
        stages.move(s, hr, cycle, "published", cycle.version, "部分主管未评价，按计算结果发布", True)
        done["forced_publish"] += 1
    for a in s.execute(
        select(CycleAppeal).where(CycleAppeal.cycle_id == cycle_id, CycleAppeal.status == "open")
    ).scalars():
        if a.created_at is not None and (day - DATES["publish_on"]).days >= 2 and a.employee_id != hr.employee_id:
            change = rng.random() < 0.5
            body = AppealDecision(
                decision="change" if change else "uphold", reason="已核实", grade="good" if change else None
            )
            decide.decide_appeal(s, hr, a.id, body, f'"{a.version}"')
            done["appeals_changed" if change else "appeals_upheld"] += 1
    return done


def _snapshot(s: Session, period_id: int) -> dict[str, Any]:
    results = {
        r.employee_id: (r.score, r.grade, r.rank)
        for r in s.execute(select(PeriodResult).where(PeriodResult.period_id == period_id)).scalars()
    }
    kpis = {
        a.id: (a.weight, a.target, a.target_low, a.target_high)
        for a in s.execute(select(KpiAssignment).where(KpiAssignment.period_id == period_id)).scalars()
    }
    actuals = {
        (x.assignment_id, x.as_of): x.value
        for x in s.execute(select(KpiActual).where(KpiActual.assignment_id.in_(list(kpis)))).scalars()
    }
    return {"results": results, "kpis": kpis, "actuals": actuals}


def _late_edits(s: Session, hr: User, period: Period, rng: random.Random, n: int = 20) -> tuple[int, int]:
    """Try to change actuals and targets of the locked period as each KPI's manager; (refused, tried)."""
    rows = list(
        s.execute(
            select(KpiAssignment).where(
                KpiAssignment.period_id == period.id,
                KpiAssignment.employee_id.is_not(None),
                KpiAssignment.employee_id != hr.employee_id,
            )
        ).scalars()
    )
    refused = 0
    mgr = _as(hr, "hr", hr.employee_id or 0)
    late = ActualCreate(as_of=period.end_date - timedelta(days=1), value=1.0)
    for a in rng.sample(rows, min(n, len(rows))):
        for kind in ("actual", "weight"):
            try:
                with s.begin_nested():
                    if kind == "actual":
                        record_actual(s, mgr, a.id, late)
                    else:  # refused before it would commit
                        update_assignment(s, mgr, a.id, AssignmentUpdate(weight=1.0), f'"{a.version}"')
            except Conflict:
                refused += 1
    return refused, 2 * min(n, len(rows))


def run_cycle_eval(*, seed: int = 7, n_employees: int = 150) -> tuple[list[list[Any]], dict[str, Any]]:
    """Run the simulated cycle; rows of the stage table and a summary."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'cycle.db'}"
        upgrade(url)
        load_demo_company(url, seed=seed, clock=_clock(START), n_employees=n_employees)
        with session_scope(url, clock=_clock(START)) as s:
            hr_user = s.execute(select(User).where(User.username == "hr")).scalar_one()
            hr = Caller(user_id=hr_user.id, username="hr", role="hr", employee_id=hr_user.employee_id)
            period = s.execute(select(Period).where(Period.code == "2026-10")).scalar_one()
            cycle = stages.open_cycle(s, hr, CycleCreate.model_validate({"period_id": period.id, **DATES}))
            cycle_id, period_id = cycle.id, period.id
            plan = _plan(rng, list(s.execute(select(CycleItem).where(CycleItem.cycle_id == cycle_id)).scalars()))
        began = {"self_assessment": START}
        reminders: Counter[str] = Counter()
        actions: Counter[str] = Counter()
        hr_done: Counter[str] = Counter()
        snap: dict[str, Any] | None = None
        day = START
        while day <= END:
            with session_scope(url, clock=_clock(day)) as s:
                stages.advance(s, day)
                hr_done.update(_hr_work(s, hr, cycle_id, day, rng))
                for what, item_id in plan.get(day, []):
                    actions[f"{what}:{'ok' if _act(s, hr_user, cycle_id, what, item_id) else 'late'}"] += 1
                stages.advance(s, day)
                keys = [k for k, _, _ in reminder_messages(s, day)]
                assert len(keys) == len(set(keys)), "a person got two reminders on one day"
                reminders[day.isoformat()] = len(keys)
                stage = s.get(ReviewCycleRow, cycle_id).stage  # type: ignore[union-attr]
                began.setdefault(stage, day)
                if stage == "locked" and snap is None:
                    snap = _snapshot(s, period_id)
                    refused, tried = _late_edits(s, hr_user, s.get(Period, period_id), rng)  # type: ignore[arg-type]
                    actions["late_edit_refused"], actions["late_edit_tried"] = refused, tried
                if stage == "locked":
                    keep_calendar(s, day)  # housekeeping's other work (stored results of ended months) runs too
            day += timedelta(days=1)
        with session_scope(url, write=False) as s:
            after = _snapshot(s, period_id)
            answers = Counter(
                i.answer or "none" for i in s.execute(select(CycleItem).where(CycleItem.cycle_id == cycle_id)).scalars()
            )
            people = sum(answers.values())
    order = ["self_assessment", "manager_review", "calibration", "published", "locked"]
    rows = []
    for i, st in enumerate(order):
        start = began.get(st)
        nxt = began.get(order[i + 1]) if i + 1 < len(order) else None
        planned = DATES[
            {
                "self_assessment": "self_assessment_on",
                "manager_review": "manager_review_on",
                "calibration": "calibration_on",
                "published": "publish_on",
                "locked": "lock_on",
            }[st]
        ]
        in_stage = sum(
            v
            for k, v in reminders.items()
            if start and start.isoformat() <= k < (nxt or END + timedelta(1)).isoformat()
        )
        rows.append(
            [
                st,
                planned.isoformat(),
                start.isoformat() if start else "-",
                (nxt - start).days if start and nxt else "-",
                in_stage,
            ]
        )
    unchanged = snap is not None and snap == after
    summary = {
        "people": people,
        "answers": dict(answers),
        "actions": dict(actions),
        "hr": dict(hr_done),
        "reminders": sum(reminders.values()),
        "locked_unchanged": unchanged,
        "seed": seed,
    }
    return rows, summary
