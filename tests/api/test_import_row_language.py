"""Import row errors reach the HR officer in Chinese: each names its line and column (as the file wrote it) and
says what is wrong and what to write, in `msg_zh`; `msg_en` says the same in English; `msg` stays English."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.app import create_app
from core.clock import get_clock
from core.db import session_scope
from core.messages import CATALOGUE, placeholders
from core.tables import Shop
from tests.conftest import demo_logins, make_settings
from workflows.imports import parse

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def web(demo_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(demo_url)), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def auth(web: TestClient) -> dict[str, dict[str, str]]:
    return demo_logins(web)


def _upload(web: TestClient, headers: dict[str, str], path: str, text: str, **form: str):
    files = {"file": ("data.csv", text.encode("utf-8"), "text/csv")}
    return web.post(path, headers={**headers, "Accept-Language": "zh-CN"}, files=files, data=form)


def _shop_code(url: str) -> str:
    with session_scope(url, write=False) as s:
        return str(s.execute(select(Shop.code).order_by(Shop.id)).scalars().first())


def _check(error: dict[str, Any], line: int, column: str, zh_words: str, en_words: str) -> None:
    assert error["line"] == line and error["column"] == column, error
    assert error["msg_zh"].startswith(f"第 {line} 行“{column}”列："), error
    assert zh_words in error["msg_zh"] and CJK.search(error["msg_zh"].split("：", 1)[1]), error
    assert error["msg_en"].startswith(f"line {line}, column {column}: ") and en_words in error["msg_en"], error
    assert en_words in error["msg"], error  # msg: the English text, as before
    assert error["code"] in CATALOGUE, error


def test_a_bad_actuals_row_says_where_and_what_in_chinese(web, auth) -> None:
    text = "employee_code,period_code,indicator_code,as_of,value\nNOBODY9,2025-M01,X,2025-01-31,1\n"
    r = _upload(web, auth["hr"], "/api/v1/imports/actuals", text)
    assert r.status_code == 422, r.text
    body = r.json()
    _check(body["errors"][0], 2, "employee_code", "工号“NOBODY9”不存在", "unknown employee_code 'NOBODY9'")
    assert "第 2 行" in body["detail_zh"] and "未导入任何数据" in body["detail_zh"], body
    assert "the first at line 2" in body["detail_en"], body


def test_a_bad_sales_row_says_where_and_what_in_chinese(web, auth, demo_url) -> None:
    day = str(get_clock().yesterday())
    text = f"shop_code,ds,sales\n{_shop_code(demo_url)},{day},100\n{_shop_code(demo_url)},2024/5/7,100\n"
    r = _upload(web, auth["hr"], "/api/v1/imports/sales", text)
    assert r.status_code == 422, r.text
    _check(r.json()["errors"][0], 3, "ds", "“2024/5/7”不是日期", "'2024/5/7' is not a date")


def test_a_platform_export_row_names_the_column_the_export_wrote(web, auth, demo_url) -> None:
    text = "统计日期,支付金额\n2024-05-07,abc\n"
    r = _upload(web, auth["hr"], "/api/v1/imports/sales", text, shop=_shop_code(demo_url), dry_run="true")
    assert r.status_code in (200, 422), r.text
    errors = r.json()["errors"]
    _check(errors[0], 2, "支付金额", "“abc”不是金额", "'abc' is not an amount")


def test_a_bad_org_row_says_where_and_what_in_chinese(web, auth) -> None:
    text = "工号,姓名,部门,入职时间,角色\nZ901,测试甲,测试部,2024-13-45,员工\nZ902,测试乙,测试部,2024-01-02,老板\n"
    r = web.post(
        "/api/v1/imports/org",
        params={"dry_run": "true"},
        headers={**auth["admin"], "Accept-Language": "zh-CN"},
        files={"file": ("org.csv", text.encode("utf-8"), "text/csv")},
    )
    assert r.status_code == 200, r.text
    first, second = r.json()["errors"]
    _check(first, 2, "入职时间", "“2024-13-45”不是日历上存在的日期", "'2024-13-45' is not a day of the calendar")
    _check(second, 3, "角色", "角色“老板”无法识别", "角色 '老板' is not one of")


def test_every_import_row_code_speaks_both_languages() -> None:
    codes = [c for c in CATALOGUE if c.startswith(("import.value.", "import.at."))]
    assert len(codes) > 30
    for code in codes + ["import.bad_day", "import.duplicate_code", "import.unknown_manager", "import.manager_loop"]:
        tpl = CATALOGUE[code]
        assert tpl.en.strip() and CJK.search(tpl.zh), code
        zh = {p.removesuffix("_zh") + "_en" if p.endswith("_zh") else p for p in placeholders(tpl.zh)}
        assert zh <= placeholders(tpl.en), code


def test_a_value_problem_keeps_its_english_words_and_adds_chinese() -> None:
    with pytest.raises(parse.ValueProblem) as bad:
        parse.parse_day("abc")
    assert str(bad.value) == "'abc' is not a date; write 2024-05-07, 2024/5/7 or 2024年5月7日"
    assert bad.value.text("zh") == "“abc”不是日期，请写成 2024-05-07、2024/5/7 或 2024年5月7日。"
    item = parse.row_error({"sheet": "Sheet1", "row": 4}, bad.value, "日期")
    assert item["msg_zh"].startswith("工作表“Sheet1”第 4 行“日期”列：") and item["code"] == "import.value.not_a_date"


def test_a_missing_column_and_a_wrong_mapping_read_in_chinese(web, auth, demo_url) -> None:
    r = _upload(web, auth["hr"], "/api/v1/imports/actuals", "employee_code,period_code,indicator_code,value\nA,B,C,1\n")
    assert r.status_code == 422, r.text
    item = r.json()["errors"][0]
    assert item["msg"] == "missing ['as_of']" and item["msg_zh"].startswith("第 1 行：缺少列：as_of"), item
    mapping = '{"统计日期": "ds", "金额": "sales"}'
    r = _upload(
        web,
        auth["hr"],
        "/api/v1/imports/sales",
        "统计日期,支付金额\n2024-05-07,1\n",
        shop=_shop_code(demo_url),
        mapping=mapping,
        dry_run="true",
    )
    assert r.status_code == 422, r.text
    zh = [e.get("msg_zh") for e in r.json()["errors"] if e.get("loc") != ["suggested"]]
    assert zh and all(m and CJK.search(m) for m in zh) and any("“金额”" in m for m in zh), r.json()
