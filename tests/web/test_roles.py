"""Each role's main flow in Chromium, checked against the API's JSON, with screenshots kept."""

import re
from pathlib import Path

from tests.web.conftest import api, login


def _num(v: float, digits: int = 1) -> str:
    return f"{round(v, digits):,.{digits}f}".rstrip("0").rstrip(".")


def test_employee_reads_the_plan(page, screenshots: Path) -> None:
    login(page, "employee")
    page.goto("/#/plan")  # everyone lands on 首页 (tests/web/test_home.py)
    page.wait_for_selector("#score-total")
    plan = api(page, "/me/plan?lang=zh")
    assert plan["kpis"] and plan["score"] and plan["report"] and plan["training"]
    table = page.locator("main table").first
    for kpi in plan["kpis"]:
        row = table.locator("tr", has=page.locator(f'[data-code="{kpi["code"]}"]'))
        assert row.count() == 1
        assert kpi["name"] in row.inner_text()
        assert f"{kpi['weight']:g}%" in row.inner_text()
    # The total and the formula of every scored line, as computed by the API.
    assert _num(plan["score"]["total"]) in page.inner_text("#score-total")
    # The period's one result: the same final score, grade and rank as every other page.
    result, grades = plan["result"], {"excellent": "优秀", "good": "良好", "needs_improvement": "待改进"}
    shown = page.inner_text("#plan-result")
    assert _num(result["score"]) in shown and grades[result["grade"]] in shown
    assert f"部门 {result['team_size']} 人中第 {result['rank']}" in shown
    body = page.inner_text("main")
    cap = plan["score"]["policy"]["cap"]
    for line in plan["score"]["lines"]:
        # The formula in words (实际/目标), with the API's weight, cap and points; never the English expression.
        assert f"{line['effective_weight']:g} × min(实际/目标, {cap:g}) = {line['points']:.2f}" in body, line
        assert line["formula"] not in body
    assert plan["report"]["text"].splitlines()[0] in page.inner_text("#report")
    for course in plan["training"]:
        assert course["title"] in page.inner_text("#courses") and course["reason"] in page.inner_text("#courses")
    assert len(plan["alerts"]) == page.locator("#alerts li").count()
    # Employees have no team, drafts or HR pages in their menu.
    assert page.locator('nav a[data-page="team"]').count() == 0
    page.screenshot(path=screenshots / "employee-plan.png", full_page=True)
    # A past period: the score of that period, from the API.
    past = [p for p in api(page, "/periods?limit=24")["data"] if p["code"] == "2026-09"][0]
    page.select_option("#period-select", str(past["id"]))
    page.wait_for_function("() => location.hash.includes('period=')")
    old = api(page, f"/me/plan?lang=zh&period_id={past['id']}")
    page.wait_for_selector(f"text={past['name_zh']}")
    page.wait_for_function(
        "t => document.querySelector('#score-total') && document.querySelector('#score-total').innerText.includes(t)",
        arg=_num(old["score"]["total"]),
    )


def test_manager_drafts_edits_with_a_broken_guard_fixes_and_publishes(page, screenshots: Path) -> None:
    page.on("dialog", lambda d: d.accept())
    login(page, "manager")
    page.click('nav a[data-page="team"]')
    page.wait_for_selector("[data-employee]")
    assert page.locator("h1").inner_text() == "我的团队"
    team = api(page, "/team/overview")
    assert page.locator("[data-employee]").count() == len(team["members"]) > 0
    graded = next(m for m in team["members"] if m["grade"])
    row = page.locator("tr", has=page.locator(f'[data-employee="{graded["employee_id"]}"]'))
    names = {"excellent": "优秀", "good": "良好", "needs_improvement": "待改进"}
    assert (
        names[graded["grade"]] in row.inner_text()
        and f"{graded['team_size']} 人中第 {graded['rank']}" in row.inner_text()
    )
    page.screenshot(path=screenshots / "manager-team.png", full_page=True)

    page.click('nav a[data-page="drafts"]')
    period = [p for p in api(page, "/periods?limit=36")["data"] if p["code"] == "2026-Q4"][0]
    page.select_option("#d-period", str(period["id"]))
    page.click("#d-request")
    page.wait_for_selector("#draft-title")
    shown = re.search(r"id=(\d+)", page.url)
    assert shown is not None, page.url
    draft_id = int(shown.group(1))
    draft = api(page, f"/goal-drafts/{draft_id}")
    assert draft["status"] == "draft"
    kpis = draft["draft"]["department"]["kpis"]
    first, second = kpis[0], kpis[1]
    # The tree shows every company KR and the department KRs serving them.
    tree = page.inner_text("#draft-tree")
    for kr in draft["draft"]["department"]["objectives"][0]["key_results"]:
        assert kr["title"] in tree and page.locator(f'#draft-tree [data-kr="{kr["id"]}"]').count() == 1

    # Break the sum-100 guard: the message shows as you type and saving is refused.
    page.fill(f"#w-dept-{first['code']}", str(first["weight"] + 5))
    failing = page.locator('[data-scorecard="department"] li.fail')
    assert failing.count() == 1
    assert f"权重合计 {first['weight'] + 5 + sum(k['weight'] for k in kpis[1:])}" in failing.inner_text()
    assert page.is_disabled("#draft-save") and page.is_disabled("#draft-publish")
    page.screenshot(path=screenshots / "manager-draft-guard.png", full_page=True)

    # Fix it by moving 5 points from the second KPI: the guards pass, save, then publish.
    page.fill(f"#w-dept-{second['code']}", str(second["weight"] - 5))
    assert page.locator('[data-scorecard="department"] li.fail').count() == 0
    page.click("#draft-save")
    page.wait_for_selector("text=已保存")
    saved = api(page, f"/goal-drafts/{draft_id}")
    weights = {k["code"]: k["weight"] for k in saved["draft"]["department"]["kpis"]}
    assert weights[first["code"]] == first["weight"] + 5 and weights[second["code"]] == second["weight"] - 5
    page.click("#draft-publish")
    page.wait_for_selector("#published")
    done = api(page, f"/goal-drafts/{draft_id}")
    assert done["status"] == "published" and done["objective_id"]
    assert page.inner_text("#draft-status") == "已发布"
    page.screenshot(path=screenshots / "manager-draft-published.png", full_page=True)


def test_hr_approves_a_weight_proposal(page, screenshots: Path) -> None:
    login(page, "hr")
    page.click('nav a[data-page="weights"]')
    page.wait_for_selector("#approve")
    assert page.locator("h1").inner_text() == "权重审批"
    pending = api(page, "/weight-proposals?status=pending")["data"]
    assert pending
    proposal = api(page, f"/weight-proposals/{pending[0]['id']}")
    page.wait_for_selector("#approve")
    # The evidence: every proposed weight and its interval, as the API computed them.
    body = page.inner_text("#proposal")
    ci = proposal["evidence"]["groups"]["all"]["weights_ci"]
    for code, weight in proposal["proposed_weights"].items():
        assert f"{weight:g}" in body
        assert f"{ci[code][0]:g} – {ci[code][1]:g}" in body
    assert page.locator("#proposal svg").count() == 2
    page.screenshot(path=screenshots / "hr-weights.png", full_page=True)
    page.fill("#decision-note", "数据充分，同意")
    page.click("#approve")
    page.click("#confirm-ok")
    page.wait_for_selector("text=已记录审批结果")
    after = api(page, f"/weight-proposals/{proposal['id']}")
    assert after["status"] == "approved" and after["decision_note"] == "数据充分，同意"
    assert page.inner_text("#proposal-status") == "已批准"
    page.screenshot(path=screenshots / "hr-weights-approved.png", full_page=True)
