"""Pydantic I/O of the goal draft: company OKRs in, department OKRs, role and person KPIs out."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from assistant.driver_tree import DriverSplit
from core.vocab import DirectionName

Lang = Literal["zh", "en"]
Comparator = Literal[">=", "<=", "="]
# Which comparison a change or baseline refers to: same period last year, or the period just before.
Basis = Literal["yoy", "pop"]


class TargetRange(BaseModel):
    """A forecast range for one metric: conservative / base / stretch with a stated probability."""

    conservative: float
    base: float
    stretch: float
    probability: float | None = None


class Target(BaseModel):
    """A numeric target: a level (`value`), a change (`change_pct`) or both; a range when forecast."""

    value: float | None = None
    change_pct: float | None = None
    change_pp: float | None = None
    baseline: float | None = None
    low: float | None = None
    high: float | None = None
    probability: float | None = None
    comparator: Comparator = "="
    source: str = "kr"
    basis: Basis | None = None


class KeyResult(BaseModel):
    """A key result with its parsed metric (catalogue code or None) and numbers."""

    id: str
    title: str
    metric: str | None = None
    metric_name: str = ""
    baseline: float | None = None
    target: float | None = None
    change_pct: float | None = None
    change_pp: float | None = None
    unit: str | None = None
    direction: DirectionName = "higher"
    period: str | None = None
    parent_kr: str | None = None
    basis: Basis | None = None
    probability: float | None = None  # chance of reaching the target under the period's forecast, when there is one
    so_far: float | None = None  # in a running period: the metric over the days already past
    needed_rest: float | None = None  # ... and the level the rest of the period needs to reach the target


class Objective(BaseModel):
    """An objective and its key results."""

    id: str
    title: str
    key_results: list[KeyResult] = Field(default_factory=list)


class CompanyOKR(BaseModel):
    """The company OKRs as understood from the input text."""

    period: str | None = None
    objectives: list[Objective]

    def all_krs(self) -> list[KeyResult]:
        """Every company key result, objective by objective."""
        return [kr for o in self.objectives for kr in o.key_results]


class KPI(BaseModel):
    """One KPI on a scorecard, traced to the key result it serves."""

    code: str
    name: str
    is_new: bool = False
    definition: str
    weight: int
    direction: DirectionName
    unit: str | None
    target: Target
    parent_kr: str
    block: Literal["fixed", "dynamic", "collaboration"] | None = None
    link: Literal["direct", "driver", "support"] = "direct"
    scope: Literal["team", "personal"] | None = None  # a lead carries the team's outcome, a specialist their own
    override: bool = False  # a role's own edit, kept when the department's scorecard changes


class DepartmentDraft(BaseModel):
    """A department's OKR (objectives with KRs traced to company KRs) and its scorecard (<= 5 KPIs)."""

    code: str
    name: str
    objectives: list[Objective]
    kpis: list[KPI]
    template_applied: bool = False


class RoleDraft(BaseModel):
    """The KPIs of one (department, role) pair; every person in the role gets a copy."""

    department: str
    role: str
    role_name: str
    headcount: int = 0
    kpis: list[KPI]
    excluded: list[str] = Field(default_factory=list)  # department KPIs this role's manager took off its card


class PersonDraft(BaseModel):
    """One person's KPIs, instantiated deterministically from their role."""

    person_id: str
    name: str
    department: str
    role: str
    kpis: list[KPI]
    history: dict[str, float] = Field(default_factory=dict)  # the actuals their individual targets came from


class CallRecord(BaseModel):
    """What one LLM call cost and how it ended."""

    prompt_id: str
    prompt_version: str
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    latency_ms: float = 0.0
    cached: bool = False
    outcome: Literal["ok", "repaired", "fallback", "offline"] = "ok"
    error: str | None = None


class GoalDraft(BaseModel):
    """The full draft handed to a manager; `.model_dump()` is JSON-ready."""

    language: Lang
    period: str | None = None
    provider: str = "offline"
    company: CompanyOKR
    departments: list[DepartmentDraft]
    roles: list[RoleDraft]
    people: list[PersonDraft] = Field(default_factory=list)
    driver_splits: list[DriverSplit] = Field(default_factory=list)
    facts: list[float] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)
    calls: list[CallRecord] = Field(default_factory=list)
