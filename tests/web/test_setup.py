"""A new company in Chromium: the admin creates the company and a shop, previews an org file with a bad row,
imports the fixed one, and maps a sales report whose amount column kpilot does not recognise."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import _dispose, fresh_db_url, make_settings
from tests.web.conftest import api, login

PASSWORD = "a-long-enough-password-1"
ORG = "工号,姓名,部门,职位,直属上级工号,角色\nW1,王总,总经办,总经理,,管理员\nW2,李娜,总经办/运营部,运营经理,W1,经理\n"
BAD = "W3,张伟,总经办/运营部,运营专员,W9,员工\n"
SALES = '日期,成交额（元）,访客数\n2026/11/1,"1,200.50",300\n2026年11月2日,980,280\n'


@pytest.fixture(scope="module")
def web_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """The app on an empty, migrated database with one admin login (overrides the demo company's)."""
    from api.app import create_app
    from core.db import session_scope
    from core.migrate import upgrade
    from workflows.org.users import create_user

    url = fresh_db_url("sqlite", Path(tmp_path_factory.mktemp("setup")), "setup")
    upgrade(url)
    with session_scope(url) as s:
        create_user(s, caller=None, username="boss", password=PASSWORD, role="admin", employee_id=None)
    yield create_app(make_settings(url, demo=False, housekeeping_interval_s=0, draft_forecast=False))
    _dispose(url)


def _file(name: str, text: str) -> dict[str, object]:
    return {"name": name, "mimeType": "text/csv", "buffer": text.encode("utf-8")}


def test_setup_org_preview_and_sales_mapping(page, screenshots: Path) -> None:
    login(page, "boss", PASSWORD)
    page.goto("/#/setup")
    page.wait_for_selector("#company-form")
    assert page.locator('#checklist li[data-done="yes"]').count() == 0
    page.fill("#name_zh", "杭州好物")
    page.fill("#name_en", "Haowu")
    page.select_option("#stage", "expansion")
    page.click("#company-submit")
    page.wait_for_selector("#company-name")
    assert "杭州好物" in page.inner_text("#company-name") and api(page, "/company")["stage"] == "expansion"

    page.fill("#shop-code", "tmall")
    page.fill("#shop-name-zh", "天猫旗舰店")
    page.fill("#shop-name-en", "Tmall flagship")
    page.click("#shop-submit")
    page.wait_for_selector('#checklist li[data-step="shops"][data-done="yes"]')

    page.set_input_files("#org-import-file", files=[_file("通讯录.csv", ORG + BAD)])
    page.click("#org-import-preview")
    page.wait_for_selector("#org-import-result table")
    result = page.inner_text("#org-import-result")
    # the row's problem in Chinese with its line, never the machine code
    assert "错误 1 行" in result and "直属主管工号 W9 在文件和系统中都不存在" in result, result
    assert "import.unknown_manager" not in result and "exists nowhere" not in result
    page.set_input_files("#org-import-file", files=[_file("通讯录.csv", ORG + BAD.replace("W9", "W2"))])
    page.click("#org-import-commit")
    page.wait_for_selector("#org-import-result >> text=一次性密码")
    assert "新增 3 人" in page.inner_text("#org-import-result")
    assert api(page, "/employees")["count"] == 3
    # Sales are imported by a person: W1 (the 管理员 of the file) logs in with the one-time password shown once,
    # changes it, and carries on.
    otp = page.locator("#org-import-result tr", has=page.locator("td", has_text="w1")).locator("td").nth(2).inner_text()
    page.click("#logout")
    login(page, "w1", otp.strip())
    page.wait_for_selector("#pw-first")  # nothing else opens until the one-time password is replaced
    page.goto("/#/setup")
    page.wait_for_selector("#pw-first")
    page.fill("#pw-current", otp.strip())
    page.fill("#pw-new", "w1-own-password-2027")
    page.fill("#pw-again", "w1-own-password-2027")
    page.click("#pw-submit")
    page.wait_for_selector("#login-submit")
    login(page, "w1", "w1-own-password-2027")
    page.goto("/#/setup")
    page.wait_for_selector("#sales-shop")

    page.select_option("#sales-shop", "tmall")
    page.set_input_files("#sales-import-file", files=[_file("生意参谋.csv", SALES)])
    page.click("#sales-import-preview")
    page.wait_for_selector("#sales-mapping")
    assert "缺少列" in page.inner_text("#sales-import-result")
    page.select_option('#sales-mapping select[data-header="成交额（元）"]', "sales")
    page.click("#sales-import-commit")
    page.wait_for_selector("#sales-done")
    assert "2 天" in page.inner_text("#sales-import-result")
    shop = api(page, "/shops")["data"][0]
    days = api(page, f"/shops/{shop['id']}/sales")["data"]
    assert [(d["ds"], d["sales"]) for d in days] == [("2026-11-01", 1200.5), ("2026-11-02", 980.0)]
    year = page.input_value("#promo-year")  # the browser's year (its clock is not the server's)
    page.fill("#promo-name", "店庆")
    page.select_option("#promo-shop", str(shop["id"]))
    page.fill("#promo-start", f"{year}-12-20")
    page.fill("#promo-end", f"{year}-12-22")
    page.fill("#promo-discount", "20")
    page.click("#promo-submit")
    page.wait_for_selector('#promo-list button[data-promo="店庆"]')
    row = page.locator("#promo-list tr", has=page.locator(f'button[data-promo="double11:{year}"]'))
    row.locator('input[type="date"]').first.fill(f"{year}-10-14")
    row.locator("button").click()
    page.wait_for_selector(f'#promo-list input[value="{year}-10-14"]')
    events = {p["name"]: p for p in api(page, f"/promotions?year={year}")}
    assert events["店庆"]["discount"] == 0.2 and events["店庆"]["shop_id"] == shop["id"]
    assert events["双11"]["id"] is not None and events["双11"]["start_date"] == f"{year}-10-14"
    page.goto("/#/admin")
    page.wait_for_selector('#checklist li[data-step="sales"][data-done="yes"]')
    page.screenshot(path=screenshots / "setup.png", full_page=True)
