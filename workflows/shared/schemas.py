"""Pydantic I/O schemas: XCreate (strict input), XUpdate (partial input), XPublic (output), Page[X]."""

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from core.vocab import OkrLevelName, PeriodKindName, RoleName

T = TypeVar("T")
Role = RoleName
PeriodKind = PeriodKindName
Level = OkrLevelName
Block = Literal["fixed", "dynamic", "collaboration"]
# Bounds that every database accepts: ids fit a 32-bit integer, numbers are finite and of sane size.
DbId = Annotated[int, Field(ge=1, le=2_147_483_647)]
Num = Annotated[float, Field(allow_inf_nan=False, ge=-1e15, le=1e15)]
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
EARLIEST_DAY, LATEST_DAY = date(1990, 1, 1), date(2100, 12, 31)


def _iso_day(value: Any) -> Any:
    """Only YYYY-MM-DD text (or a date) is a day: `0` or `1700000000` is not read as a Unix timestamp."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and ISO_DAY.fullmatch(value.strip()):
        return value.strip()
    raise ValueError("write the date as YYYY-MM-DD")


def _plausible_day(value: date) -> date:
    if not EARLIEST_DAY <= value <= LATEST_DAY:
        raise ValueError(f"the date must be between {EARLIEST_DAY} and {LATEST_DAY}")
    return value


# A business date: ISO text only, within the years a company's records can plausibly cover.
Day = Annotated[date, BeforeValidator(_iso_day), AfterValidator(_plausible_day)]


class Strict(BaseModel):
    """Input: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        # PostgreSQL refuses NUL in text; refusing it here keeps both databases answering the same way.
        items = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and "\x00" in v for v in items):
            raise ValueError("text must not contain NUL characters")
        return value


class Public(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Page(BaseModel, Generic[T]):
    data: list[T]
    count: int = Field(description="Total number of matching items (all pages).")


class Token(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"


class BrowserSession(BaseModel):
    """A web-app login: the token sits in an httpOnly cookie; send `csrf_token` as X-CSRF-Token on writes."""

    csrf_token: str
    expires_in: int = Field(description="Seconds the session lasts.")


class Me(BaseModel):
    user_id: int
    username: str
    role: Role
    employee_id: int | None
    must_change_password: bool = Field(
        default=False, description="A one-time password: change it (POST /me/password) before anything else."
    )


def _utc(value: datetime) -> datetime:
    # Stored without a zone (SQLite drops it); every timestamp the service writes is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class AuditEventPublic(Public):
    id: int
    at: Annotated[datetime, AfterValidator(_utc)]
    actor: str
    actor_employee_id: int | None = Field(default=None, description="The person behind the login.")
    action: str
    entity: str
    entity_id: str
    before: dict[str, object] | None
    after: dict[str, object] | None
    hash: str


class AuditVerifyPublic(BaseModel):
    ok: bool
    checked: int
    problems: list[str]
    signed: bool = Field(description="Whether the keyed signatures were checked too (an audit key is configured).")


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    database: str
    background: dict[str, Literal["ok", "off", "dead"]] = Field(
        default_factory=dict, description="Background threads of this process: housekeeping, jobs."
    )
    migration: str | None
    llm_provider: str
    version: str
