"""ORM tables: the org, the goal system, sales history and the audit log."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ROLES = ("employee", "manager", "hr", "admin")
DIRECTIONS = ("higher", "lower")
PERIOD_KINDS = ("month", "quarter", "year", "campaign")
OKR_LEVELS = ("company", "department", "person")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Versioned:
    """Optimistic concurrency: every update bumps `version`; writers send it back as If-Match."""

    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class Company(Base, Versioned):
    __tablename__ = "company"
    id: Mapped[int] = mapped_column(primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))


class Department(Base, Versioned):
    __tablename__ = "department"
    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), index=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))


class Position(Base, Versioned):
    __tablename__ = "position"
    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    is_manager: Mapped[bool] = mapped_column(Boolean, default=False)
    key_class: Mapped[str] = mapped_column(String(1), default="C")  # A/B key positions (DOMAIN §10), C others
    review_cycle: Mapped[str] = mapped_column(String(10), default="month")


class Employee(Base, Versioned):
    __tablename__ = "employee"
    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), index=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    gender: Mapped[str | None] = mapped_column(String(10))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    hire_date: Mapped[date | None] = mapped_column(Date)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    position_id: Mapped[int | None] = mapped_column(ForeignKey("position.id"))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class User(Base, Versioned):
    __tablename__ = "app_user"
    __table_args__ = (CheckConstraint("role in ('employee','manager','hr','admin')", name="role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Period(Base, Versioned):
    __tablename__ = "period"
    __table_args__ = (CheckConstraint("start_date <= end_date", name="dates"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)  # 2026-11, 2026-Q4, 2026-double11
    kind: Mapped[str] = mapped_column(String(10))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))


class Objective(Base, Versioned):
    __tablename__ = "objective"
    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(12))
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(5), default="zh")


class KeyResult(Base, Versioned):
    __tablename__ = "key_result"
    id: Mapped[int] = mapped_column(primary_key=True)
    objective_id: Mapped[int] = mapped_column(ForeignKey("objective.id", ondelete="CASCADE"), index=True)
    parent_kr_id: Mapped[int | None] = mapped_column(ForeignKey("key_result.id"))  # the KR this one serves
    code: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    indicator_code: Mapped[str | None] = mapped_column(String(60))
    baseline: Mapped[float | None] = mapped_column(Float)
    target: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(20))
    direction: Mapped[str | None] = mapped_column(String(10))


class Indicator(Base, Versioned):
    """The bilingual KPI catalogue."""

    __tablename__ = "indicator"
    __table_args__ = (CheckConstraint("direction in ('higher','lower')", name="direction"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(20))
    direction: Mapped[str] = mapped_column(String(10))
    definition_zh: Mapped[str] = mapped_column(Text, default="")
    definition_en: Mapped[str] = mapped_column(Text, default="")


class KpiAssignment(Base, Versioned):
    """A KPI given to a person or a department for a period, with its weight and target range."""

    __tablename__ = "kpi_assignment"
    __table_args__ = (
        CheckConstraint("weight >= 0 AND weight <= 100", name="weight"),
        CheckConstraint("(employee_id IS NULL) <> (department_id IS NULL)", name="owner"),
        UniqueConstraint("period_id", "indicator_id", "employee_id", "department_id", name="uq_assignment"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id"))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    parent_kr_id: Mapped[int | None] = mapped_column(ForeignKey("key_result.id"))
    block: Mapped[str] = mapped_column(String(20), default="fixed")  # fixed / dynamic / collaboration
    weight: Mapped[float] = mapped_column(Float)
    target: Mapped[float | None] = mapped_column(Float)
    target_low: Mapped[float | None] = mapped_column(Float)
    target_high: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(12), default="active")


class KpiActual(Base):
    """A measured value of an assignment as of a date (cumulative for the period so far)."""

    __tablename__ = "kpi_actual"
    __table_args__ = (UniqueConstraint("assignment_id", "as_of", name="uq_actual"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("kpi_assignment.id", ondelete="CASCADE"), index=True)
    as_of: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(20), default="manual")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Shop(Base, Versioned):
    __tablename__ = "shop"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(40))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))


class SalesDaily(Base):
    __tablename__ = "sales_daily"
    __table_args__ = (UniqueConstraint("shop_id", "ds", name="uq_sales_day"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shop.id"), index=True)
    ds: Mapped[date] = mapped_column(Date)
    sales: Mapped[float] = mapped_column(Float)
    orders: Mapped[int | None] = mapped_column(Integer)
    visitors: Mapped[int | None] = mapped_column(Integer)
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    promo: Mapped[bool] = mapped_column(Boolean, default=False)


class PromoEvent(Base, Versioned):
    """A campaign on the promotion calendar; shop_id NULL means it applies to every shop."""

    __tablename__ = "promo_event"
    __table_args__ = (CheckConstraint("start_date <= end_date", name="dates"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int | None] = mapped_column(ForeignKey("shop.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="shop")  # platform / shop
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)


class AuditEvent(Base):
    """Append-only, hash-chained record of every change that matters."""

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor_user_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str] = mapped_column(String(60))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(Base):
    """One row holding the newest audit hash; writers lock it so the chain never forks."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(primary_key=True)
    last_hash: Mapped[str] = mapped_column(String(64))
    count: Mapped[int] = mapped_column(Integer, default=0)


class IdempotencyRecord(Base):
    """The first response to a POST with an Idempotency-Key, replayed on retries."""

    __tablename__ = "idempotency_record"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotency"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    body: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


# Feature tables live in their own modules; importing them here registers them on Base.metadata
# so that Alembic and the tests see one schema.
from core import tables_coaching, tables_drafts, tables_forecast, tables_weights  # noqa: E402,F401
