"""Reads of HR's rubrics of qualitative KPIs (the writes are decisions in `decide.set_rubric`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.tables import IndicatorRubric


def list_rubrics(session: Session) -> list[IndicatorRubric]:
    """Every defined rubric, by indicator (the catalogue is no secret; neither are its rubrics)."""
    return list(session.execute(select(IndicatorRubric).order_by(IndicatorRubric.indicator_id)).scalars())
