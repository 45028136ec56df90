"""The 导入 page follows a background import: HR's actuals file runs as a job, the page shows its progress
and then the rows imported; a refused file shows its bad row in Chinese: the line, the column as the file wrote it
(as data) and what is wrong."""

from collections.abc import Iterator

import pytest

from tests.conftest import make_settings
from tests.security.test_separation_of_duties import _facts
from tests.web.conftest import login

HEADER = "employee_code,period_code,indicator_code,as_of,value\n"


@pytest.fixture(scope="module")
def web_app(demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """The demo company; every upload over 10 bytes runs as a background job."""
    from api.app import create_app

    folder = tmp_path_factory.mktemp("uploads")
    yield create_app(
        make_settings(
            demo_url,
            housekeeping_interval_s=0,
            draft_forecast=False,
            import_dir=str(folder),
            import_background_bytes=10,
        )
    )


def _file(text: str) -> dict[str, object]:
    return {"name": "实际值.csv", "mimeType": "text/csv", "buffer": text.encode("utf-8")}


def test_the_imports_page_follows_a_background_job(page, demo_url: str) -> None:
    f = _facts(demo_url, "hr")
    other, own = f.outsider, f.own
    assert other is not None
    login(page, "hr")
    page.goto("/#/imports")
    page.wait_for_selector("#imp-file")
    page.set_input_files("#imp-file", files=[_file(HEADER + f.row(own) + "99\n")])
    with page.expect_response(lambda r: r.url.endswith("/imports/actuals") and r.status == 202):
        page.click("#imp-submit")
    page.wait_for_selector("#import-result .error")
    shown = page.inner_text("#import-result")
    # the refusal and the row's reason in Chinese (kept by the background job in both languages), never English
    assert "未导入任何数据" in shown and "不能导入自己的实际值" in shown, shown
    assert "第 2 行“employee_code”列" in shown and "nobody imports" not in shown, shown
    assert page.inner_text("#import-result td [data-literal]") == "employee_code"
    page.set_input_files("#imp-file", files=[_file(HEADER + f.row(other) + "71\n")])
    with page.expect_response(lambda r: r.url.endswith("/imports/actuals") and r.status == 202):
        page.click("#imp-submit")
    page.wait_for_selector("#import-result >> text=已导入 1 行")


def test_hr_checks_then_imports_the_campaign_plan_on_the_page(page) -> None:
    """The campaign plan and past scorecards have their card too: a dry run first (nothing written), then the
    import; a bad row is shown in Chinese with its line."""
    login(page, "hr")
    page.goto("/#/imports")
    page.wait_for_selector("#imp-kind")
    page.select_option("#imp-kind", "promotions")
    assert "templates/promotions.xlsx" in (page.get_attribute("#imp-template", "href") or "")
    plan = "活动名称,活动类型,店铺,开始日期,结束日期,预计折扣\n店庆周,店庆,,2027-03-08,2027-03-14,0.85\n"
    page.check("#imp-dry")
    page.set_input_files("#imp-file", files=[{"name": "活动.csv", "mimeType": "text/csv", "buffer": plan.encode()}])
    page.click("#imp-submit")
    page.wait_for_selector("#import-result .ok")
    assert "检查通过：1 行" in page.inner_text("#import-result")
    page.uncheck("#imp-dry")
    page.set_input_files("#imp-file", files=[{"name": "活动.csv", "mimeType": "text/csv", "buffer": plan.encode()}])
    page.click("#imp-submit")
    page.wait_for_function("() => document.querySelector('#import-result .ok')?.textContent.includes('已导入 1 行')")
    bad = plan.replace("店庆,", "秒杀,", 1)
    page.set_input_files("#imp-file", files=[{"name": "活动.csv", "mimeType": "text/csv", "buffer": bad.encode()}])
    page.click("#imp-submit")
    page.wait_for_selector("#import-result .error")
    shown = page.inner_text("#import-result")
    assert "活动类型“秒杀”无法识别" in shown and "is not one of" not in shown, shown
    assert page.inner_text("#import-result td [data-literal]") == "活动类型"
