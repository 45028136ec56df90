"""The rest of the review cycle in Chromium, checked against the API: HR writes a rubric on its page and the employee
reads its levels where they propose one (phone width, zh and en); HR extends one person's stage from the cockpit
(audited) and that person can self-assess again; the manager's review shows the pace history and the inflation
checks beside the self-assessment; the manager answers a check-in, the employee reads the answer, and the feedback
report quotes the check-in."""

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import org_snapshot, person, plant_review
from tests.conftest import demo_logins
from tests.web.conftest import api, login

LEVELS = [  # (value, zh, en, description zh, description en)
    ("60", "需改进", "Needs work", "里程碑延误两周以上", "A milestone more than two weeks late"),
    ("100", "达标", "On plan", "里程碑按期完成", "Milestones on time"),
    ("120", "超出预期", "Beyond plan", "提前完成并有额外成果", "Early, with more delivered"),
]


@pytest.fixture(scope="module")
def cycle(web_app, demo_url: str) -> dict[str, Any]:
    """Last month's cycle for the employee's department at its self-assessment stage; a planted second review on
    the employee; the employee's check-in of this week on a KPI of the running month."""
    with TestClient(web_app) as c:
        logins = demo_logins(c)
        hr, emp = logins["hr"], logins["employee"]
        snap = org_snapshot(demo_url)
        me = person(snap, "employee")
        periods = c.get("/api/v1/periods", headers=hr, params={"kind": "month", "limit": 200}).json()["data"]
        period = next(p["id"] for p in periods if p["code"] == "2026-10")
        running = next(p["id"] for p in periods if p["code"] == "2026-11")
        kpi = c.get("/api/v1/kpi-assignments", headers=hr, params={"period_id": period, "employee_id": me}).json()
        body = {
            "period_id": period, "population": "departments", "department_ids": [snap["emp_dept"][me]],
            "all_cadences": True,
            "self_assessment_on": "2026-11-10", "manager_review_on": "2026-11-25", "calibration_on": "2026-11-27",
            "publish_on": "2026-11-28", "appeal_until": "2026-11-30", "lock_on": "2026-12-02",
        }  # fmt: skip
        r = c.post("/api/v1/review-cycles", headers=hr, json=body)
        assert r.status_code == 201, r.text
        now_kpi = c.get("/api/v1/kpi-assignments", headers=emp, params={"period_id": running, "employee_id": me})
        note = {"assignment_id": now_kpi.json()["data"][0]["id"], "note": "完成两场直播复盘", "confidence": 4,
                "blocker": "等设计素材"}  # fmt: skip
        posted = c.post("/api/v1/check-ins", headers=emp, json=note)
        assert posted.status_code == 201, posted.text
    review = plant_review(demo_url, period, me, [me])
    return {"id": r.json()["id"], "kpi": kpi["data"][0], "me": me, "check_in": posted.json(), "review": review}


def _move(web_app, cycle_id: int, stage: str) -> None:
    with TestClient(web_app) as c:
        hr = demo_logins(c)["hr"]
        etag = c.get(f"/api/v1/review-cycles/{cycle_id}", headers=hr).headers["ETag"]
        r = c.post(f"/api/v1/review-cycles/{cycle_id}/stage", headers={**hr, "If-Match": etag}, json={"stage": stage})
        assert r.status_code == 200, r.text


def test_hr_defines_a_rubric_and_the_employee_sees_its_levels(page, browser, base_url: str, cycle, screenshots: Path):
    ind = cycle["kpi"]["indicator_id"]
    login(page, "hr")
    page.click('nav a[data-page="rubrics"]')
    page.wait_for_selector("#rb-indicator")
    page.select_option("#rb-indicator", str(ind))
    page.wait_for_selector("#rb-form")
    assert "尚未定义" in page.inner_text("#rb-form") and page.locator("[data-level]").count() == 2
    page.click("#rb-save")
    page.wait_for_selector("#rb-msg .error")  # nothing filled in: said before the server is asked
    page.click("#rb-add")
    for i, (value, zh, en, dzh, den) in enumerate(LEVELS):
        for key, text in (("value", value), ("label_zh", zh), ("label_en", en), ("description_zh", dzh)):
            page.fill(f"#rb-{key}-{i}", text)
        page.fill(f"#rb-description_en-{i}", den)
    page.click("#rb-save")
    page.wait_for_selector("#flash")
    saved = api(page, f"/indicators/{ind}/rubric")
    assert [(lv["value"], lv["label_zh"], lv["description_en"]) for lv in saved["levels"]] == [
        (float(v), zh, den) for v, zh, _, _, den in LEVELS
    ]
    # A change goes with the rubric's version (If-Match): the preview shows the new description.
    page.fill("#rb-description_zh-1", "里程碑按期完成，质量达标")
    page.click("#rb-save")
    page.wait_for_selector("#rb-preview:has-text('质量达标')")
    assert api(page, f"/indicators/{ind}/rubric")["version"] == saved["version"] + 1
    assert "null" not in page.inner_text("#rubrics-page") and "label_zh" not in page.inner_text("#rubrics-page")
    page.screenshot(path=screenshots / "hr-rubric-editor.png", full_page=True)

    phone = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844}, locale="zh-CN")
    phone.set_default_timeout(30_000)
    emp = phone.new_page()
    login(emp, "employee")
    emp.click('nav a[data-page="review"]')
    kid = cycle["kpi"]["id"]
    emp.wait_for_selector(f'[data-rubric="self-{kid}"]')
    levels = emp.inner_text(f'[data-rubric="self-{kid}"]')
    assert "超出预期" in levels and "提前完成并有额外成果" in levels and "质量达标" in levels
    assert emp.locator(f"#self-p-{kid} option").count() == 4  # three levels and "none"
    assert emp.evaluate("document.documentElement.scrollWidth") <= 390
    emp.screenshot(path=screenshots / "employee-rubric-levels-390.png", full_page=True)
    emp.click("#lang")
    emp.wait_for_selector(f'[data-rubric="self-{kid}"]:has-text("Early, with more delivered")')
    phone.close()


def test_hr_extends_one_persons_stage(page, web_app, cycle) -> None:
    _move(web_app, cycle["id"], "manager_review")  # the self-assessment stage has closed for everyone
    cid, me = cycle["id"], cycle["me"]
    login(page, "hr")
    page.click('nav a[data-page="cycles"]')
    page.click(f"#ext-{cid} > summary")
    page.select_option(f"#ext-s-{cid}", "self_assessment")
    page.select_option(f"#ext-k-{cid}", "person")
    page.select_option(f"#ext-p-{cid}", str(me))
    page.fill(f"#ext-u-{cid}", "2026-11-24")
    page.click(f"#ext-go-{cid}")
    page.wait_for_selector(f"#cy-msg-{cid} .error")  # a reason first
    page.fill(f"#ext-r-{cid}", "出差一周，补交自评")
    page.click(f"#ext-go-{cid}")
    page.wait_for_selector("#flash:has-text('已延长')")
    items = api(page, f"/review-cycles/{cid}/items")
    extended = {i["employee_id"]: i["extensions"] for i in items if i["extensions"]}
    assert extended == {me: {"self_assessment": "2026-11-24"}}  # that one person, nobody else
    page.click(f"#ext-{cid} > summary")
    assert "员工自评延长至 2026-11-24" in page.inner_text(f'#ext-list-{cid} [data-extended="{me}"]')
    events = api(page, "/audit-events?limit=50")["data"]
    extend = next(e for e in events if e["entity"] == "review_cycle" and e["action"] == "extend")
    assert "出差一周，补交自评" in json.dumps(extend, ensure_ascii=False) and str(me) in json.dumps(extend)
    # A whole team: the manager review of everyone in the department gets two more days.
    page.select_option(f"#ext-s-{cid}", "manager_review")
    page.select_option(f"#ext-k-{cid}", "team")
    page.select_option(f"#ext-d-{cid}", str(items[0]["department_id"]))
    page.fill(f"#ext-u-{cid}", "2026-11-27")
    page.fill(f"#ext-r-{cid}", "部门大促期间")
    page.evaluate("document.querySelector('#flash').remove()")
    page.click(f"#ext-go-{cid}")
    page.wait_for_selector("#flash:has-text('已延长')")
    team = [i for i in api(page, f"/review-cycles/{cid}/items") if i["department_id"] == items[0]["department_id"]]
    assert team and all(i["extensions"].get("manager_review") == "2026-11-27" for i in team)
    assert next(i for i in team if i["employee_id"] == me)["extensions"]["self_assessment"] == "2026-11-24"
    page.click("#logout")
    # The person may self-assess again, until the new date.
    login(page, "employee")
    page.click('nav a[data-page="review"]')
    kid = cycle["kpi"]["id"]
    page.wait_for_selector("#self-form")
    page.fill(f"#self-c-{kid}", "里程碑按期完成")
    page.select_option(f"#self-p-{kid}", "100")
    page.click("#self-submit")
    page.wait_for_selector("#flash:has-text('自评已保存')")
    assert api(page, f"/review-cycles/{cid}/items")[0]["self_entries"][str(kid)]["proposed_value"] == 100


def test_manager_sees_pace_and_checks_and_answers_a_check_in(page, cycle, screenshots: Path) -> None:
    cid, me, kid = cycle["id"], cycle["me"], cycle["kpi"]["id"]
    login(page, "manager")
    page.click('nav a[data-page="review"]')
    item = next(i for i in api(page, f"/review-cycles/{cid}/items") if i["employee_id"] == me)
    form = f"#review-{item['id']}"
    page.wait_for_selector(form)
    beside = next(b for b in api(page, f"/review-cycles/{cid}/beside") if b["item_id"] == item["id"])
    # Pace history of every KPI: one row per point the server computed; the self-assessment beside it.
    assert any(k["points"] for k in beside["kpis"])
    for k in beside["kpis"]:
        rows = page.locator(f'{form} [data-pace="{k["assignment_id"]}"] tbody tr').count()
        assert rows == len(k["points"])
    assert "里程碑按期完成" in page.inner_text(f'{form} [data-self="{kid}"]')
    assert "达标" in page.inner_text(f'{form} [data-self="{kid}"]')  # the proposed level, by name
    # The checks: the computed score, each flag on the person, the planted second review with its link.
    checks = page.inner_text(f"#checks-{item['id']}")
    assert checks.startswith("虚高与偏离核查")
    assert page.locator(f"#checks-{item['id']} [data-check]").count() == len(beside["checks"])
    link = page.locator(f'#checks-{item["id"]} [data-second-review="{cycle["review"]}"] a')
    assert link.get_attribute("href") == f"#/reviews?id={cycle['review']}"
    assert "manager_divergence" not in checks and "null" not in checks
    page.locator(form).screenshot(path=screenshots / "manager-review-beside.png")

    # Check-ins, newest first, with a reply box; the reply goes with the check-in's version.
    ci = cycle["check_in"]
    page.click('nav a[data-page="checkins"]')
    page.wait_for_selector(f'#ck-team [data-checkin="{ci["id"]}"]')
    listed = [c["id"] for c in api(page, "/check-ins?limit=200")["data"] if c["employee_id"] != page_me(page)]
    shown = page.eval_on_selector_all("#ck-team [data-checkin]", "els => els.map(e => Number(e.dataset.checkin))")
    assert shown == listed
    page.click(f"#ck-send-{ci['id']}")
    page.wait_for_selector(f"#ck-msg-{ci['id']} .error")
    page.fill(f"#ck-c-{ci['id']}", "素材我来协调，周四前给到")
    page.click(f"#ck-send-{ci['id']}")
    page.wait_for_selector("#flash:has-text('回复已发送')")
    assert "素材我来协调" in page.inner_text(f"#ck-reply-{ci['id']}")
    page.click("#logout")

    # The employee reads the reply on the check-ins page and on My review; the report quotes the check-in.
    login(page, "employee")
    page.click('nav a[data-page="checkins"]')
    page.wait_for_selector(f"#ck-mine #ck-reply-{ci['id']}")
    assert "素材我来协调，周四前给到" in page.inner_text(f"#ck-reply-{ci['id']}")
    assert page.locator("#ck-team").count() == 0  # no reply boxes for an employee
    page.click('nav a[data-page="review"]')
    page.wait_for_selector(f'[data-reply="{ci["id"]}"]')
    page.click('nav a[data-page="plan"]')
    page.wait_for_selector("#report")
    report = page.inner_text("#report")
    quoted = "完成两场直播复盘；信心 4/5；阻碍：等设计素材；经理点评：素材我来协调，周四前给到"
    assert "过程跟踪" in report and quoted in report
    page.click("#lang")
    page.wait_for_selector("#report:has-text('Check-ins (the latest weekly check-in of each KPI)')")
    assert "manager's comment: 素材我来协调" in page.inner_text("#report")


def page_me(page) -> int | None:
    """The logged-in person's employee id."""
    return api(page, "/me")["employee_id"]  # type: ignore[no-any-return]


def test_phone_width_and_english(browser, base_url: str, cycle) -> None:
    """The manager's review (pace tables, checks), the check-ins page and HR's rubric page at 390 px, in English."""
    for user, where, ready, words in (
        ("manager", "review", "[id^=checks-]", "Pace history"),
        ("manager", "checkins", "#ck-team", "Your reports’ check-ins"),
        ("hr", "rubrics", "#rb-indicator", "Rubrics of qualitative KPIs"),
        ("hr", "cycles", f"#ext-{cycle['id']}", "Extend a stage for a person or a department"),
    ):
        context = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844}, locale="zh-CN")
        context.set_default_timeout(30_000)
        pg = context.new_page()
        login(pg, user)
        pg.click("#lang")
        pg.goto(f"{base_url}/#/{where}")
        pg.wait_for_selector(ready)
        assert words in pg.inner_text("main"), where
        assert pg.evaluate("document.documentElement.scrollWidth") <= 390, where
        context.close()
