"""A real company starts: the company once, its shops, its promotion calendar (used by forecasts)."""

from datetime import date

from sqlalchemy import select

from core.db import session_scope
from core.tables import AuditEvent
from tests.onboarding.conftest import login

COMPANY = {
    "name_zh": "杭州好物电子商务有限公司",
    "name_en": "Hangzhou Haowu E-commerce",
    "timezone": "Asia/Shanghai",
    "fiscal_year_start_month": 4,
    "stage": "expansion",
}


def test_the_company_is_created_once_then_corrected(fresh) -> None:
    admin = login(fresh, "boss")
    missing = fresh.get("/api/v1/company", headers=admin)
    assert missing.status_code == 404 and missing.json()["code"] == "company.missing"
    assert "公司" in missing.json()["detail_zh"]
    bad = fresh.post("/api/v1/company", json={**COMPANY, "timezone": "Mars/Olympus"}, headers=admin)
    assert bad.status_code == 422
    r = fresh.post("/api/v1/company", json=COMPANY, headers=admin)
    assert r.status_code == 201, r.text
    assert r.json()["currency"] == "CNY" and r.json()["fiscal_year_start_month"] == 4
    again = fresh.post("/api/v1/company", json=COMPANY, headers=admin)
    assert again.status_code == 409 and again.json()["code"] == "company.exists"
    got = fresh.get("/api/v1/company", headers=admin)
    no_match = fresh.patch("/api/v1/company", json={"stage": "mature"}, headers=admin)
    assert no_match.status_code == 428
    patched = fresh.patch(
        "/api/v1/company", json={"stage": "mature"}, headers={**admin, "If-Match": got.headers["ETag"]}
    )
    assert patched.status_code == 200 and patched.json()["stage"] == "mature" and patched.json()["version"] == 2


def test_shops_are_added_and_deactivated_never_deleted(fresh) -> None:
    hr = login(fresh, "hrlead")
    body = {"code": "tmall", "name_zh": "天猫旗舰店", "name_en": "Tmall flagship", "channel": "tmall"}
    r = fresh.post("/api/v1/shops", json={**body, "opened_on": "2021-03-01"}, headers=hr)
    assert r.status_code == 201, r.text
    assert fresh.post("/api/v1/shops", json=body, headers=hr).json()["code"] == "shop.exists"
    shop = r.json()
    closed = fresh.patch(
        f"/api/v1/shops/{shop['id']}", json={"active": False}, headers={**hr, "If-Match": f'"{shop["version"]}"'}
    )
    assert closed.status_code == 200 and closed.json()["active"] is False
    listed = fresh.get("/api/v1/shops", headers=hr).json()["data"]
    assert [(s["code"], s["active"]) for s in listed] == [("tmall", False)]
    assert fresh.delete(f"/api/v1/shops/{shop['id']}", headers=hr).status_code == 405


def test_the_promotion_calendar_lists_built_in_events_and_takes_corrections(fresh, empty_url) -> None:
    hr = login(fresh, "hrlead")
    year = fresh.get("/api/v1/promotions?year=2026", headers=hr).json()
    d11 = next(p for p in year if p["builtin_key"] == "double11:2026")
    assert d11["id"] is None and d11["name"] == "双11" and d11["start_date"] == "2026-10-20"
    fix = {"name": "双11", "builtin_key": "double11:2026", "start_date": "2026-10-14", "end_date": "2026-11-11"}
    r = fresh.post("/api/v1/promotions", json=fix, headers=hr)
    assert r.status_code == 201, r.text
    assert fresh.post("/api/v1/promotions", json=fix, headers=hr).status_code == 409
    year = fresh.get("/api/v1/promotions?year=2026", headers=hr).json()
    assert [p["start_date"] for p in year if p["builtin_key"] == "double11:2026"] == ["2026-10-14"]
    own = {"name": "店庆", "kind": "shop", "start_date": "2026-12-20", "end_date": "2026-12-18"}
    assert fresh.post("/api/v1/promotions", json=own, headers=hr).status_code == 422
    made = fresh.post("/api/v1/promotions", json={**own, "end_date": "2026-12-22", "discount": 0.2}, headers=hr)
    assert made.status_code == 201
    pid = made.json()["id"]
    moved = fresh.patch(f"/api/v1/promotions/{pid}", json={"end_date": "2026-12-24"}, headers={**hr, "If-Match": '"1"'})
    assert moved.status_code == 200 and moved.json()["end_date"] == "2026-12-24"
    assert fresh.delete(f"/api/v1/promotions/{pid}", headers=hr).status_code == 204
    assert fresh.get("/api/v1/promotions?year=2026", headers=hr).status_code == 200
    with session_scope(empty_url, write=False) as s:
        actions = {(a.entity, a.action) for a in s.execute(select(AuditEvent)).scalars()}
    assert {("promo_event", "create"), ("promo_event", "update"), ("promo_event", "delete")} <= actions


def test_forecasts_read_the_corrected_calendar(empty_url) -> None:
    from core.tables import Shop
    from workflows.onboarding.calendar import company_calendar

    with session_scope(empty_url, write=False) as s:
        shop = s.execute(select(Shop)).scalars().one()
        cal = company_calendar(s, shop.id, date(2026, 10, 10), date(2026, 10, 25))
    promo = dict(zip(cal["ds"].dt.date, cal["event"], strict=True))
    assert not isinstance(promo[date(2026, 10, 13)], str) and promo[date(2026, 10, 14)] == "double11"


def test_employees_may_read_but_not_set_up(fresh) -> None:
    hr = login(fresh, "hrlead")
    assert fresh.get("/api/v1/company", headers=hr).status_code == 200
    assert fresh.post("/api/v1/company", json=COMPANY).status_code == 401
