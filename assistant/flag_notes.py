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


def _kr_words(zh: str, en: str) -> Callable[[_Ctx, str, str], tuple[str | None, str]]:
    """A note on one company key result: `zh`/`en` name it {kr}; {line} says where it was written."""

    def note(c: _Ctx, subject: str, detail: str) -> tuple[str | None, str]:
        line = re.search(r"line (\d+)", detail)
        where = (f"（第 {line.group(1)} 行）" if c.lang == "zh" else f" (line {line.group(1)})") if line else ""
        return c.serving.get(subject), (zh if c.lang == "zh" else en).format(kr=c.kr(subject), line=where)

    return note


def _fallback(c: _Ctx, subject: str, detail: str) -> tuple[str | None, str]:
    _kind, _, who = subject.partition(":")
    dept_code, _, role = who.partition("/")
    dept, name = c.owner(role) if role else (dept_code, _dept(dept_code, c.lang))
    if c.lang == "zh":
        return dept, f"{name}的目标文字由离线助手生成（语言模型暂时不可用），请检查措辞是否合适。"
    return dept, f"The wording for {name} comes from the offline assistant (the language model was unavailable)."


def _company(zh: str, en: str) -> Callable[[_Ctx, str, str], tuple[str | None, str]]:
    return lambda c, s, d: (None, zh if c.lang == "zh" else en)


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
    "driver_basis_differs": (
        "info",
        _kr_words(
            "{kr}与销售目标的对比基准不同（同比或环比），未用于拆分销售目标；如需一并拆分，请写明相同的对比基准。",
            "{kr} compares with a different basis than the sales key result, so it was not used to split it; "
            "state the same basis to use it.",
        ),
    ),
    "driver_split_unavailable": (
        "warn",
        _kr_words(
            "{kr}没有可用的增长幅度或上期数据，无法拆分到流量、转化率等驱动指标；请写明目标值或导入上期销售数据。",
            "{kr} has no growth or last period's data to split into its drivers; state a target or import "
            "last period's sales.",
        ),
    ),
    "explicit_drivers_inconsistent": (
        "warn",
        _kr_words(
            "公司目标里写明的驱动指标（流量、转化率、客单价等）合起来与{kr}对不上，请调整其中一个。",
            "The drivers stated in the company OKRs (traffic, conversion, order value...) do not multiply to {kr}; "
            "adjust one of them.",
        ),
    ),
    "driver_baseline_unknown": (
        "info",
        _kr_words(
            "{kr}缺少上期基准数据，无法核对它与销售目标是否一致；请导入该指标的历史数据。",
            "{kr} has no baseline from last period, so its fit with the sales key result cannot be checked; "
            "import its history.",
        ),
    ),
    "untrusted_instruction_removed": (
        "warn",
        _kr_words(
            "公司目标中{kr}{line}含有像是给助手的指令的文字，已被忽略；请确认这条关键结果的写法。",
            "{kr}{line} of the company OKRs held text that reads like an instruction to the assistant; it was "
            "ignored, please check the key result.",
        ),
    ),
    "kr_not_measurable": (
        "warn",
        _kr_words(
            "公司目标中有一条关键结果{line}没有可以衡量的数字，未用于拆分；"
            "请写明指标和目标值，例如“转化率从 3% 提高到 3.5%”。",
            "A company key result{line} has no number to measure, so it was not split; write the metric and a "
            "target, e.g. 'conversion from 3% to 3.5%'.",
        ),
    ),
    "fallback": ("info", _fallback),
    "provider_unavailable": (
        "info",
        _company(
            "语言模型设置不可用，本次草案由离线助手生成；请联系管理员检查模型设置。",
            "The language model settings are unusable, so the offline assistant wrote this draft; ask an admin.",
        ),
    ),
    "forecast_pending": (
        "info",
        _company(
            "销售预测仍在运行，草案暂未参考预测区间；预测完成后重新生成草案即可。",
            "The sales forecast is still running, so the draft does not use its ranges yet; draft again when it "
            "is done.",
        ),
    ),
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
