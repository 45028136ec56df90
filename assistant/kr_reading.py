"""How kpilot reads one key result as its writer types it: the indicator, the target and its comparison, the
deadline and the department that will carry it, the way a goal draft will read it (same parser, same owner rule),
so HR sees "销售额(GMV) ≥ 3,000 万元，6月20日 · 运营" before any draft is made."""

from __future__ import annotations

from pydantic import BaseModel

from assistant.cascade import owner_of
from assistant.catalogue import indicator_map, load_departments
from assistant.okr_input import parse_okr_text
from assistant.targets import kr_target
from assistant.texts import target_text


class KrReading(BaseModel):
    """One KR as kpilot reads it."""

    indicator_code: str | None
    indicator_name: str
    needs_indicator: bool
    target: float | None
    change_pct: float | None
    change_pp: float | None
    unit: str | None
    direction: str
    deadline: str | None
    department: str
    department_name: str
    text: str


def read_kr(title: str, lang: str, departments: list[str] | None = None) -> KrReading:
    """The reading of KR `title` in `lang` ("zh"/"en"); `departments`: the company's department codes (default:
    every catalogue department)."""
    company, _ = parse_okr_text(f"O1: -\nKR1: {title}")
    kr = company.all_krs()[0]
    depts = departments or [d.code for d in load_departments()]
    owner = owner_of(kr, depts, [])
    ind = indicator_map().get(kr.metric or "")
    name = ind.name(lang) if ind is not None else kr.metric_name
    dept_names = {d.code: d.name(lang) for d in load_departments()}
    numbers = target_text(kr_target(kr), kr.unit, lang)
    sep = "，" if lang == "zh" else ", "
    text = f"{name} {numbers}".strip() + (f"{sep}{kr.period}" if kr.period else "")
    return KrReading(
        indicator_code=ind.code if ind is not None else None,
        indicator_name=name,
        needs_indicator=ind is None,
        target=kr.target,
        change_pct=kr.change_pct,
        change_pp=kr.change_pp,
        unit=kr.unit,
        direction=kr.direction,
        deadline=kr.period,
        department=owner,
        department_name=dept_names.get(owner, owner),
        text=text,
    )
