"""Actuals from data: a sales import moves the computed actual of every KPI on the imported shops (and of nobody
else's); ratios come from the period's sums; a hand-entered value needs a reason and HR's decision."""

from datetime import date

import pytest
from sqlalchemy import select

from core.db import session_scope
from core.tables import (
    AuditEvent,
    Department,
    Employee,
    Indicator,
    KpiActual,
    KpiAssignment,
    Period,
    Position,
    SalesDaily,
    Shop,
    User,
)
from tests.api.helpers import settled_job

MONTH = "2026-11"  # the suite's pinned today is 2026-11-18


def _assignments(url: str) -> dict[tuple[str, str], int]:
    """(owner key, indicator code) -> assignment id for the current month: owner `user:<name>` or `dept:<code>`."""
    out: dict[tuple[str, str], int] = {}
    with session_scope(url, write=False) as s:
        users = {u.employee_id: u.username for u in s.execute(select(User)).scalars() if u.employee_id}
        rows = s.execute(
            select(KpiAssignment, Indicator.code)
            .join(Indicator, Indicator.id == KpiAssignment.indicator_id)
            .join(Period, Period.id == KpiAssignment.period_id)
            .where(Period.code == MONTH)
        ).all()
        for a, code in rows:
            if a.employee_id in users:
                out[(f"user:{users[a.employee_id]}", code)] = a.id
    return out


def _employee_id(url: str, username: str) -> int:
    with session_scope(url, write=False) as s:
        emp = s.execute(select(User.employee_id).where(User.username == username)).scalar_one()
        assert emp is not None
        return int(emp)


def _latest(url: str) -> dict[int, tuple[date, float, str]]:
    with session_scope(url, write=False) as s:
        out: dict[int, tuple[date, float, str]] = {}
        for r in s.execute(select(KpiActual).order_by(KpiActual.as_of)).scalars():
            out[r.assignment_id] = (r.as_of, r.value, r.source)
    return out


def _shop_sums(url: str, codes: tuple[str, ...]) -> tuple[float, float, float, list[float]]:
    """Sales, orders and visitors of the shops from the 1st to yesterday, and the daily conversion rates."""
    with session_scope(url, write=False) as s:
        rows = s.execute(
            select(SalesDaily.ds, SalesDaily.sales, SalesDaily.orders, SalesDaily.visitors)
            .join(Shop)
            .where(Shop.code.in_(codes), SalesDaily.ds >= date(2026, 11, 1), SalesDaily.ds <= date(2026, 11, 17))
        ).all()
    daily: dict[date, list[float]] = {}
    for d, sales, orders, visitors in rows:
        acc = daily.setdefault(d, [0.0, 0.0, 0.0])
        acc[0], acc[1], acc[2] = acc[0] + sales, acc[1] + (orders or 0), acc[2] + (visitors or 0)
    tot = [sum(v[i] for v in daily.values()) for i in range(3)]
    return tot[0], tot[1], tot[2], [100 * v[1] / v[2] for v in daily.values() if v[2]]


def _import(client, headers, text: str, **params: str):
    files = {"file": ("sales.csv", text.encode("utf-8"))}
    data = {"shop": params.pop("shop")} if "shop" in params else {}
    return client.post("/api/v1/imports/sales", files=files, data=data, params=params, headers=headers)


@pytest.fixture(scope="module")
def ops_shops(demo_url: str) -> tuple[str, ...]:
    """The shops of the demo manager's (head of operations') department."""
    with session_scope(demo_url, write=False) as s:
        manager = s.execute(
            select(Employee).join(User, User.employee_id == Employee.id).where(User.username == "manager")
        ).scalar_one()
        assert s.get(Position, manager.position_id).is_manager  # type: ignore[union-attr]
        return tuple(sorted(s.execute(select(Shop.code).where(Shop.department_id == manager.department_id)).scalars()))


def test_a_sales_import_moves_the_actuals_of_the_kpis_on_those_shops_only(client, tokens, demo_url, ops_shops) -> None:
    ids = _assignments(demo_url)
    gm_gmv, ops_conv = ids[("user:admin", "gmv")], ids[("user:manager", "conversion_rate")]
    specialist = ids[("user:employee", "conversion_rate")]  # a specialist's KPI is measured by hand
    before = _latest(demo_url)
    assert before[gm_gmv][2] == "sales" and before[ops_conv][2] == "sales"  # housekeeping at start-up computed them
    shop = ops_shops[0]
    old = _shop_sums(demo_url, (shop,))
    csv = f"shop_code,ds,sales,orders,visitors\n{shop},2026-11-17,999999.5,9000,10000\n"
    r = _import(client, tokens["hr"], csv)
    assert r.status_code == 200, r.text
    after = _latest(demo_url)
    changed = {k for k in after if after[k] != before.get(k)}
    assert gm_gmv in changed and ops_conv in changed and specialist not in changed
    new = _shop_sums(demo_url, (shop,))
    company_gmv = after[gm_gmv][1]
    assert company_gmv == pytest.approx(before[gm_gmv][1] + new[0] - old[0], abs=0.01)
    # Nobody else's: every changed KPI is the company's (root department) or the shop's department's head's.
    with session_scope(demo_url, write=False) as s:
        owners = {
            (a.department_id, a.employee_id)
            for a in s.execute(select(KpiAssignment).where(KpiAssignment.id.in_(changed))).scalars()
        }
        shop_dept = s.execute(select(Shop.department_id).where(Shop.code == shop)).scalar_one()
        people = {e.id: e for e in s.execute(select(Employee)).scalars()}
        root = {d for d, p in s.execute(select(Department.id, Department.parent_id)).all() if p is None}
    for dept, emp in owners:
        if dept is None:
            assert emp is not None  # an assignment has a department or a person
            dept_of_person = people[emp].department_id
        where = dept if dept is not None else dept_of_person
        assert where in root | {shop_dept}, (dept, emp)


def test_conversion_over_the_period_is_orders_over_visitors_of_the_sums(client, tokens, demo_url, ops_shops) -> None:
    ops_conv = _assignments(demo_url)[("user:manager", "conversion_rate")]
    view = client.get(f"/api/v1/kpi-assignments/{ops_conv}/sales-actual", headers=tokens["manager"])
    assert view.status_code == 200, view.text
    computed = view.json()["computed"]
    _sales, orders, visitors, daily_rates = _shop_sums(demo_url, ops_shops)
    assert computed["value"] == pytest.approx(100 * orders / visitors, abs=1e-3)
    mean_of_days = sum(daily_rates) / len(daily_rates)
    assert abs(computed["value"] - mean_of_days) > 0.05  # the imported 90% day above: an average of daily rates differs
    assert computed["source"] == "sales" and computed["shop_codes"] == list(ops_shops)
    assert computed["days"] == 17 and computed["missing_days"] == 0 and computed["formula"] == "conversion"
    assert "不是每日转化率的平均" in computed["formula_zh"] and computed["sums"]["orders"] == pytest.approx(orders)
    # An employee cannot read the head of operations' KPI: "not yours" reads as "does not exist".
    assert client.get(f"/api/v1/kpi-assignments/{ops_conv}/sales-actual", headers=tokens["employee"]).status_code == 404


def test_the_background_import_job_recomputes_too(client, tokens, demo_url, ops_shops) -> None:
    gm_orders_like = _assignments(demo_url)[("user:admin", "gmv")]
    before = _latest(demo_url)[gm_orders_like][1]
    daily = "统计日期,访客数,支付金额,支付买家数,退款金额\n2026-11-16,5000,500000.00,100,0\n"
    old = _shop_sums(demo_url, (ops_shops[-1],))[0]
    r = _import(client, tokens["hr"], daily, shop=ops_shops[-1], background="true")
    assert r.status_code == 202, r.text
    job = settled_job(client, f"/api/v1/imports/jobs/{r.json()['import_job_id']}", tokens["hr"])
    assert job["status"] == "done", job
    new = _shop_sums(demo_url, (ops_shops[-1],))[0]
    assert _latest(demo_url)[gm_orders_like][1] == pytest.approx(before + new - old, abs=0.01)


def test_a_hand_entered_value_needs_a_reason_and_hr_decides_which_counts(client, tokens, demo_url) -> None:
    ops_conv = _assignments(demo_url)[("user:manager", "conversion_rate")]
    base = f"/api/v1/kpi-assignments/{ops_conv}"
    plain = client.post(f"{base}/actuals", json={"as_of": "2026-11-17", "value": 5.5}, headers=tokens["hr"])
    assert plain.status_code == 409 and plain.json()["code"] == "actual.measured_from_sales"
    no_reason = client.post(f"{base}/overrides", json={"as_of": "2026-11-17", "value": 5.5}, headers=tokens["hr"])
    assert no_reason.status_code == 422
    body = {"as_of": "2026-11-17", "value": 5.5, "reason": "天猫后台的访客数含机器人流量，已剔除"}
    made = client.post(f"{base}/overrides", json=body, headers=tokens["hr"])
    assert made.status_code == 201, made.text
    ov = made.json()
    assert ov["status"] == "proposed" and ov["computed_value"] is not None
    assert _latest(demo_url)[ops_conv][2] == "sales"  # proposed: the computed value still counts
    shown = client.get(f"{base}/sales-actual", headers=tokens["manager"]).json()
    assert [o["value"] for o in shown["overrides"]] == [5.5] and shown["computed"]["counts"] == "sales"
    path = f"/api/v1/actual-overrides/{ov['id']}/decision"
    as_manager = {**tokens["manager"], "If-Match": '"1"'}
    assert client.post(path, json={"decision": "accept"}, headers=as_manager).status_code == 403
    assert client.post(path, json={"decision": "accept"}, headers=tokens["admin"]).status_code == 428
    ok = client.post(path, json={"decision": "accept", "note": "属实"}, headers={**tokens["admin"], "If-Match": '"1"'})
    assert ok.status_code == 200, ok.text
    assert ok.json()["status"] == "accepted" and ok.headers["ETag"] == '"2"'
    assert _latest(demo_url)[ops_conv] == (date(2026, 11, 17), 5.5, "manual")
    again = client.post(path, json={"decision": "reject"}, headers={**tokens["admin"], "If-Match": '"2"'})
    assert again.status_code == 409
    shown = client.get(f"{base}/sales-actual", headers=tokens["hr"]).json()
    assert shown["computed"]["counts"] == "manual" and shown["computed"]["value"] != 5.5
    with session_scope(demo_url, write=False) as s:
        events = (
            s.execute(select(AuditEvent).where(AuditEvent.entity == "actual_override", AuditEvent.action == "accept"))
            .scalars()
            .all()
        )
    assert len(events) == 1
    # A later import updates the computed value but the accepted hand-entered one keeps counting.
    shop = shown["computed"]["shop_codes"][0]
    later = f"shop_code,ds,sales,orders,visitors\n{shop},2026-11-17,1000,10,100\n"
    assert _import(client, tokens["hr"], later).status_code == 200
    assert _latest(demo_url)[ops_conv] == (date(2026, 11, 17), 5.5, "manual")
    # The plan shows the hand-entered value beside the computed one, with its reason and HR's decision.
    manager_id = _employee_id(demo_url, "manager")
    plan = client.get(f"/api/v1/employees/{manager_id}/plan?lang=zh", headers=tokens["hr"]).json()
    line = next(k for k in plan["kpis"] if k["assignment_id"] == ops_conv)
    assert line["actual"] == 5.5 and line["measured"]["counts"] == "manual" and line["measured"]["computed"] != 5.5
    assert [(o["value"], o["status"], o["reason"]) for o in line["measured"]["overrides"]] == [
        (5.5, "accepted", body["reason"])
    ]


def test_an_indicator_hr_maps_to_a_sales_formula_is_measured_too(client, tokens, demo_url, ops_shops) -> None:
    body = {"code": "paid_orders", "name_zh": "支付订单数", "name_en": "Paid orders", "unit": "count",
            "direction": "higher", "sales_formula": "orders"}  # fmt: skip
    made = client.post("/api/v1/indicators", json=body, headers=tokens["hr"])
    assert made.status_code == 201, made.text
    assert made.json()["sales_formula"] == "orders"
    bad = client.post(
        "/api/v1/indicators", json={**body, "code": "x_y", "sales_formula": "profit"}, headers=tokens["hr"]
    )
    assert bad.status_code == 422
    with session_scope(demo_url, write=False) as s:
        month = s.execute(select(Period.id).where(Period.code == MONTH)).scalar_one()
    manager = _employee_id(demo_url, "manager")
    assignment = {"period_id": month, "indicator_code": "paid_orders", "employee_id": manager, "weight": 0,
                  "target": 1000}  # fmt: skip
    a = client.post("/api/v1/kpi-assignments", json=assignment, headers=tokens["hr"])
    assert a.status_code == 201, a.text
    shop = ops_shops[0]
    r = _import(client, tokens["hr"], f"shop_code,ds,sales,orders,visitors\n{shop},2026-11-17,5000,77,1000\n")
    assert r.status_code == 200, r.text
    _sales, orders, _visitors, _rates = _shop_sums(demo_url, ops_shops)
    latest = _latest(demo_url)[a.json()["id"]]
    assert latest[2] == "sales" and latest[1] == pytest.approx(orders)
