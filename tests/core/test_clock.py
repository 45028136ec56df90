"""The one clock: business dates in the company's time zone, a pinned clock for demos and tests, and no
other module reading the wall clock."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from core.clock import Clock, ClockError, clock_for, parse_pin, zone
from tests.conftest import make_settings

ROOT = Path(__file__).resolve().parents[2]
WALL_CLOCK = re.compile(r"\b(?:date\.today|datetime\.now|datetime\.today|datetime\.utcnow|utcnow|time\.time)\s*\(")
PACKAGES = ("core", "kpi", "forecasting", "assistant", "workflows", "api", "cli", "eval", "tests", "migrations")


def test_nothing_but_the_clock_reads_the_wall_clock() -> None:
    here = Path(__file__).resolve()
    offenders = []
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            if path.resolve() in (here, (ROOT / "core" / "clock.py").resolve()):
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if WALL_CLOCK.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert offenders == [], "read time from core.clock instead:\n" + "\n".join(offenders)


def test_the_grep_sees_a_wall_clock_read() -> None:
    # The check above must be able to fail.
    assert WALL_CLOCK.search("today = date.today() - 1") and WALL_CLOCK.search("x = datetime.now(UTC)")
    assert not WALL_CLOCK.search("clock.today()")


def test_today_is_the_company_date_not_the_utc_date() -> None:
    clock = Clock(tz=zone("Asia/Shanghai"), pinned=datetime(2026, 12, 31, 20, 0, tzinfo=UTC))
    assert clock.today() == date(2027, 1, 1)  # 04:00 in Shanghai
    assert clock.now().date() == date(2026, 12, 31)
    assert Clock(tz=zone("Europe/Berlin"), pinned=clock.pinned).today() == date(2026, 12, 31)


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2027-01-01", datetime(2027, 1, 1, 1, 0, tzinfo=UTC)),  # 09:00 in Shanghai
        ("2027-01-01T00:30:00", datetime(2026, 12, 31, 16, 30, tzinfo=UTC)),  # company time
        ("2026-12-31T20:00Z", datetime(2026, 12, 31, 20, 0, tzinfo=UTC)),
        ("2027-01-01T00:30:00+08:00", datetime(2026, 12, 31, 16, 30, tzinfo=UTC)),
    ],
)
def test_pins(text: str, utc: datetime) -> None:
    assert parse_pin(text, zone("Asia/Shanghai")) == utc


def test_settings_pin_the_clock_and_refuse_nonsense() -> None:
    clock = clock_for(make_settings("sqlite://", today="2028-02-29"))
    assert clock.today() == date(2028, 2, 29) and clock.now() == clock.now()
    with pytest.raises(ValueError, match="KPILOT_TODAY"):
        make_settings("sqlite://", today="yesterday")
    with pytest.raises(ValueError, match="time zone"):
        make_settings("sqlite://", timezone="Mars/Olympus")
    with pytest.raises(ClockError):
        zone("Nowhere/Else")
