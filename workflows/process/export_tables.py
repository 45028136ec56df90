"""The rows of a scorecard or feedback report export, in zh or en: one `Section` per sheet / PDF page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from core import formats
from core.tables import Employee
from workflows.coaching.schemas import PeriodRef, PlanPublic

Lang = Literal["zh", "en"]

LABELS: dict[str, tuple[str, str]] = {
    "kpis": ("本期 KPI", "KPIs this period"),
    "score": ("得分明细", "Score breakdown"),
    "report": ("反馈报告", "Feedback report"),
    "training": ("推荐培训", "Recommended training"),
    "alerts": ("预警", "Alerts"),
    "employee": ("员工", "Employee"),
    "period": ("考核期", "Period"),
    "total": ("总分", "Total score"),
    "grade": ("评级", "Grade"),
    "sum": ("各项合计", "Sum of points"),
    "rank": ("部门排名", "Rank in department"),
    "none": ("暂无", "None yet"),
}
KPI_HEADER = (
    ("指标代码", "指标", "单位", "权重", "目标下限", "目标", "目标上限", "实际", "截至", "完成率%", "节奏"),
    ("Code", "KPI", "Unit", "Weight", "Target low", "Target", "Target high", "Actual", "As of", "Progress %", "Pace"),
)
SCORE_HEADER = (
    ("指标", "权重", "有效权重", "目标", "实际", "达成率%", "得分", "计算方式"),
    ("KPI", "Weight", "Effective weight", "Target", "Actual", "Achievement %", "Points", "Formula"),
)
TRAINING_HEADER = (
    ("课程代码", "课程", "形式", "学时", "原因"),
    ("Code", "Course", "Format", "Hours", "Reason"),
)
ALERT_HEADER = (("指标", "开始", "天数", "说明"), ("KPI", "Since", "Days", "Explanation"))


@dataclass
class Section:
    """One sheet of the workbook / page of the PDF."""

    sheet: str
    title: str
    lead: list[tuple[Any, ...]] = field(default_factory=list)
    header: tuple[str, ...] = ()
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    widths: tuple[int, ...] = (14, 22, 8, 8, 12, 12, 12, 12, 12, 10, 30)


def label(key: str, lang: Lang) -> str:
    """A label in `lang`."""
    zh, en = LABELS[key]
    return zh if lang == "zh" else en


def text(value: Any) -> str:
    """How a value reads in a PDF cell: numbers with two decimals, nothing for missing values."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return formats.number_text(value)
    return str(value)


def _who(emp: Employee, lang: Lang) -> tuple[str, str]:
    return label("employee", lang), f"{emp.name_zh if lang == 'zh' else emp.name_en} ({emp.code})"


def _period(p: PeriodRef | None, lang: Lang) -> tuple[str, str]:
    name = (p.name_zh if lang == "zh" else p.name_en) if p else label("none", lang)
    return label("period", lang), f"{name} ({p.code})" if p else name


def scorecard(emp: Employee, plan: PlanPublic, lang: Lang) -> list[Section]:
    """This period's KPIs with targets and progress, then how every point of the reviewed period was computed."""
    i = 0 if lang == "zh" else 1
    kpis = Section(
        sheet=label("kpis", lang),
        title=label("kpis", lang),
        lead=[_who(emp, lang), _period(plan.current_period, lang)],
        header=KPI_HEADER[i],
        rows=[
            (
                k.code,
                k.name,
                k.unit,
                k.weight,
                k.target_low,
                k.target,
                k.target_high,
                k.actual,
                formats.date_text(k.as_of, lang) or None,
                k.progress_pct,
                k.pace.explanation if k.pace else None,
            )
            for k in plan.kpis
        ],
    )
    breakdown = Section(
        sheet=label("score", lang),
        title=label("score", lang),
        lead=[_who(emp, lang), _period(plan.review_period, lang), *_result_lead(plan, lang)],
        header=SCORE_HEADER[i],
        rows=_score_rows(plan, lang),
        widths=(24, 10, 12, 14, 14, 12, 10, 60),
    )
    return [kpis, breakdown]


def _result_lead(plan: PlanPublic, lang: Lang) -> list[tuple[Any, ...]]:
    """Final score, grade and rank of the reviewed period: the period's one result, as on the plan page."""
    r = plan.result
    if r is None:
        return []
    return [
        (label("total", lang), formats.score(r.score)),
        (label("grade", lang), formats.grade_text(r.grade, lang)),
        (label("rank", lang), f"{r.rank} / {r.team_size}"),
    ]


def _score_rows(plan: PlanPublic, lang: Lang) -> list[tuple[Any, ...]]:
    """One row per KPI of the reviewed period (indicator names as on the page), then the computed total."""
    score = plan.score or {}
    names = {k.code: k.name_zh if lang == "zh" else k.name_en for k in (plan.facts.kpis if plan.facts else [])}
    rows: list[tuple[Any, ...]] = [
        (
            ln.get("name") or names.get(ln["code"], ln["code"]),
            ln["weight"],
            ln["effective_weight"],
            ln["target"],
            ln["actual"],
            formats.percent(ln["achievement"]),
            round(ln["points"], 2),
            ln["formula"],
        )
        for ln in score.get("lines", [])
    ]
    if rows:
        total = formats.score(score.get("total"))
        rows.append((label("sum", lang), score.get("total_weight"), None, None, None, None, total, ""))
    return rows


def report(emp: Employee, plan: PlanPublic, lang: Lang) -> list[Section]:
    """The feedback report's text, the recommended courses with their reasons, and the alerts."""
    i = 0 if lang == "zh" else 1
    body = plan.report.text if plan.report else "\n".join(plan.notes) or label("none", lang)
    sections = [
        Section(
            sheet=label("report", lang),
            title=label("report", lang),
            lead=[_who(emp, lang), _period(plan.review_period, lang)],
            rows=[(line,) for line in body.splitlines() if line.strip()],
            widths=(120,),
        ),
        Section(
            sheet=label("training", lang),
            title=label("training", lang),
            header=TRAINING_HEADER[i],
            rows=[(t.code, t.title, t.format, t.duration_hours, t.reason) for t in plan.training],
            widths=(16, 40, 14, 8, 90),
        ),
    ]
    if plan.alerts:
        sections.append(
            Section(
                sheet=label("alerts", lang),
                title=label("alerts", lang),
                header=ALERT_HEADER[i],
                rows=[
                    (
                        a.indicator_code,
                        formats.date_text(a.start_date, lang),
                        a.days,
                        a.explanation_zh if lang == "zh" else a.explanation_en,
                    )
                    for a in plan.alerts
                ],
                widths=(20, 14, 8, 120),
            )
        )
    return sections
