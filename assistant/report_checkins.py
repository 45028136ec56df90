"""The check-ins section of a feedback report (过程跟踪): the latest weekly check-in of each KPI, with the person's
note, confidence and blocker and the manager's comment, in zh or en. Deterministic, and never sent to a model:
the notes are the person's own words, quoted as data, and their numbers are not report facts."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

MAX_CHECK_INS = 6
TITLES = {"zh": "过程跟踪（每个指标最近一次的每周进展）", "en": "Check-ins (the latest weekly check-in of each KPI)"}


class CheckInFact(BaseModel):
    """One KPI's latest check-in as the report quotes it."""

    name_zh: str
    name_en: str
    period_zh: str
    period_en: str
    week_start: date
    note: str
    confidence: int = Field(ge=1, le=5)
    blocker: str = ""
    manager_comment: str = ""


def _clip(text: str, limit: int = 200) -> str:
    one = " ".join(text.split())
    return one if len(one) <= limit else one[: limit - 1] + "…"


def check_in_line(c: CheckInFact, lang: str) -> str:
    """One sentence: KPI (period, week): note; confidence n/5; blocker; the manager's comment."""
    week, note = c.week_start.isoformat(), _clip(c.note)
    if lang == "zh":
        text = f"{c.name_zh}（{c.period_zh}，{week} 这一周）：{note}；信心 {c.confidence}/5"
        if c.blocker:
            text += f"；阻碍：{_clip(c.blocker)}"
        text += f"；经理点评：{_clip(c.manager_comment)}" if c.manager_comment else "；经理尚未点评"
        return text + "。"
    text = f"{c.name_en} ({c.period_en}, week of {week}): {note}; confidence {c.confidence}/5"
    if c.blocker:
        text += f"; blocker: {_clip(c.blocker)}"
    no_comment = "; no comment from the manager yet"
    text += f"; manager's comment: {_clip(c.manager_comment)}" if c.manager_comment else no_comment
    return text + "."


def check_in_lines(facts: list[CheckInFact], lang: str) -> list[str]:
    """The section's lines, newest week first (at most MAX_CHECK_INS)."""
    ordered = sorted(facts, key=lambda c: (c.week_start, c.name_en), reverse=True)
    return [check_in_line(c, lang) for c in ordered[:MAX_CHECK_INS]]


def render_section(lines: list[str], lang: str) -> str:
    """The section as plain text under its title ('' without check-ins)."""
    if not lines:
        return ""
    title = TITLES["zh" if lang == "zh" else "en"]
    head = f"{title}：" if lang == "zh" else f"{title}:"
    return "\n".join([head, *[f"- {s}" for s in lines]]) + "\n"
