"""A manager's large actuals file runs as a job like every other import, and the job checks every row with the
same rights as the request would have: a report's row imports, the manager's own row fails the whole file."""

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tests.conftest import demo_logins, make_settings
from tests.security.test_separation_of_duties import _actual_count, _facts

HEADER = "employee_code,period_code,indicator_code,as_of,value\n"


@pytest.fixture(scope="module")
def web(demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("uploads")
    settings = make_settings(demo_url, import_dir=str(folder), import_background_bytes=1_000_000)
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        c.folder = folder  # type: ignore[attr-defined]
        yield c


def _job(web: TestClient, headers: dict[str, str], text: str) -> dict:  # type: ignore[type-arg]
    files = {"file": ("a.csv", text.encode(), "text/csv")}
    r = web.post("/api/v1/imports/actuals", params={"background": "true"}, headers=headers, files=files)
    assert r.status_code == 202, r.text
    for _ in range(600):
        job = web.get(f"/api/v1/imports/jobs/{r.json()['import_job_id']}", headers=headers).json()
        if job["status"] in ("done", "failed"):
            return job  # type: ignore[no-any-return]
        time.sleep(0.1)
    raise AssertionError(job)


def test_a_managers_actuals_job_keeps_the_rights(web: TestClient, demo_url: str) -> None:
    auth = demo_logins(web)
    f = _facts(demo_url, "manager")
    report, own = f.report, f.own
    assert report is not None
    before = _actual_count(demo_url, report.id)
    mine = _job(web, auth["manager"], HEADER + f.row(report) + "71\n" + f.row(own) + "99\n")
    assert mine["status"] == "failed", mine
    assert "nobody imports their own" in str(mine), mine
    assert "nobody imports their own" in mine["report"]["errors"][0]["msg"]
    assert _actual_count(demo_url, report.id) == before
    done = _job(web, auth["manager"], HEADER + f.row(report) + "71\n")
    assert done["status"] == "done" and done["report"]["imported"] == 1 and done["rows_read"] == 1
    assert _actual_count(demo_url, report.id) >= max(before, 1)
    assert web.get(f"/api/v1/imports/jobs/{done['import_job_id']}", headers=auth["employee"]).status_code == 404
    assert list(Path(web.folder).iterdir()) == []  # type: ignore[attr-defined]
