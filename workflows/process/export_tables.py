"""The rows of a scorecard or feedback report export, in zh or en: one `Section` per sheet / PDF page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

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
    "none": ("暂无", "None yet"),
}
KPI_HEADER = (
    ("指标代码", "指标", "单位", "权重", "目标下限", "目标", "目标上限", "实际", "截至", "完成率%", "节奏"),
    ("Code", "KPI", "Unit", "Weight", "Target low", "Target", "Target high", "Actual", "As of", "Progress %", "Pace"),
)
SCORE_HEADER = (
    ("指标", "权重", "有效权重", "目标", "实际", "达成率", "得分", "计算方式"),
    ("KPI", "Weight", "Effective weight", "Target", "Actual", "Achievement", "Points", "Formula"),
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
        return f"{value:.2f}"
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
                k.as_of.isoformat() if k.as_of else None,
                k.progress_pct,
                k.pace.explanation if k.pace else None,
            )
            for k in plan.kpis
        ],
    )
    score = plan.score or {}
    lines = score.get("lines", [])
    breakdown = Section(
        sheet=label("score", lang),
        title=label("score", lang),
        lead=[_who(emp, lang), _period(plan.review_period, lang), (label("total", lang), score.get("total"))],
        header=SCORE_HEADER[i],
        rows=[
            (
                ln["name"],
                ln["weight"],
                ln["effective_weight"],
                ln["target"],
                ln["actual"],
                ln["achievement"],
                ln["points"],
                ln["formula"],
            )
            for ln in lines
        ]
        + (
            [(label("total", lang), score.get("total_weight"), None, None, None, None, score.get("total"), "")]
            if lines
            else []
        ),
        widths=(24, 10, 12, 14, 14, 12, 10, 60),
    )
    return [kpis, breakdown]


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
                        a.start_date.isoformat(),
                        a.days,
                        a.explanation_zh if lang == "zh" else a.explanation_en,
                    )
                    for a in plan.alerts
                ],
                widths=(20, 14, 8, 120),
            )
        )
    return sections
