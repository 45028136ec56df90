"""Refusals speak the caller's language: Chinese unless Accept-Language prefers English, always with a stable
code, its parameters and both wordings."""

import re

from fastapi.testclient import TestClient

EN = {"Accept-Language": "en-US,en;q=0.9"}
CJK = re.compile(r"[\u4e00-\u9fff]")
MACHINE = re.compile(r"[A-Za-z]+_[A-Za-z_]+|\b\d{2,}\b|[a-z]+:[a-z]+")


def _both(r: object, code: str) -> dict[str, object]:
    body = r.json()  # type: ignore[attr-defined]
    assert body["code"] == code, body
    assert isinstance(body["params"], dict)
    assert body["detail_en"] and not CJK.search(body["detail_en"]), body
    assert CJK.search(body["detail_zh"]) and not MACHINE.search(body["detail_zh"]), body
    return dict(body)


def _check(client: TestClient, method: str, path: str, headers: dict[str, str], code: str, **kw: object) -> None:
    zh = client.request(method, path, headers=headers, **kw)  # type: ignore[arg-type]
    en = client.request(method, path, headers={**headers, **EN}, **kw)  # type: ignore[arg-type]
    assert zh.status_code == en.status_code
    zh_body, en_body = _both(zh, code), _both(en, code)
    assert zh_body["detail"] == zh_body["detail_zh"]
    assert en_body["detail"] == en_body["detail_en"]
    assert zh_body["detail_zh"] == en_body["detail_zh"]


def test_not_found_in_each_language(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    _check(client, "GET", "/api/v1/departments/987654", tokens["hr"], "not_found")
    r = client.get("/api/v1/departments/987654", headers=tokens["hr"])
    assert r.status_code == 404 and "部门" in r.json()["detail"] and "987654" in r.json()["detail_en"]


def test_role_refusal_names_the_role_and_the_action(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    _check(client, "GET", "/api/v1/pay/pools", tokens["employee"], "role_refused")
    r = client.get("/api/v1/pay/pools", headers=tokens["employee"])
    assert r.status_code == 403
    assert r.json()["detail"].startswith("您的角色（员工）无权管理奖金")
    assert r.json()["params"] == {"role": "employee", "action": "pay:manage"}


def test_conflict_in_each_language(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    body = {"code": "LANGTEST", "name_zh": "语言测试部", "name_en": "Language test"}
    assert client.post("/api/v1/departments", headers=tokens["hr"], json=body).status_code == 201
    again = client.post("/api/v1/departments", headers=tokens["hr"], json=body)
    assert again.status_code == 409
    _check(client, "POST", "/api/v1/departments", tokens["hr"], "duplicate", json=body)
    assert "部门" in again.json()["detail"]


def test_validation_errors_in_each_language(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    body = {"name_zh": "", "name_en": "x"}
    _check(client, "POST", "/api/v1/departments", tokens["hr"], "validation", json=body)
    zh = client.post("/api/v1/departments", headers=tokens["hr"], json=body).json()
    en = client.post("/api/v1/departments", headers={**tokens["hr"], **EN}, json=body).json()
    assert zh["errors"][0]["loc"] == en["errors"][0]["loc"] == ["body", "name_zh"]
    assert zh["errors"][0]["msg"] == "至少需要 1 个字符。" and en["errors"][0]["msg"] == en["errors"][0]["msg_en"]
    assert zh["errors"][0]["code"] == "field.text_too_short" and "at least 1 character" in en["errors"][0]["msg"]


def test_routing_answers_in_each_language(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    _check(client, "GET", "/api/v1/no-such-thing", tokens["hr"], "http.not_found")
    _check(client, "DELETE", "/api/v1/departments", tokens["hr"], "http.method_not_allowed")


def test_anomaly_flags_carry_words_for_severity_and_evidence(
    client: TestClient, tokens: dict[str, dict[str, str]]
) -> None:
    r = client.get("/api/v1/anomalies", headers=tokens["hr"])
    assert r.status_code == 200, r.text
    flags = r.json()["flags"]
    assert flags  # the demo company has something for HR to review
    for f in flags:
        assert CJK.search(f["severity_zh"]) and f["severity_en"]
        assert [i["key"] for i in f["evidence_items"]] == list(f["evidence"])
        for item in f["evidence_items"]:
            assert CJK.search(item["label_zh"]) and not MACHINE.search(item["label_zh"]), item
            assert not re.search(r"\de[+-]?\d", item["value_text"]), item
