"""The pay pages in Chromium, checked against the API: HR checks that the demo pool's allocation adds up, edits a
line with a reason, is held up by the second review, decides it and approves; the employee then sees only their
own bonus; ratings through the page are stored and read back only in aggregate; HR pages refuse an employee."""

from pathlib import Path
from typing import Any

from sqlalchemy import select

from core.db import session_scope
from core.tables import Employee, Rating, User
from tests.web.conftest import api, login

PAY = "/pay"


def _yuan(fen: int) -> str:
    return f"{fen / 100:,.2f} 元"


def _new_page(browser, base_url: str):
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(30_000)
    return context, context.new_page()


def _allocation(page) -> dict[str, Any]:
    pool = api(page, f"{PAY}/pools")["data"][0]
    allocation: dict[str, Any] = api(page, f"{PAY}/pools/{pool['id']}/allocation")
    return allocation


def test_hr_edits_waits_for_the_review_decides_it_and_approves(
    page, browser, base_url: str, demo_url: str, screenshots: Path
) -> None:
    login(page, "hr")
    page.click('nav a[data-page="pools"]')
    page.wait_for_selector("#alloc-sum")
    a = _allocation(page)
    lines_fen = sum(x["amount_fen"] for x in a["lines"])
    assert lines_fen + a["retained_fen"] == a["pool_fen"]
    # The sums on the page are the API's, in yuan with 2 decimals, and the check says they add up.
    assert page.inner_text("#sum-pool") == _yuan(a["pool_fen"])
    assert page.inner_text("#sum-lines") == _yuan(lines_fen)
    assert page.inner_text("#sum-retained") == _yuan(a["retained_fen"])
    assert page.inner_text("#sum-total") == _yuan(a["pool_fen"])
    assert page.get_attribute("#alloc-check", "class") == "ok"
    page.screenshot(path=screenshots / "hr-pool.png", full_page=True)

    # Edit the employee's line by +100 yuan, balanced from the retained amount, with a reason.
    me = api(page, "/me")["employee_id"]
    with session_scope(demo_url, write=False) as s:
        employee = s.execute(select(User.employee_id).where(User.username == "employee")).scalar_one()
    line = next(x for x in a["lines"] if x["employee_id"] == employee)
    assert employee != me
    page.click(f'[data-dept="{line["trace"]["department"]}"] > summary')
    page.fill(f"#amt-{employee}", f"{(line['amount_fen'] + 10_000) / 100:.2f}")
    assert "相差 100.00 元" in page.inner_text("#alloc-edit-check")
    page.click("#alloc-balance")
    assert page.is_disabled("#alloc-save")  # no reason yet
    page.fill("#alloc-note", "双11 额外贡献")
    assert not page.is_disabled("#alloc-save")
    page.click("#alloc-save")
    page.wait_for_selector("text=调整已保存")
    edited = _allocation(page)
    assert next(x for x in edited["lines"] if x["employee_id"] == employee)["amount_fen"] == line["amount_fen"] + 10_000
    assert edited["retained_fen"] == a["retained_fen"] - 10_000 and edited["edited"]
    assert page.get_attribute("#alloc-check", "class") == "ok"

    # Approving is refused while a second review questions paid scores; the page names and links the items.
    blocking = edited["waiting_for_reviews"]
    assert blocking
    page.click("#alloc-approve")
    page.click("#confirm-ok")  # the in-page confirmation names the amount (tests/web/test_confirmations.py)
    page.wait_for_selector("#alloc-refused")
    assert "复核" in page.inner_text("#alloc-refused")
    for rid in blocking:
        assert page.locator(f'#alloc-waiting [data-review="{rid}"] a').count() == 1
    assert _allocation(page)["status"] == "proposed"
    page.screenshot(path=screenshots / "hr-pool-waiting.png", full_page=True)

    for rid in blocking:
        page.goto(f"/#/reviews?id={rid}")
        page.wait_for_selector(f"#rv-{rid}-decide")
        page.check(f"#rv-{rid}-confirm")
        page.fill(f"#rv-{rid}-reason", "经核对评分有依据")
        page.click(f"#rv-{rid}-decide")
        page.wait_for_selector(f"#rv-{rid}-decision")
        item = api(page, f"{PAY}/reviews/{rid}")
        assert item["status"] == "confirmed" and item["reason"] == "经核对评分有依据"
    page.screenshot(path=screenshots / "hr-review-decided.png", full_page=True)

    page.click('nav a[data-page="pools"]')
    page.wait_for_selector("#alloc-approve")
    assert page.locator("#alloc-waiting").count() == 0
    page.fill("#approve-note", "同意")
    page.click("#alloc-approve")
    page.click("#confirm-ok")
    page.wait_for_selector("#alloc-decided")
    assert _allocation(page)["status"] == "approved"

    # The employee sees their own approved line (with the edit's reason in its trace) and nothing else.
    context, emp = _new_page(browser, base_url)
    try:
        login(emp, "employee")
        emp.click('nav a[data-page="bonus"]')
        emp.wait_for_selector("[data-bonus]")
        mine = api(emp, f"{PAY}/me/bonuses")
        assert len(mine) == 1 == emp.locator("[data-bonus]").count()
        assert mine[0]["amount_fen"] == line["amount_fen"] + 10_000
        assert _yuan(mine[0]["amount_fen"]) in emp.inner_text("[data-bonus] h2")
        assert "双11 额外贡献" in emp.inner_text("#my-bonuses")
        assert emp.request.get(f"/api/v1{PAY}/allocations/{a['id']}").status == 403
        emp.screenshot(path=screenshots / "employee-bonus.png", full_page=True)
    finally:
        context.close()


def test_a_rating_through_the_page_is_stored_and_read_back_only_in_aggregate(
    page, browser, base_url: str, demo_url: str
) -> None:
    login(page, "employee")
    page.click('nav a[data-page="ratings"]')
    page.wait_for_selector("#rating-summary table")
    period = api(page, "/me/plan")["review_period"]["id"]
    me = api(page, "/me")["employee_id"]
    summary = api(page, f"{PAY}/ratings/summary?period_id={period}")
    rows = page.locator("#rating-summary tbody tr")
    assert rows.count() == 4
    for i, k in enumerate(summary["kinds"]):
        cells = rows.nth(i).locator("td")
        assert cells.nth(1).inner_text() == str(k["count"])
        if k["shown"]:
            assert cells.nth(2).inner_text() == f"{k['mean']:g}"
    # Nobody who rated the employee is named in the summary.
    with session_scope(demo_url, write=False) as s:
        raters = s.execute(
            select(Employee.name_zh)
            .join(Rating, Rating.rater_id == Employee.id)
            .where(Rating.ratee_id == me, Rating.rater_id != me, Rating.period_id == period)
        ).scalars()
        names = set(raters)
    assert names
    text = page.inner_text("#rating-summary")
    assert not [n for n in names if n in text]

    # A cross-department rating through the form is stored: HR sees one more cross rating of that person.
    page.select_option("#r-kind", "cross")
    ratee = int(page.locator("#r-ratee option").first.get_attribute("value"))
    page.select_option("#r-ratee", str(ratee))
    page.select_option("#r-score", "3.5")
    context, hr = _new_page(browser, base_url)
    try:
        login(hr, "hr")
        about = f"{PAY}/ratings/summary?period_id={period}&employee_id={ratee}"
        before = {k["kind"]: k["count"] for k in api(hr, about)["kinds"]}
        page.click("#r-submit")
        page.wait_for_selector("#rating-msg .ok")
        after = {k["kind"]: k["count"] for k in api(hr, about)["kinds"]}
        assert after["cross"] == before["cross"] + 1
        assert {k: v for k, v in after.items() if k != "cross"} == {k: v for k, v in before.items() if k != "cross"}
    finally:
        context.close()
    # The same rating again is refused by the API, and the page says why.
    page.click("#r-submit")
    page.wait_for_selector("#rating-msg .error")
    assert "只能评一次" in page.inner_text("#rating-msg")


def test_employee_menu_has_no_hr_pay_pages_and_their_addresses_are_refused(page) -> None:
    login(page, "employee")
    for p in ("bonus", "ratings"):
        assert page.locator(f'nav a[data-page="{p}"]').count() == 1
    for p in ("pools", "calibration", "reviews", "positions"):
        assert page.locator(f'nav a[data-page="{p}"]').count() == 0
    for p, action in (("pools", "管理奖金"), ("calibration", "管理奖金"), ("reviews", "复核评分")):
        page.goto(f"/#/{p}")
        page.wait_for_selector("#refused")
        refused = page.inner_text("#refused")
        # the refusal names the role and the action in words, never the permission's code
        assert "无权" in refused and action in refused and "员工" in refused and "pay:" not in refused
        assert page.locator("#alloc-sum, #cal-company, [data-review]").count() == 0


def test_hr_saves_the_inventory_and_a_concurrent_change_is_explained(page) -> None:
    login(page, "hr")
    page.click('nav a[data-page="positions"]')
    page.wait_for_selector("#inv-save")
    inv = api(page, f"{PAY}/position-inventories")["data"][0]
    item = next(i for i in inv["items"] if i["key_class"] == "C")
    pid = item["position_id"]
    # Someone else changes the stage after the page was read: saving answers 412 and the page reloads.
    other = page.evaluate(
        """async ([id, version]) => {
            const csrf = document.cookie.split('; ').find((c) => c.startsWith('kpilot_csrf=')).split('=')[1];
            const headers = { 'Content-Type': 'application/json', 'X-CSRF-Token': decodeURIComponent(csrf),
                              'If-Match': `"${version}"` };
            const r = await fetch(`/api/v1/pay/position-inventories/${id}`,
              { method: 'PATCH', credentials: 'same-origin', headers, body: JSON.stringify({ stage: 'mature' }) });
            return r.status;
        }""",
        [inv["id"], inv["version"]],
    )
    assert other == 200
    page.fill(f"#pos-{pid}-relevance", "5")
    page.fill(f"#pos-{pid}-scarcity", "5")
    page.click("#inv-save")
    page.wait_for_selector("#inv-conflict")
    assert page.input_value("#inv-stage") == "mature"
    kept = next(i for i in api(page, f"{PAY}/position-inventories/{inv['id']}")["items"] if i["position_id"] == pid)
    assert (kept["relevance"], kept["scarcity"]) == (item["relevance"], item["scarcity"])
    # Saving again on the fresh copy works; the class is recomputed by the API.
    page.fill(f"#pos-{pid}-relevance", "5")
    page.fill(f"#pos-{pid}-scarcity", "5")
    page.click("#inv-save")
    page.wait_for_selector("text=已保存，类别已重新计算")
    saved = next(i for i in api(page, f"{PAY}/position-inventories/{inv['id']}")["items"] if i["position_id"] == pid)
    assert saved["relevance"] == 5 and saved["scarcity"] == 5 and saved["key_class"] in ("A", "B")
    assert (
        page.get_attribute(f"#inventory tr:has(#pos-{pid}-relevance) [data-class]", "data-class") == saved["key_class"]
    )


def test_the_english_switch_shows_english_on_a_pay_page(page) -> None:
    login(page, "hr")
    page.click("#lang")
    page.click('nav a[data-page="calibration"]')
    page.wait_for_selector("#cal-company")
    assert page.inner_text("h1").startswith("Grade calibration")
    assert page.inner_text('nav a[data-page="pools"]') == "Bonus pools"
    cal = api(page, f"{PAY}/calibration")
    for team in (x for x in cal["teams"] if x["above_guide"]):
        block = page.inner_text(f'#cal-above [data-team="{team["team"]}"]')
        assert all(r in block for r in team["reasons_en"])
    page.click('nav a[data-page="pools"]')
    page.wait_for_selector("#alloc-sum")
    a = _allocation(page)
    assert page.inner_text("#sum-pool") == f"¥{a['pool_fen'] / 100:,.2f}"
    assert "Pool" in page.inner_text("#alloc-sum") and "奖金池" not in page.inner_text("main")
