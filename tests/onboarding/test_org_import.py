"""The org chart from a contacts export: paths, managers, row errors, dry run, upsert, export round trip."""

import io

from openpyxl import load_workbook

from tests.onboarding.conftest import login

HEADER = "工号,姓名,部门,岗位,直属上级工号,入职时间,角色,状态,备注\n"
GOOD = (
    "E001,王总,总经办,总经理,,2019/3/1,管理员,在职,\n"
    "E002,李娜,运营中心/天猫运营部,运营经理,E001,2020年5月7日,经理,在职,\n"
    "E003,张伟,运营中心/天猫运营部,运营专员,E002,2021-06-01,员工,在职,\n"
    "E004,赵敏,运营中心/京东运营部,运营专员,E002,2022-01-10,,在职,\n"
)
BAD = (
    "E005,钱多多,客服部,客服,E999,2023-01-01,,在职,unknown manager\n"
    "E003,重复,客服部,客服,E001,2023-01-01,,在职,duplicate 工号\n"
    "E006,孙一,客服部,客服,E007,2023-01-01,,在职,loop\n"
    "E007,孙二,客服部,客服,E006,2023-01-01,,在职,loop\n"
)


def _post(client, headers, text: str, **params: str):
    files = {"file": ("contacts.csv", text.encode("utf-8-sig"))}
    return client.post("/api/v1/imports/org", params=params, files=files, headers=headers)


def test_setup_then_a_bad_file_is_all_row_errors_and_nothing_changes(fresh) -> None:
    admin = login(fresh, "boss")
    company = {"name_zh": "好物", "name_en": "Haowu"}
    assert fresh.post("/api/v1/company", json=company, headers=admin).status_code == 201
    dry = _post(fresh, admin, HEADER + GOOD + BAD, dry_run="true")
    assert dry.status_code == 200, dry.text
    codes = sorted(e["code"] for e in dry.json()["errors"])
    assert codes == [
        "import.duplicate_code",
        "import.manager_loop",
        "import.manager_loop",
        "import.unknown_manager",
    ]
    assert [e["line"] for e in dry.json()["errors"] if e["code"] == "import.unknown_manager"] == [6]
    assert dry.json()["notes"] == ["ignored column(s): 备注"]
    real = _post(fresh, admin, HEADER + GOOD + BAD)
    assert real.status_code == 422 and real.json()["code"] == "import.org_rows"
    assert fresh.get("/api/v1/employees", headers=admin).json()["count"] == 0


def test_the_fixed_file_creates_the_tree_managers_and_one_time_logins(fresh) -> None:
    admin = login(fresh, "boss")
    dry = _post(fresh, admin, HEADER + GOOD, dry_run="true").json()
    assert dry["created"] == 4 and dry["errors"] == []
    assert sorted(dry["departments_created"]) == ["总经办", "运营中心", "运营中心/京东运营部", "运营中心/天猫运营部"]
    assert fresh.get("/api/v1/employees", headers=admin).json()["count"] == 0  # a dry run writes nothing
    r = _post(fresh, admin, HEADER + GOOD)
    assert r.status_code == 200, r.text
    logins = {x["username"]: x for x in r.json()["logins"]}
    assert set(logins) == {"e001", "e002", "e003"} and logins["e002"]["role"] == "manager"
    token = fresh.post("/api/v1/auth/token", data={"username": "e002", "password": logins["e002"]["one_time_password"]})
    assert token.status_code == 200
    first = {"Authorization": f"Bearer {token.json()['access_token']}"}
    refused = fresh.get("/api/v1/employees", headers=first)
    assert refused.status_code == 403 and refused.json()["code"] == "auth.password_change_required"
    assert fresh.get("/api/v1/me", headers=first).status_code == 200
    change = {"current_password": logins["e002"]["one_time_password"], "new_password": "my-own-pass-2027"}
    assert fresh.post("/api/v1/me/password", json=change, headers=first).status_code == 204
    again = fresh.post("/api/v1/auth/token", data={"username": "e002", "password": "my-own-pass-2027"})
    mine = fresh.get("/api/v1/employees", headers={"Authorization": f"Bearer {again.json()['access_token']}"})
    assert mine.status_code == 200 and mine.json()["count"] == 3  # E002 and the two who report to them
    people = {e["code"]: e for e in fresh.get("/api/v1/employees", headers=admin).json()["data"]}
    assert people["E003"]["manager_id"] == people["E002"]["id"]
    depts = {d["id"]: d for d in fresh.get("/api/v1/departments", headers=admin).json()["data"]}
    tmall = depts[people["E003"]["department_id"]]
    assert tmall["name_zh"] == "天猫运营部" and depts[tmall["parent_id"]]["name_zh"] == "运营中心"


def test_reimport_upserts_by_code_and_lists_the_absent(fresh) -> None:
    hr = login(fresh, "hrlead")
    moved = GOOD.replace("E004,赵敏,运营中心/京东运营部", "E004,赵敏,运营中心/天猫运营部").replace(
        "E003,张伟", "E003,张伟伟"
    )
    without_e001 = "\n".join(line for line in moved.splitlines() if not line.startswith("E001")) + "\n"
    report = _post(fresh, hr, HEADER + without_e001.replace(",E001,", ",,"), dry_run="true").json()
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 3, 0) and report["errors"] == []
    assert report["absent"] == ["E001"]
    r = _post(fresh, hr, HEADER + moved)
    assert r.status_code == 200 and (r.json()["updated"], r.json()["unchanged"]) == (2, 2)
    assert r.json()["logins"] == [] and r.json()["absent"] == []


def test_export_then_import_changes_nothing_and_templates_download(fresh) -> None:
    hr = login(fresh, "hrlead")
    exported = fresh.get("/api/v1/imports/org/export.xlsx?lang=zh", headers=hr)
    assert exported.status_code == 200
    rows = list(load_workbook(io.BytesIO(exported.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("工号", "姓名", "英文名", "部门") and len(rows) == 5
    again = fresh.post(
        "/api/v1/imports/org", params={"dry_run": "true"}, files={"file": ("org.xlsx", exported.content)}, headers=hr
    ).json()
    assert again["errors"] == [] and again["unchanged"] == 4 and again["departments_created"] == []
    for lang, first in (("zh", "工号"), ("en", "employee_code")):
        t = fresh.get(f"/api/v1/imports/templates/org.xlsx?lang={lang}", headers=hr)
        assert load_workbook(io.BytesIO(t.content)).active["A1"].value == first
    assert fresh.get("/api/v1/imports/templates/nope.xlsx", headers=hr).json()["code"] == "import.unknown_template"
