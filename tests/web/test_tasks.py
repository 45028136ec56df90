"""Process in the browser: an employee breaks a KPI into a task and marks progress, the reminder says how many
days are left, the manager comments on the team board. Needs the tasks API (skips on a server without it)."""

from pathlib import Path

import pytest

from tests.web.conftest import api, login


def test_employee_plans_a_task_and_the_manager_comments(page, browser, base_url: str, screenshots: Path) -> None:
    login(page, "employee")
    if page.request.get("/api/v1/me/reminders").status == 404:
        pytest.skip("this server has no tasks API (GET /api/v1/me/reminders)")
    page.click('nav a[data-page="tasks"]')
    page.wait_for_selector("[data-assignment]")
    plan = api(page, "/me/plan?lang=zh")
    kpi = plan["kpis"][0]
    a = kpi["assignment_id"]
    # Due three days after the pinned today (2026-11-18), inside the running month.
    page.fill(f"#nt-{a}", "新品运营计划")
    page.fill(f"#nd-{a}", "2026-11-21")
    page.click(f"#add-{a}")
    page.wait_for_selector(f'[data-assignment="{a}"] >> text=新品运营计划')
    task = api(page, f"/kpi-assignments/{a}/tasks")[0]
    page.fill(f"#pr-{task['id']}", "40")
    saved = f"/api/v1/tasks/{task['id']}"
    with page.expect_response(lambda r: r.url.endswith(saved) and r.request.method == "PATCH") as patch:
        page.press(f"#pr-{task['id']}", "Tab")  # leaving the field saves it
    assert patch.value.ok, patch.value.text()
    page.wait_for_selector("#reminders >> text=距离新品运营计划截止还有 3 天")
    assert api(page, f"/tasks/{task['id']}")["progress"] == 40
    page.screenshot(path=screenshots / "employee-tasks.png", full_page=True)

    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    manager = context.new_page()
    try:
        login(manager, "manager")
        manager.click('nav a[data-page="tasks"]')
        manager.wait_for_selector(f"#c-{task['id']}")
        manager.fill(f"#c-{task['id']}", "周五前一起过一下")
        manager.press(f"#c-{task['id']}", "Enter")
        manager.wait_for_selector("text=周五前一起过一下")
        comments = api(manager, f"/tasks/{task['id']}")["comments"]
        assert [c["body"] for c in comments] == ["周五前一起过一下"]
        manager.screenshot(path=screenshots / "manager-task-board.png", full_page=True)
    finally:
        context.close()
