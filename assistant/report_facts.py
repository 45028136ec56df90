"""The computed facts a feedback report is written from; no name, gender or age ever enters them.

Every number here is rounded to what a report shows, so the grounding guard compares like with like.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, Field, model_validator

from assistant.numbers import fmt_number, plain_numbers
from core.vocab import DirectionName
from kpi.scoring import LineStatus, ScoreBreakdown

# Indicators that add up over a period (a month-to-date value is part of the total), used for pace.
CUMULATIVE_CODES = frozenset({"gmv", "ad_revenue", "new_customers", "visitors", "gross_profit"})
WEAK_BELOW = 100.0  # achievement % under which a KPI is something to improve


class KpiFact(BaseModel):
    """One KPI line of the reviewed period, as shown to the person."""

    code: str
    name_zh: str
    name_en: str
    unit: str
    direction: DirectionName
    block: str = "fixed"
    weight: float
    target: float | None
    actual: float | None
    status: str
    achievement_pct: float | None = None
    points: float = 0.0
    max_points: float = 0.0
    capped: bool = False
    next_target: float | None = None  # the target actually assigned for the next period, when there is one

    def name(self, lang: str) -> str:
        """Indicator name in `lang`."""
        return self.name_zh if lang == "zh" else self.name_en


class TrendPoint(BaseModel):
    """The person's total score in an earlier period."""

    period: str
    score: float


class TeamPosition(BaseModel):
    """Where the person stands in their team (their department) and the period's one grade."""

    rank: int
    size: int
    team_mean: float
    grade: str
    grade_method: str
    score: float | None = None  # the final score when a second review changed the computed one
    calibrated: bool = False  # HR changed the computed grade at calibration


class PaceFact(BaseModel):
    """Projection of a current-period KPI to the period end."""

    code: str
    name_zh: str
    name_en: str
    unit: str
    as_of: str
    actual_to_date: float
    target: float
    projected_pct: float | None
    status: str
    # A forecast-based pace (sales KPIs): chance of the target, days left, and what each day needs beyond the
    # forecast; `method` "straight" keeps the straight-line projection above.
    method: str = "straight"
    probability_pct: float | None = None
    days_left: int | None = None
    extra_per_day: float | None = None


class WarningFact(BaseModel):
    """An early warning of the current period: days below (or above) the expected range."""

    code: str
    name_zh: str
    name_en: str
    unit: str
    start: str
    end: str
    days: int  # days with data in the run
    latest_value: float
    bound: float
    ongoing: bool
    span_days: int | None = None  # calendar days from start to end; more than `days` when data is missing

    @model_validator(mode="after")
    def _fill_span(self) -> WarningFact:
        if self.span_days is None:
            try:
                self.span_days = (date.fromisoformat(self.end) - date.fromisoformat(self.start)).days + 1
            except ValueError:
                self.span_days = self.days
        return self


class PersonFacts(BaseModel):
    """Everything a report may say, computed before any text is written."""

    ref: str = Field(description="Opaque subject id; never printed in a report.")
    department: str
    period: str
    period_name_zh: str
    period_name_en: str
    score: float
    max_score: float
    kpis: list[KpiFact]
    trend: list[TrendPoint] = Field(default_factory=list)
    change_vs_previous: float | None = None
    team: TeamPosition | None = None
    strongest: str | None = None
    weakest: str | None = None
    current_period: str | None = None
    current_period_name_zh: str | None = None
    current_period_name_en: str | None = None
    pace: list[PaceFact] = Field(default_factory=list)
    warnings: list[WarningFact] = Field(default_factory=list)

    def kpi(self, code: str) -> KpiFact:
        """The KPI line with `code`."""
        return next(k for k in self.kpis if k.code == code)

    def weak(self) -> list[KpiFact]:
        """Scored KPIs below target, the most points lost first."""
        weak = [k for k in self.kpis if k.achievement_pct is not None and k.achievement_pct < WEAK_BELOW]
        return sorted(weak, key=lambda k: (-(k.weight * (WEAK_BELOW - (k.achievement_pct or 0))), k.code))

    def strong(self) -> list[KpiFact]:
        """Scored KPIs at or above target, the highest achievement first."""
        good = [k for k in self.kpis if k.achievement_pct is not None and k.achievement_pct >= WEAK_BELOW]
        return sorted(good, key=lambda k: (-(k.achievement_pct or 0), k.code))


@dataclass(frozen=True)
class IndicatorInfo:
    """Catalogue data of an indicator the facts need."""

    name_zh: str
    name_en: str
    unit: str
    direction: DirectionName


def r1(x: float) -> float:
    """Round for display (one decimal)."""
    return round(float(x), 1)


def kpi_facts(breakdown: ScoreBreakdown, info: Mapping[str, IndicatorInfo], blocks: Mapping[str, str]) -> list[KpiFact]:
    """KPI facts from a score breakdown (points and achievement rounded as shown)."""
    out = []
    for line in breakdown.lines:
        meta = info[line.code]
        scored = line.status is LineStatus.SCORED and line.achievement is not None
        out.append(
            KpiFact(
                code=line.code,
                name_zh=meta.name_zh,
                name_en=meta.name_en,
                unit=meta.unit,
                direction=meta.direction,
                block=blocks.get(line.code, "fixed"),
                weight=r1(line.weight),
                target=line.target,
                actual=line.actual,
                status=str(line.status),
                achievement_pct=r1(100 * line.achievement) if scored else None,  # type: ignore[operator]
                points=r1(line.points),
                max_points=r1(line.effective_weight * breakdown.policy.cap),
                capped=line.capped,
            )
        )
    return out


def build_facts(
    *,
    ref: str,
    department: str,
    period: tuple[str, str, str],
    breakdown: ScoreBreakdown,
    info: Mapping[str, IndicatorInfo],
    blocks: Mapping[str, str] | None = None,
    trend: Sequence[tuple[str, float]] = (),
    team: TeamPosition | None = None,
    current: tuple[str, str, str] | None = None,
    pace: Sequence[PaceFact] = (),
    warnings: Sequence[WarningFact] = (),
    next_targets: Mapping[str, float] | None = None,
) -> PersonFacts:
    """Assemble the facts of one person and period (period = (code, name_zh, name_en)); `next_targets` are
    the targets assigned for the period after it, by indicator code."""
    kpis = kpi_facts(breakdown, info, blocks or {})
    if next_targets:
        kpis = [k.model_copy(update={"next_target": next_targets.get(k.code)}) for k in kpis]
    score = r1(team.score if team is not None and team.score is not None else breakdown.total)
    points = [TrendPoint(period=p, score=r1(s)) for p, s in trend]
    change = r1(score - points[-1].score) if points else None
    scored = [k for k in kpis if k.achievement_pct is not None]
    strongest = max(scored, key=lambda k: (k.achievement_pct or 0, k.code)).code if scored else None
    weakest = min(scored, key=lambda k: (k.achievement_pct or 0, k.code)).code if scored else None
    cur = current or (None, None, None)
    return PersonFacts(
        ref=ref,
        department=department,
        period=period[0],
        period_name_zh=period[1],
        period_name_en=period[2],
        score=score,
        max_score=r1(breakdown.max_points),
        kpis=kpis,
        trend=points,
        change_vs_previous=change,
        team=team,
        strongest=strongest,
        weakest=weakest,
        current_period=cur[0],
        current_period_name_zh=cur[1],
        current_period_name_en=cur[2],
        pace=list(pace),
        warnings=list(warnings),
    )


def _walk(obj: object, out: set[float]) -> None:
    if isinstance(obj, bool) or obj is None:
        return
    if isinstance(obj, int | float):
        if math.isfinite(obj):
            out.add(float(obj))
    elif isinstance(obj, str):
        out.update(plain_numbers(obj))
    elif isinstance(obj, dict):
        for v in obj.values():
            _walk(v, out)
    elif isinstance(obj, list | tuple):
        for v in obj:
            _walk(v, out)


def fact_numbers(facts: PersonFacts, extra: Sequence[object] = ()) -> list[float]:
    """Every number a report may cite: the facts, their displayed forms (1.2 万元), and `extra` values."""
    out: set[float] = set()
    _walk(facts.model_dump(exclude={"ref"}), out)
    _walk(list(extra), out)
    units = [(k.actual, k.unit) for k in facts.kpis] + [(k.target, k.unit) for k in facts.kpis]
    units += [(k.next_target, k.unit) for k in facts.kpis]
    units += [(p.actual_to_date, p.unit) for p in facts.pace] + [(p.target, p.unit) for p in facts.pace]
    units += [(w.latest_value, w.unit) for w in facts.warnings] + [(w.bound, w.unit) for w in facts.warnings]
    for value, unit in units:
        if value is not None:
            for lang in ("zh", "en"):
                out.update(plain_numbers(fmt_number(value, unit, lang)))
    for v in list(out):
        out.update({abs(v), round(v, 2), round(v, 1)})
    return sorted(out)
