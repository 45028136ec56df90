"""Reads of HR's rubrics of qualitative KPIs (the writes are decisions in `decide.set_rubric`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import NotFound, coded
from core.tables import Indicator, IndicatorRubric
from workflows.cycles.schemas import RubricPublic


def list_rubrics(session: Session) -> list[IndicatorRubric]:
    """Every defined rubric, by indicator (the catalogue is no secret; neither are its rubrics)."""
    return list(session.execute(select(IndicatorRubric).order_by(IndicatorRubric.indicator_id)).scalars())


def get_rubric(session: Session, indicator_id: int) -> dict[str, Any]:
    """An indicator's rubric; an indicator HR has not given one yet has no levels (`id` None: the first PUT
    creates it, without If-Match). NotFound only for an unknown indicator."""
    if session.get(Indicator, indicator_id) is None:
        raise coded(NotFound(f"Indicator {indicator_id} not found."), "not_found", thing="indicator")
    row = session.execute(
        select(IndicatorRubric).where(IndicatorRubric.indicator_id == indicator_id)
    ).scalar_one_or_none()
    if row is None:
        return {"id": None, "indicator_id": indicator_id, "levels": [], "version": None}
    return RubricPublic.model_validate(row).model_dump(mode="json")
