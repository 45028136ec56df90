"""Every large import runs as a job like the sales import: the request stores the file and answers 202 at once
(nothing parsed, no write turn held), the worker imports it with progress, and a refused file is a failed job
carrying its row errors; the stored upload is removed either way."""

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from core.db import session_scope
from core.tables import Employee, KpiActual, PromoEvent
from tests.conftest import make_settings
from tests.onboarding.conftest import login

ORG_HEAD = "工号,姓名,部门,直属上级工号\n"


@pytest.fixture(scope="module")
def client(empty_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """The app with a tiny background threshold (1 KB) and its own upload folder."""
    from fastapi.testclient import TestClient

    from api.app import create_app

    folder = tmp_path_factory.mktemp("uploads")
    settings = make_settings(empty_url, demo=False, import_dir=str(folder), import_background_bytes=1_000)
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        c.folder = folder  # type: ignore[attr-defined]
        yield c


def _post(client, headers, path: str, text: str, **params: str):
    return client.post(
        f"/api/v1/imports/{path}", params=params, files={"file": ("f.csv", text.encode())}, headers=headers
    )


def _finished(client, headers, job_id: int) -> dict[str, Any]:
    for _ in range(600):  # the embedded worker runs it
        job = client.get(f"/api/v1/imports/jobs/{job_id}", headers=headers).json()
        if job["status"] in ("done", "failed"):
            return job  # type: ignore[no-any-return]
        time.sleep(0.1)
    raise AssertionError(f"import job {job_id} did not finish: {job}")


def _count(url: str, what: object) -> int:
    with session_scope(url, write=False) as s:
        return int(s.execute(select(func.count()).select_from(what)).scalar_one())  # type: ignore[arg-type]


def test_a_large_org_file_is_a_job_with_progress(client, empty_url: str) -> None:
    admin = login(client, "boss")
    assert (
        client.post("/api/v1/company", json={"name_zh": "好物", "name_en": "Haowu"}, headers=admin).status_code == 201
    )
    people = "".join(f"E{i:04d},员工{i},运营中心/部门{i % 7},{'' if i == 0 else 'E0000'}\n" for i in range(400))
    r = _post(client, admin, "org", ORG_HEAD + people)
    assert r.status_code == 202, r.text
    assert r.json()["kind"] == "org" and r.json()["status"] == "queued"
    job = _finished(client, admin, r.json()["import_job_id"])
    assert job["status"] == "done", job
    assert job["rows_read"] == 400 and job["report"]["created"] == 400
    assert _count(empty_url, Employee) == 400
    assert list(client.folder.iterdir()) == []  # the stored upload is removed


def test_a_refused_org_file_is_a_failed_job_with_its_row_errors(client, empty_url: str) -> None:
    admin = login(client, "boss")
    bad = "".join(f"X{i:04d},新人{i},客服部,X9999\n" for i in range(200))  # every manager unknown
    r = _post(client, admin, "org", ORG_HEAD + bad)
    assert r.status_code == 202  # the request parsed nothing: the worker finds the bad rows
    job = _finished(client, admin, r.json()["import_job_id"])
    assert job["status"] == "failed" and job["report"]["code"] == "import.org_rows"
    assert len(job["report"]["errors"]) == 200 and _count(empty_url, Employee) == 400  # all or nothing


def test_small_files_and_the_choice_to_wait(client) -> None:
    admin = login(client, "boss")
    small = _post(client, admin, "org", ORG_HEAD + "E0000,员工0,运营中心/部门0,\n", dry_run="true")
    assert small.status_code == 200 and small.json()["unchanged"] == 1  # below the threshold: answered at once
    body = {"code": "tmall", "name_zh": "天猫旗舰店", "name_en": "Tmall", "channel": "tmall"}
    assert client.post("/api/v1/shops", json=body, headers=admin).status_code == 201
    plan = "活动名称,活动类型,店铺,开始日期,结束日期\n店庆,店庆,天猫旗舰店,2026/12/20,2026/12/22\n"
    assert _post(client, admin, "promotions", plan, background="false").status_code == 200


def test_promotions_and_kpi_history_run_as_jobs(client, empty_url: str) -> None:
    hr = login(client, "hrlead")
    rows = "".join(
        f"活动{i},直播专场,天猫旗舰店,2027-01-{1 + i % 28:02d},2027-01-{1 + i % 28:02d}\n" for i in range(60)
    )
    r = _post(client, hr, "promotions", "活动名称,活动类型,店铺,开始日期,结束日期\n" + rows)
    assert r.status_code == 202, r.text
    job = _finished(client, hr, r.json()["import_job_id"])
    assert job["status"] == "done" and job["report"]["imported"] == 60, job
    assert _count(empty_url, PromoEvent) == 61
    code = client.get("/api/v1/indicators", params={"limit": 1}, headers=hr).json()["data"][0]["code"]
    history = "工号,期间,指标,权重,目标,实际\n" + "".join(
        f"E{i:04d},2025-07,{code},100,50,{40 + i % 20}\n" for i in range(80)
    )
    r = _post(client, hr, "kpi-history", history, background="true")
    assert r.status_code == 202, r.text
    job = _finished(client, hr, r.json()["import_job_id"])
    assert job["status"] == "done" and job["report"]["imported"] == 80 and job["rows_read"] == 80, job
    assert _count(empty_url, KpiActual) == 80


def test_someone_elses_job_reads_as_missing(client) -> None:
    admin, hr = login(client, "boss"), login(client, "hrlead")
    r = _post(client, admin, "org", ORG_HEAD + "E0000,员工0,运营中心/部门0,\n", dry_run="true", background="true")
    job = _finished(client, admin, r.json()["import_job_id"])
    assert job["status"] == "done" and job["report"]["dry_run"] is True
    assert client.get(f"/api/v1/imports/jobs/{job['import_job_id']}", headers=hr).status_code == 200  # HR sees all
    assert client.get("/api/v1/imports/jobs/999999", headers=hr).status_code == 404


def test_the_folder_is_empty_at_the_end(client) -> None:
    assert list(Path(client.folder).iterdir()) == []
