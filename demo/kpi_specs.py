"""What the demo KPIs look like: scorecards per department and role, value scales and the true weights."""

from __future__ import annotations

from dataclasses import dataclass

from kpi.rules import apportion


@dataclass(frozen=True)
class Spec:
    """Typical monthly target, relative spread of achievement, value bounds and rounding of one indicator."""

    target: float
    spread: float
    lo: float = 0.0
    hi: float | None = None
    decimals: int = 1
    cumulative: bool = False  # a period total (adds up over the month) rather than a rate or average


PCT = 100.0
SPECS: dict[str, Spec] = {
    "gmv": Spec(0.0, 0.0, decimals=2, cumulative=True),  # from the sales data
    "conversion_rate": Spec(3.2, 0.08, hi=PCT, decimals=2),
    "aov": Spec(0.0, 0.0, decimals=1),  # from the sales data
    "gross_margin": Spec(42.0, 0.03, hi=PCT),
    "traffic_growth": Spec(12.0, 0.12),
    "campaign_result": Spec(100.0, 0.10),
    "new_product_plan": Spec(85.0, 0.08, hi=PCT),
    "cross_dept_rating": Spec(85.0, 0.05, hi=PCT),
    "training_completion": Spec(90.0, 0.05, hi=PCT),
    "ontime_delivery": Spec(90.0, 0.05, hi=PCT),
    "main_image_ctr": Spec(4.5, 0.08, hi=PCT, decimals=2),
    "design_reuse_rate": Spec(60.0, 0.08, hi=PCT),
    "brand_visual_milestone": Spec(80.0, 0.08, hi=PCT),
    "cross_dept_satisfaction": Spec(82.0, 0.05, hi=PCT),
    "new_tool_learning": Spec(80.0, 0.08, hi=PCT),
    "first_response_time": Spec(30.0, 0.08, lo=1.0),
    "resolution_rate": Spec(90.0, 0.04, hi=PCT),
    "csat": Spec(4.6, 0.025, lo=1.0, hi=5.0, decimals=2),
    "complaint_closure_time": Spec(24.0, 0.10, lo=0.5),
    "product_knowledge_score": Spec(88.0, 0.05, hi=PCT),
    "picking_accuracy": Spec(99.5, 0.003, hi=PCT, decimals=2),
    "ontime_fulfilment_rate": Spec(95.0, 0.025, hi=PCT),
    "severe_misship_rate": Spec(0.05, 0.12, lo=0.001, decimals=3),
    "inventory_turnover": Spec(0.8, 0.08, decimals=2),
    "roas": Spec(3.5, 0.10, decimals=2),
    "cost_per_conversion": Spec(45.0, 0.08, lo=1.0),
    "ad_revenue": Spec(900_000.0, 0.10, decimals=0, cumulative=True),
    "new_customers": Spec(2500.0, 0.10, decimals=0, cumulative=True),
    "live_gmv_per_session": Spec(60_000.0, 0.10, decimals=0),
    "live_conversion_rate": Spec(2.5, 0.08, hi=PCT, decimals=2),
    "follower_retention": Spec(65.0, 0.05, hi=PCT),
    "hiring_fill_rate": Spec(85.0, 0.08, hi=PCT),
    "training_plan_completion": Spec(90.0, 0.05, hi=PCT),
    "team_attrition": Spec(3.0, 0.12, lo=0.1),
}
SALES_CODES = ("gmv", "conversion_rate", "aov")  # the GM's values come from the sales data

# Department scorecards (block, code, weight): the DOMAIN.md §3 defaults, mirroring
# assistant/data/dept_templates.yaml so the demo looks like what the cascade drafts.
TEMPLATES: dict[str, tuple[tuple[str, str, int], ...]] = {
    "hq": (
        ("fixed", "gmv", 40),
        ("fixed", "gross_margin", 25),
        ("fixed", "conversion_rate", 20),
        ("fixed", "aov", 15),
    ),
    "ops": (
        ("fixed", "conversion_rate", 30),
        ("fixed", "traffic_growth", 20),
        ("fixed", "campaign_result", 10),
        ("dynamic", "new_product_plan", 20),
        ("collaboration", "cross_dept_rating", 10),
        ("collaboration", "training_completion", 10),
    ),
    "design": (
        ("fixed", "ontime_delivery", 30),
        ("fixed", "main_image_ctr", 20),
        ("fixed", "design_reuse_rate", 10),
        ("dynamic", "brand_visual_milestone", 25),
        ("collaboration", "cross_dept_satisfaction", 5),
        ("collaboration", "new_tool_learning", 10),
    ),
    "cs": (
        ("fixed", "first_response_time", 30),
        ("fixed", "resolution_rate", 25),
        ("fixed", "csat", 15),
        ("dynamic", "complaint_closure_time", 20),
        ("collaboration", "product_knowledge_score", 10),
    ),
    "warehouse": (
        ("fixed", "picking_accuracy", 30),
        ("fixed", "ontime_fulfilment_rate", 25),
        ("fixed", "severe_misship_rate", 15),
        ("dynamic", "inventory_turnover", 20),
        ("collaboration", "training_completion", 10),
    ),
    "ads": (
        ("fixed", "roas", 30),
        ("fixed", "cost_per_conversion", 20),
        ("fixed", "ad_revenue", 20),
        ("dynamic", "new_customers", 20),
        ("collaboration", "training_completion", 10),
    ),
    "live": (
        ("fixed", "live_gmv_per_session", 30),
        ("fixed", "live_conversion_rate", 25),
        ("fixed", "follower_retention", 15),
        ("dynamic", "campaign_result", 20),
        ("collaboration", "training_completion", 10),
    ),
    "hr": (
        ("fixed", "hiring_fill_rate", 30),
        ("fixed", "training_plan_completion", 25),
        ("fixed", "team_attrition", 15),
        ("dynamic", "cross_dept_satisfaction", 20),
        ("collaboration", "training_completion", 10),
    ),
}
# Which template KPIs each staff role carries (3-5); heads and team leads carry the department's
# scorecard minus its last collaboration KPI when the template has six lines (max 5 per DOMAIN §2).
ROLE_KPIS: dict[str, tuple[str, ...]] = {
    "ops_specialist": (
        "conversion_rate",
        "traffic_growth",
        "campaign_result",
        "new_product_plan",
        "cross_dept_rating",
    ),
    "ops_assistant": ("traffic_growth", "campaign_result", "new_product_plan", "training_completion"),
    "designer": ("ontime_delivery", "main_image_ctr", "design_reuse_rate", "new_tool_learning"),
    "cs_agent": ("first_response_time", "resolution_rate", "csat", "product_knowledge_score"),
    "picker": ("picking_accuracy", "ontime_fulfilment_rate", "severe_misship_rate", "training_completion"),
    "ad_specialist": ("roas", "cost_per_conversion", "ad_revenue", "new_customers"),
    "brand_pr": ("ad_revenue", "new_customers", "training_completion"),
    "host": ("live_gmv_per_session", "live_conversion_rate", "follower_retention", "campaign_result"),
    "live_ops": ("live_conversion_rate", "follower_retention", "campaign_result", "training_completion"),
    "hr_specialist": (
        "hiring_fill_rate",
        "training_plan_completion",
        "team_attrition",
        "cross_dept_satisfaction",
    ),
}
# The known structure for the weights feature: a department's monthly business outcome index is
#   outcome = 100 * (1 + sum_k w_k * (mean achievement_k - 1)) + N(0, OUTCOME_NOISE)
# over these indicators; every other indicator of the department has true weight 0. They differ on
# purpose from the template weights, so a regression has something to propose.
TRUE_WEIGHTS: dict[str, dict[str, float]] = {
    "ops": {"conversion_rate": 0.5, "traffic_growth": 0.3, "campaign_result": 0.2},
    "design": {"main_image_ctr": 0.5, "ontime_delivery": 0.3, "design_reuse_rate": 0.2},
    "cs": {"resolution_rate": 0.4, "first_response_time": 0.35, "csat": 0.25},
    "warehouse": {"ontime_fulfilment_rate": 0.45, "inventory_turnover": 0.3, "severe_misship_rate": 0.25},
    "ads": {"roas": 0.5, "cost_per_conversion": 0.3, "ad_revenue": 0.2},
    "live": {"live_gmv_per_session": 0.5, "live_conversion_rate": 0.3, "follower_retention": 0.2},
    "hr": {"hiring_fill_rate": 0.4, "training_plan_completion": 0.3, "team_attrition": 0.3},
}
OUTCOME_NOISE = 0.3


def scorecard(department: str, position: str) -> list[tuple[str, str, int]]:
    """(block, indicator code, weight) of a person's monthly KPIs; 3-5 lines whose weights sum to 100."""
    template = TEMPLATES[department]
    if position in ROLE_KPIS:
        lines = [t for t in template if t[1] in ROLE_KPIS[position]]
    else:
        lines = list(template[:5])
    weights = apportion([w for _, _, w in lines])
    return [(block, code, w) for (block, code, _), w in zip(lines, weights, strict=True)]


def target_range(spec: Spec, target: float) -> tuple[float, float]:
    """Numeric (low, high) around a target: +-1.5 spreads, inside the indicator's bounds."""
    low = max(spec.lo, target * (1 - 1.5 * spec.spread))
    high = target * (1 + 1.5 * spec.spread)
    if spec.hi is not None:
        high = min(spec.hi, high)
    return round(low, spec.decimals), round(high, spec.decimals)
