"""Sales as the shop back-ends export them: mapping suggested, confirmed, remembered; orders to days by the rule."""

import json

from sqlalchemy import select

from core.db import session_scope
from core.tables import SalesDaily, Shop
from tests.onboarding.conftest import PERSON_PASSWORD, login, person_login, token

DAILY = "统计日期,访客数,支付金额,支付买家数,支付转化率,退款金额\n" + (
    '2026/11/1,1200,"12,345.50",80,6.67%,345.50\n2026年11月2日,900,800.00,10,1.1%,1000\n'
)
ORDERS = (
    "订单编号,店铺名称,付款时间,实付金额,订单状态,退款金额\n"
    "A1,天猫旗舰店,2026-11-03 23:59:30,100.00,交易成功,\n"
    "A2,天猫旗舰店,2026-11-04 00:00:00,50.00,交易成功,20\n"
    "A3,天猫旗舰店,,70.00,等待买家付款,\n"
    "A4,天猫旗舰店,2026-11-04 10:00:00,999.00,交易关闭,999\n"
    "A5,京东店,2026-11-04 11:00:00,30.00,已发货,\n"
)


def _post(client, headers, name: str, text: str, **form: str):
    params = {"dry_run": form.pop("dry_run")} if "dry_run" in form else {}
    files = {"file": (name, text.encode("utf-8"))}
    return client.post("/api/v1/imports/sales", params=params, data=form, files=files, headers=headers)


def _days(url: str, code: str) -> dict[str, tuple[float, int | None]]:
    with session_scope(url, write=False) as s:
        rows = s.execute(
            select(SalesDaily.ds, SalesDaily.sales, SalesDaily.orders).join(Shop).where(Shop.code == code)
        ).all()
    return {d.isoformat(): (round(v, 2), n) for d, v, n in rows}


HR: dict[str, str] = {}  # the HR person's login, made in test_setup (sales are imported by a person)


def test_setup(fresh) -> None:
    admin = login(fresh, "boss")
    assert fresh.post("/api/v1/company", json={"name_zh": "好物", "name_en": "Haowu"}, headers=admin).status_code == 201
    for code, zh, en in (("tmall", "天猫旗舰店", "Tmall"), ("jd", "京东店", "JD")):
        body = {"code": code, "name_zh": zh, "name_en": en, "channel": code}
        assert fresh.post("/api/v1/shops", json=body, headers=admin).status_code == 201
    HR.update(person_login(fresh, admin))


def test_a_daily_summary_needs_its_shop_then_previews_then_imports(fresh, empty_url) -> None:
    hr = HR
    no_shop = _post(fresh, hr, "生意参谋.csv", DAILY, dry_run="true")
    assert no_shop.status_code == 422 and no_shop.json()["code"] == "import.sales_shop"
    dry = _post(fresh, hr, "生意参谋.csv", DAILY, dry_run="true", shop="tmall")
    assert dry.status_code == 200, dry.text
    body = dry.json()
    assert body["kind"] == "daily" and body["mapping_source"] == "suggested"
    assert body["mapping"] == {
        "统计日期": "ds",
        "访客数": "visitors",
        "支付金额": "sales",
        "支付买家数": "orders",
        "退款金额": "refunds",
    }
    assert body["total_sales"] == 11800.0 and body["days"] == 2 and "可为负" in body["rule"]["zh"]
    assert _days(empty_url, "tmall") == {}
    real = _post(fresh, hr, "生意参谋.csv", DAILY, shop="tmall")
    assert real.status_code == 200 and real.json()["imported"] == 2
    assert _days(empty_url, "tmall") == {"2026-11-01": (12000.0, 80), "2026-11-02": (-200.0, 10)}


def test_the_mapping_is_remembered_per_shop_and_can_be_corrected(fresh) -> None:
    hr = HR
    renamed = DAILY.replace("统计日期", "日期")
    again = _post(fresh, hr, "d.csv", DAILY, dry_run="true", shop="tmall").json()
    assert again["mapping_source"] == "remembered"
    mapping = {"日期": "ds", "支付金额": "sales", "支付买家数": "orders"}
    given = _post(fresh, hr, "d.csv", renamed, dry_run="true", shop="tmall", mapping=json.dumps(mapping))
    assert given.json()["mapping_source"] == "given" and given.json()["total_sales"] == 13145.5
    wrong = _post(fresh, hr, "d.csv", renamed, shop="tmall", mapping=json.dumps({"日期": "day", "x": "sales"}))
    assert wrong.status_code == 422 and wrong.json()["code"] == "import.mapping"
    assert _post(fresh, hr, "d.csv", renamed, shop="tmall", mapping="{oops").json()["code"] == "import.mapping_json"


def test_an_order_export_is_aggregated_by_the_stated_rule(fresh, empty_url) -> None:
    hr = HR
    dry = _post(fresh, hr, "orders.csv", ORDERS, dry_run="true").json()
    assert dry["kind"] == "orders" and dry["orders_counted"] == 3 and dry["orders_not_sales"] == 2
    assert "交易关闭" in dry["rule"]["zh"] and dry["shops"] == ["jd", "tmall"]
    r = _post(fresh, hr, "orders.csv", ORDERS)
    assert r.status_code == 200, r.text
    assert _days(empty_url, "tmall")["2026-11-03"] == (100.0, 1)
    assert _days(empty_url, "tmall")["2026-11-04"] == (30.0, 1)
    assert _days(empty_url, "jd") == {"2026-11-04": (30.0, 1)}


def test_bad_rows_and_future_days_import_nothing(fresh, empty_url) -> None:
    hr = HR
    bad = ORDERS + "A1,天猫旗舰店,2026-11-05 10:00:00,5,交易成功,\nA6,无名店,2026-11-05 10:00:00,5,交易成功,\n"
    bad += "A7,天猫旗舰店,2027-01-01 10:00:00,5,交易成功,\nA8,天猫旗舰店,2026-11-05 10:00:00,1，5,交易成功,\n"
    r = _post(fresh, hr, "orders.csv", bad)
    assert r.status_code == 422 and r.json()["code"] == "import.sales_rows"
    msgs = [e["msg"] for e in r.json()["errors"]]
    assert any("twice" in m for m in msgs) and any("unknown shop" in m for m in msgs)
    assert any("2027-01-01" in m for m in msgs) and any("not an amount" in m for m in msgs)
    assert _days(empty_url, "tmall")["2026-11-03"] == (100.0, 1)


def test_employees_and_managers_may_not_import(fresh) -> None:
    assert _post(fresh, {}, "orders.csv", ORDERS).status_code == 401


def test_a_large_file_imports_as_a_job_with_progress(empty_url, tmp_path) -> None:
    import time

    from fastapi.testclient import TestClient

    from api.app import create_app
    from tests.conftest import make_settings

    settings = make_settings(empty_url, demo=False, import_dir=str(tmp_path), import_background_bytes=1_000_000)
    lines = [ORDERS.splitlines()[0]] + [
        f"B{i},京东店,2026-10-{1 + i % 28:02d} 12:00:00,10.00,交易成功," for i in range(120_000)
    ]
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        hr = token(client, "h1", PERSON_PASSWORD)
        r = _post(client, hr, "big.csv", "\n".join(lines) + "\n")
        assert r.status_code == 202, r.text
        job_id = r.json()["import_job_id"]
        for _ in range(600):  # the embedded worker runs it
            job = client.get(f"/api/v1/imports/jobs/{job_id}", headers=hr).json()
            if job["status"] in ("done", "failed"):
                break
            time.sleep(0.2)
        assert job["status"] == "done", job
        assert job["rows_read"] >= 100_000 and job["report"]["orders_counted"] == 120_000
        assert list(tmp_path.iterdir()) == []  # the stored upload is removed
        assert client.get(f"/api/v1/imports/jobs/{job_id}", headers=login(client, "boss")).status_code == 200
    assert _days(empty_url, "jd")["2026-10-01"] == (round(10.0 * len(range(0, 120_000, 28)), 2), 4286)
