"""Input an attacker or a careless user sends: far-future or implausible dates, decimal commas, negative counts,
as_of outside its period, Unix-timestamp dates, oversized CSV fields. Each is a 4xx naming the line, and
nothing of a bad file is imported."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.app import create_app
from core.clock import get_clock
from core.db import session_scope
from core.tables import KpiActual, KpiAssignment, Period, SalesDaily, Shop, User
from tests.conftest import demo_logins, make_settings

HEADER = "shop_code,ds,sales,orders,visitors\n"


@pytest.fixture(scope="module")
def web(demo_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(demo_url)), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def auth(web: TestClient) -> dict[str, dict[str, str]]:
    return demo_logins(web)


def _shop(url: str) -> tuple[int, str]:
    with session_scope(url, write=False) as s:
        shop = s.execute(select(Shop).order_by(Shop.id)).scalars().first()
        assert shop is not None
        return shop.id, shop.code


def _sales_rows(url: str) -> int:
    with session_scope(url, write=False) as s:
        return int(s.execute(select(func.count()).select_from(SalesDaily)).scalar_one())


def _upload(web: TestClient, headers: dict[str, str], path: str, text: str):
    return web.post(path, headers=headers, files={"file": ("data.csv", text.encode(), "text/csv")})


@pytest.mark.parametrize(
    ("row", "words"),
    [
        ("{shop},9999-12-31,100,,", "outside"),
        ("{shop},1900-01-01,100,,", "outside"),
        ('{shop},{yesterday},"1,5",,', "plain number"),
        ("{shop},{yesterday},1.234.5,,", "plain number"),
        ("{shop},{yesterday},100,-3,", "zero or more"),
        ("{shop},{yesterday},100,,-40", "zero or more"),
        ("{shop},{yesterday},100,2.5,", "whole number"),
        ("{shop},0,100,,", "YYYY-MM-DD"),
        ("{shop},{yesterday},-5,,", "negative"),
        ("{shop},{yesterday},nan,,", "plain number"),
    ],
)
def test_bad_sales_rows_are_refused_with_their_line(web, auth, demo_url, row, words) -> None:
    _sid, code = _shop(demo_url)
    yesterday = str(get_clock().yesterday())
    good = f"{code},{yesterday},100,10,200\n"
    text = HEADER + good + row.format(shop=code, yesterday=yesterday) + "\n"
    before = _sales_rows(demo_url)
    r = _upload(web, auth["hr"], "/api/v1/imports/sales", text)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    errors = r.json()["errors"]
    assert errors[0]["line"] == 3 and words in errors[0]["msg"], errors
    assert _sales_rows(demo_url) == before


def test_an_oversized_csv_field_is_a_4xx_naming_the_line(web, auth, demo_url) -> None:
    _sid, code = _shop(demo_url)
    yesterday = str(get_clock().yesterday())
    text = HEADER + f"{code},{yesterday},100,,\n" + f'{code},{yesterday},"{"9" * 140_000}",,\n'
    r = _upload(web, auth["hr"], "/api/v1/imports/sales", text)
    assert r.status_code == 422, r.text
    assert "line 3" in r.json()["detail_en"] and r.json()["errors"][0]["line"] == 3
    assert _upload(web, auth["hr"], "/api/v1/imports/sales", "shop_code,ds,sales\n" + "x" * 140_000).status_code == 422


def test_sales_query_dates_are_iso_dates_only(web, auth, demo_url) -> None:
    sid, _code = _shop(demo_url)
    for bad in ("0", "1700000000", "2026-13-01", "9999-12-31"):
        r = web.get(f"/api/v1/shops/{sid}/sales", headers=auth["hr"], params={"from": bad})
        assert r.status_code == 422, (bad, r.text)
    r = web.get(f"/api/v1/shops/{sid}/sales", headers=auth["hr"], params={"from": str(get_clock().yesterday())})
    assert r.status_code == 200 and r.json()["count"] >= 1


def test_actuals_outside_their_period_are_refused(web, auth, demo_url) -> None:
    today = get_clock().today()
    with session_scope(demo_url, write=False) as s:
        hr_emp = s.execute(select(User.employee_id).where(User.username == "hr")).scalar_one()
        a = (
            s.execute(
                select(KpiAssignment)
                .join(Period, Period.id == KpiAssignment.period_id)
                .where(
                    Period.kind == "month",
                    Period.start_date <= today,
                    Period.end_date >= today,
                    KpiAssignment.employee_id.is_not(None),
                    KpiAssignment.employee_id != hr_emp,
                )
            )
            .scalars()
            .first()
        )
        assert a is not None
        period = s.get(Period, a.period_id)
        assert period is not None
        count = s.execute(select(func.count()).where(KpiActual.assignment_id == a.id)).scalar_one()
    for as_of in (
        period.end_date.replace(day=28).replace(year=period.end_date.year + 1),
        period.start_date.replace(day=1).replace(year=2001),
    ):
        r = web.post(
            f"/api/v1/kpi-assignments/{a.id}/actuals", headers=auth["hr"], json={"as_of": str(as_of), "value": 3}
        )
        assert r.status_code == 422 and "outside period" in r.json()["detail_en"], r.text
    for bad_day in (0, "0", "1700000000"):
        r = web.post(f"/api/v1/kpi-assignments/{a.id}/actuals", headers=auth["hr"], json={"as_of": bad_day, "value": 3})
        assert r.status_code == 422, r.text
    with session_scope(demo_url, write=False) as s:
        assert s.execute(select(func.count()).where(KpiActual.assignment_id == a.id)).scalar_one() == count
