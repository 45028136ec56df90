"""Property tests of the order aggregation: daily sums equal the file's paid amounts minus refunds by the stated
rule, and an order lands on the company's calendar day, whichever way its time is written, at midnight too."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from workflows.imports.orders import OrderTotals

SHANGHAI = ZoneInfo("Asia/Shanghai")
STATUSES = ("交易成功", "已发货", "待发货", "交易关闭", "已取消", "等待买家付款")
COUNTED = {"交易成功", "已发货", "待发货"}
# Instants within a minute of a Shanghai midnight (16:00 UTC), the edge where days are decided.
MIDNIGHTS = st.builds(
    lambda d, s: datetime(2026, 1, 1, 16, tzinfo=UTC) + timedelta(days=d, seconds=s),
    st.integers(0, 400),
    st.integers(-60, 60),
)
ORDER = st.tuples(
    st.integers(0, 10_000_00),  # paid, in fen
    st.integers(0, 10_000_00),  # refund, in fen (capped at the paid amount below)
    st.sampled_from(STATUSES),
    MIDNIGHTS,
    st.sampled_from(("local", "utc", "offset")),
)


def _written(moment: datetime, how: str) -> str:
    if how == "local":
        return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")
    if how == "utc":
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.astimezone(ZoneInfo("America/New_York")).isoformat()


@settings(max_examples=150, deadline=None)
@given(st.lists(ORDER, max_size=60))
def test_daily_sums_are_paid_minus_refunds_of_counted_orders_on_their_local_day(orders) -> None:
    totals = OrderTotals(SHANGHAI)
    expected: dict[date, tuple[int, int]] = {}
    for i, (paid, refund, status, moment, how) in enumerate(orders):
        refund = min(refund, paid)
        totals.add("tmall", f"O{i}", _written(moment, how), f"{paid / 100:.2f}", status, f"{refund / 100:.2f}")
        if status in COUNTED:
            day = moment.astimezone(SHANGHAI).date()
            fen, n = expected.get(day, (0, 0))
            expected[day] = (fen + paid - refund, n + 1)
    got = {day: (round(t.sales * 100), t.orders) for (_, day), t in totals.days.items()}
    assert got == expected
    assert totals.counted + totals.not_sales == len(orders)


def test_one_second_either_side_of_midnight() -> None:
    totals = OrderTotals(SHANGHAI)
    totals.add("s", "a", "2026-05-07 23:59:59", "10", "交易成功", "")
    totals.add("s", "b", "2026-05-08 00:00:00", "20", "交易成功", "")
    totals.add("s", "c", "2026-05-07T16:00:00Z", "40", "交易成功", "")  # 00:00 on the 8th in Shanghai
    totals.add("s", "d", "2026-05-07T15:59:59+00:00", "80", "交易成功", "")  # 23:59:59 on the 7th
    assert {d.isoformat(): t.sales for (_, d), t in totals.days.items()} == {"2026-05-07": 90.0, "2026-05-08": 60.0}
