"""What costs money or rights is confirmed in an in-page dialog that names the amount or the change: cancel does
nothing, confirm does it. Approving a bonus allocation is disabled while edits are unsaved (a discard button puts
the stored amounts back); weight approval and rejection name the department and each weight's change; a role
change names the person and the new role. Checked against the API after each step, in Chinese and in English."""

from pathlib import Path
from typing import Any

from sqlalchemy import select

from core.db import session_scope
from core.tables import Employee, User
from tests.web.conftest import api, login


def _yuan(fen: int) -> str:
    return f"{fen / 100:,.2f} 元"


def _allocation(page) -> dict[str, Any]:
    pool = api(page, "/pay/pools")["data"][0]
    return dict(api(page, f"/pay/pools/{pool['id']}/allocation"))


def test_approving_a_pool_names_the_amount_and_waits_for_saved_edits(page, screenshots: Path) -> None:
    login(page, "hr")
    page.goto("/#/pools")
    page.wait_for_selector("#alloc-approve")
    a = _allocation(page)
    line = a["lines"][0]
    assert not page.is_disabled("#alloc-approve") and page.is_disabled("#alloc-discard")

    # An unsaved edit disables approving and says why; discarding puts the stored amount back.
    page.click(f'#alloc-lines > [data-dept="{line["trace"]["department"]}"] > summary')
    page.fill(f"#amt-{line['employee_id']}", f"{(line['amount_fen'] + 5_000) / 100:.2f}")
    assert page.is_disabled("#alloc-approve") and page.is_visible("#alloc-unsaved")
    assert "先保存或放弃" in page.inner_text("#alloc-unsaved")
    page.screenshot(path=screenshots / "pool-unsaved.png", full_page=True)
    page.click("#alloc-discard")
    stored = f"{line['amount_fen'] / 100:.2f}"
    page.wait_for_function(f"() => document.querySelector('#amt-{line['employee_id']}')?.value === '{stored}'")
    assert not page.is_disabled("#alloc-approve") and not page.is_visible("#alloc-unsaved")
    assert _allocation(page)["lines"][0]["amount_fen"] == line["amount_fen"]

    # The dialog names the pool's amount; cancel leaves the allocation proposed and sends nothing.
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)
    page.click("#alloc-approve")
    page.wait_for_selector("#confirm-dialog[open]")
    assert page.inner_text("#confirm-title") == f"批准 {_yuan(a['pool_fen'])} 的分配？"
    body = page.inner_text("#confirm-dialog")
    assert _yuan(sum(x["amount_fen"] for x in a["lines"])) in body and _yuan(a["retained_fen"]) in body
    page.screenshot(path=screenshots / "pool-confirm.png")
    page.click("#confirm-cancel")
    assert page.locator("#confirm-dialog").count() == 0
    assert sent == [] and _allocation(page)["status"] == "proposed"

    # Confirm sends the approval (here refused: a second review still questions paid scores).
    page.click("#alloc-approve")
    page.click("#confirm-ok")
    page.wait_for_selector("#alloc-refused")
    assert any(u.endswith(f"/pay/allocations/{a['id']}/approve") for u in sent)


def test_weight_decisions_name_the_change_and_cancel_does_nothing(page, screenshots: Path) -> None:
    login(page, "hr")
    pending = [p for p in api(page, "/weight-proposals")["data"] if p["status"] == "pending"]
    proposal = api(page, f"/weight-proposals/{pending[0]['id']}")
    page.goto(f"/#/weights?id={proposal['id']}")
    page.wait_for_selector("#reject")
    dept = next(d for d in api(page, "/departments?limit=200")["data"] if d["id"] == proposal["department_id"])
    names = {i["code"]: i["name_zh"] for i in api(page, "/indicators?limit=200")["data"]}

    page.click("#reject")
    page.wait_for_selector("#confirm-dialog[open]")
    assert page.inner_text("#confirm-title") == f"驳回{dept['name_zh']}的权重建议？"
    page.click("#confirm-cancel")
    assert api(page, f"/weight-proposals/{proposal['id']}")["status"] == "pending"

    page.click("#approve")
    page.wait_for_selector("#confirm-dialog[open]")
    title = page.inner_text("#confirm-title")
    assert title.startswith(f"批准{dept['name_zh']}自 ") and "2026年12月" in title
    body = page.inner_text("#confirm-dialog")
    for code, weight in proposal["proposed_weights"].items():
        was = proposal["current_weights"][code]
        assert f"{names[code]}：{was:g}% → {weight:g}%" in body
    page.screenshot(path=screenshots / "weights-confirm.png")
    page.keyboard.press("Escape")  # Esc is a cancel too
    assert page.locator("#confirm-dialog").count() == 0
    assert api(page, f"/weight-proposals/{proposal['id']}")["status"] == "pending"

    page.click("#approve")
    page.click("#confirm-ok")
    page.wait_for_selector("text=已记录审批结果")
    assert api(page, f"/weight-proposals/{proposal['id']}")["status"] == "approved"


def test_a_role_change_names_the_person_and_the_role(page, demo_url: str, screenshots: Path) -> None:
    login(page, "admin")
    with session_scope(demo_url, write=False) as s:
        user, person = s.execute(
            select(User, Employee).join(Employee, Employee.id == User.employee_id).where(User.username == "employee2")
        ).one()
        uid, name_zh, name_en = user.id, person.name_zh, person.name_en
    page.goto("/#/admin")
    select_ = '#logins select[data-user="employee2"]'
    page.wait_for_selector(select_)

    page.select_option(select_, "admin")
    page.wait_for_selector("#confirm-dialog[open]")
    assert page.inner_text("#confirm-title") == f"将 {name_zh} 的角色从“员工”改为“管理员”？"
    assert "拥有全部权限" in page.inner_text("#confirm-dialog")
    page.screenshot(path=screenshots / "role-confirm.png")
    page.click("#confirm-cancel")
    assert page.input_value(select_) == "employee"
    assert next(u for u in api(page, "/users?limit=200")["data"] if u["id"] == uid)["role"] == "employee"

    page.click("#lang")
    page.wait_for_selector(select_)
    page.select_option(select_, "manager")
    page.wait_for_selector("#confirm-dialog[open]")
    assert page.inner_text("#confirm-title") == f"Change the role of {name_en} from “Employee” to “Manager”?"
    with page.expect_response(lambda r: r.request.method == "PATCH" and r.url.endswith(f"/users/{uid}")) as sent:
        page.click("#confirm-ok")
    assert sent.value.ok
    assert next(u for u in api(page, "/users?limit=200")["data"] if u["id"] == uid)["role"] == "manager"
