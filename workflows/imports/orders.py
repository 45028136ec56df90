"""Aggregating shop exports to daily sales, pure (no database): order lines by the stated rule, daily lines as given."""

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from workflows.imports.columns import NOT_SALES
from workflows.imports.parse import ValueProblem, in_column, parse_amount, parse_count, parse_day, parse_moment

Key = tuple[str, date]  # (shop code, day)


@dataclass
class DayTotal:
    """One shop's day: net sales (paid minus refunds), orders, visitors."""

    sales: float = 0.0
    orders: int | None = None
    visitors: int | None = None
    refunds: float | None = None  # None: the export has no refund column


def local_day(moment: datetime, tz: ZoneInfo) -> date:
    """The company's calendar day of a moment: naive times are already local; aware ones are converted."""
    return moment.date() if moment.tzinfo is None else moment.astimezone(tz).date()


@lru_cache(maxsize=1024)  # an export has a handful of distinct statuses
def is_sale(status: str) -> bool:
    """False for unpaid, closed and cancelled orders (see columns.ORDER_RULE)."""
    low = status.strip().lower()
    return not any(word in low for word in NOT_SALES)


@dataclass
class OrderTotals:
    """Orders summed into days by the rule of columns.ORDER_RULE."""

    tz: ZoneInfo
    days: dict[Key, DayTotal] = field(default_factory=dict)
    counted: int = 0
    not_sales: int = 0
    _seen: set[int] = field(default_factory=set)

    def add(self, shop: str, order_id: str, paid_at: str, amount: str, status: str, refund: str) -> None:
        """Count one order line; ValueProblem when a value cannot be read or the order repeats."""
        if not order_id:
            raise ValueProblem("import.value.no_order_id", "order_id")
        key = hash((shop, order_id))  # 8 bytes a line: a million orders stay small
        if key in self._seen:
            raise ValueProblem("import.value.order_twice", "order_id", order=order_id[:40])
        self._seen.add(key)
        paid = in_column("amount", parse_amount, amount) if amount else 0.0
        back = in_column("refund", parse_amount, refund) if refund else 0.0
        if not paid_at or not is_sale(status):
            self.not_sales += 1
            return
        day = local_day(in_column("paid_at", parse_moment, paid_at), self.tz)
        total = self.days.setdefault((shop, day), DayTotal(orders=0))
        total.sales += paid - back
        total.refunds = (total.refunds or 0.0) + back
        total.orders = (total.orders or 0) + 1
        self.counted += 1


@dataclass
class DailyTotals:
    """Daily summary lines (one per shop and day); net sales = 支付金额 - 退款金额."""

    days: dict[Key, DayTotal] = field(default_factory=dict)

    def add(self, shop: str, ds: str, sales: str, orders: str, visitors: str, refunds: str) -> None:
        """Take one day's line; ValueProblem when a value cannot be read or the day repeats."""
        day = in_column("ds", parse_day, ds)
        if (shop, day) in self.days:
            raise ValueProblem("import.value.day_twice", "ds", shop=shop, day=str(day))
        back = in_column("refunds", parse_amount, refunds) if refunds else None
        net = in_column("sales", parse_amount, sales) - (back or 0.0)
        counts = in_column("orders", parse_count, orders), in_column("visitors", parse_count, visitors)
        self.days[(shop, day)] = DayTotal(net, counts[0], counts[1], back)
