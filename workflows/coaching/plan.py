"""An employee's plan: facts first (score, trend, team position, pace, warnings), then report and training.

The facts carry no name, gender or age, so the same numbers always give the same scores and words.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.courses import Course, TrainingCatalogue, load_training_catalogue
from assistant.llm import LLMProvider
from assistant.report import with_check_ins, write_report
from assistant.report_facts import CUMULATIVE_CODES, IndicatorInfo, PaceFact, PersonFacts, TeamPosition, WarningFact
from assistant.report_facts import build_facts as assemble_facts
from assistant.report_texts import value_text
from assistant.schemas import Lang
from assistant.training import recommend_training
from core.tables import Course as CourseRow
from core.tables import Employee, Period
from core.vocab import Direction
from kpi.pace import PaceResult
from kpi.scoring import ScoreBreakdown
from workflows.coaching.alerts import alerts_of, detect, warning_fact
from workflows.coaching.checkin_facts import latest_check_ins
from workflows.coaching.data import (
    Line,
    PeriodChoice,
    department_code,
    indicator_info,
    load_lines,
    next_period_targets,
    score_lines,
)
from workflows.coaching.pace import forecasts_of, pace_fact, pace_of, progress, sales_shape
from workflows.coaching.plan_pace import forecast_out, measured_of, straight_out
from workflows.coaching.schemas import AlertPublic, PaceOut, PeriodRef, PlanKpi, PlanPublic
from workflows.results.grades import Result, final_scores, result_of
from workflows.results.schemas import ResultPublic
from workflows.shared import common


def live_catalogue(session: Session) -> TrainingCatalogue:
    """The shipped skill maps with the courses HR keeps in the `course` table."""
    rows = session.execute(select(CourseRow).order_by(CourseRow.code)).scalars()
    # Validating the row's attributes also checks its `format` string against the CourseFormat literal.
    courses = [Course.model_validate(r, from_attributes=True) for r in rows]
    return load_training_catalogue().with_courses(courses)


def team_position(result: Result | None) -> TeamPosition | None:
    """The report's view of a person's one result for the period (workflows.results)."""
    if result is None:
        return None
    return TeamPosition(
        rank=result.rank,
        size=result.team_size,
        team_mean=round(result.team_mean, 1),
        grade=result.grade,
        grade_method=result.method,
        score=result.score if result.review_item_id is not None else None,
        calibrated=result.calibration_id is not None,
    )


def _names(period: Period) -> tuple[str, str, str]:
    return (period.code, period.name_zh, period.name_en)


def _current(
    session: Session,
    emp: Employee,
    current: Period | None,
    info: dict[str, IndicatorInfo],
    today: date,
) -> tuple[list[Line], list[PaceFact], list[WarningFact], dict[int, PaceResult]]:
    if current is None:
        return [], [], [], {}
    lines = load_lines(session, [current.id], [emp.id]).get((emp.id, current.id), [])
    shape = sales_shape(session, current) if any(ln.code in CUMULATIVE_CODES for ln in lines) else None
    paces: dict[int, PaceResult] = {}
    facts: list[PaceFact] = []
    ahead = forecasts_of(session, [ln.assignment_id for ln in lines])
    for ln in lines:
        meta = info.get(ln.code)
        p = pace_of(ln, current, Direction(meta.direction), shape) if meta else None
        if p is None or meta is None or ln.latest is None or ln.target is None:
            continue
        paces[ln.assignment_id] = p
        facts.append(pace_fact(ln, meta, p, ahead.get(ln.assignment_id)))
    # The running period's warnings and, early in a period, those of the final days of the one just ended.
    warns = [warning_fact(f, info) for f in detect(session, today, {emp.id})]
    return lines, facts, warns, paces


def person_facts(
    session: Session,
    emp: Employee,
    choice: PeriodChoice,
    today: date,
    info: dict[str, IndicatorInfo] | None = None,
) -> tuple[PersonFacts | None, ScoreBreakdown | None, list[Line], dict[int, PaceResult], Result | None]:
    """The facts of one person (None when no period has been reviewed yet), the breakdown, running lines and
    the reviewed period's one result (workflows.results)."""
    info = info if info is not None else indicator_info(session)
    lines, pace, warns, paces = _current(session, emp, choice.current, info, today)
    review = choice.review
    if review is None:
        return None, None, lines, paces, None
    own = load_lines(session, [review.id, *[p.id for p in choice.previous]], [emp.id])
    if not any(ln.latest is not None for ln in own.get((emp.id, review.id), [])):
        return None, None, lines, paces, None  # nothing recorded yet: a plan, not a review (see `due_notes`)
    result = result_of(session, review, emp.id)
    breakdown = score_lines(own.get((emp.id, review.id), []), info, person_id=emp.code)
    past = {
        (emp.id, p.id): score_lines(own[(emp.id, p.id)], info).total for p in choice.previous if (emp.id, p.id) in own
    }
    final = final_scores(session, choice.previous, past)  # a second review's score, as on every other page
    trend = [(p.code, final[(emp.id, p.id)]) for p in choice.previous if (emp.id, p.id) in final]
    blocks = {ln.code: ln.block for ln in own.get((emp.id, review.id), [])}
    facts = assemble_facts(
        ref=emp.code,
        department=department_code(session, emp.department_id),
        period=_names(review),
        breakdown=breakdown,
        info=info,
        blocks=blocks,
        trend=trend,
        team=team_position(result),
        current=_names(choice.current) if choice.current is not None else None,
        pace=pace,
        warnings=warns,
        next_targets=next_period_targets(session, [emp.id], review).get(emp.id),
    )
    return facts, breakdown, lines, paces, result


def build_plan(
    session: Session,
    emp: Employee,
    choice: PeriodChoice,
    *,
    lang: Lang,
    today: date,
    provider: LLMProvider | None = None,
) -> PlanPublic:
    """The employee's plan: running KPIs with progress, score breakdown, report, training and alerts."""
    info = indicator_info(session)
    facts, breakdown, lines, paces, result = person_facts(session, emp, choice, today, info)
    ids = [ln.assignment_id for ln in lines]
    ahead, measured = forecasts_of(session, ids), measured_of(session, ids, lang)
    kpis = []
    for ln in lines:
        meta = info.get(ln.code)
        direction = Direction(meta.direction) if meta else Direction.HIGHER
        p = paces.get(ln.assignment_id)
        f = ahead.get(ln.assignment_id)
        if f is not None and meta is not None and choice.current is not None:
            pace: PaceOut | None = forecast_out(f, ln, meta, choice.current, lang)
        else:
            pace = straight_out(p, lang)
        kpis.append(
            PlanKpi(
                assignment_id=ln.assignment_id,
                code=ln.code,
                name=(meta.name_zh if lang == "zh" else meta.name_en) if meta else ln.code,
                unit=meta.unit if meta else "",
                direction=str(direction),
                block=ln.block,
                weight=ln.weight,
                target=ln.target,
                target_low=ln.target_low,
                target_high=ln.target_high,
                actual=ln.latest[1] if ln.latest else None,
                as_of=ln.latest[0] if ln.latest else None,
                progress_pct=progress(ln, direction),
                pace=pace,
                measured=measured.get(ln.assignment_id),
            )
        )
    training = None
    notes: list[str] = []
    if facts is not None:
        training = recommend_training(facts, live_catalogue(session), lang)
    else:
        notes += due_notes(session, emp, choice, lines, info, lang)
    alerts = alerts_of(session, emp.id, choice.current.id if choice.current else None)
    report = None
    if facts is not None:
        if provider is not None:
            common.release_connection(session)  # a model may take many seconds: nobody waits for this connection
        report = write_report(facts, lang, provider=provider, forbidden=(emp.name_zh, emp.name_en))
        shown = [x.id for x in (choice.current, choice.review) if x is not None]
        report = with_check_ins(report, latest_check_ins(session, emp.id, shown))  # 过程跟踪, quoted as written
    return PlanPublic(
        employee_id=emp.id,
        language=lang,
        current_period=PeriodRef.model_validate(choice.current) if choice.current else None,
        kpis=kpis,
        review_period=PeriodRef.model_validate(choice.review) if choice.review else None,
        score=breakdown.to_dict() if breakdown is not None else None,
        result=ResultPublic.model_validate(asdict(result)) if result is not None else None,
        facts=facts,
        report=report,
        training=training or [],
        alerts=[AlertPublic.model_validate(a) for a in alerts],
        notes=notes,
    )


def due_notes(
    session: Session,
    emp: Employee,
    choice: PeriodChoice,
    lines: list[Line],
    info: dict[str, IndicatorInfo],
    lang: str,
) -> list[str]:
    """What a person without a reviewable period is told instead of a score: what is due, and by when."""

    def name(code: str) -> str:
        meta = info.get(code)
        return (meta.name_zh if lang == "zh" else meta.name_en) if meta else code

    notes = []
    review = choice.review
    if review is None:
        notes.append(
            "还没有已结束的考核期：首次考核后才有评分、反馈报告和培训建议。"
            if lang == "zh"
            else "No ended period with KPIs yet: the score, report and training follow the first review."
        )
    else:
        missing = [name(ln.code) for ls in load_lines(session, [review.id], [emp.id]).values() for ln in ls]
        period = review.name_zh if lang == "zh" else review.name_en
        notes.append(
            f"{period}还没有录入实际值（{'、'.join(missing)}），所以暂不评分；请尽快补录。"
            if lang == "zh"
            else f"No actuals are recorded for {period} yet ({', '.join(missing)}), so there is no score yet; "
            "please record them."
        )
    current = choice.current
    if current is not None:
        for ln in lines:
            meta = info.get(ln.code)
            target = value_text(ln.target, meta.unit if meta else "", lang)
            notes.append(
                f"{current.name_zh}：{name(ln.code)}目标 {target}，{current.end_date} 前完成。"
                if lang == "zh"
                else f"{current.name_en}: {name(ln.code)} target {target}, due by {current.end_date}."
            )
    return notes
