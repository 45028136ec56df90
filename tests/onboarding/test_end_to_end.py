"""From an empty database to a published goal draft with forecast target ranges, through the API and files the
test writes: set-up, org import (a path, a manager line, a bad row fixed and re-imported), shops, an order
export and a daily summary, own campaigns (one planned), company OKRs, KPI history, next quarter's draft."""

import random
from datetime import date, timedelta

from tests.api.helpers import settled_job
from tests.onboarding.conftest import login, token

TODAY = date(2026, 11, 18)  # the suite's pinned clock
START = date(2024, 11, 1)
ORG = (
    "工号,姓名,部门,职位,直属上级工号,入职日期,角色\n"
    "B001,周总,总经办,总经理,,2018-01-01,管理员\n"
    "B002,吴敏,运营中心/天猫运营部,运营经理,B001,2019/4/1,经理\n"
    "B003,郑强,运营中心/天猫运营部,运营专员,B002,2021年6月1日,员工\n"
    "B004,冯丽,运营中心/天猫运营部,运营专员,B002,2022-03-15,员工\n"
    "B005,陈晨,总经办/客服部,客服主管,B001,2020-08-01,经理\n"
    "B007,卫红,总经办/人事部,人事经理,B001,2020-01-01,HR\n"
)
BAD_ROW = "B006,褚一,总经办/客服部,客服,B099,2023-01-01,员工\n"


def _day_sales(day: date, rng: random.Random, level: float) -> float:
    week = 1.15 if day.weekday() >= 5 else 1.0
    peak = 2.5 if (day.month, day.day) in ((11, 11), (6, 18)) else 1.0
    return round(level * week * peak * (1 + day.toordinal() % 365 / 900) * rng.uniform(0.85, 1.15), 2)


def order_export() -> str:
    """Tmall orders, one line each: paid, a few closed, a few refunded, times around the clock."""
    rng, lines = random.Random(24), ["订单编号,店铺名称,付款时间,实付金额,订单状态,退款金额"]
    day, n = START, 0
    while day < TODAY:
        for _ in range(rng.randint(6, 12)):
            n += 1
            paid = _day_sales(day, rng, 180.0)
            status = rng.choice(("交易成功", "交易成功", "已发货", "交易关闭"))
            refund = f"{paid / 2:.2f}" if rng.random() < 0.05 else ""
            t = f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
            lines.append(f'T{n:07d},天猫旗舰店,{day.isoformat()} {t},"{paid:,.2f}",{status},{refund}')
        day += timedelta(days=1)
    return "\n".join(lines) + "\n"


def daily_summary() -> str:
    """A 京东商智-style daily summary of the JD shop (no shop column: the `shop` form field names it)."""
    rng, lines = random.Random(7), ["日期,访客数,成交金额,订单数,退款金额"]
    day = START
    while day < TODAY:
        lines.append(f"{day:%Y/%m/%d},{rng.randint(300, 600)},{_day_sales(day, rng, 1500.0)},{rng.randint(8, 20)},0")
        day += timedelta(days=1)
    return "\n".join(lines) + "\n"


def _upload(client, headers, path: str, name: str, text: str, data=None, **params: str):
    files = {"file": (name, text.encode("utf-8"))}
    return client.post(path, params=params, data=data or {}, files=files, headers=headers)


def test_an_empty_database_to_a_published_goal_draft(fresh) -> None:
    admin = login(fresh, "boss")
    assert [c["step"] for c in fresh.get("/api/v1/setup/checklist", headers=admin).json() if c["done"]] == []
    company = {"name_zh": "杭州好物", "name_en": "Haowu", "fiscal_year_start_month": 1, "stage": "expansion"}
    assert fresh.post("/api/v1/company", json=company, headers=admin).status_code == 201
    for code, zh in (("tmall", "天猫旗舰店"), ("jd", "京东自营店")):
        body = {"code": code, "name_zh": zh, "name_en": code.upper(), "channel": code, "opened_on": "2020-01-01"}
        assert fresh.post("/api/v1/shops", json=body, headers=admin).status_code == 201
    # A shop closed before kpilot came: kept, inactive, and no part of the forecasts or the draft's range.
    old = {"code": "pdd-old", "name_zh": "拼多多旧店", "name_en": "PDD (closed)", "channel": "pdd"}
    made = fresh.post("/api/v1/shops", json=old, headers=admin).json()
    closed = fresh.patch(f"/api/v1/shops/{made['id']}", json={"active": False}, headers={**admin, "If-Match": '"1"'})
    assert closed.status_code == 200

    bad = _upload(fresh, admin, "/api/v1/imports/org", "通讯录.csv", ORG + BAD_ROW)
    assert bad.status_code == 422 and bad.json()["errors"][0]["code"] == "import.unknown_manager"
    fixed = _upload(fresh, admin, "/api/v1/imports/org", "通讯录.csv", ORG + BAD_ROW.replace("B099", "B005"))
    assert fixed.status_code == 200 and fixed.json()["created"] == 7, fixed.text
    # HR's own login came with the org file: a one-time password, changed at first login (people import sales).
    otp = next(x["one_time_password"] for x in fixed.json()["logins"] if x["username"] == "b007")
    first = token(fresh, "b007", otp)
    change = {"current_password": otp, "new_password": "another-long-pass-9"}
    assert fresh.post("/api/v1/me/password", json=change, headers=first).status_code == 204
    hr = token(fresh, "b007", "another-long-pass-9")

    orders = _upload(fresh, hr, "/api/v1/imports/sales", "订单导出.csv", order_export(), dry_run="true").json()
    assert orders["kind"] == "orders" and orders["errors"] == [] and "付款时间" in orders["rule"]["zh"]
    assert _upload(fresh, hr, "/api/v1/imports/sales", "订单导出.csv", order_export()).json()["imported"] > 700
    daily = _upload(fresh, hr, "/api/v1/imports/sales", "京东商智.csv", daily_summary(), data={"shop": "jd"})
    assert daily.status_code == 200 and daily.json()["imported"] > 700, daily.text

    plan = "活动名称,活动类型,店铺,开始日期,结束日期,预计折扣\n店庆,店庆,天猫旗舰店,2025-09-20,2025-09-22,15%\n"
    plan += "年货节店铺专场,大促,全部,2027-01-10,2027-01-20,20%\n"
    assert _upload(fresh, hr, "/api/v1/imports/promotions", "活动.csv", plan).json()["imported"] == 2

    periods = {
        p["code"]: p["id"] for p in fresh.get("/api/v1/periods", params={"limit": 200}, headers=hr).json()["data"]
    }
    okr = {
        "level": "company", "period_id": periods["2027-Q1"], "code": "O1", "title": "2027年一季度销售额增长 20%",
        "key_results": [{"code": "KR1", "title": "GMV 达到 600 万", "indicator_code": "gmv", "target": 6e6,
                         "unit": "CNY", "direction": "higher"}],
    }  # fmt: skip
    assert fresh.post("/api/v1/objectives", json=okr, headers=hr).status_code == 201

    inds = {i["code"] for i in fresh.get("/api/v1/indicators", params={"limit": 200}, headers=hr).json()["data"]}
    assert "gmv" in inds
    history = "工号,期间,指标,权重,目标,实际\nB003,2026-Q3,gmv,60,1000000,980000\nB004,2026-Q3,gmv,60,900000,950000\n"
    assert _upload(fresh, hr, "/api/v1/imports/kpi-history", "历史.csv", history).json()["imported"] == 2

    depts = {d["name_zh"]: d["id"] for d in fresh.get("/api/v1/departments", headers=hr).json()["data"]}
    body = {"department_id": depts["天猫运营部"], "period_id": periods["2027-Q1"], "lang": "zh"}
    first = fresh.post("/api/v1/goal-drafts", json=body, headers=hr)
    assert first.status_code == 201, first.text
    job = settled_job(fresh, f"/api/v1/forecasts/{first.json()['forecast_job_id']}", hr)
    assert job["status"] == "done", job
    draft = fresh.post("/api/v1/goal-drafts", json={**body, "again": True}, headers=hr)
    assert draft.status_code == 201, draft.text
    kpis = draft.json()["draft"]["department"]["kpis"]
    assert any(k["target"]["low"] is not None and k["target"]["low"] < k["target"]["high"] for k in kpis), kpis
    done = fresh.post(
        f"/api/v1/goal-drafts/{draft.json()['id']}/publish", headers={**hr, "If-Match": draft.headers["etag"]}
    )
    assert done.status_code == 200, done.text
    assert done.json()["assignment_ids"]
    steps = {c["step"]: c["done"] for c in fresh.get("/api/v1/setup/checklist", headers=admin).json()}
    assert all(steps.values()), steps
