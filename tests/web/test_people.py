"""Org and logins by hand in Chromium: HR adds a department and moves a person into it, marks a leaver; the admin
links its own login to its person, makes a login with a one-time password, resets it, disables it and signs it
out everywhere; the pages read at phone width with no codes, ids or nulls."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import _dispose, fresh_db_url, make_settings
from tests.web.conftest import api, login

PASSWORD = "a-long-enough-password-1"
ORG = (
    "工号,姓名,部门,岗位,直属上级工号\n"
    "W1,王总,总经办,总经理,\n"
    "W2,李娜,运营中心/天猫运营部,运营经理,W1\n"
    "W3,张伟,运营中心/天猫运营部,运营专员,W2\n"
    "W4,赵敏,运营中心/天猫运营部,客服专员,W2\n"
)


@pytest.fixture(scope="module")
def web_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """The app on a new company with its org imported and one admin login `boss` (not yet linked to a person)."""
    from api.app import create_app
    from core.db import session_scope
    from core.migrate import upgrade
    from workflows.imports.org import import_org
    from workflows.onboarding.company import create_company
    from workflows.onboarding.schemas import CompanyCreate
    from workflows.org.users import caller_for, create_user

    url = fresh_db_url("sqlite", Path(tmp_path_factory.mktemp("people")), "people")
    upgrade(url)
    with session_scope(url) as s:
        boss = create_user(s, caller=None, username="boss", password=PASSWORD, role="admin", employee_id=None)
        create_user(s, caller=None, username="hrlead", password=PASSWORD, role="hr", employee_id=None)
        s.flush()
        create_company(s, caller_for(s, boss.id), CompanyCreate(name_zh="杭州好物", name_en="Haowu"))
    with session_scope(url) as s:
        import_org(s, caller_for(s, 1), source=ORG.encode(), filename="org.csv", dry_run=False)
    folder = tmp_path_factory.mktemp("uploads")
    settings = make_settings(
        url,
        demo=False,
        housekeeping_interval_s=0,
        draft_forecast=False,
        import_dir=str(folder),
        import_background_bytes=2_000,
    )
    yield create_app(settings)
    _dispose(url)


def _people(page) -> dict[str, dict[str, Any]]:
    return {e["name_zh"]: e for e in api(page, "/employees?limit=200")["data"]}


def _clean(page) -> None:
    text = page.inner_text("main")
    for bad in ("null", "undefined", "NaN", "W1", "W2", "W3", "W4"):
        assert bad not in text, bad


def test_hr_edits_departments_people_and_a_leaver(page, screenshots: Path) -> None:
    page.on("dialog", lambda d: d.accept())
    login(page, "hrlead", PASSWORD)
    page.goto("/#/people")
    page.wait_for_selector("#dept-form")
    _clean(page)
    page.fill("#dept-zh", "客服部")
    page.fill("#dept-en", "Customer service")
    page.select_option("#dept-parent", label="运营中心")
    page.click("#dept-submit")
    page.wait_for_selector('[data-dept-head="客服部"]')
    page.select_option('[data-dept-head="客服部"]', label="赵敏")
    with page.expect_response(lambda r: r.request.method == "PATCH" and r.ok):
        page.click('[data-dept-save="客服部"]')
    depts = {d["name_zh"]: d for d in api(page, "/departments?limit=200")["data"]}
    assert depts["客服部"]["parent_id"] == depts["运营中心"]["id"]
    assert depts["客服部"]["head_id"] == _people(page)["赵敏"]["id"]

    page.select_option('[data-person-dept="赵敏"]', label="运营中心 / 客服部")
    page.select_option('[data-person-manager="赵敏"]', label="王总")
    with page.expect_response(lambda r: r.request.method == "PATCH" and r.ok):
        page.click('[data-person-save="赵敏"]')
    zhao = _people(page)["赵敏"]
    assert zhao["department_id"] == depts["客服部"]["id"] and zhao["manager_id"] == _people(page)["王总"]["id"]

    # A refused change is explained in Chinese on a Chinese page.
    page.select_option('[data-dept-parent="运营中心"]', label="运营中心 / 天猫运营部")
    page.click('[data-dept-save="运营中心"]')
    page.wait_for_selector("#org-error >> text=部门不能放在自己或自己的下级部门之下")

    page.fill('[data-person-left="李娜"]', "2026-12-15")
    page.click('[data-person-leave="李娜"]')
    page.wait_for_selector("text=2026年12月15日")
    people = _people(page)
    assert people["李娜"]["active"] is False and people["张伟"]["manager_id"] == people["王总"]["id"]
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.wait_for_selector("#dept-form")
    assert page.evaluate("document.documentElement.scrollWidth") <= 392  # usable at phone width: no sideways scroll
    _clean(page)
    page.screenshot(path=screenshots / "people-phone.png", full_page=True)


def test_admin_manages_logins(page, screenshots: Path) -> None:
    page.on("dialog", lambda d: d.accept())
    login(page, "boss", PASSWORD)
    page.goto("/#/setup")
    page.wait_for_selector("#unlinked")  # the set-up page says the first admin is not a person yet, and where to fix it
    page.click("#unlinked a")
    page.wait_for_selector("#login-form")
    with page.expect_navigation():  # linking one's own login reloads the app (what it may show changes)
        page.select_option('[data-link="boss"]', label="王总")
    page.wait_for_selector('#logins td >> text="王总"')
    assert api(page, "/me")["employee_id"] == _people(page)["王总"]["id"]
    page.goto("/#/setup")
    page.wait_for_selector("#sales-shop")
    assert page.locator("#unlinked").count() == 0
    page.goto("/#/admin")
    page.wait_for_selector("#login-form")

    page.select_option("#login-person", label="张伟")
    page.select_option("#login-role", "employee")
    page.click("#login-submit-new")
    page.wait_for_selector("#otp-shown")
    assert "w3" in page.inner_text("#otp-shown")
    first = page.inner_text("#otp-value").strip()
    page.click('[data-reset="w3"]')  # an in-page confirmation naming the person (tests/web/test_confirmations.py)
    assert "张伟" in page.inner_text("#confirm-title")
    with page.expect_response(lambda r: r.url.endswith("/one-time-password") and r.ok) as answer:
        page.click("#confirm-ok")
    second = answer.value.json()["one_time_password"]
    page.wait_for_selector(f'#otp-value >> text="{second}"')
    assert second != first
    page.click('[data-toggle="w3"]')
    page.wait_for_selector('#logins tr:has([data-toggle="w3"]) >> text=已停用')
    page.click('[data-signout="w3"]')
    page.wait_for_selector("#signed-out")
    users = {u["username"]: u for u in api(page, "/users")["data"]}
    assert users["w3"]["active"] is False and users["w3"]["must_change_password"] is True
    _clean(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 392
    page.screenshot(path=screenshots / "logins-phone.png", full_page=True)
    # The new owner's one-time password opens only the password page, and only while the login is enabled.
    page.click('[data-toggle="w3"]')
    page.wait_for_selector('#logins tr:has([data-toggle="w3"]) >> text=待首次登录改密')
    page.click("#logout")
    login(page, "w3", second)
    page.wait_for_selector("#pw-first")


def _file(name: str, text: str) -> dict[str, object]:
    return {"name": name, "mimeType": "text/csv", "buffer": text.encode("utf-8")}


def test_a_large_org_file_is_followed_as_a_job_on_the_page(page) -> None:
    login(page, "boss", PASSWORD)
    page.goto("/#/setup")
    page.wait_for_selector("#org-import-file")
    more = "".join(f"N{i:03d},新人{i},运营中心/直播部,主播,W1\n" for i in range(120))  # over the 2 KB threshold
    page.set_input_files("#org-import-file", files=[_file("通讯录.csv", ORG + more)])
    with page.expect_response(lambda r: r.url.endswith("/imports/org?dry_run=true") and r.status == 202):
        page.click("#org-import-preview")
    page.wait_for_selector("#org-import-result >> text=新增 120 人")
    assert api(page, "/employees?limit=1")["count"] == 4  # a dry run, even as a job, writes nothing
    with page.expect_response(lambda r: r.url.endswith("/imports/org") and r.status == 202):
        page.click("#org-import-commit")
    page.wait_for_selector("#org-import-result >> text=新增 120 人")
    assert api(page, "/employees?limit=1")["count"] == 124


def test_the_password_page_explains_in_chinese(page) -> None:
    """Every user changes their own password on a page; refusals read in Chinese."""
    login(page, "hrlead", PASSWORD)
    page.goto("/#/password")
    page.wait_for_selector("#pw-form")
    for current, new, said in (
        ("not-my-password-9", "hr-lead-new-pass-2027", "当前密码不正确"),
        (PASSWORD, "hrlead", "密码不符合要求"),
    ):
        page.fill("#pw-current", current)
        page.fill("#pw-new", new)
        page.fill("#pw-again", new)
        page.click("#pw-submit")
        page.wait_for_selector(f"#pw-error >> text={said}")
    page.fill("#pw-current", PASSWORD)
    page.fill("#pw-new", "hr-lead-new-pass-2027")
    page.fill("#pw-again", "hr-lead-new-pass-2027")
    page.click("#pw-submit")
    page.wait_for_selector("#login-submit")  # every session ended: log in again with the new one
    login(page, "hrlead", "hr-lead-new-pass-2027")
