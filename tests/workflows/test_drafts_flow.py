"""The goal-draft workflow on a freshly loaded demo: what goes into the assistant, edits, races and settings."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.guards import check_draft
from assistant.schemas import GoalDraft as DraftModel
from core.clock import get_clock
from core.db import session_scope
from core.errors import InvalidInput, PreconditionFailed
from core.security import Caller
from core.tables import (
    Department,
    Employee,
    ForecastJob,
    GoalDraft,
    KeyResult,
    Objective,
    Period,
    Position,
    Shop,
    TargetRange,
    User,
)
from tests.conftest import make_settings
from workflows.drafts import flows as drafts
from workflows.drafts.edit import apply_edits
from workflows.drafts.inputs import build_org, company_okr, forecast_ranges, kpi_actuals
from workflows.drafts.llm import cache_key, llm_config
from workflows.drafts.sales_facts import sales_baselines
from workflows.drafts.schemas import DraftCreate, KpiEdit
from workflows.shared import decisions


@pytest.fixture(scope="module")
def flow_db(demo_url: str) -> str:
    """The shared demo database: these tests only read it, or write in transactions they roll back (plus one
    extra draft), so they need no database (and no engine) of their own."""
    return demo_url


def _caller(s: Session, username: str) -> Caller:
    u = s.execute(select(User).where(User.username == username)).scalar_one()
    return Caller(user_id=u.id, username=u.username, role=u.role, employee_id=u.employee_id)


def _quarter(s: Session) -> Period:
    today = get_clock().today()
    return s.execute(
        select(Period).where(Period.kind == "quarter", Period.start_date <= today, Period.end_date >= today)
    ).scalar_one()


def _dept(s: Session, code: str) -> Department:
    return s.execute(select(Department).where(Department.code == code)).scalar_one()


def test_demo_load_leaves_an_ops_draft_to_review(flow_db: str) -> None:
    with session_scope(flow_db, write=False) as s:
        first = s.execute(select(GoalDraft).order_by(GoalDraft.id)).scalars().first()
        assert first is not None and first.status == "draft" and not first.edited
        assert (first.created_by_name, first.language, first.provider) == ("manager", "zh", "offline")
        assert first.department_id == _dept(s, "ops").id and first.period_id == _quarter(s).id
        assert check_draft(DraftModel.model_validate(first.draft)) == []


def test_org_has_every_department_and_the_members_by_role(flow_db: str) -> None:
    with session_scope(flow_db, write=False) as s:
        ops = _dept(s, "ops")
        org, code = build_org(s, ops, "zh")
        staff = s.execute(
            select(Employee.id, Position.code, Position.is_manager)
            .join(Position, Position.id == Employee.position_id)
            .where(Employee.department_id == ops.id, Employee.active.is_(True))
        ).all()
    assert code == "ops"
    assert org.department_codes() == ["ops", "design", "cs", "warehouse", "ads", "live", "hr"]
    roles = {r.code: {int(p.id) for p in r.people} for r in org.departments[0].roles}
    assert roles["ops_lead"] == {e for e, _, manager in staff if manager}
    # Specialists and assistants share the template's staff role: one LLM call, not one per position.
    assert roles["ops_specialist"] == {e for e, _, manager in staff if not manager}
    assert all(not d.roles for d in org.departments[1:])  # other departments: template roles, no people


def test_company_okrs_come_from_the_structured_key_results(flow_db: str) -> None:
    with session_scope(flow_db, write=False) as s:
        period = _quarter(s)
        company, kr_ids, flags = company_okr(s, period, "en")
        rows = (
            s.execute(
                select(KeyResult).join(Objective).where(Objective.level == "company", Objective.period_id == period.id)
            )
            .scalars()
            .all()
        )
        by_id = {r.id: r for r in rows}
    assert flags == [] and company.period == period.name_en
    assert sorted(kr_ids.values()) == sorted(by_id)
    for kr in company.all_krs():
        row = by_id[kr_ids[kr.id]]
        assert (kr.metric, kr.baseline, kr.target) == (row.indicator_code, row.baseline, row.target)
    assert "O1.KR1" in kr_ids


def test_sales_baselines_multiply_to_last_years_sales_and_check_the_kr(flow_db: str) -> None:
    with session_scope(flow_db, write=False) as s:
        period = _quarter(s)
        company, _, _ = company_okr(s, period, "zh")
        flags: list[str] = []
        base = sales_baselines(s, period, company, flags)
        assert flags == []
        assert base["visitors"] * base["conversion_rate"] / 100 * base["aov"] == pytest.approx(base["gmv"], rel=1e-4)
        gmv_kr = next(kr for kr in company.all_krs() if kr.metric == "gmv")
        assert base["gmv"] == pytest.approx(gmv_kr.baseline, rel=0.02)
        gmv_kr.baseline = base["gmv"] * 1.5  # a KR whose baseline is not these sales: no driver levels
        assert sales_baselines(s, period, company, flags) == {} and flags == [f"sales_baseline_mismatch:{gmv_kr.id}"]
        actuals = kpi_actuals(s, period)
    assert {"csat", "first_response_time"} <= set(actuals)
    assert not {"gmv", "visitors", "aov", "conversion_rate", "ad_revenue"} & set(actuals)  # level units only


def test_forecast_ranges_need_every_shop(flow_db: str) -> None:
    with session_scope(flow_db) as s:  # rolled back below: other tests keep the demo as loaded
        period, shops = _quarter(s), list(s.execute(select(Shop.id)).scalars())
        job = ForecastJob(period_id=period.id, quantiles=[0.2, 0.5, 0.8], requested_by=1, requested_by_name="t")
        s.add(job)
        s.flush()
        for i, shop in enumerate(shops):
            s.add(
                TargetRange(
                    job_id=job.id,
                    shop_id=shop,
                    period_id=period.id,
                    conservative=90.0 + i,
                    base=100.0 + i,
                    stretch=110.0 + i,
                    quantiles=[0.2, 0.5, 0.8],
                    model="t",
                    data_hash="0" * 64,
                )
            )
            s.flush()
            flags: list[str] = []
            got = forecast_ranges(s, period, flags)
            if i < len(shops) - 1:
                assert got == {} and flags[0].startswith("forecast_partial:gmv")
        n = len(shops)
        total = sum(range(n))
        assert got["gmv"].base == 100.0 * n + total and got["gmv"].conservative == 90.0 * n + total
        assert got["gmv"].probability is None and flags == ["forecast_summed_over_shops:gmv"]
        s.rollback()


def test_edits_cascade_targets_to_roles_and_refuse_bad_ranges(flow_db: str) -> None:
    with session_scope(flow_db, write=False) as s:
        row = s.execute(select(GoalDraft).order_by(GoalDraft.id)).scalars().first()
        assert row is not None
        draft = DraftModel.model_validate(row.draft)
    ops = next(d for d in draft.departments if d.code == "ops")
    code = ops.kpis[1].code
    edited = apply_edits(draft, "ops", [KpiEdit(code=code, target=42.0, target_low=40.0, target_high=45.0)])
    for r in (r for r in edited.roles if r.department == "ops"):
        for k in (k for k in r.kpis if k.code == code):
            assert (k.target.low, k.target.value, k.target.high) == (40.0, 42.0, 45.0) and "42" in k.definition
    people = [p for p in edited.people if p.role == "ops_specialist"]
    role_card = [(k.code, k.weight) for k in next(r for r in edited.roles if r.role == "ops_specialist").kpis]
    assert people and all([(k.code, k.weight) for k in p.kpis] == role_card for p in people)
    assert draft.departments == DraftModel.model_validate(row.draft).departments  # the input is not mutated
    with pytest.raises(InvalidInput) as bad:
        apply_edits(
            draft,
            "ops",
            [
                KpiEdit(code=code, target=50.0, target_low=60.0),
                KpiEdit(role="nobody", code=code, weight=5),
                KpiEdit(code="not_a_kpi", weight=5),
            ],
        )
    msgs = " | ".join(str(e["msg"]) for e in bad.value.errors)
    assert "out of order (low 60, target 50)" in msgs and "not a role" in msgs and "neither on the scorecard" in msgs
    role = next(r for r in draft.roles if r.department == "ops" and not r.role.endswith("lead"))
    with pytest.raises(InvalidInput, match="breaks"):  # a role's own weights over 100
        apply_edits(
            draft,
            "ops",
            [KpiEdit(role=role.role, code=role.kpis[0].code, weight=60)]
            + [KpiEdit(role=role.role, code=role.kpis[1].code, weight=50)],
        )
    # One role weight changed: the role's other KPIs share the rest, so the card still sums to 100.
    one = apply_edits(draft, "ops", [KpiEdit(role=role.role, code=role.kpis[0].code, weight=40)])
    card = next(r for r in one.roles if r.role == role.role and r.department == "ops").kpis
    assert card[0].weight == 40 and sum(k.weight for k in card) == 100


def _first_draft(flow_db: str) -> DraftModel:
    with session_scope(flow_db, write=False) as s:
        row = s.execute(select(GoalDraft).order_by(GoalDraft.id)).scalars().first()
        assert row is not None
        return DraftModel.model_validate(row.draft)


def test_department_weight_edits_and_kpi_swaps_reach_roles_and_people(flow_db: str) -> None:
    draft = _first_draft(flow_db)
    ops = next(d for d in draft.departments if d.code == "ops")
    lead = next(r for r in draft.roles if r.department == "ops" and r.role.endswith("lead"))
    assert [k.code for k in lead.kpis] == [k.code for k in ops.kpis]
    a, b = ops.kpis[0], ops.kpis[1]
    weights = [KpiEdit(code=a.code, weight=a.weight + 5), KpiEdit(code=b.code, weight=b.weight - 5)]
    edited = apply_edits(draft, "ops", weights)
    new_lead = next(r for r in edited.roles if r.role == lead.role and r.department == "ops")
    assert {k.code: k.weight for k in new_lead.kpis}[a.code] == a.weight + 5  # the lead carries the scorecard
    # Swap: take the last KPI off, put a catalogue KPI on with its weight.
    gone = ops.kpis[-1]
    swap = [KpiEdit(code=gone.code, remove=True), KpiEdit(code="click_through_rate", weight=gone.weight, target=4.5)]
    swapped = apply_edits(draft, "ops", swap)
    for card in [r.kpis for r in swapped.roles if r.department == "ops"] + [
        p.kpis for p in swapped.people if p.department == "ops"
    ]:
        assert gone.code not in {k.code for k in card} and sum(k.weight for k in card) == 100
    lead_card = next(r for r in swapped.roles if r.role == lead.role and r.department == "ops").kpis
    assert "click_through_rate" in {k.code for k in lead_card}
    new_ops = next(d for d in swapped.departments if d.code == "ops")
    assert {kr.metric for kr in new_ops.objectives[0].key_results} >= {"click_through_rate"}
    assert check_draft(swapped) == []


def test_texts_are_rebuilt_from_the_numbers_after_an_edit(flow_db: str) -> None:
    draft = _first_draft(flow_db)
    ops = next(d for d in draft.departments if d.code == "ops")
    k = next(x for x in ops.kpis if x.target.value is not None and x.unit == "%")
    edited = apply_edits(draft, "ops", [KpiEdit(code=k.code, target=12.34)])
    new_ops = next(d for d in edited.departments if d.code == "ops")
    texts = [new_ops.objectives[0].title] + [kr.title for kr in new_ops.objectives[0].key_results]
    texts += [x.definition for x in new_ops.kpis if x.code == k.code]
    texts += [x.definition for r in edited.roles if r.department == "ops" for x in r.kpis if x.code == k.code]
    mirror = next(kr for kr in new_ops.objectives[0].key_results if kr.metric == k.code)
    assert "12.34" in mirror.title and mirror.target == 12.34
    old = f"{k.target.value:g}%"
    assert all(old not in t for t in texts if k.name in t), texts


def test_a_role_override_survives_a_department_edit(flow_db: str) -> None:
    draft = _first_draft(flow_db)
    role = next(r for r in draft.roles if r.department == "ops" and not r.role.endswith("lead"))
    mine = role.kpis[0]
    with_override = apply_edits(draft, "ops", [KpiEdit(role=role.role, code=mine.code, target=77.0)])
    ops = next(d for d in draft.departments if d.code == "ops")
    other = next(k for k in ops.kpis if k.code != mine.code and k.target.value is not None)
    after = apply_edits(
        with_override, "ops", [KpiEdit(code=mine.code, target=55.0), KpiEdit(code=other.code, target=9)]
    )
    card = {k.code: k for k in next(r for r in after.roles if r.role == role.role and r.department == "ops").kpis}
    assert card[mine.code].target.value == 77.0 and card[mine.code].override
    if other.code in card:
        assert card[other.code].target.value == 9


def test_racing_edits_one_wins_the_other_gets_412(flow_db: str) -> None:
    with session_scope(flow_db) as s:
        caller = _caller(s, "hr")
        row = drafts.create_draft(
            s, caller, DraftCreate(department_id=_dept(s, "warehouse").id, period_id=_quarter(s).id, lang="en"), None
        )
        draft_id = row.id
    with session_scope(flow_db) as a, session_scope(flow_db) as b:
        theirs = b.get(GoalDraft, draft_id)  # read at version 1 ...
        b.commit()  # ... (end b's transaction so SQLite lets the other writer in)
        mine = a.get(GoalDraft, draft_id)
        assert mine is not None and theirs is not None and theirs.version == 1
        decisions.write(a, mine, 1, {"edited": True}, caller=None, action="update", entity="goal_draft")
        a.commit()
        with pytest.raises(PreconditionFailed):
            decisions.write(b, theirs, 1, {"edited": True}, caller=None, action="update", entity="goal_draft")


def test_llm_settings_map_onto_the_assistant_config(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = make_settings(
        "sqlite://",
        llm_provider="openai",
        llm_base_url="http://127.0.0.1:1/v1",
        llm_api_key="sk-test",
        llm_model="qwen2.5",
        llm_timeout_s=7,
        llm_max_retries=1,
        llm_max_tokens=900,
    )
    cfg = llm_config(settings)
    assert (cfg.provider, cfg.base_url, cfg.api_key, cfg.model, cfg.timeout_s, cfg.max_retries, cfg.max_tokens) == (
        "openai",
        "http://127.0.0.1:1/v1",
        "sk-test",
        "qwen2.5",
        7,
        1,
        900,
    )
    assert "sk-test" not in str(cache_key(cfg))
    assert cache_key(llm_config(settings, "offline")) == {"provider": "offline"}
    # The CLI reads the same settings, even without a service secret configured.
    from cli.cascade_cmds import llm_config_from_env
    from core.settings import get_settings

    for var, value in {
        "KPILOT_LLM_MODEL": "llama3.1",
        "KPILOT_LLM_MAX_TOKENS": "777",
        "KPILOT_LLM_BASE_URL": "http://127.0.0.1:2/v1",
    }.items():
        monkeypatch.setenv(var, value)
    monkeypatch.delenv("KPILOT_SECRET_KEY", raising=False)
    monkeypatch.delenv("KPILOT_DEMO", raising=False)
    get_settings.cache_clear()
    try:
        cli_cfg = llm_config_from_env("openai")
    finally:
        get_settings.cache_clear()
    assert (cli_cfg.provider, cli_cfg.model, cli_cfg.max_tokens, cli_cfg.base_url) == (
        "openai",
        "llama3.1",
        777,
        "http://127.0.0.1:2/v1",
    )
