"""Reports for a whole company in one pass (set-based loading), for the eval and bulk exports.

Produces the same facts as `coaching_plan.person_facts` for everyone whose latest ended period is the
company's latest ended period, with a handful of queries instead of a dozen per person.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.courses import TrainingCatalogue
from assistant.report import FeedbackReport, write_report
from assistant.report_facts import CUMULATIVE_CODES, IndicatorInfo, PaceFact, PersonFacts, WarningFact
from assistant.report_facts import build_facts as assemble_facts
from assistant.schemas import Lang
from assistant.training import Recommendation, recommend_training
from core.tables import Department, Employee, Period
from core.vocab import Direction
from workflows.coaching.alerts import detect, warning_fact
from workflows.coaching.data import Line, choose_periods, indicator_info, load_lines, next_period_targets, score_lines
from workflows.coaching.pace import pace_fact, pace_of, sales_shape
from workflows.coaching.plan import live_catalogue, team_position
from workflows.results.grades import final_scores, period_results


@dataclass(frozen=True)
class PersonReport:
    """Facts, report and training of one person."""

    employee_id: int
    facts: PersonFacts
    report: FeedbackReport
    training: list[Recommendation]


def company_facts(session: Session, today: date) -> dict[int, PersonFacts]:
    """Facts of every active employee for the company's latest ended period."""
    info = indicator_info(session)
    periods = list(session.execute(select(Period).where(Period.kind == "month").order_by(Period.start_date)).scalars())
    choice = choose_periods(periods, today)
    if choice.review is None:
        return {}
    emps = list(session.execute(select(Employee).where(Employee.active.is_(True))).scalars())
    depts = dict(session.execute(select(Department.id, Department.code)).all())
    ids = [choice.review.id, *[p.id for p in choice.previous]]
    lines = load_lines(session, ids + ([choice.current.id] if choice.current else []))
    scores = final_scores(
        session, choice.previous, {k: score_lines(v, info).total for k, v in lines.items() if k[1] in ids}
    )
    results = period_results(session, choice.review)
    cur = choice.current
    shape = sales_shape(session, cur) if cur else None
    warns: dict[int, list[WarningFact]] = defaultdict(list)
    for f in detect(session, today) if cur else []:
        warns[f.line.employee_id].append(warning_fact(f, info))
    following = next_period_targets(session, [e.id for e in emps], choice.review)
    out: dict[int, PersonFacts] = {}
    for e in emps:
        own = lines.get((e.id, choice.review.id))
        if not own or all(ln.latest is None for ln in own):  # nothing recorded: a plan, not a review
            continue
        team = team_position(results.get(e.id))
        pace = _pace(lines.get((e.id, cur.id), []) if cur else [], cur, info, shape)
        out[e.id] = assemble_facts(
            ref=e.code,
            department=depts[e.department_id],
            period=(choice.review.code, choice.review.name_zh, choice.review.name_en),
            breakdown=score_lines(own, info, person_id=e.code),
            info=info,
            blocks={ln.code: ln.block for ln in own},
            trend=[(p.code, scores[(e.id, p.id)]) for p in choice.previous if (e.id, p.id) in scores],
            team=team,
            current=(cur.code, cur.name_zh, cur.name_en) if cur else None,
            pace=pace,
            warnings=warns.get(e.id, []),
            next_targets=following.get(e.id),
        )
    return out


def _pace(
    lines: list[Line], period: Period | None, info: dict[str, IndicatorInfo], shape: list[float] | None
) -> list[PaceFact]:
    out = []
    for ln in lines:
        meta = info.get(ln.code)
        if period is None or meta is None or ln.latest is None or ln.target is None:
            continue
        p = pace_of(ln, period, Direction(meta.direction), shape if ln.code in CUMULATIVE_CODES else None)
        if p is None:
            continue
        out.append(pace_fact(ln, meta, p))
    return out


def company_reports(
    session: Session,
    lang: Lang,
    today: date,
    catalogue: TrainingCatalogue | None = None,
) -> list[PersonReport]:
    """Offline reports and training for everyone (see `company_facts`)."""
    catalogue = catalogue or live_catalogue(session)
    return [
        PersonReport(
            emp_id,
            f,
            write_report(f, lang, catalogue=catalogue),
            recommend_training(f, catalogue, lang),
        )
        for emp_id, f in sorted(company_facts(session, today).items())
    ]
