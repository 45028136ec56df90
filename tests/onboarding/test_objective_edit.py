"""Company OKRs can be corrected: versioned, audited, open drafts made from the old text flagged stale."""

from sqlalchemy import select

from core.db import session_scope
from core.tables import AuditEvent, GoalDraft, Objective


def test_hr_corrects_a_company_objective_and_drafts_are_flagged_stale(client, tokens, demo_url) -> None:
    with session_scope(demo_url, write=False) as s:
        draft = s.execute(select(GoalDraft).where(GoalDraft.status == "draft")).scalars().first()
        assert draft is not None
        used = set(draft.inputs["kr_ids"].values())
        obj = next(
            o
            for o in s.execute(
                select(Objective).where(Objective.level == "company", Objective.period_id == draft.period_id)
            ).scalars()
        )
    got = client.get(f"/api/v1/objectives/{obj.id}", headers=tokens["hr"])
    krs = {k["code"]: k for k in got.json()["key_results"]}
    assert {k["id"] for k in krs.values()} & used
    code = next(iter(krs))
    body = {"title": "全年销售额增长 30%", "key_results": [{"code": code, "target": 1.3e8}]}
    assert client.patch(f"/api/v1/objectives/{obj.id}", json=body, headers=tokens["hr"]).status_code == 428
    stale = client.patch(f"/api/v1/objectives/{obj.id}", json=body, headers={**tokens["hr"], "If-Match": '"999"'})
    assert stale.status_code == 412
    r = client.patch(
        f"/api/v1/objectives/{obj.id}", json=body, headers={**tokens["hr"], "If-Match": got.headers["ETag"]}
    )
    assert r.status_code == 200, r.text
    assert r.json()["title"] == body["title"] and r.json()["version"] == got.json()["version"] + 1
    assert next(k for k in r.json()["key_results"] if k["code"] == code)["target"] == 1.3e8
    assert draft.id in r.json()["stale_drafts"]
    with session_scope(demo_url, write=False) as s:
        stale_draft = s.get(GoalDraft, draft.id)
        assert stale_draft is not None and f"stale:objective:{obj.id}" in stale_draft.flags
        events = {
            (a.entity, a.action)
            for a in s.execute(select(AuditEvent).where(AuditEvent.entity.in_(["objective", "key_result"]))).scalars()
        }
    assert {("objective", "update"), ("key_result", "update")} <= events


def test_employees_may_not_edit_company_objectives(client, tokens, demo_url) -> None:
    with session_scope(demo_url, write=False) as s:
        obj = s.execute(select(Objective).where(Objective.level == "company")).scalars().first()
    assert obj is not None
    r = client.patch(
        f"/api/v1/objectives/{obj.id}", json={"title": "x"}, headers={**tokens["employee"], "If-Match": '"1"'}
    )
    assert r.status_code in (403, 404)
    r = client.patch(
        f"/api/v1/objectives/{obj.id}", json={"title": "x"}, headers={**tokens["manager"], "If-Match": '"1"'}
    )
    assert r.status_code in (403, 404)
