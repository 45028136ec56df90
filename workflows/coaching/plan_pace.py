"""The pace column of a plan: the forecast-based outlook where one is stored, else the straight line (labelled),
and where a KPI's actual comes from when sales data measures it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.report_facts import IndicatorInfo
from core.tables import ActualOverride, PaceForecast, Period, SalesActual, Shop
from kpi.pace import PaceResult
from kpi.sales_formulas import FORMULAS, formula_for
from workflows.coaching.data import Line
from workflows.coaching.pace_text import CAVEATS, pace_sentence
from workflows.coaching.schemas import MeasuredOut, OverrideOut, PaceOut


def _pct(p: float | None) -> float | None:
    return None if p is None else round(100 * p, 1)


def straight_out(p: PaceResult | None, lang: str) -> PaceOut | None:
    """The straight-line projection, labelled as such."""
    if p is None:
        return None
    label = "（按当前进度直线推算）" if lang == "zh" else " (a straight line from the days so far)"
    return PaceOut(
        projected_end=p.projected_end,
        status=str(p.status),
        projected_achievement_pct=round(100 * p.projected_achievement, 1)
        if p.projected_achievement not in (None, float("inf"))
        else None,
        explanation=(p.explanation_zh if lang == "zh" else p.explanation_en) + label,
        method="straight",
    )


def forecast_out(f: PaceForecast, ln: Line, meta: IndicatorInfo, period: Period, lang: str) -> PaceOut:
    """The stored forecast-based outlook of one KPI, in the reader's language."""
    formula = formula_for(ln.code)
    zh = lang == "zh"
    sentence = pace_sentence(
        f, name=meta.name_zh if zh else meta.name_en, period=period.name_zh if zh else period.name_en,
        unit=meta.unit, target=ln.target, cumulative=formula.cumulative if formula else False, lang=lang,
    )  # fmt: skip
    p = f.p_target
    status = "too_early" if p is None else ("ahead" if p >= 0.7 else "on_track" if p >= 0.4 else "behind")
    ach = None
    if ln.target:
        ach = round(100 * (f.projected / ln.target if meta.direction != "lower" else ln.target / f.projected), 1)
    return PaceOut(
        projected_end=f.projected, projected_achievement_pct=ach, status=status, explanation=sentence,
        method="forecast", low=f.low, high=f.high, probability_pct=_pct(f.p_target),
        conservative_pct=_pct(f.p_conservative), stretch_pct=_pct(f.p_stretch), days_left=f.days_left,
        caveats=[CAVEATS[c][0 if lang == "zh" else 1] for c in f.caveats if c in CAVEATS],
    )  # fmt: skip


def measured_of(session: Session, assignment_ids: list[int], lang: str) -> dict[int, MeasuredOut]:
    """Where each measured KPI's actual comes from: the shops, the days, the formula."""
    if not assignment_ids:
        return {}
    names = {s.code: (s.name_zh if lang == "zh" else s.name_en) for s in session.execute(select(Shop)).scalars()}
    rows = session.execute(select(SalesActual).where(SalesActual.assignment_id.in_(assignment_ids))).scalars()
    hand: dict[int, list[OverrideOut]] = {}
    for o in session.execute(
        select(ActualOverride).where(ActualOverride.assignment_id.in_(assignment_ids)).order_by(ActualOverride.id)
    ).scalars():
        hand.setdefault(o.assignment_id, []).append(
            OverrideOut(as_of=o.as_of, value=o.value, reason=o.reason, status=o.status)
        )
    out = {}
    for r in rows:
        f = FORMULAS[r.formula]
        out[r.assignment_id] = MeasuredOut(
            shops=[names.get(c, c) for c in r.shop_codes], days=r.days, missing_days=r.missing_days,
            formula=f.text_zh if lang == "zh" else f.text_en, counts=r.counts, computed=r.value,
            overrides=hand.get(r.assignment_id, []),
        )  # fmt: skip
    return out
