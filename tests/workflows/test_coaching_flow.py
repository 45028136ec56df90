"""Coaching on the demo company: grounded reports in both languages, planted and injected anomalies found,
alerts stored once, and the same numbers giving the same words whatever the name, gender or age."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from assistant.guards import ungrounded_numbers
from assistant.report_facts import fact_numbers
from assistant.schemas import Lang
from assistant.texts import detect_language
from core.db import session_factory
from core.tables import CoachingAlert, Employee, Indicator, KpiActual, KpiAssignment, Period
from demo.company import DemoCompany, generate_demo_company
from workflows.coaching import flows as coaching
from workflows.coaching.alerts import detect
from workflows.coaching.anomalies import anomaly_report


@pytest.fixture(scope="module")
def demo() -> DemoCompany:
    return generate_demo_company(7)


@pytest.fixture
def session(demo_url: str) -> Iterator[Session]:
    """A session whose changes are always rolled back (the shared demo database stays as loaded)."""
    s = session_factory(demo_url, False)()
    try:
        yield s
    finally:
        s.rollback()
        s.close()


def _emp(session: Session, code: str) -> Employee:
    return session.execute(select(Employee).where(Employee.code == code)).scalar_one()


LANGS: tuple[Lang, ...] = ("zh", "en")


def _planted(demo: DemoCompany, kind: str) -> dict[str, Any]:
    return next(a for a in demo.anomalies if a["kind"] == kind)


@pytest.mark.parametrize("lang", LANGS)
def test_demo_reports_are_grounded_and_in_language(session: Session, demo: DemoCompany, lang: Lang) -> None:
    codes = [e["code"] for e in demo.employees][::10] + [_planted(demo, "early_warning")["employee_code"]]
    for code in codes:
        plan = coaching.plan_for(session, _emp(session, code), lang=lang, today=demo.today)
        assert plan.report is not None and plan.facts is not None, code
        assert plan.report.problems == [], (code, plan.report.problems)
        assert detect_language(plan.report.text) == lang
        assert ungrounded_numbers(plan.report.text, fact_numbers(plan.facts)) == []
        assert plan.review_period is not None and plan.review_period.end_date < demo.today
        assert plan.kpis and all(k.target is not None for k in plan.kpis)


def test_planted_early_warning_is_stored_for_owner_and_manager(session: Session, demo: DemoCompany) -> None:
    planted = _planted(demo, "early_warning")
    owner = _emp(session, planted["employee_code"])
    alerts = session.execute(select(CoachingAlert).where(CoachingAlert.employee_id == owner.id)).scalars().all()
    match = [a for a in alerts if a.indicator_code == planted["indicator_code"]]
    assert match and match[0].manager_id == owner.manager_id and match[0].days >= 3
    assert match[0].end_date == planted["dates"][-1]
    plan = coaching.plan_for(session, owner, lang="en", today=demo.today)
    assert plan.facts is not None and plan.report is not None
    assert any(w.code == planted["indicator_code"] for w in plan.facts.warnings)
    assert plan.alerts and "consecutive days" in plan.report.text
    assert plan.training[0].kpi_code == planted["indicator_code"]


def test_alert_run_is_idempotent(session: Session, demo: DemoCompany) -> None:
    # Other tests may have changed actuals of the shared database since the demo load: sync first.
    coaching.run_alerts(session, actor=None, today=demo.today)
    before = session.execute(select(CoachingAlert.id)).scalars().all()
    assert before
    result = coaching.run_alerts(session, actor=None, today=demo.today)
    assert result.created == 0 and result.updated == 0
    assert session.execute(select(CoachingAlert.id)).scalars().all() == before


def test_injected_drop_gives_a_warning(session: Session, demo: DemoCompany) -> None:
    code = next(e["code"] for e in demo.employees if e["position_code"] == "cs_agent")
    emp = _emp(session, code)
    assert not [f for f in detect(session, demo.today, {emp.id}) if f.line.code == "resolution_rate"]
    current = session.execute(
        select(Period).where(Period.kind == "month", Period.start_date <= demo.today, Period.end_date >= demo.today)
    ).scalar_one()
    line = session.execute(
        select(KpiAssignment)
        .join(Indicator, Indicator.id == KpiAssignment.indicator_id)
        .where(
            KpiAssignment.employee_id == emp.id,
            KpiAssignment.period_id == current.id,
            Indicator.code == "resolution_rate",
        )
    ).scalar_one()
    last_days = [demo.today - timedelta(days=k) for k in (1, 2, 3)]
    assert line.target_low is not None
    session.execute(
        update(KpiActual)
        .where(KpiActual.assignment_id == line.id, KpiActual.as_of.in_(last_days))
        .values(value=0.5 * line.target_low)
    )
    session.flush()
    found = [f for f in detect(session, demo.today, {emp.id}) if f.line.code == "resolution_rate"]
    assert found and found[0].warning.days >= 3 and found[0].warning.ongoing


def test_planted_inflation_is_flagged_with_evidence(session: Session, demo: DemoCompany) -> None:
    planted = _planted(demo, "inflation")
    period = session.execute(select(Period).where(Period.code == planted["period_code"])).scalar_one()
    report = anomaly_report(session, period.id, today=demo.today)
    subjects = {(f["check"], f["subject"]) for f in report.flags}
    assert ("all_high", f"team:{planted['team_lead_code']}") in subjects
    # The shared demo database is also fuzzed by other tests, so the borderline second check may vary;
    # the fresh-database eval (`kpilot eval coaching`) shows all three.
    assert {
        ("team_jump", f"team:{planted['team_lead_code']}"),
        ("score_above_outcome", planted["department_code"]),
    } & subjects
    for f in report.flags:
        assert f["evidence"] and f["explanation_en"] and f["explanation_zh"] and f["period"] == period.code


def test_injected_inflation_is_flagged(session: Session, demo: DemoCompany) -> None:
    """Everyone under one warehouse team lead reports 125% of every target in an earlier month."""
    period = session.execute(
        select(Period).where(Period.kind == "month").order_by(Period.start_date).offset(12).limit(1)
    ).scalar_one()
    lead = next(e for e in demo.employees if e["position_code"] == "warehouse_team_lead")
    team = [_emp(session, lead["code"]).id] + [
        _emp(session, e["code"]).id for e in demo.employees if e["manager_code"] == lead["code"]
    ]
    clean = anomaly_report(session, period.id, today=demo.today).flags
    assert not [f for f in clean if f["subject"] == f"team:{lead['code']}"]
    for a in session.execute(
        select(KpiAssignment).where(KpiAssignment.period_id == period.id, KpiAssignment.employee_id.in_(team))
    ).scalars():
        indicator = session.get(Indicator, a.indicator_id)
        assert indicator is not None and a.target is not None
        value = a.target * 1.25 if indicator.direction == "higher" else a.target / 1.25
        session.execute(update(KpiActual).where(KpiActual.assignment_id == a.id).values(value=value))

    def flagged(check: str, flags: list[dict[str, Any]]) -> bool:
        return any(f["check"] == check and f["subject"] == f"team:{lead['code']}" for f in flags)

    session.flush()
    flags = anomaly_report(session, period.id, today=demo.today).flags
    assert flagged("all_high", flags) and flagged("team_jump", flags)
    assert any(f["check"] == "all_high" and f["subject"] == f"team:{lead['code']}" for f in flags)
    assert any(f["check"] == "team_jump" and f["subject"] == f"team:{lead['code']}" for f in flags)


def test_counterfactual_name_gender_age_do_not_change_scores_or_words(session: Session, demo: DemoCompany) -> None:
    code = next(e["code"] for e in demo.employees if e["position_code"] == "designer")
    emp = _emp(session, code)
    before = {lang: coaching.plan_for(session, emp, lang=lang, today=demo.today) for lang in LANGS}
    emp.name_zh, emp.name_en = "欧阳娜娜", "Ouyang Nana"
    emp.gender = "male" if emp.gender == "female" else "female"
    emp.birth_year = 1960 if (emp.birth_year or 2000) > 1980 else 2001
    session.flush()
    for lang in LANGS:
        after = coaching.plan_for(session, emp, lang=lang, today=demo.today)
        earlier = before[lang]
        assert after.score == earlier.score
        assert after.report is not None and earlier.report is not None
        assert after.report.text == earlier.report.text
        assert [r.model_dump() for r in after.training] == [r.model_dump() for r in before[lang].training]


def test_plan_without_ended_period_has_kpis_but_no_report(session: Session, demo: DemoCompany) -> None:
    emp = _emp(session, demo.employees[5]["code"])
    first = session.execute(select(Period).where(Period.kind == "month").order_by(Period.start_date)).scalars().first()
    assert first is not None
    plan = coaching.plan_for(session, emp, lang="en", today=first.start_date + timedelta(days=3))
    assert plan.report is None and plan.training == [] and plan.notes
    assert plan.current_period is not None and plan.kpis
    assert plan.current_period.start_date <= first.start_date + timedelta(days=3) <= plan.current_period.end_date


@pytest.mark.parametrize("lang", LANGS)
def test_a_period_without_actuals_is_a_plan_not_a_review(session: Session, demo: DemoCompany, lang: Lang) -> None:
    emp = _emp(session, demo.employees[20]["code"])
    before = coaching.plan_for(session, emp, lang=lang, today=demo.today)
    review = before.review_period
    assert review is not None and before.report is not None
    # The month just ended, nothing recorded yet (the usual state on the 1st): no score, no rank, no grade.
    ids = select(KpiAssignment.id).where(KpiAssignment.employee_id == emp.id, KpiAssignment.period_id == review.id)
    session.execute(delete(KpiActual).where(KpiActual.assignment_id.in_(ids)))
    session.flush()
    plan = coaching.plan_for(session, emp, lang=lang, today=demo.today)
    assert plan.report is None and plan.score is None and plan.facts is None
    due = " ".join(plan.notes)
    assert (review.name_zh if lang == "zh" else review.name_en) in due
    assert plan.current_period is not None and str(plan.current_period.end_date) in due
    assert ("暂不评分" if lang == "zh" else "no score yet") in due
    assert "总分" not in due and "排名" not in due


def test_next_steps_quote_the_target_assigned_for_the_next_period(session: Session, demo: DemoCompany) -> None:
    from assistant.numbers import plain_numbers

    for code in [e["code"] for e in demo.employees][::7]:
        emp = _emp(session, code)
        plan = coaching.plan_for(session, emp, lang="zh", today=demo.today)
        if plan.facts is None or plan.report is None:
            continue
        for k in plan.facts.kpis:
            steps = plan.report.sections.next_steps
            step = next((s for s in steps if s.startswith(f"{k.name_zh}：") and "下期目标" in s), None)
            if step is None:
                continue
            assigned = next((c.target for c in plan.kpis if c.code == k.code), None)
            assert k.next_target == assigned
            if assigned is None:
                assert "尚未下达" in step
            else:
                shown = plain_numbers(step.split("下期目标", 1)[1])
                assert any(
                    abs(v - assigned) <= 0.01 * abs(assigned) or abs(v * 1e4 - assigned) <= 0.01 * abs(assigned)
                    for v in shown
                ), (step, assigned)
            return
    pytest.fail("no report named a next-period target")
