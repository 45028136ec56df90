"""The vocabularies are spelled once: the Enums and the Literal aliases agree, and the tables use them."""

from typing import get_args

from sqlalchemy import CheckConstraint

from core.security import ALL_ROLES
from core.tables import Indicator, User
from core.vocab import DIRECTIONS, PERIOD_KINDS, ROLES, Direction, DirectionName, Role, RoleName, sql_in
from kpi.cycles import ReviewCycle
from kpi.scoring import Direction as ScoringDirection


def test_enums_and_literals_agree() -> None:
    assert tuple(Role) == get_args(RoleName) == ROLES
    assert tuple(Direction) == get_args(DirectionName) == DIRECTIONS
    assert frozenset(ROLES) == ALL_ROLES
    assert ScoringDirection is Direction
    # A review cycle is a kind of period: one spelling ("month", never "monthly").
    assert {str(c) for c in ReviewCycle} <= set(PERIOD_KINDS)


def test_one_spelling_of_direction_in_the_code() -> None:
    """`Direction` (Enum) and `DirectionName` (Literal) from core.vocab are the only spellings; no package
    defines its own alias or enum for it."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2]
    own = re.compile(r"^(class Direction\b|Direction\s*=|DirectionName\s*=)", re.MULTILINE)
    offenders = [
        str(p.relative_to(root))
        for pkg in ("core", "kpi", "forecasting", "assistant", "workflows", "api", "cli", "demo", "eval")
        for p in (root / pkg).rglob("*.py")
        if own.search(p.read_text(encoding="utf-8")) and p != root / "core" / "vocab.py"
    ]
    assert offenders == []


def test_check_constraints_are_built_from_the_vocabulary() -> None:
    assert sql_in("role", ROLES) == "role in ('employee','manager','hr','admin')"
    tables = [User.metadata.tables[t.__tablename__] for t in (User, Indicator)]
    texts = {str(c.sqltext) for t in tables for c in t.constraints if isinstance(c, CheckConstraint)}
    assert sql_in("role", ROLES) in texts and sql_in("direction", DIRECTIONS) in texts
