"""A draft's flags as sentences a manager can act on, in the reader's language, grouped by department.

Flags stay the stable data ("mid_period:O1.KR2 (conversion_rate 3.37 from 2026-10-01 to 2026-12-06; ...)"); a note
is what a page shows: the code, the department it concerns (None: the whole company) and the words, e.g.
"本季度剩余 25 天，转化率需达到 4.81% 才能完成 3.72% 的目标". No code, id or English machine text reaches the words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from pydantic import BaseModel

from assistant.catalogue import indicator_map, load_departments
from assistant.numbers import fmt_number
from assistant.schemas import GoalDraft


class DraftNote(BaseModel):
    """One flag in words."""

    code: str
    department: str | None
    department_name: str
    severity: str  # "warn" (something to decide) or "info"
    text: str


_NUM = r"(?<![\d.])-?\d[\d.]*(?:e[+-]?\d+)?"  # "1.594-1.763" is a range, not a negative number


def _metric(code: str, lang: str) -> tuple[str, str | None]:
    ind = indicator_map().get(code)
    if ind is None:
        return ("新指标" if lang == "zh" else "a new metric"), None
    return ind.name(lang), ind.unit


def _dept(code: str, lang: str) -> str:
    found = next((d for d in load_departments() if d.code == code), None)
    return found.name(lang) if found else ("该部门" if lang == "zh" else "the department")


class _Ctx:
    def __init__(self, draft: GoalDraft, lang: str) -> None:
        self.lang = lang
        self.krs = {kr.id: kr for kr in draft.company.all_krs()}
        self.roles = {r.role: (r.department, r.role_name or r.role) for r in draft.roles}
        self.serving: dict[str, str] = {}
        for d in draft.departments:
            for k in d.kpis:
                self.serving.setdefault(k.parent_kr or "", d.code)

    def kr(self, kr_id: str) -> str:
        kr = self.krs.get(kr_id)
        title = kr.title if kr is not None else ""
        return (
            (f"公司关键结果“{title}”" if self.lang == "zh" else f'the company key result "{title}"')
            if title
            else ("一条公司关键结果" if self.lang == "zh" else "a company key result")
        )

    def owner(self, owner: str) -> tuple[str | None, str]:
        """(department code, words) of a department or role code."""
        if owner in self.roles:
            dept, name = self.roles[owner]
            return dept, name
        return owner, _dept(owner, self.lang)

    def num(self, value: str, unit: str | None) -> str:
        return fmt_number(float(value), unit, self.lang)


def _mid_period(c: _Ctx, subject: str, detail: str) -> tuple[str | None, str] | None:
    m = re.match(
        rf"(\w+) ({_NUM}) from (\S+) to (\S+); the rest of the period(?: to (\S+))? needs ({_NUM}) to reach ({_NUM})",
        detail,
    )
    if not m:
        return None
    code, so_far, _start, yesterday, end, need, target = m.groups()
    name, unit = _metric(code, c.lang)
    days = (date.fromisoformat(end) - date.fromisoformat(yesterday)).days if end else None
    dept = c.serving.get(subject)
    if c.lang == "zh":
        left = f"本期剩余 {days} 天，" if days is not None else "本期剩余时间里，"
        now = c.num(so_far, unit)
        return dept, f"{left}{name}需达到 {c.num(need, unit)} 才能完成 {c.num(target, unit)} 的目标（目前为 {now}）。"
    left = f"With {days} days left, " if days is not None else "For the rest of the period, "
    return dept, (
        f"{left}{name} must reach {c.num(need, unit)} to make the target of {c.num(target, unit)} "
        f"(so far {c.num(so_far, unit)})."
    )


def _owner_code(c: _Ctx, subject: str, detail: str, zh: str, en: str) -> tuple[str | None, str]:
    """A note on one department's (or role's) KPI: `zh`/`en` name {who}, {name} and the flag's numbers {a} {b} {c}."""
    owner, _, code = subject.partition(":")
    dept, who = c.owner(owner)
    name, unit = _metric(code, c.lang)
    nums = [c.num(x, unit) for x in re.findall(_NUM, detail)] + ["", "", ""]
    return dept, (zh if c.lang == "zh" else en).format(who=who, name=name, a=nums[0], b=nums[1], c=nums[2])


def _words(zh: str, en: str) -> Callable[[_Ctx, str, str], tuple[str | None, str]]:
    return lambda c, s, d: _owner_code(c, s, d, zh, en)


def _capped(c: _Ctx, subject: str, detail: str) -> tuple[str | None, str]:
    who = _dept(subject, c.lang)
    if c.lang == "zh":
        return subject, f"{who}的公司关键结果多于 5 个指标位，只保留了前 5 个。"
    return subject, f"{who} serves more company key results than its 5 KPI slots; the first 5 are kept."


def _needs_indicator(c: _Ctx, subject: str, detail: str) -> tuple[str | None, str]:
    if c.lang == "zh":
        text = f"{c.kr(subject)}在指标库中没有对应指标：已作为新指标放入草案，发布时加入指标库，请人事确认名称和口径。"
    else:
        text = (
            f"{c.kr(subject)} has no indicator in the catalogue: it is on the draft as a new metric and joins the "
            "catalogue when the draft is published; HR should confirm its name and definition."
        )
    return c.serving.get(subject), text


def _driver_down(c: _Ctx, subject: str, detail: str) -> tuple[str | None, str]:
    kr_id, _, code = subject.partition(":")
    name, _unit = _metric(code, c.lang)
    pct = re.findall(_NUM, detail)
    change = f"{abs(float(pct[0])):g}%" if pct else ""
    if c.lang == "zh":
        return c.serving.get(kr_id), (
            f"为与{c.kr(kr_id)}及其他已写明的关键结果一致，{name}需要下降 {change}。"
            "如不接受下降，可以提高销售目标，或降低另一个已写明的驱动指标。"
        )
    return c.serving.get(kr_id), (
        f"To agree with {c.kr(kr_id)} and the other stated key results, {name} must fall by {change}. "
        "If a fall is not acceptable, raise the sales key result or lower another stated driver."
    )


def _owner_note(c: _Ctx, subject: str, *, guessed: bool) -> tuple[str | None, str]:
    kr_id, _, owner = subject.partition("->")
    who = _dept(owner, c.lang)
    if c.lang == "zh":
        how = "按最相近的指标推断" if guessed else "组织里没有控制该指标的部门"
        return owner, f"{c.kr(kr_id)}交给了{who}（{how}）；如不合适，请在公司目标里写明承接部门。"
    how = "inferred from the most similar indicator" if guessed else "no department of the org controls it"
    return owner, f"{c.kr(kr_id)} went to {who} ({how}); name the team in the company OKR if that is wrong."


def _chance(c: _Ctx, subject: str, detail: str) -> tuple[str | None, str] | None:
    m = re.search(r"about (\d+)% likely; (stretch|conservative) (.+)$", detail)
    if m is None:
        return None
    pct, side, level = m.groups()
    if c.lang == "zh":
        where = f"高于预测的乐观值 {level}" if side == "stretch" else f"低于预测的保守值 {level}"
        return c.serving.get(subject), f"按销售预测，{c.kr(subject)}约有 {pct}% 的可能达成（{where}）。"
    where = f"above the forecast's stretch level {level}" if side == "stretch" else f"below its conservative {level}"
    return c.serving.get(subject), f"By the sales forecast, {c.kr(subject)} is about {pct}% likely ({where})."


NOTES: dict[str, tuple[str, Callable[[_Ctx, str, str], tuple[str | None, str] | None]]] = {
    "mid_period": ("warn", _mid_period),
    "target_below_actual": (
        "warn",
        _words(
            "{who}的{name}目标 {a} 低于团队已达到的 {b}：可以提高目标，或说明原因。",
            "{who}: the {name} target {a} is below the {b} the team already achieves; raise it or say why.",
        ),
    ),
    "needs_target": (
        "warn",
        _words(
            "{who}的{name}还是模板里的数字，请设定本期目标。",
            "{who}: {name} still carries the template's number; set this period's target.",
        ),
    ),
    "target_outside_range": (
        "warn",
        _words(
            "{who}的{name}目标 {a} 在预测区间 {b} ~ {c} 之外：目标保留，请确认是否合理。",
            "{who}: the {name} target {a} lies outside the forecast range {b} to {c}; it is kept, please check it.",
        ),
    ),
    "target_capped_at_scale": (
        "info",
        _words(
            "{who}的{name}按比例提升会超过上限，目标取上限 {b}。",
            "{who}: raising {name} by the stated change would pass its ceiling; the target stops at {b}.",
        ),
    ),
    "kpi_capped": ("info", _capped),
    "target_above_forecast_stretch": ("warn", _chance),
    "target_below_forecast_conservative": ("info", _chance),
    "needs_indicator": ("warn", _needs_indicator),
    "driver_solved_down": ("warn", lambda c, s, d: _driver_down(c, s, d)),
    "kr_owner_guessed": ("info", lambda c, s, d: _owner_note(c, s, guessed=True)),
    "kr_owner_not_in_org": ("warn", lambda c, s, d: _owner_note(c, s, guessed=False)),
}


def notes(draft: GoalDraft, lang: str) -> list[DraftNote]:
    """The draft's flags the manager should read, as notes (flags without words here are internal)."""
    c = _Ctx(draft, lang)
    out = []
    for flag in draft.flags:
        kind, _, rest = flag.partition(":")
        subject, _, detail = rest.partition(" ")
        entry = NOTES.get(kind)
        if entry is None:
            continue
        made = entry[1](c, subject, detail.strip("() "))
        if made is not None:
            dept = made[0]
            name = _dept(dept, lang) if dept else ("公司" if lang == "zh" else "Company")
            out.append(DraftNote(code=kind, department=dept, department_name=name, severity=entry[0], text=made[1]))
    return out
