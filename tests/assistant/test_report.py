"""Feedback reports: grounded numbers, the requested language, guard rejections and the LLM fallback."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

import pytest
from pydantic import BaseModel

from assistant.guards import ungrounded_numbers
from assistant.llm import LLMResult
from assistant.numbers import plain_numbers
from assistant.report import check_report, write_report
from assistant.report_facts import PersonFacts, fact_numbers
from assistant.report_texts import ReportText
from assistant.schemas import CallRecord, Lang
from assistant.texts import detect_language
from kpi.scoring import KpiInput
from tests.assistant.report_helpers import designer_facts, facts_for, low_conversion_facts, ops_facts


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("make", [ops_facts, low_conversion_facts, designer_facts])
def test_offline_report_is_grounded_and_in_the_requested_language(make: Callable[[], PersonFacts], lang: Lang) -> None:
    facts = make()
    report = write_report(facts, lang)
    assert report.source == "offline"
    assert report.problems == []
    assert detect_language(report.text) == lang
    for _, sentence in report.sections.sentences():
        assert detect_language(sentence) == lang, sentence
    assert ungrounded_numbers(report.text, fact_numbers(facts)) == []
    assert report.sections.went_well and report.sections.to_improve and report.sections.next_steps


def test_report_states_the_computed_numbers_and_sections() -> None:
    facts = ops_facts()
    en = write_report(facts, "en").text
    conv = facts.kpi("conversion_rate")
    assert f"{conv.achievement_pct}% of target" in en  # 106.6%
    assert "What went well" in en and "What to improve" in en and "Next steps" in en
    assert "3 consecutive days (2026-11-24 to 2026-11-26" in en  # the warning becomes a next step
    assert "No result was reported for Sales (GMV)" in en
    assert "projected at 71.3% of target" in en
    zh = write_report(facts, "zh").text
    assert "做得好的地方" in zh and "需要改进的地方" in zh and "下一步行动" in zh
    assert f"达成 {facts.kpi('cross_dept_rating').achievement_pct}%" in zh


def test_weakest_kpi_comes_first_under_improve() -> None:
    facts = ops_facts()
    improve = write_report(facts, "en").sections.to_improve
    assert improve[0].startswith("Cross-department rating")  # 30 weight x 16.5% short loses the most


def test_guard_catches_invented_numbers_wrong_language_and_names() -> None:
    facts = ops_facts()
    good = write_report(facts, "en").sections
    invented = good.model_copy(update={"headline": good.headline + " You will earn a 5000 CNY bonus."})
    assert any("not in the computed facts" in p for p in check_report(invented, facts, "en"))
    chinese = good.model_copy(update={"went_well": ["转化率表现很好，继续保持。"]})
    assert any("language" in p for p in check_report(chinese, facts, "en"))
    named = good.model_copy(update={"headline": "Zhang Wei, " + good.headline})
    assert any("mentions" in p for p in check_report(named, facts, "en", forbidden=("Zhang Wei",)))


def test_numbers_in_facts_include_displayed_forms() -> None:
    facts = ops_facts()
    nums = fact_numbers(facts)
    assert 1234567.0 in nums and 106.6 in nums
    # 123.5 万元 is how the Chinese text shows 1,234,567 CNY
    assert ungrounded_numbers("123.5 万元", nums) == []
    assert plain_numbers("2026-11-24") == [2026, 11, 24]


T = TypeVar("T", bound=BaseModel)


class _StubProvider:
    """An in-process 'model' that answers with a fixed text and obeys the provider contract."""

    name = "stub"
    model = "stub"

    def __init__(self, answer: Callable[[ReportText], ReportText]) -> None:
        self.answer = answer

    def generate(
        self,
        prompt_id: str,
        variables: Mapping[str, str],
        schema: type[T],
        *,
        check: Callable[[T], list[str]],
        fallback: T,
    ) -> LLMResult[T]:
        assert prompt_id == "feedback_report" and set(variables) == {"reply_language", "facts", "draft"}
        assert "E9999" not in variables["facts"]  # the subject id never reaches the model
        assert isinstance(fallback, ReportText)
        value = self.answer(fallback)
        assert isinstance(value, schema)
        problems = check(value)
        record = CallRecord(prompt_id=prompt_id, prompt_version="1", model="stub")
        if problems:
            return LLMResult(value=fallback, record=record, fallback=True, problems=problems)
        return LLMResult(value=value, record=record)


def test_llm_answer_used_when_it_passes_the_guards() -> None:
    facts = ops_facts()
    reworded = _StubProvider(lambda d: d.model_copy(update={"went_well": ["Great work: " + d.went_well[0]]}))
    report = write_report(facts, "en", provider=reworded)
    assert report.source == "llm" and report.problems == []
    assert report.sections.went_well[0].startswith("Great work")


def test_llm_answer_with_invented_number_falls_back_to_offline() -> None:
    facts = ops_facts()
    inventing = _StubProvider(lambda d: d.model_copy(update={"headline": "Your score is 99.9 points."}))
    report = write_report(facts, "en", provider=inventing, forbidden=("Zhang Wei",))
    assert report.source == "fallback"
    assert any("not in the computed facts" in p for p in report.problems)
    assert report.sections == write_report(facts, "en").sections


def test_all_kpis_met_says_so() -> None:
    facts = facts_for([KpiInput("conversion_rate", 100, 3.0, 3.3)])
    report = write_report(facts, "en")
    assert report.sections.to_improve == [
        "Every KPI met its target; next, aim for the upper end of your target ranges."
    ]
    assert report.problems == []
