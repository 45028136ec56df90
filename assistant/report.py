"""Feedback reports: facts first, then words (offline templates, or a configured LLM behind the same guards).

`write_report(facts, lang)` returns the report sections, the rendered text and which engine wrote it. A
model's answer is accepted only when every sentence passes the guards (numbers grounded in the facts,
the requested language, no data delimiters, no name); otherwise the offline text is used and flagged.
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, Field

from assistant.courses import TrainingCatalogue, load_training_catalogue
from assistant.guards import check_text
from assistant.llm import LLMProvider
from assistant.report_checkins import CheckInFact, check_in_lines, render_section
from assistant.report_facts import PersonFacts, fact_numbers
from assistant.report_texts import ReportText, offline_text, render

PROMPT_ID = "feedback_report"
Lang = Literal["zh", "en"]


class FeedbackReport(BaseModel):
    """A checked feedback report."""

    language: Lang
    sections: ReportText
    text: str
    source: Literal["offline", "llm", "fallback"]
    problems: list[str] = Field(default_factory=list, description="Why a model answer was rejected, if it was.")
    check_ins: list[str] = Field(
        default_factory=list, description="The latest check-in of each KPI, quoted (never written by a model)."
    )


def check_report(text: ReportText, facts: PersonFacts, lang: str, *, forbidden: tuple[str, ...] = ()) -> list[str]:
    """Guard problems of a report text: ungrounded numbers, wrong language, delimiters, forbidden words."""
    nums = fact_numbers(facts)
    problems: list[str] = []
    for where, sentence in text.sentences():
        problems += check_text(sentence, nums, lang, where=where)
        problems += [f"{where}: mentions {word!r}" for word in forbidden if word and word in sentence]
    return problems


def _prompt_variables(facts: PersonFacts, draft: ReportText, lang: str) -> dict[str, str]:
    payload = facts.model_dump(exclude={"ref"})
    return {
        "reply_language": "Chinese (简体中文)" if lang == "zh" else "English",
        "facts": json.dumps(payload, ensure_ascii=False, sort_keys=True),
        "draft": json.dumps(draft.model_dump(), ensure_ascii=False),
    }


def write_report(
    facts: PersonFacts,
    lang: Lang,
    *,
    provider: LLMProvider | None = None,
    catalogue: TrainingCatalogue | None = None,
    forbidden: tuple[str, ...] = (),
) -> FeedbackReport:
    """The feedback report of one person in `lang`; offline unless a real provider is given."""
    catalogue = catalogue or load_training_catalogue()
    draft = offline_text(facts, lang, catalogue)
    if provider is None or provider.name == "offline":
        return FeedbackReport(
            language=lang,
            sections=draft,
            text=render(draft, lang),
            source="offline",
            problems=check_report(draft, facts, lang),
        )
    result = provider.generate(
        PROMPT_ID,
        _prompt_variables(facts, draft, lang),
        ReportText,
        check=lambda t: check_report(t, facts, lang, forbidden=forbidden),
        fallback=draft,
    )
    source: Literal["llm", "fallback"] = "fallback" if result.fallback else "llm"
    return FeedbackReport(
        language=lang,
        sections=result.value,
        text=render(result.value, lang),
        source=source,
        problems=list(result.problems),
    )


def with_check_ins(report: FeedbackReport, facts: list[CheckInFact]) -> FeedbackReport:
    """The report with its check-ins section (过程跟踪) after the written parts; unchanged without check-ins."""
    lines = check_in_lines(facts, report.language)
    if not lines:
        return report
    text = report.text.rstrip("\n") + "\n\n" + render_section(lines, report.language)
    return report.model_copy(update={"check_ins": lines, "text": text})
