"""ORM tables of sales history: shops, daily sales and the promotion calendar."""

from datetime import date
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.tables.base import Base, Versioned


class Shop(Base, Versioned):
    __tablename__ = "shop"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(40))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # closed shops keep their history
    opened_on: Mapped[date | None] = mapped_column(Date)
    sales_mapping: Mapped[dict[str, Any] | None] = mapped_column()  # the last confirmed import column mapping


class SalesDaily(Base):
    __tablename__ = "sales_daily"
    __table_args__ = (UniqueConstraint("shop_id", "ds", name="uq_sales_day"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shop.id"), index=True)
    ds: Mapped[date] = mapped_column(Date)
    sales: Mapped[float] = mapped_column(Float)
    orders: Mapped[int | None] = mapped_column(Integer)
    visitors: Mapped[int | None] = mapped_column(Integer)
    refunds: Mapped[float | None] = mapped_column(Float)  # refunded amount of the day (None: not exported)
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    promo: Mapped[bool] = mapped_column(Boolean, default=False)


class PromoEvent(Base, Versioned):
    """A campaign on the promotion calendar; shop_id NULL means it applies to every shop."""

    __tablename__ = "promo_event"
    __table_args__ = (CheckConstraint("start_date <= end_date", name="dates"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int | None] = mapped_column(ForeignKey("shop.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="shop")  # platform / shop / live / launch
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    discount: Mapped[float | None] = mapped_column(Float)  # planned discount, 0.2 = 20 % off
    intensity: Mapped[float | None] = mapped_column(Float)  # 0..1 on the calendar's promo_intensity scale
    builtin_key: Mapped[str | None] = mapped_column(String(40), unique=True)  # "double11:2026" corrects a built-in
