"""Catalogue and department templates: required codes, bilingual fields, weights."""

import pytest

from assistant.catalogue import DEPARTMENT_CODES, get_indicator, load_catalogue, load_departments
from assistant.errors import UnknownIndicatorError
from assistant.templates import load_templates

REQUIRED = [
    "gmv",
    "sales_growth",
    "gross_margin",
    "aov",
    "conversion_rate",
    "visitors",
    "repurchase_rate",
    "ltv_cac",
    "inventory_turnover",
    "cart_abandonment",
    "roas",
    "traffic_growth",
    "campaign_result",
    "new_product_plan",
    "cross_dept_rating",
    "training_completion",
    "ontime_delivery",
    "main_image_ctr",
    "design_reuse_rate",
    "brand_visual_milestone",
    "cross_dept_satisfaction",
    "new_tool_learning",
    "first_response_time",
    "resolution_rate",
    "csat",
    "complaint_rate",
    "fcr",
    "avg_handling_time",
    "complaint_closure_time",
    "product_knowledge_score",
    "picking_accuracy",
    "severe_misship_rate",
    "ontime_fulfilment_rate",
    "cost_per_conversion",
    "ad_revenue",
    "live_gmv_per_session",
    "live_conversion_rate",
    "follower_retention",
    "hiring_fill_rate",
    "training_plan_completion",
]


def test_catalogue_has_every_required_code_with_both_languages() -> None:
    cat = {i.code: i for i in load_catalogue()}
    assert set(REQUIRED) <= set(cat)
    for ind in cat.values():
        assert ind.name_zh and ind.name_en and ind.definition_zh and ind.definition_en
        assert ind.direction in ("higher", "lower")
        assert set(ind.departments) <= set(DEPARTMENT_CODES)


def test_directions_and_drivers_follow_the_domain() -> None:
    assert get_indicator("first_response_time").direction == "lower"
    assert get_indicator("complaint_rate").direction == "lower"
    assert get_indicator("conversion_rate").direction == "higher"
    assert {get_indicator(c).driver for c in ("visitors", "conversion_rate", "aov")} == {
        "visitors",
        "conversion",
        "aov",
    }
    assert get_indicator("first_response_time").departments[0] == "cs"


def test_unknown_code_raises_precise_error() -> None:
    with pytest.raises(UnknownIndicatorError):
        get_indicator("no_such_kpi")


def test_departments_are_the_seven_codes() -> None:
    assert tuple(d.code for d in load_departments()) == DEPARTMENT_CODES


def test_templates_sum_to_100_and_keep_domain_weights() -> None:
    tpls = load_templates()
    assert set(tpls) == set(DEPARTMENT_CODES)
    for tpl in tpls.values():
        assert sum(w for _, _, w in tpl.items()) == 100
        assert any(r.lead for r in tpl.roles)
    ops = tpls["ops"]
    assert {b: ops.blocks[b].weight for b in ops.blocks} == {"fixed": 60, "dynamic": 20, "collaboration": 20}
    assert ops.blocks["fixed"].kpis == {"conversion_rate": 30, "traffic_growth": 20, "campaign_result": 10}
    assert tpls["design"].blocks["dynamic"].weight == 25
    assert tpls["cs"].blocks["fixed"].kpis["first_response_time"] == 30
