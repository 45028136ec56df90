"""One KPI catalogue: the `indicator` table, seeded from the shipped file and edited by HR through the API.

Drafts, parsing and guards run inside `catalogue_scope(live_catalogue(session))`, so an indicator HR adds or
renames is what the assistant sees; scoring and weights read the same table directly. The shipped file adds
what the table does not hold (which departments use an indicator, search synonyms, driver-tree role); an
indicator HR added is open to every department, found by its names.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.catalogue import CATALOGUE_PATH, DEPARTMENT_CODES, Indicator, Synonyms, catalogue_scope, load_catalogue
from core.tables import Indicator as IndicatorRow
from workflows.shared import common

SEEDED_FIELDS = ("code", "name_zh", "name_en", "unit", "direction", "definition_zh", "definition_en")


def seed_rows() -> list[dict[str, str]]:
    """The shipped catalogue as `indicator` table rows."""
    return [{k: getattr(i, k) for k in SEEDED_FIELDS} for i in load_catalogue(CATALOGUE_PATH)]


def ensure_catalogue(session: Session) -> list[str]:
    """Add the shipped indicators the table lacks (never overwriting HR's edits); audited; caller commits."""
    have = set(session.execute(select(IndicatorRow.code)).scalars())
    made = []
    for row in seed_rows():
        if row["code"] in have:
            continue
        common.create(session, IndicatorRow(**row), caller=None, entity="indicator")
        made.append(row["code"])
    return made


def _merged(row: IndicatorRow, shipped: Indicator | None) -> Indicator:
    """The table's row (the truth for names, unit, direction, definitions) with the file's metadata."""
    words = Synonyms(zh=(row.name_zh,), en=(row.name_en,))
    return Indicator(
        code=row.code,
        name_zh=row.name_zh,
        name_en=row.name_en,
        unit=row.unit,
        direction=row.direction,  # type: ignore[arg-type]  # the table's CHECK constraint allows only these
        definition_zh=row.definition_zh or "",
        definition_en=row.definition_en or "",
        departments=shipped.departments if shipped else DEPARTMENT_CODES,
        synonyms=shipped.synonyms if shipped else words,
        level=shipped.level if shipped else "person",
        driver=shipped.driver if shipped else None,
    )


def live_catalogue(session: Session) -> list[Indicator]:
    """The catalogue as the service holds it now (the file's until the table has rows)."""
    rows = list(session.execute(select(IndicatorRow).order_by(IndicatorRow.id)).scalars())
    shipped = {i.code: i for i in load_catalogue(CATALOGUE_PATH)}
    if not rows:
        return list(shipped.values())
    return [_merged(r, shipped.get(r.code)) for r in rows]


@contextmanager
def live_scope(session: Session) -> Iterator[None]:
    """Run the block with the live catalogue in force for every assistant lookup."""
    with catalogue_scope(live_catalogue(session)):
        yield
