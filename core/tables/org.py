"""ORM tables of the organisation: the company, departments, positions, employees and login users."""

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Date, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.tables.base import Base, Versioned
from core.vocab import ROLES, sql_in


class Company(Base, Versioned):
    __tablename__ = "company"
    id: Mapped[int] = mapped_column(primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(60), default="Asia/Shanghai")
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    fiscal_year_start_month: Mapped[int] = mapped_column(Integer, default=1)
    stage: Mapped[str] = mapped_column(String(20), default="mature")  # kpi.pay.positions stages (DOMAIN §10)
    # A sales KPI warns ahead when the forecast's chance of reaching its target falls below this (0..1).
    forecast_alert_below: Mapped[float] = mapped_column(Float, default=0.3, server_default="0.3")
    appeal_decider: Mapped[str] = mapped_column(String(12), default="hr")  # who decides appeals: hr / skip_level


class Department(Base, Versioned):
    __tablename__ = "department"
    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), index=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    # Who heads it (shown on the org pages); use_alter: department and employee point at each other.
    head_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id", use_alter=True))


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
    left_on: Mapped[date | None] = mapped_column(Date)  # a leaver's last day (DOMAIN: leavers are a status)


class User(Base, Versioned):
    __tablename__ = "app_user"
    __table_args__ = (CheckConstraint(sql_in("role", ROLES), name="role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)  # a one-time password from an import
