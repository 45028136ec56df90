"""The check-ins section of the feedback report: deterministic zh/en sentences, newest week first, at most six;
a report without check-ins is unchanged."""

from datetime import date

from assistant.report import FeedbackReport, with_check_ins
from assistant.report_checkins import MAX_CHECK_INS, CheckInFact, check_in_line
from assistant.report_texts import ReportText


def _fact(day: int, comment: str = "", blocker: str = "") -> CheckInFact:
    return CheckInFact(
        name_zh="新品计划完成率", name_en="New product plan", period_zh="2026年11月", period_en="November 2026",
        week_start=date(2026, 11, day), note="上线  两款\n新品", confidence=4, blocker=blocker, manager_comment=comment,
    )  # fmt: skip


def _report(lang: str) -> FeedbackReport:
    text = ReportText(headline="h", went_well=[], to_improve=[], next_steps=[])
    return FeedbackReport(language=lang, sections=text, text="h\n", source="offline")  # type: ignore[arg-type]


def test_lines_in_both_languages() -> None:
    assert check_in_line(_fact(16, "素材我来协调", "等设计"), "zh") == (
        "新品计划完成率（2026年11月，2026-11-16 这一周）：上线 两款 新品；信心 4/5；"
        "阻碍：等设计；经理点评：素材我来协调。"
    )
    assert check_in_line(_fact(9), "en") == (
        "New product plan (November 2026, week of 2026-11-09): 上线 两款 新品; confidence 4/5; "
        "no comment from the manager yet."
    )


def test_section_order_limit_and_no_change_without_check_ins() -> None:
    assert with_check_ins(_report("zh"), []) == _report("zh")
    facts = [_fact(d) for d in (2, 9, 16, 23, 3, 10, 17, 24)]
    out = with_check_ins(_report("en"), facts)
    assert len(out.check_ins) == MAX_CHECK_INS
    assert "week of 2026-11-24" in out.check_ins[0] and "week of 2026-11-09" in out.check_ins[-1]
    assert out.text.startswith("h\n\nCheck-ins (the latest weekly check-in of each KPI):\n- New product plan")
    assert with_check_ins(_report("zh"), facts[:1]).text.endswith("经理尚未点评。\n")
