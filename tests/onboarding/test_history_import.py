"""Past periods and the campaign plan from files: KPI history (scorecards, department outcomes), promotions."""

from sqlalchemy import select

from core.db import session_scope
from core.tables import DepartmentOutcome, KpiActual, KpiAssignment, Period, PromoEvent
from tests.onboarding.conftest import login

ORG = "工号,姓名,部门,直属上级工号\nE1,王,运营中心,\nE2,李,运营中心/天猫运营部,E1\nE3,张,运营中心/天猫运营部,E2\n"


def _post(client, headers, path: str, name: str, text: str, **params: str):
    return client.post(path, params=params, files={"file": (name, text.encode())}, headers=headers)


def test_setup(fresh) -> None:
    admin = login(fresh, "boss")
    assert fresh.post("/api/v1/company", json={"name_zh": "好物", "name_en": "Haowu"}, headers=admin).status_code == 201
    assert _post(fresh, admin, "/api/v1/imports/org", "org.csv", ORG).status_code == 200
    body = {"code": "tmall", "name_zh": "天猫旗舰店", "name_en": "Tmall", "channel": "tmall"}
    assert fresh.post("/api/v1/shops", json=body, headers=admin).status_code == 201


def test_scorecards_by_indicator_code_or_name_with_unknowns_listed(fresh, empty_url) -> None:
    hr = login(fresh, "hrlead")
    inds = fresh.get("/api/v1/indicators", params={"limit": 200}, headers=hr).json()["data"]
    a, b = inds[0], inds[1]
    text = (
        "工号,期间,指标,权重,目标,实际\n"
        f"E2,2025-Q3,{a['code']},60%,100,93\n"
        f"E2,2025年第3季度,{b['name_zh']},40,10,12\n"
        f"E3,2025-07,{a['code']},100,50,55\n"
    )
    bad = text + "E9,2025-07,x,1,1,1\nE3,2025-07,不存在的指标,1,1,1\nE3,2026-Q4,{a},1,1,1\n".replace("{a}", a["code"])
    dry = _post(fresh, hr, "/api/v1/imports/kpi-history", "h.csv", bad, dry_run="true").json()
    assert "errors" in dry, dry
    msgs = " ".join(e["msg"] for e in dry["errors"])
    assert "unknown 工号 'E9'" in msgs and "不存在的指标" in msgs and "has not ended" in msgs
    refused = _post(fresh, hr, "/api/v1/imports/kpi-history", "h.csv", bad)
    assert refused.status_code == 422 and refused.json()["code"] == "import.history_rows"
    ok = _post(fresh, hr, "/api/v1/imports/kpi-history", "h.csv", text)
    assert ok.status_code == 200 and ok.json()["imported"] == 3 and ok.json()["periods"] == ["2025-07", "2025-Q3"]
    assert _post(fresh, hr, "/api/v1/imports/kpi-history", "h.csv", text).json()["imported"] == 3  # upsert
    with session_scope(empty_url, write=False) as s:
        q3 = s.execute(select(Period).where(Period.code == "2025-Q3")).scalar_one()
        rows = s.execute(
            select(KpiAssignment.weight, KpiActual.value).join(KpiActual).where(KpiAssignment.period_id == q3.id)
        ).all()
    assert sorted(rows) == [(40.0, 12.0), (60.0, 93.0)]


def test_department_outcomes_by_path(fresh, empty_url) -> None:
    hr = login(fresh, "hrlead")
    text = "部门,期间,结果\n运营中心/天猫运营部,2025-08,1.2\n运营中心,2025-08,0.9\n"
    assert _post(fresh, hr, "/api/v1/imports/kpi-history", "o.csv", text).json()["kind"] == "outcomes"
    with session_scope(empty_url, write=False) as s:
        assert sorted(s.execute(select(DepartmentOutcome.value)).scalars()) == [0.9, 1.2]


def test_the_campaign_plan_imports_all_or_nothing(fresh, empty_url) -> None:
    hr = login(fresh, "hrlead")
    plan = "活动名称,活动类型,店铺,开始日期,结束日期,预计折扣\n店庆,店庆,天猫旗舰店,2026/12/20,2026/12/22,20%\n"
    plan += "春季上新,新品首发,全部,2027-03-01,2027-03-03,\n"
    bad = plan + "直播,直播专场,无名店,2027-01-01,2026-12-01,\n"
    assert _post(fresh, hr, "/api/v1/imports/promotions", "p.csv", bad).json()["code"] == "import.promotion_rows"
    ok = _post(fresh, hr, "/api/v1/imports/promotions", "p.csv", plan)
    assert ok.status_code == 200 and ok.json()["imported"] == 2
    assert _post(fresh, hr, "/api/v1/imports/promotions", "p.csv", plan).json()["imported"] == 2
    with session_scope(empty_url, write=False) as s:
        events = {(e.name, e.kind, e.shop_id is None, e.discount) for e in s.execute(select(PromoEvent)).scalars()}
    assert events == {("店庆", "shop", False, 0.2), ("春季上新", "launch", True, None)}
