"""The demo company's org: company, department tree, positions, employees (a manager tree) and logins."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

import numpy as np

from core.vocab import Role
from demo.names import make_names
from kpi.rules import apportion

Row = dict[str, Any]

COMPANY: Row = {
    "name_zh": "杭州云裳服饰电子商务有限公司",
    "name_en": "Hangzhou Yunshang Apparel E-commerce Co., Ltd.",
}
ROOT_CODE = "hq"
# code, name_zh, name_en, share of the staff (excluding the GM), share of women
DEPARTMENTS: tuple[tuple[str, str, str, float, float], ...] = (
    ("ops", "运营部", "Operations", 0.20, 0.55),
    ("design", "设计部（美工）", "Design", 0.12, 0.5),
    ("cs", "客服部", "Customer service", 0.24, 0.8),
    ("warehouse", "仓储物流部", "Warehouse & logistics", 0.19, 0.25),
    ("ads", "投放市场部", "Ads & marketing", 0.08, 0.45),
    ("live", "直播部", "Live-stream", 0.11, 0.7),
    ("hr", "行政人事部", "HR & admin", 0.06, 0.8),
)
DEPT_CODES = tuple(d[0] for d in DEPARTMENTS)
# code, department, title_zh, title_en, is_manager, key_class (DOMAIN §10), review_cycle (DOMAIN §5)
POSITIONS: tuple[tuple[str, str, str, str, bool, str, str], ...] = (
    ("gm", "hq", "总经理", "General manager", True, "A", "year"),
    ("ops_head", "ops", "运营总监", "Head of operations", True, "A", "quarter"),
    ("ops_team_lead", "ops", "运营组长", "Operations team lead", True, "A", "month"),
    ("ops_specialist", "ops", "类目运营专员", "Category operations specialist", False, "A", "month"),
    ("ops_assistant", "ops", "运营助理", "Operations assistant", False, "C", "month"),
    ("design_head", "design", "设计主管", "Design lead", True, "B", "quarter"),
    ("design_team_lead", "design", "设计组长", "Design team lead", True, "C", "month"),
    ("designer", "design", "美工设计师", "Designer", False, "C", "month"),
    ("cs_head", "cs", "客服主管", "Customer service manager", True, "C", "month"),
    ("cs_team_lead", "cs", "客服组长", "Customer service team lead", True, "C", "month"),
    ("cs_agent", "cs", "客服专员", "Customer service agent", False, "C", "month"),
    ("warehouse_head", "warehouse", "仓储物流经理", "Warehouse & logistics manager", True, "C", "month"),
    ("warehouse_team_lead", "warehouse", "仓库组长", "Warehouse team lead", True, "C", "month"),
    ("picker", "warehouse", "拣货打包员", "Picker-packer", False, "C", "month"),
    ("ads_head", "ads", "投放主管", "Head of paid ads", True, "A", "quarter"),
    ("ads_team_lead", "ads", "投放组长", "Paid ads team lead", True, "C", "quarter"),
    ("ad_specialist", "ads", "投放专员", "Ad specialist", False, "C", "quarter"),
    ("brand_pr", "ads", "品牌公关", "Brand PR specialist", False, "B", "quarter"),
    ("live_head", "live", "直播负责人", "Head of live-stream", True, "A", "month"),
    ("live_team_lead", "live", "直播组长", "Live-stream team lead", True, "C", "month"),
    ("host", "live", "主播", "Live host", False, "C", "month"),
    ("live_ops", "live", "直播运营（场控）", "Live-room operator", False, "C", "month"),
    ("hr_head", "hr", "行政人事经理", "HR & admin manager", True, "C", "quarter"),
    ("hr_team_lead", "hr", "行政人事组长", "HR & admin team lead", True, "C", "quarter"),
    ("hr_specialist", "hr", "人事专员", "HR specialist", False, "C", "quarter"),
)
# Staff positions are dealt out in this repeating order within each department.
STAFF_PATTERN: dict[str, tuple[str, ...]] = {
    "ops": ("ops_specialist", "ops_specialist", "ops_assistant"),
    "design": ("designer",),
    "cs": ("cs_agent",),
    "warehouse": ("picker",),
    "ads": ("ad_specialist", "ad_specialist", "ad_specialist", "brand_pr"),
    "live": ("host", "live_ops"),
    "hr": ("hr_specialist",),
}
TEAM_SIZE = 8  # people per first-line manager, the head included
MIN_EMPLOYEES = 1 + 2 * len(DEPARTMENTS)


def departments() -> list[Row]:
    """The department tree: the head office root and the seven departments under it."""
    rows: list[Row] = [{"code": ROOT_CODE, "name_zh": "总经办", "name_en": "Head office", "parent_code": None}]
    rows += [{"code": c, "name_zh": zh, "name_en": en, "parent_code": ROOT_CODE} for c, zh, en, *_ in DEPARTMENTS]
    return rows


def positions() -> list[Row]:
    """Every position with its department, manager flag, key class and review cycle."""
    keys = ("code", "department_code", "title_zh", "title_en", "is_manager", "key_class", "review_cycle")
    return [dict(zip(keys, p, strict=True)) for p in POSITIONS]


def headcounts(n_staff: int) -> dict[str, int]:
    """Split `n_staff` over the departments by their shares (largest remainder, at least 2 each)."""
    # Two each first (a head and one more), then the rest by share.
    counts = apportion([d[3] for d in DEPARTMENTS], n_staff - 2 * len(DEPARTMENTS))
    return {d[0]: c + 2 for d, c in zip(DEPARTMENTS, counts, strict=True)}


def _dept_slots(dept: str, size: int) -> list[tuple[str, int]]:
    """(position, team index) for everyone in a department; -1 marks the head, team t>0 has a lead."""
    rest = size - 1
    n_teams = max(1, math.ceil(rest / TEAM_SIZE))
    n_members = rest - (n_teams - 1)
    slots: list[tuple[str, int]] = [(f"{dept}_head", -1)]
    slots += [(f"{dept}_team_lead", t) for t in range(1, n_teams)]
    pattern = STAFF_PATTERN[dept]
    slots += [(pattern[i % len(pattern)], i * n_teams // n_members) for i in range(n_members)]
    return slots


def employees(rng: np.random.Generator, n_employees: int, today: date) -> list[Row]:
    """Employees with names, demographics, department, position and a manager tree rooted at the GM."""
    counts = headcounts(n_employees - 1)
    slots: list[tuple[str, str, int]] = [("hq", "gm", -2)]
    for dept in DEPT_CODES:
        slots += [(dept, pos, team) for pos, team in _dept_slots(dept, counts[dept])]
    female = {d[0]: d[4] for d in DEPARTMENTS} | {"hq": 0.0}
    genders = ["female" if rng.random() < female[d] else "male" for d, _, _ in slots]
    names = make_names(rng, genders)
    # Everyone joined before the 25-month KPI window, so every person has a full KPI history.
    window_start = date(today.year - 2, today.month, 1) - timedelta(days=45)
    founded = date(today.year - 9, 3, 1)
    rows: list[Row] = []
    heads: dict[str, str] = {}
    leads: dict[tuple[str, int], str] = {}
    for i, ((dept, pos, team), gender, (zh, en)) in enumerate(zip(slots, genders, names, strict=True)):
        code = f"E{i + 1:04d}"
        senior = team < 0 or pos.endswith("_team_lead")
        lo, hi = (40, 49) if team == -2 else (33, 45) if team == -1 else (29, 41) if senior else (23, 36)
        birth_year = today.year - int(rng.integers(lo, hi))
        # Managers joined earlier on average; nobody joined before about 19 years old.
        earliest = max(founded, date(birth_year + 19, 7, 1))
        frac = rng.beta(1.5, 3.0) if senior else rng.beta(2.5, 1.5)
        hire = earliest + timedelta(days=int(frac * max((window_start - earliest).days, 0)))
        if team == -2:
            manager = None
        elif team == -1:
            manager = "E0001"
            heads[dept] = code
        elif pos.endswith("_team_lead"):
            manager = heads[dept]
            leads[(dept, team)] = code
        else:
            manager = leads.get((dept, team), heads[dept])
        rows.append(
            {
                "code": code,
                "name_zh": zh,
                "name_en": en,
                "gender": gender,
                "birth_year": birth_year,
                "hire_date": hire,
                "department_code": dept,
                "position_code": pos,
                "manager_code": manager,
                "active": True,
            }
        )
    return rows


def users(staff: list[Row]) -> list[Row]:
    """The five demo logins (password `kpilot-demo`, hashed by the loader)."""

    def first(pred: Any) -> str:
        return str(next(e["code"] for e in staff if pred(e)))

    manager = first(lambda e: e["position_code"] == "ops_head")
    picks = (
        ("admin", Role.ADMIN.value, first(lambda e: e["position_code"] == "gm")),
        ("hr", Role.HR.value, first(lambda e: e["position_code"] == "hr_head")),
        ("manager", Role.MANAGER.value, manager),
        (
            "employee",
            Role.EMPLOYEE.value,
            first(lambda e: e["position_code"] == "ops_specialist" and e["manager_code"] == manager),
        ),
        ("employee2", Role.EMPLOYEE.value, first(lambda e: e["position_code"] == "cs_agent")),
    )
    return [
        {"username": u, "role": r, "employee_code": c, "active": True, "must_change_password": False}
        for u, r, c in picks
    ]
