"""Small builders for report and training tests: facts from known numbers."""

from __future__ import annotations

from assistant.report_facts import IndicatorInfo, PaceFact, PersonFacts, TeamPosition, WarningFact, build_facts
from core.vocab import Direction
from kpi.scoring import KpiInput, score_person

INFO = {
    "conversion_rate": IndicatorInfo("转化率", "Conversion rate", "%", "higher"),
    "cross_dept_rating": IndicatorInfo("跨部门协作评分", "Cross-department rating", "score", "higher"),
    "first_response_time": IndicatorInfo("平均首次响应时间", "First response time", "s", "lower"),
    "gmv": IndicatorInfo("销售额(GMV)", "Sales (GMV)", "CNY", "higher"),
    "main_image_ctr": IndicatorInfo("主图点击率", "Main-image CTR", "%", "higher"),
    "ontime_delivery": IndicatorInfo("设计按时交付率", "On-time design delivery", "%", "higher"),
}


def facts_for(
    kpis: list[KpiInput],
    *,
    department: str = "ops",
    warnings: list[WarningFact] | None = None,
    pace: list[PaceFact] | None = None,
    trend: list[tuple[str, float]] | None = None,
) -> PersonFacts:
    """Facts of one person for October 2026 from the given KPI lines."""
    return build_facts(
        ref="E9999",
        department=department,
        period=("2026-10", "2026年10月", "October 2026"),
        breakdown=score_person(kpis),
        info=INFO,
        trend=trend or [("2026-08", 95.2), ("2026-09", 97.0)],
        team=TeamPosition(rank=3, size=8, team_mean=98.2, grade="good", grade_method="bands"),
        current=("2026-11", "2026年11月", "November 2026"),
        pace=pace or [],
        warnings=warnings or [],
    )


def ops_facts() -> PersonFacts:
    """An operations specialist: strong conversion, weak collaboration, a missing GMV actual, a warning."""
    warning = WarningFact(
        code="conversion_rate",
        name_zh="转化率",
        name_en="Conversion rate",
        unit="%",
        start="2026-11-24",
        end="2026-11-26",
        days=3,
        latest_value=1.72,
        bound=2.2,
        ongoing=True,
    )
    pace = PaceFact(
        code="gmv",
        name_zh="销售额(GMV)",
        name_en="Sales (GMV)",
        unit="CNY",
        as_of="2026-11-26",
        actual_to_date=1234567.0,
        target=2000000.0,
        projected_pct=71.3,
        status="behind",
    )
    return facts_for(
        [
            KpiInput("conversion_rate", 40, 3.2, 3.41),
            KpiInput("cross_dept_rating", 30, 85, 71),
            KpiInput("first_response_time", 20, 30, 36, Direction.LOWER),
            KpiInput("gmv", 10, 2_000_000, None),
        ],
        warnings=[warning],
        pace=[pace],
    )


def low_conversion_facts() -> PersonFacts:
    """An operations specialist whose conversion is clearly below target."""
    return facts_for([KpiInput("conversion_rate", 60, 3.2, 2.5), KpiInput("cross_dept_rating", 40, 85, 90)])


def designer_facts() -> PersonFacts:
    """A designer on target everywhere."""
    return facts_for(
        [KpiInput("main_image_ctr", 50, 4.5, 4.8), KpiInput("ontime_delivery", 50, 90, 93)], department="design"
    )
