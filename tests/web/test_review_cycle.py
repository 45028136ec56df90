"""The review-cycle pages in Chromium, checked against the API: the employee writes a self-assessment on a phone
(390 px), in Chinese and English; the manager reviews (a comment is required more than one level away); HR's
cockpit shows who is late by department, the second reviews blocking publication, and moves the stage."""

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from core.clock import Clock, parse_pin, zone
from tests.api.helpers import org_snapshot, person
from tests.conftest import demo_logins
from tests.web.conftest import api, login

SHANGHAI = zone("Asia/Shanghai")
LEVELS = [
    {"value": v, "label_zh": zh, "label_en": en, "description_zh": zh, "description_en": en}
    for v, zh, en in (
        (40, "待改进", "Below"),
        (70, "合格", "Meets"),
        (100, "良好", "Good"),
        (120, "卓越", "Outstanding"),
    )
]


@pytest.fixture(scope="module")
def cycle(web_app, demo_url: str) -> dict[str, Any]:
    """A cycle for last month, for the employee's department, at its self-assessment stage; a rubric on one KPI."""
    with TestClient(web_app) as c:
        hr = demo_logins(c)["hr"]
        snap = org_snapshot(demo_url)
        me = person(snap, "employee")
        periods = c.get("/api/v1/periods", headers=hr, params={"kind": "month", "limit": 200}).json()["data"]
        period = next(p["id"] for p in periods if p["code"] == "2026-10")
        kpi = c.get("/api/v1/kpi-assignments", headers=hr, params={"period_id": period, "employee_id": me}).json()[
            "data"
        ][0]
        assert (
            c.put(f"/api/v1/indicators/{kpi['indicator_id']}/rubric", headers=hr, json={"levels": LEVELS}).status_code
            == 200
        )
        body = {
            "period_id": period, "population": "departments", "department_ids": [snap["emp_dept"][me]],
            "all_cadences": True,
            "self_assessment_on": "2026-11-10", "manager_review_on": "2026-11-25", "calibration_on": "2026-11-27",
            "publish_on": "2026-11-28", "appeal_until": "2026-11-30", "lock_on": "2026-12-02",
        }  # fmt: skip
        r = c.post("/api/v1/review-cycles", headers=hr, json=body)
        assert r.status_code == 201, r.text
        return {"id": r.json()["id"], "kpi": kpi, "me": me, "period": period}


def _move(web_app, cycle_id: int, stage: str, reason: str = "") -> None:
    with TestClient(web_app) as c:
        hr = demo_logins(c)["hr"]
        etag = c.get(f"/api/v1/review-cycles/{cycle_id}", headers=hr).headers["ETag"]
        r = c.post(
            f"/api/v1/review-cycles/{cycle_id}/stage",
            headers={**hr, "If-Match": etag},
            json={"stage": stage, "reason": reason},
        )
        assert r.status_code == 200, r.text


def test_employee_self_assessment_on_a_phone(browser, base_url: str, cycle, screenshots: Path) -> None:
    context = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844}, locale="zh-CN")
    context.set_default_timeout(30_000)
    page = context.new_page()
    login(page, "employee")
    page.click('nav a[data-page="review"]')
    page.wait_for_selector("#self-form")
    kid = cycle["kpi"]["id"]
    assert "我的自评" in page.inner_text("#review-page") and "员工自评" in page.inner_text("#review-page")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    page.fill(f"#self-c-{kid}", "上线两款新品，均按期完成")
    page.fill(f"#self-e-{kid}", "https://wiki.example/launch")
    page.select_option(f"#self-p-{kid}", "40")
    page.click("#self-submit")
    page.wait_for_selector("#flash")
    assert page.inner_text("#flash") == "自评已保存。"
    items = api(page, f"/review-cycles/{cycle['id']}/items")
    assert [i["employee_id"] for i in items] == [cycle["me"]]  # only one's own item
    entry = items[0]["self_entries"][str(kid)]
    assert entry["proposed_value"] == 40 and entry["evidence"] == "https://wiki.example/launch"
    page.screenshot(path=screenshots / "employee-self-assessment-390.png", full_page=True)
    # This week's check-in on a KPI of the running month (过程跟踪); it feeds the self-assessment next month.
    running = api(page, "/me/plan")["current_period"]["id"]
    now_kpi = api(page, f"/kpi-assignments?period_id={running}&employee_id={cycle['me']}")["data"][0]["id"]
    page.click(f"#ci-submit-{now_kpi}")
    page.wait_for_selector("#ci-msg .error")  # a note first
    page.fill(f"#ci-n-{now_kpi}", "完成两场直播复盘")
    page.select_option(f"#ci-c-{now_kpi}", "4")
    page.fill(f"#ci-b-{now_kpi}", "等设计素材")
    page.click(f"#ci-submit-{now_kpi}")
    page.wait_for_selector("#flash:has-text('本周进展已提交')")
    posted = api(page, f"/check-ins?period_id={running}")["data"]
    assert [(c["assignment_id"], c["confidence"], c["blocker"]) for c in posted] == [(now_kpi, 4, "等设计素材")]
    assert "4/5" in page.inner_text(f'[data-checkin-kpi="{now_kpi}"]')
    page.click("#lang")
    page.wait_for_selector("text=My self-assessment")
    assert "Self-assessment" in page.inner_text("#review-page")
    context.close()


def test_manager_reviews_with_the_rubric(page, web_app, cycle) -> None:
    _move(web_app, cycle["id"], "manager_review")
    login(page, "manager")
    page.click('nav a[data-page="review"]')
    items = api(page, f"/review-cycles/{cycle['id']}/items")
    item = next(i for i in items if i["employee_id"] == cycle["me"])
    kid = cycle["kpi"]["id"]
    page.wait_for_selector(f"#review-{item['id']}")
    assert page.inner_text(f'[data-actual="{kid}"]').startswith("实际值")  # the computed actual beside the review
    assert "待改进" in page.inner_text(f"#review-{item['id']}")  # the person's proposal beside the rubric
    page.select_option(f"#rv-v-{item['id']}-{kid}", "120")
    page.fill(f"#rv-o-{item['id']}", "整体表现稳定")
    page.click(f"#rv-submit-{item['id']}")
    page.wait_for_selector(f"#rv-msg-{item['id']} .error")
    assert api(page, f"/review-cycles/{cycle['id']}/items/{item['id']}")["status"] == "self_assessed"
    page.fill(f"#rv-c-{item['id']}-{kid}", "上线数据好于自评")
    page.click(f"#rv-submit-{item['id']}")
    page.wait_for_selector("#flash")
    saved = api(page, f"/review-cycles/{cycle['id']}/items/{item['id']}")
    assert saved["status"] == "reviewed" and saved["review_entries"][str(kid)]["value"] == 120


def test_hr_cockpit_shows_the_late_and_moves_the_stage(page, web_app, cycle, screenshots: Path) -> None:
    login(page, "hr")
    page.click('nav a[data-page="cycles"]')
    card = f"#cycle-{cycle['id']}"
    page.wait_for_selector(card)
    assert page.inner_text(f"#cy-stage-{cycle['id']}") in ("上级评价", "员工自评")
    cockpit = api(page, f"/review-cycles/{cycle['id']}/cockpit")
    if cockpit["late"]:
        assert str(len(cockpit["late"][0]["employee_ids"])) in page.inner_text(card)
    page.click(f"#cy-move-{cycle['id']}")  # to calibration
    page.wait_for_selector("#flash")
    assert api(page, f"/review-cycles/{cycle['id']}")["stage"] == "calibration"
    # Publishing waits for the open second reviews of the period: the page says so and lists them.
    page.fill(f"#cy-why-{cycle['id']}", "部分主管未在系统内评价")
    page.click(f"#cy-move-{cycle['id']}")
    blocking = api(page, f"/review-cycles/{cycle['id']}/cockpit")["blocking_reviews"]
    if blocking:
        page.wait_for_selector(f"#cy-msg-{cycle['id']} .error")
        assert "二次复核" in page.inner_text(f"#cy-msg-{cycle['id']}")
        assert page.locator(f"#cy-blocking-{cycle['id']} li").count() == len(blocking)
    else:
        page.wait_for_selector("#flash:has-text('已发布')")
    page.screenshot(path=screenshots / "hr-cycle-cockpit.png", full_page=True)
    body = page.inner_text("#cycles-page")
    assert "null" not in body and "manager_review" not in body and "self_assessment" not in body


def _decide_blocking_and_publish(web_app, cycle_id: int, hr_employee: int) -> None:
    """Decide the period's open second reviews through the API, then publish (some reviews are missing)."""
    with TestClient(web_app) as c:
        logins = demo_logins(c)
        cockpit = c.get(f"/api/v1/review-cycles/{cycle_id}/cockpit", headers=logins["hr"]).json()
        for rid in cockpit["blocking_reviews"]:
            path = f"/api/v1/pay/reviews/{rid}"
            subject = c.get(path, headers=logins["admin"]).json()["subject_employee_id"]
            who = logins["admin"] if subject == hr_employee else logins["hr"]
            etag = c.get(path, headers=who).headers["ETag"]
            decision = {"decision": "confirm", "reason": "复核无误"}
            assert c.post(f"{path}/decide", headers={**who, "If-Match": etag}, json=decision).status_code == 200
        stage = c.get(f"/api/v1/review-cycles/{cycle_id}", headers=logins["hr"]).json()["stage"]
    if stage != "published":
        _move(web_app, cycle_id, "published", "部分主管未在系统内评价")


def test_employee_appeals_and_hr_decides_then_locks(page, web_app, cycle, demo_url: str) -> None:
    _decide_blocking_and_publish(web_app, cycle["id"], person(org_snapshot(demo_url), "hr"))
    login(page, "employee")
    page.click('nav a[data-page="review"]')
    page.wait_for_selector("#appeal-form")
    assert "上线数据好于自评" in page.inner_text("#my-result")  # the reviewer's comment is shown
    mine = api(page, f"/review-cycles/{cycle['id']}/items")[0]
    grade = {"excellent": "优秀", "good": "良好", "needs_improvement": "待改进"}[mine["result"]["grade"]]
    assert page.inner_text("#my-grade").startswith(f"等级：{grade}")
    page.click("#appeal-submit")
    page.wait_for_selector("#answer-msg .error")  # no KPI chosen, no reason
    page.check(f'input[name="appeal-kpi"][value="{cycle["kpi"]["id"]}"]')
    page.fill("#appeal-reason", "新品上线数据统计口径有误")
    page.click("#appeal-submit")
    page.wait_for_selector("#flash")
    assert page.inner_text("#answer").startswith("申诉处理中")
    appeal = api(page, "/appeals")[0]
    assert appeal["employee_id"] == cycle["me"] and appeal["status"] == "open"
    page.click("#logout")

    login(page, "hr")
    page.click('nav a[data-page="cycles"]')
    page.wait_for_selector(f'[data-appeal="{appeal["id"]}"]')
    page.click(f"#ap-uphold-{appeal['id']}")
    page.wait_for_selector(f"#cy-msg-{cycle['id']} .error")  # a decision needs a reason
    page.fill(f"#ap-r-{appeal['id']}", "口径核对无误，维持原结果")
    page.click(f"#ap-uphold-{appeal['id']}")
    page.wait_for_selector("#flash")
    assert api(page, "/appeals?status=upheld")[0]["id"] == appeal["id"]
    page.click(f"#cy-move-{cycle['id']}")  # too early: others may still answer until 30 November
    page.wait_for_selector(f"#cy-msg-{cycle['id']} .error")
    assert "截止" in page.inner_text(f"#cy-msg-{cycle['id']}")
    page.click("#logout")
    web_app.state.clock = Clock(tz=SHANGHAI, pinned=parse_pin("2026-12-01", SHANGHAI))  # the window has closed
    login(page, "hr")
    page.click('nav a[data-page="cycles"]')
    page.wait_for_selector(f"#cy-move-{cycle['id']}")
    page.click(f"#cy-move-{cycle['id']}")  # lock
    page.wait_for_selector(f"#cy-stage-{cycle['id']}:has-text('已锁定')")
    periods = api(page, "/periods?kind=month&limit=200")["data"]
    assert next(p for p in periods if p["id"] == cycle["period"])["locked_at"]
    # HR reopens the employee's result with a reason through the cockpit, then locks it again.
    item = next(i for i in api(page, f"/review-cycles/{cycle['id']}/items") if i["employee_id"] == cycle["me"])
    page.click(f"#reopen-{cycle['id']} > summary")
    page.fill(f"#ro-r-{item['id']}", "补录漏算订单")
    page.click(f"#ro-reopen-{item['id']}")
    page.wait_for_selector("#flash:has-text('已重新开放')")
    assert api(page, f"/review-cycles/{cycle['id']}/items/{item['id']}")["status"] == "reopened"
    page.click(f"#reopen-{cycle['id']} > summary")
    page.fill(f"#ro-r-{item['id']}", "补录完成")
    page.click(f"#ro-relock-{item['id']}")
    page.wait_for_function(
        "() => document.querySelector('#flash') && document.querySelector('#flash').textContent.includes('重新锁定')"
    )
    assert api(page, f"/review-cycles/{cycle['id']}/items/{item['id']}")["status"] == "locked"
