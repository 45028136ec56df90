"""The service's shared vocabularies: access roles and indicator directions (plus period kinds, OKR levels).

Each vocabulary is defined once here. The Enum is for code; the Literal alias is for Pydantic schemas and
typed dataclasses, where it keeps the JSON schema a plain string enum. `tests/core/test_vocab.py` checks the
two spellings agree.
"""

from enum import StrEnum
from typing import Literal, get_args


class Role(StrEnum):
    """Who a user is to the service; the permission table in `core.security` is written against these."""

    EMPLOYEE = "employee"
    MANAGER = "manager"
    HR = "hr"
    ADMIN = "admin"


class Direction(StrEnum):
    """Whether a bigger value of the indicator is better or worse."""

    HIGHER = "higher"
    LOWER = "lower"


RoleName = Literal["employee", "manager", "hr", "admin"]
DirectionName = Literal["higher", "lower"]
PeriodKindName = Literal["month", "quarter", "year", "campaign"]
OkrLevelName = Literal["company", "department", "person"]

ROLES: tuple[str, ...] = get_args(RoleName)
DIRECTIONS: tuple[str, ...] = get_args(DirectionName)
PERIOD_KINDS: tuple[str, ...] = get_args(PeriodKindName)
OKR_LEVELS: tuple[str, ...] = get_args(OkrLevelName)


def sql_in(column: str, values: tuple[str, ...]) -> str:
    """A CHECK constraint body `column in ('a','b')` for a vocabulary (spelled as the migrations spell it)."""
    return f"{column} in ({','.join(repr(v) for v in values)})"
