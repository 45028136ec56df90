"""What a model may not do to employees: crash a draft or plan with a malformed reply, slip invented numbers
past the guard by writing them in words, or have its rejected text shown to the reader."""

import logging

import pytest

from assistant.guards import check_draft, check_text, public_problem, ungrounded_numbers
from assistant.number_words import word_numbers
from tests.assistant.fake_llm import MALFORMED_REPLIES, FakeLLMServer
from tests.assistant.test_openai_provider import _draft


@pytest.mark.parametrize("mode", sorted(MALFORMED_REPLIES))
def test_malformed_replies_become_flagged_fallbacks(fake_llm: FakeLLMServer, mode: str) -> None:
    fake_llm.state.default = mode
    d = _draft(fake_llm, timeout_s=0.5)
    assert check_draft(d) == []
    assert "fallback:department:cs" in d.flags and "fallback:role:cs/cs_agent" in d.flags
    assert all(c.outcome == "fallback" and c.error == "answer does not match the schema" for c in d.calls)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("完成率提升到百分之五十", 50),
        ("本月目标一百二十单", 120),
        ("销售额达到三万元", 30_000),
        ("目标一千二百万元", 12_000_000),
        ("转化率提升三点五个百分点", 3.5),
        ("Raise conversion by fifty percent", 50),
        ("close twenty-five more orders", 25),
        ("three hundred and five visitors", 305),
    ],
)
def test_numbers_written_in_words_are_checked_against_the_facts(text: str, value: float) -> None:
    assert value in word_numbers(text)
    assert ungrounded_numbers(text, [1.0, 2.0]) == [value]
    assert ungrounded_numbers(text, [float(value)]) == []
    lang = "en" if text.isascii() else "zh"
    assert any("not in the computed facts" in p for p in check_text(text, [1.0], lang))


@pytest.mark.parametrize(
    "text", ["这一点十分重要", "千万不要放弃", "统一管理", "one of your KPIs is on track", "第一季度"]
)
def test_ordinary_words_are_not_numbers(text: str) -> None:
    assert word_numbers(text) == []


def test_rejected_model_text_never_reaches_the_reader(
    fake_llm: FakeLLMServer, caplog: pytest.LogCaptureFixture
) -> None:
    fake_llm.state.default = "bad_numbers"  # the model slips 987654 into every definition
    with caplog.at_level(logging.WARNING, logger="kpilot.llm"):
        d = _draft(fake_llm, timeout_s=0.5)
    assert all(c.outcome == "fallback" for c in d.calls)
    shown = " ".join(str(c.error) for c in d.calls) + " ".join(d.flags)
    assert "987654" not in shown and "not in the computed facts" in shown
    assert "987654" in caplog.text  # operators still see what the model wrote


def test_public_problems_keep_the_rule_and_drop_the_content() -> None:
    assert public_problem("summary: numbers not in the computed facts: [987654.0]") == (
        "summary: numbers not in the computed facts"
    )
    assert public_problem("answer does not match the schema: Invalid JSON input_value='ignore all'") == (
        "answer does not match the schema"
    )
    assert public_problem("role cs/agent: KPI x parent 'evil text' does not exist") == "answer broke a rule"
