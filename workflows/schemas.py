"""Pydantic I/O schemas: XCreate (strict input), XUpdate (partial input), XPublic (output), Page[X]."""

from datetime import UTC, date, datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from core.vocab import DirectionName, OkrLevelName, PeriodKindName, RoleName

T = TypeVar("T")
Role = RoleName
Direction = DirectionName
PeriodKind = PeriodKindName
Level = OkrLevelName
Block = Literal["fixed", "dynamic", "collaboration"]
# Bounds that every database accepts: ids fit a 32-bit integer, numbers are finite and of sane size.
DbId = Annotated[int, Field(ge=1, le=2_147_483_647)]
Num = Annotated[float, Field(allow_inf_nan=False, ge=-1e15, le=1e15)]


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


class Me(BaseModel):
    user_id: int
    username: str
    role: Role
    employee_id: int | None


class UserCreate(Strict):
    username: str = Field(min_length=2, max_length=80, pattern=r"^[A-Za-z0-9_.\-]+$")
    password: str = Field(min_length=10, max_length=200)
    role: Role
    employee_id: DbId | None = None


class UserUpdate(Strict):
    role: Role | None = None
    active: bool | None = None


class UserPublic(Public):
    id: int
    username: str
    role: Role
    employee_id: int | None
    active: bool
    version: int


class DepartmentCreate(Strict):
    code: str = Field(min_length=1, max_length=40)
    name_zh: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)
    parent_id: DbId | None = None


class DepartmentUpdate(Strict):
    name_zh: str | None = Field(default=None, min_length=1, max_length=200)
    name_en: str | None = Field(default=None, min_length=1, max_length=200)
    parent_id: DbId | None = None


class DepartmentPublic(Public):
    id: int
    code: str
    name_zh: str
    name_en: str
    parent_id: int | None
    version: int


class PositionPublic(Public):
    id: int
    department_id: int
    code: str
    title_zh: str
    title_en: str
    is_manager: bool
    key_class: str
    review_cycle: str


class EmployeeCreate(Strict):
    code: str = Field(min_length=1, max_length=40)
    name_zh: str = Field(min_length=1, max_length=100)
    name_en: str = Field(min_length=1, max_length=100)
    department_id: DbId
    position_id: DbId | None = None
    manager_id: DbId | None = None
    gender: Literal["female", "male", "other"] | None = None
    birth_year: int | None = Field(default=None, ge=1930, le=2015)
    hire_date: date | None = None


class EmployeeUpdate(Strict):
    name_zh: str | None = Field(default=None, min_length=1, max_length=100)
    name_en: str | None = Field(default=None, min_length=1, max_length=100)
    department_id: DbId | None = None
    position_id: DbId | None = None
    manager_id: DbId | None = None
    active: bool | None = None


class EmployeePublic(Public):
    id: int
    code: str
    name_zh: str
    name_en: str
    department_id: int
    position_id: int | None
    manager_id: int | None
    active: bool
    version: int


class PeriodCreate(Strict):
    code: str = Field(min_length=1, max_length=40)
    kind: PeriodKind
    start_date: date
    end_date: date
    name_zh: str = Field(min_length=1, max_length=100)
    name_en: str = Field(min_length=1, max_length=100)


class PeriodUpdate(Strict):
    name_zh: str | None = Field(default=None, min_length=1, max_length=100)
    name_en: str | None = Field(default=None, min_length=1, max_length=100)
    start_date: date | None = None
    end_date: date | None = None


class PeriodPublic(Public):
    id: int
    code: str
    kind: PeriodKind
    start_date: date
    end_date: date
    name_zh: str
    name_en: str
    version: int


class IndicatorCreate(Strict):
    code: str = Field(min_length=1, max_length=60, pattern=r"^[a-z0-9_]+$")
    name_zh: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)
    unit: str = Field(min_length=1, max_length=20)
    direction: Direction
    definition_zh: str = Field(default="", max_length=2000)
    definition_en: str = Field(default="", max_length=2000)


class IndicatorUpdate(Strict):
    name_zh: str | None = Field(default=None, min_length=1, max_length=200)
    name_en: str | None = Field(default=None, min_length=1, max_length=200)
    unit: str | None = Field(default=None, min_length=1, max_length=20)
    direction: Direction | None = None
    definition_zh: str | None = Field(default=None, max_length=2000)
    definition_en: str | None = Field(default=None, max_length=2000)


class IndicatorPublic(Public):
    id: int
    code: str
    name_zh: str
    name_en: str
    unit: str
    direction: Direction
    definition_zh: str
    definition_en: str
    version: int


class KeyResultIn(Strict):
    code: str = Field(min_length=1, max_length=20)
    title: str = Field(min_length=1, max_length=2000)
    indicator_code: str | None = Field(default=None, max_length=60)
    baseline: Num | None = None
    target: Num | None = None
    unit: str | None = Field(default=None, max_length=20)
    direction: Direction | None = None
    parent_kr_id: DbId | None = None


class KeyResultPublic(Public):
    id: int
    code: str
    title: str
    indicator_code: str | None
    baseline: float | None
    target: float | None
    unit: str | None
    direction: str | None
    parent_kr_id: int | None


class ObjectiveCreate(Strict):
    level: Level
    period_id: DbId
    department_id: DbId | None = None
    employee_id: DbId | None = None
    code: str = Field(min_length=1, max_length=20)
    title: str = Field(min_length=1, max_length=2000)
    language: Literal["zh", "en"] = "zh"
    key_results: list[KeyResultIn] = Field(default_factory=list, max_length=5)


class ObjectiveUpdate(Strict):
    title: str | None = Field(default=None, min_length=1, max_length=2000)


class ObjectivePublic(Public):
    id: int
    level: Level
    period_id: int
    department_id: int | None
    employee_id: int | None
    code: str
    title: str
    language: str
    version: int
    key_results: list[KeyResultPublic] = Field(default_factory=list)


class AssignmentCreate(Strict):
    period_id: DbId
    indicator_code: str = Field(min_length=1, max_length=60)
    employee_id: DbId | None = None
    department_id: DbId | None = None
    parent_kr_id: DbId | None = None
    block: Block = "fixed"
    weight: float = Field(ge=0, le=100)
    target: Num | None = None
    target_low: Num | None = None
    target_high: Num | None = None


class AssignmentUpdate(Strict):
    weight: float | None = Field(default=None, ge=0, le=100)
    target: Num | None = None
    target_low: Num | None = None
    target_high: Num | None = None
    block: Block | None = None
    status: Literal["active", "closed"] | None = None


class AssignmentPublic(Public):
    id: int
    period_id: int
    indicator_id: int
    employee_id: int | None
    department_id: int | None
    parent_kr_id: int | None
    block: str
    weight: float
    target: float | None
    target_low: float | None
    target_high: float | None
    status: str
    version: int


class ActualCreate(Strict):
    as_of: date
    value: Num


class ActualPublic(Public):
    id: int
    assignment_id: int
    as_of: date
    value: float
    source: str


class ImportReport(BaseModel):
    imported: int
    file: str
    errors: list[dict[str, object]] = Field(default_factory=list)


class ShopPublic(Public):
    id: int
    code: str
    name_zh: str
    name_en: str
    channel: str


class SalesDayPublic(Public):
    ds: date
    sales: float
    orders: int | None
    visitors: int | None
    is_open: bool
    promo: bool


def _utc(value: datetime) -> datetime:
    # Stored without a zone (SQLite drops it); every timestamp the service writes is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class AuditEventPublic(Public):
    id: int
    at: Annotated[datetime, AfterValidator(_utc)]
    actor: str
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


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    database: str
    migration: str | None
    llm_provider: str
    version: str

