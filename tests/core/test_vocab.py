"""The vocabularies are spelled once: the Enums and the Literal aliases agree, and the tables use them."""

from typing import get_args

from sqlalchemy import CheckConstraint

from core.security import ALL_ROLES
from core.tables import Indicator, User
from core.vocab import DIRECTIONS, ROLES, Direction, DirectionName, Role, RoleName, sql_in
from kpi.scoring import Direction as ScoringDirection


def test_enums_and_literals_agree() -> None:
    assert tuple(Role) == get_args(RoleName) == ROLES
    assert tuple(Direction) == get_args(DirectionName) == DIRECTIONS
    assert frozenset(ROLES) == ALL_ROLES
    assert ScoringDirection is Direction


def test_check_constraints_are_built_from_the_vocabulary() -> None:
    assert sql_in("role", ROLES) == "role in ('employee','manager','hr','admin')"
    tables = (User.__table__, Indicator.__table__)
    texts = {str(c.sqltext) for t in tables for c in t.constraints if isinstance(c, CheckConstraint)}
    assert sql_in("role", ROLES) in texts and sql_in("direction", DIRECTIONS) in texts
