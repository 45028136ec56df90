"""首页 in Chromium for every role, checked against GET /api/v1/home and the pages it links to: every role lands
there (and the brand link leads there), HR sees the weights, pool, anomalies waiting and their links open the page
where each is handled; a manager their people behind pace and the draft to finish; an employee their KPIs with
pace. In Chinese and English, and at phone width without sideways scrolling."""

import re
from pathlib import Path

from tests.web.conftest import api, login

PACE = {"behind": "落后", "on_track": "正常", "ahead": "领先", "too_early": "为时尚早"}
CODE = re.compile(r"\(E\d+\)|[a-z]+_[a-z_]+")  # an employee code, or snake_case machine text


def _home(page) -> dict:  # type: ignore[type-arg]
    page.wait_for_selector("#home")
    return dict(api(page, "/home?lang=zh"))


def _no_machine_text(text: str) -> None:
    assert not CODE.search(text), CODE.search(text)
    for word in ("null", "undefined", "NaN", "warning"):
        assert word not in text, word


def test_hr_lands_on_what_needs_them_and_each_entry_opens_its_page(page, screenshots: Path) -> None:
    login(page, "hr")
    assert page.evaluate("location.hash") == "#/home"
    assert page.locator("nav a").first.get_attribute("data-page") == "home"
    assert page.get_attribute("a.brand", "href") == "#/home"
    home = _home(page)
    text = page.inner_text("#home")
    _no_machine_text(text)
    assert page.inner_text("h1") == "需要我处理的事"
    # Weights: each pending proposal by department and first month, linking to its decision.
    assert page.locator("#home-weights li").count() == len(home["weights"]) > 0
    w = home["weights"][0]
    assert w["department"]["name_zh"] in page.inner_text("#home-weights")
    # The pool by its amount in yuan, and the second reviews it waits for, each linked.
    pool = home["pools"][0]
    assert f"{pool['amount_fen'] / 100:,.2f} 元" in page.inner_text("#home-pools")
    for rid in pool["waiting_for_reviews"]:
        assert page.locator(f'#home-pools a[href="#/reviews?id={rid}"]').count() == 1
    # Anomalies (they arrive a moment later) by subject name and title in words, no codes.
    flags = api(page, "/home/anomalies")
    page.wait_for_selector("#home-anomalies[data-ready]")
    _no_machine_text(page.inner_text("#home-anomalies"))
    assert page.locator("#home-anomalies li").count() == len(flags["flags"]) > 0
    for f in flags["flags"]:
        assert f["subject"]["name_zh"] in page.inner_text("#home-anomalies")
    assert "需复核" in page.inner_text("#home-anomalies")
    total = sum(len(home[k]) for k in ("weights", "pools", "cycles", "imports")) + len(flags["flags"])
    assert f"有 {total} 件事" in page.inner_text("#home-summary")
    page.screenshot(path=screenshots / "home-hr.png", full_page=True)

    page.click(f'#home-weights a[href="#/weights?id={w["proposal_id"]}"]')
    page.wait_for_selector("#proposal-title")
    assert w["department"]["name_zh"] in page.inner_text("#proposal-title")
    page.click("a.brand")
    page.wait_for_selector("#home-pools a")
    page.click(f'#home-pools a[href="#/pools?id={pool["pool_id"]}"]')
    page.wait_for_selector("#alloc-sum")
    assert f"{pool['amount_fen'] / 100:,.2f} 元" == page.inner_text("#sum-pool")
    page.click("a.brand")
    page.wait_for_selector("#home-anomalies[data-ready] a")
    page.locator("#home-anomalies a").first.click()
    page.wait_for_selector("#flags")
    assert page.input_value("#an-period") == str(flags["period"]["id"])

    # English: the same entries in English words.
    page.click("a.brand")
    page.wait_for_selector("#home")
    page.click("#lang")
    page.wait_for_selector("text=What needs me")
    assert w["department"]["name_en"] in page.inner_text("#home-weights")
    page.wait_for_selector("#home-anomalies[data-ready]")
    assert "Needs a second look" in page.inner_text("#home-anomalies")
    page.screenshot(path=screenshots / "home-hr-en.png", full_page=True)


def test_the_admin_lands_on_the_same_overview(page) -> None:
    login(page, "admin")
    home = _home(page)
    assert page.locator("#home-weights li").count() == len(home["weights"])
    assert page.locator("#home-pools li").count() == len(home["pools"])
    assert page.locator("#home-plan").count() == 0  # no personal plan on the company overview


def test_a_manager_sees_people_behind_pace_and_the_draft_to_finish(page, screenshots: Path) -> None:
    login(page, "manager")
    assert page.evaluate("location.hash") == "#/home"
    home = _home(page)
    _no_machine_text(page.inner_text("#home-risk") + page.inner_text("#home-drafts"))
    assert page.locator("#home-weights, #home-pools, #home-anomalies").count() == 0
    shown = home["at_risk"][:15]  # the riskiest 15; the rest are counted and linked to 我的团队
    assert page.locator("#home-risk li[data-employee]").count() == len(shown) > 0
    assert page.inner_text("#home-risk h2 .badge") == str(len(home["at_risk"]))
    if len(home["at_risk"]) > 15:
        assert f"另有 {len(home['at_risk']) - 15} 人" in page.inner_text("#home-risk li.more")
    for r in shown:
        row = page.locator(f'#home-risk li[data-employee="{r["person"]["id"]}"]')
        assert r["person"]["name_zh"] in row.inner_text() and f"{r['behind']} 项指标落后" in row.inner_text()
    d = home["drafts"][0]
    assert d["department"]["name_zh"] in page.inner_text("#home-drafts") and d["period"]["name_zh"] in page.inner_text(
        "#home-drafts"
    )
    page.screenshot(path=screenshots / "home-manager.png", full_page=True)
    page.click(f'#home-drafts a[href="#/drafts?id={d["draft_id"]}"]')
    page.wait_for_selector("#draft-status")
    page.click("a.brand")
    page.wait_for_selector("#home-risk a")
    page.locator("#home-risk a").first.click()
    page.wait_for_selector("[data-employee]")
    assert page.inner_text("h1") == "我的团队"


def test_an_employee_sees_their_kpis_with_pace_in_both_languages(page, screenshots: Path) -> None:
    login(page, "employee")
    home = _home(page)
    assert page.locator("#home-weights, #home-risk, #home-drafts").count() == 0
    assert page.locator("#home-plan tbody tr").count() == len(home["kpis"]) > 0
    for k in home["kpis"]:
        row = page.locator("#home-plan tr", has=page.locator(f'[data-code="{k["code"]}"]'))
        text = row.inner_text()
        assert k["name"] in text and k["pace"]["explanation"] in text
        assert PACE[k["pace"]["status"]] in text
        if k["unit"] == "%":
            assert f"{k['target']:g}%" in text
    assert home["plan_period"]["name_zh"] in page.inner_text("#home-plan h2")
    behind = sum(1 for k in home["kpis"] if k["pace"] and k["pace"]["status"] == "behind")
    assert (f"有 {behind} 件事" if behind else "没有等你处理的事") in page.inner_text("#home-summary")
    assert "目前没有需要你完成的评估" in page.inner_text("#home-review")
    page.click("#home-plan a >> nth=0")
    page.wait_for_selector("#score-total")
    page.click("a.brand")
    page.wait_for_selector("#home-plan")
    page.click("#lang")
    page.wait_for_selector("text=My KPIs")
    en = api(page, "/home?lang=en")
    assert en["kpis"][0]["name"] in page.inner_text("#home-plan")
    page.screenshot(path=screenshots / "home-employee-en.png", full_page=True)


def test_home_pages_fit_a_phone(browser, base_url: str, screenshots: Path) -> None:
    context = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        for who in ("employee", "manager", "hr"):
            login(page, who)
            page.wait_for_selector("#home-summary")
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, who
            page.screenshot(path=screenshots / f"home-{who}-phone.png", full_page=True)
            page.click("#logout")
            page.wait_for_selector("#login-submit")
    finally:
        context.close()


def test_an_open_cycle_shows_on_the_employees_and_hrs_home(page, web_app, demo_url: str) -> None:
    """Last in this module: it opens a review cycle for the employee's department."""
    from fastapi.testclient import TestClient

    from tests.api.helpers import org_snapshot, person
    from tests.conftest import demo_logins

    with TestClient(web_app) as c:
        hr = demo_logins(c)["hr"]
        snap = org_snapshot(demo_url)
        me = person(snap, "employee")
        periods = c.get("/api/v1/periods", headers=hr, params={"kind": "month", "limit": 200}).json()["data"]
        body = {
            "period_id": next(p["id"] for p in periods if p["code"] == "2026-10"), "population": "departments",
            "department_ids": [snap["emp_dept"][me]], "all_cadences": True,
            "self_assessment_on": "2026-11-10", "manager_review_on": "2026-11-25", "calibration_on": "2026-11-27",
            "publish_on": "2026-11-28", "appeal_until": "2026-11-30", "lock_on": "2026-12-02",
        }  # fmt: skip
        r = c.post("/api/v1/review-cycles", headers=hr, json=body)
        assert r.status_code == 201, r.text
        cycle_id = r.json()["id"]

    login(page, "employee")
    home = _home(page)
    task = next(t for t in home["cycle_tasks"] if t["cycle_id"] == cycle_id)
    row = page.locator(f'#home-review li[data-item="{task["item_id"]}"]')
    assert row.inner_text() == "2026年10月：完成自评 · 截止 2026年11月24日"
    row.locator("a").click()
    page.wait_for_selector("#self-form")
    page.click("#logout")
    page.wait_for_selector("#login-submit")

    login(page, "hr")
    home = _home(page)
    c = next(x for x in home["cycles"] if x["cycle_id"] == cycle_id)
    text = page.inner_text(f'#home-cycles li[data-cycle="{cycle_id}"]')
    assert "2026年10月" in text and "员工自评" in text and f"逾期 {len(c['late'])} 人" in text
    for p in c["late"][:12]:
        assert p["name_zh"] in text
    page.click(f'#home-cycles li[data-cycle="{cycle_id}"] a')
    page.wait_for_selector(f"#cycle-{cycle_id}")
