"""Training recommendations: the catalogue itself, the weak KPI -> skill -> course mapping, catalogue-only."""

from __future__ import annotations

from assistant.catalogue import indicator_map
from assistant.courses import load_training_catalogue
from assistant.training import recommend_training
from kpi.scoring import KpiInput
from tests.assistant.report_helpers import designer_facts, facts_for, low_conversion_facts, ops_facts


def test_catalogue_is_bilingual_and_consistent() -> None:
    cat = load_training_catalogue()
    assert len(cat.courses) >= 30
    kpis = set(indicator_map())
    for c in cat.courses:
        assert c.title_zh and c.title_en and c.title_zh != c.title_en
        assert c.skills and set(c.skills) <= set(cat.skills)
        assert set(c.kpi_codes) <= kpis, c.code
        assert c.duration_hours > 0
    assert set(cat.kpi_skills) <= kpis
    for skill in cat.skills.values():
        assert not any(ch.isdigit() for ch in skill.action_en + skill.action_zh)  # actions carry no numbers


def test_poor_collaboration_gets_a_communication_course() -> None:
    recs = recommend_training(ops_facts(), load_training_catalogue(), "en")
    collab = [r for r in recs if r.kpi_code == "cross_dept_rating"]
    assert collab and "communication" in collab[0].skills
    assert "83.5% of target (71 against 85)" in collab[0].reason


def test_low_conversion_gets_an_operations_strategy_course() -> None:
    recs = recommend_training(low_conversion_facts(), load_training_catalogue(), "zh")
    assert recs[0].kpi_code == "conversion_rate"
    assert "operations_strategy" in recs[0].skills
    assert "达成 78.1%（实际 2.5%，目标 3.2%）" in recs[0].reason


def test_designers_get_ai_design_tools_even_when_on_target() -> None:
    recs = recommend_training(designer_facts(), load_training_catalogue(), "en")
    assert [r for r in recs if "ai_design_tools" in r.skills]
    assert all(r.reason for r in recs)


def test_warned_kpi_comes_first_with_the_warning_in_the_reason() -> None:
    recs = recommend_training(ops_facts(), load_training_catalogue(), "en")
    assert recs[0].kpi_code == "conversion_rate"
    assert "3 consecutive days" in recs[0].reason


def test_only_catalogue_courses_are_recommended() -> None:
    cat = load_training_catalogue()
    small = cat.with_courses([c for c in cat.courses if c.code in {"COM-101", "GEN-401"}])
    for facts in (ops_facts(), low_conversion_facts(), designer_facts()):
        for lang in ("zh", "en"):
            assert {r.code for r in recommend_training(facts, small, lang)} <= {"COM-101", "GEN-401"}
    assert recommend_training(ops_facts(), cat.with_courses([]), "en") == []


def test_inactive_and_other_department_courses_are_skipped() -> None:
    cat = load_training_catalogue()
    no_ops = cat.with_courses([c.model_copy(update={"active": c.code != "OPS-202"}) for c in cat.courses])
    codes = {r.code for r in recommend_training(low_conversion_facts(), no_ops, "en")}
    assert "OPS-202" not in codes
    cs_person = facts_for([KpiInput("conversion_rate", 100, 3.2, 2.0)], department="cs")
    for r in recommend_training(cs_person, cat, "en"):
        course = next(c for c in cat.courses if c.code == r.code)
        assert course.open_to("cs")
