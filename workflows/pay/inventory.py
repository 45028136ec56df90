"""Position-value inventories: HR rates every position; kpi.pay.classify gives classes A/B/baseline."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import InvalidInput, NotFound, coded
from core.security import Caller
from core.tables import Department, Position, PositionInventory
from kpi.pay import PayError, PositionScores, classify
from workflows.shared import common


def _items(session: Session, stage: str, campaign: str, ratings: list[Any]) -> list[dict[str, Any]]:
    """Classified items (with position ids and titles) for the rated positions."""
    ids = [r.position_id for r in ratings]
    if len(set(ids)) != len(ids):
        raise coded(
            InvalidInput("A position is rated twice.", [{"loc": ["positions"], "msg": "one rating per position"}]),
            "pay.position_rated_twice",
        )
    rows = {
        p.id: (p, code)
        for p, code in session.execute(
            select(Position, Department.code).join(Department, Department.id == Position.department_id)
        )
    }
    missing = [i for i, r in enumerate(ratings) if r.position_id not in rows]
    if missing:
        raise coded(
            InvalidInput(
                "Unknown positions.",
                [{"loc": ["positions", i, "position_id"], "msg": "no such position"} for i in missing],
            ),
            "pay.unknown_positions",
        )
    scores = [
        PositionScores(rows[r.position_id][0].code, rows[r.position_id][1], r.relevance, r.scarcity, r.measurability)
        for r in ratings
    ]
    try:
        values = classify(scores, stage=stage, campaign=campaign or None)
    except PayError as exc:
        raise coded(InvalidInput(str(exc)), "pay.inventory_invalid") from exc
    out = []
    for r, v in zip(ratings, values, strict=True):
        pos = rows[r.position_id][0]
        out.append({"position_id": pos.id, "title_zh": pos.title_zh, "title_en": pos.title_en, **v.to_dict()})
    return out


def create_inventory(session: Session, caller: Caller | None, body: Any) -> PositionInventory:
    """Classify and store the inventory of a quarter (and campaign season); audited (the caller commits)."""
    inv = PositionInventory(
        quarter=body.quarter,
        campaign=body.campaign,
        stage=body.stage,
        items=_items(session, body.stage, body.campaign, body.positions),
        created_by_name=caller.username if caller else "system",
    )
    return common.create(session, inv, caller=caller, entity="position_inventory")


def update_inventory(
    session: Session, caller: Caller, inventory_id: int, body: Any, if_match: str | None
) -> PositionInventory:
    """Re-rate positions or change the stage (If-Match); classes are recomputed."""
    inv = get_inventory(session, inventory_id)
    common.parse_if_match(if_match)
    stage = body.stage or inv.stage
    if body.positions is not None:
        items = _items(session, stage, inv.campaign, body.positions)
    else:
        from workflows.pay.schemas import PositionRating

        kept = [
            PositionRating(
                position_id=i["position_id"],
                relevance=i["relevance"],
                scarcity=i["scarcity"],
                measurability=i["measurability"],
            )
            for i in inv.items
        ]
        items = _items(session, stage, inv.campaign, kept)
    return common.update_versioned(
        session, inv, {"stage": stage, "items": items}, if_match=if_match, caller=caller, entity="position_inventory"
    )


def get_inventory(session: Session, inventory_id: int) -> PositionInventory:
    """An inventory, or NotFound."""
    inv = session.get(PositionInventory, inventory_id)
    if inv is None:
        raise coded(NotFound(f"Position inventory {inventory_id} not found."), "not_found", thing="position_inventory")
    return inv


def list_inventories(
    session: Session, *, quarter: str | None, limit: int, offset: int
) -> tuple[list[PositionInventory], int]:
    """Inventories, newest quarter first."""
    stmt = select(PositionInventory).order_by(PositionInventory.quarter.desc(), PositionInventory.campaign)
    if quarter:
        stmt = stmt.where(PositionInventory.quarter == quarter)
    return common.paginate(session, stmt, limit=limit, offset=offset)
