"""Offline zh/en templates of the feedback report: what went well, what to improve, next steps.

Every number printed here is read from `PersonFacts` (already rounded); nothing is computed for the text
except the direction of a change. The tone is the manager's: appreciative first, specific, forward-looking.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from assistant.courses import TrainingCatalogue
from assistant.numbers import fmt_number
from assistant.report_facts import KpiFact, PaceFact, PersonFacts, TeamPosition, WarningFact
from core.formats import GRADE_NAMES, period_text

MAX_ITEMS = 3


class ReportText(BaseModel):
    """The four parts of a feedback report, each a short list of sentences."""

    headline: str = Field(max_length=1200)
    went_well: list[str] = Field(max_length=6)
    to_improve: list[str] = Field(max_length=6)
    next_steps: list[str] = Field(max_length=8)

    def sentences(self) -> list[tuple[str, str]]:
        """(where, sentence) pairs for the guards."""
        out = [("headline", self.headline)]
        for part in ("went_well", "to_improve", "next_steps"):
            out += [(f"{part}[{i}]", s) for i, s in enumerate(getattr(self, part))]
        return out


def value_text(value: float | None, unit: str, lang: str) -> str:
    """A KPI value with its unit, as the report prints it."""
    if value is None:
        return "—"
    if unit in ("%", "CNY", "s", "min", "h", "day"):
        return fmt_number(value, unit, lang)
    return fmt_number(value, None, lang)


def _num(x: float) -> str:
    return fmt_number(x)


def _line(k: KpiFact, lang: str) -> str:
    actual, target = value_text(k.actual, k.unit, lang), value_text(k.target, k.unit, lang)
    pct = _num(k.achievement_pct or 0.0)
    if lang == "zh":
        lower = "（越低越好）" if k.direction == "lower" else ""
        return (
            f"{k.name_zh}{lower}：实际 {actual}，目标 {target}，达成 {pct}%，"
            f"得 {_num(k.points)} 分（满分 {_num(k.max_points)} 分）。"
        )
    lower = " (lower is better)" if k.direction == "lower" else ""
    return (
        f"{k.name_en}{lower}: {actual} against a target of {target}, {pct}% of target, "
        f"{_num(k.points)} of {_num(k.max_points)} points."
    )


def headline(f: PersonFacts, lang: str) -> str:
    """Total score, team position and trend in two or three sentences."""
    zh = lang == "zh"
    parts = [
        f"{f.period_name_zh}绩效回顾：总分 {_num(f.score)} 分（满分 {_num(f.max_score)} 分）。"
        if zh
        else f"{f.period_name_en} review: {_num(f.score)} points out of a possible {_num(f.max_score)}."
    ]
    t = f.team
    if t is not None:
        parts.append(_position(t, zh))
    if f.trend and f.change_vs_previous is not None:
        prev = f.trend[-1]
        delta = f.change_vs_previous
        if zh:
            move = (
                f"上升 {_num(abs(delta))} 分" if delta > 0 else f"下降 {_num(abs(delta))} 分" if delta < 0 else "持平"
            )
            parts.append(f"与 {period_text(prev.period, lang)}（{_num(prev.score)} 分）相比{move}。")
        else:
            move = (
                f"up {_num(abs(delta))} points"
                if delta > 0
                else f"down {_num(abs(delta))} points"
                if delta < 0
                else "unchanged"
            )
            parts.append(f" Compared with {period_text(prev.period, lang)} ({_num(prev.score)} points): {move}.")
    return "".join(parts)


def _position(t: TeamPosition, zh: bool) -> str:
    """Rank, team average and the grade with how it was given, so a high grade below the average reads right."""
    grade = GRADE_NAMES.get(t.grade, (t.grade, t.grade))[0 if zh else 1]
    if t.calibrated:
        how = ("（经人力资源部校准）", " (set at HR's calibration)")
    elif t.grade_method == "bands":
        how = ("（小团队不做强制排名，按总分所在分数段评级）", " (small team, no forced ranking: graded by score band)")
    else:
        how = ("（按部门内的强制分布比例评级）", " (by the forced distribution within your department)")
    if t.size <= 1:
        return f"评级：{grade}{how[0]}。" if zh else f" Grade: {grade}{how[1]}."
    return (
        f"在部门 {t.size} 人中排名第 {t.rank}，部门平均 {_num(t.team_mean)} 分；评级：{grade}{how[0]}。"
        if zh
        else f" You rank {t.rank} of {t.size} in your department (average {_num(t.team_mean)}); grade: {grade}{how[1]}."
    )


def went_well(f: PersonFacts, lang: str) -> list[str]:
    """The KPIs at or above target, best first."""
    strong = f.strong()[:MAX_ITEMS]
    if not strong:
        return [
            "本期暂无达到目标的指标；我们先集中精力改进下面最关键的一项。"
            if lang == "zh"
            else "No KPI reached its target this period; let us focus first on the most important one below."
        ]
    return [_line(k, lang) for k in strong]


def to_improve(f: PersonFacts, lang: str) -> list[str]:
    """The KPIs below target (most points lost first) and KPIs without a reported value."""
    items = [_line(k, lang) for k in f.weak()[:MAX_ITEMS]]
    for k in f.kpis:
        if k.status == "missing_actual":
            items.append(
                f"{k.name_zh}本期没有上报实际值，其权重已分摊到其他指标；请尽快补报。"
                if lang == "zh"
                else f"No result was reported for {k.name_en}; its weight went to your other KPIs. Please report it."
            )
    if not items:
        items.append(
            "所有指标均达到目标；下一步可以挑战更高的目标区间。"
            if lang == "zh"
            else "Every KPI met its target; next, aim for the upper end of your target ranges."
        )
    return items[: MAX_ITEMS + 2]


def _warning_step(w: WarningFact, lang: str) -> str:
    latest, bound = value_text(w.latest_value, w.unit, lang), value_text(w.bound, w.unit, lang)
    # Days inside the run without data: say so rather than call the run "consecutive days".
    span = w.span_days or w.days
    if lang == "zh":
        run = (
            f"已连续 {w.days} 天" if span <= w.days else f"在 {span} 天里连续 {w.days} 个有数据的日子（其余日子无数据）"
        )
        return (
            f"{w.name_zh}{run}（{w.start} 至 {w.end}）偏离预期区间（最新 {latest}，预期界限 {bound}）："
            "请本周与经理一起复盘原因。"
        )
    run = (
        f"for {w.days} consecutive days"
        if span <= w.days
        else f"on {w.days} consecutive days with data within {span} days (no data on the others)"
    )
    return (
        f"{w.name_en} has been outside its expected range {run} ({w.start} to "
        f"{w.end}; latest {latest}, expected limit {bound}): review the cause with your manager this week."
    )


def next_steps(f: PersonFacts, lang: str, catalogue: TrainingCatalogue) -> list[str]:
    """Concrete actions: warnings first, then the weakest KPIs' skill actions, then pace catch-ups."""
    steps = [_warning_step(w, lang) for w in f.warnings[:MAX_ITEMS]]
    for k in f.weak()[:2]:
        skills = catalogue.kpi_skills.get(k.code, ())
        skill = catalogue.skills.get(skills[0]) if skills else None
        # Only a target that is really assigned for the next period is quoted; otherwise say it is still open.
        target = value_text(k.next_target, k.unit, lang) if k.next_target is not None else None
        if lang == "zh":
            action = skill.action_zh if skill else "与经理一起找出差距的主要原因并制定改进计划"
            aim = f"下期目标 {target}" if target else "下期目标尚未下达，请与经理确认"
            steps.append(f"{k.name_zh}：{action}；{aim}。")
        else:
            action = skill.action_en if skill else "work out the main cause of the gap with your manager and plan a fix"
            aim = f"aim for {target} next period" if target else "agree next period's target with your manager"
            steps.append(f"{k.name_en}: {action}; {aim}.")
    cur_zh, cur_en = f.current_period_name_zh or "本期", f.current_period_name_en or "this period"
    for p in f.pace:
        if p.method == "forecast" and p.probability_pct is not None and p.probability_pct < 50:
            steps.append(_forecast_step(p, cur_zh, cur_en, lang))
        elif p.status == "behind" and p.projected_pct is not None and p.method != "forecast":
            steps.append(
                f"{p.name_zh}按当前进度预计{cur_zh}末达成 {_num(p.projected_pct)}%：请与经理商定追赶计划。"
                if lang == "zh"
                else f"{p.name_en} is projected at {_num(p.projected_pct)}% of target by the end of {cur_en}: "
                "agree a catch-up plan with your manager."
            )
    if not steps and f.strongest:
        best = f.kpi(f.strongest)
        steps.append(
            f"保持{best.name_zh}的优势，并把有效做法分享给团队。"
            if lang == "zh"
            else f"Keep up your strength in {best.name_en} and share what works with your team."
        )
    return steps[:8]


def _forecast_step(p: PaceFact, cur_zh: str, cur_en: str, lang: str) -> str:
    """ "按预测，本季度 GMV 达成目标的概率约 22%；需要在剩余 38 天里日均多卖 4.1 万元"."""
    pct = _num(p.probability_pct or 0.0)
    extra = value_text(p.extra_per_day, p.unit, lang) if p.extra_per_day is not None else None
    if lang == "zh":
        text = f"按预测，{cur_zh}{p.name_zh}达成目标的概率约 {pct}%"
        if extra is not None:
            text += f"；需要在剩余 {p.days_left} 天里日均多卖 {extra}"
        return text + "：请与经理商定追赶计划。"
    text = f"By the forecast, {p.name_en} has about a {pct}% chance of reaching its target in {cur_en}"
    if extra is not None:
        text += f"; the {p.days_left} days left need {extra} more per day than forecast"
    return text + ": agree a catch-up plan with your manager."


def offline_text(f: PersonFacts, lang: str, catalogue: TrainingCatalogue) -> ReportText:
    """The deterministic report text."""
    return ReportText(
        headline=headline(f, lang),
        went_well=went_well(f, lang),
        to_improve=to_improve(f, lang),
        next_steps=next_steps(f, lang, catalogue),
    )


def render(text: ReportText, lang: str) -> str:
    """The report as one plain-text message with section titles."""
    titles = (
        ("做得好的地方", "需要改进的地方", "下一步行动")
        if lang == "zh"
        else ("What went well", "What to improve", "Next steps")
    )
    lines = [text.headline, ""]
    for title, items in zip(titles, (text.went_well, text.to_improve, text.next_steps), strict=True):
        lines.append(f"{title}:" if lang == "en" else f"{title}：")
        lines += [f"- {s}" for s in items]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
