"""The one clock of the service: "now" in UTC for stored timestamps, "today" in the company's time zone for
business dates (the running period, effective months, alert windows, "so far this period").

Nothing else in kpilot reads the wall clock (a test greps for it). A deployment can pin the clock with
`KPILOT_TODAY` (a date, or a date and time) for demos and tests; a pinned clock stands still.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

DEFAULT_TIMEZONE = "Asia/Shanghai"
PINNED_DATE_TIME = time(9, 0)  # a pinned date alone means 09:00 local: a working morning


class ClockError(ValueError):
    """A time zone or pinned time that cannot be used."""


def zone(name: str) -> ZoneInfo:
    """The time zone called `name` (IANA, e.g. Asia/Shanghai), or a ClockError saying what to set."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ClockError(f"Unknown time zone {name!r}; use an IANA name such as Asia/Shanghai.") from exc


def parse_pin(text: str, tz: ZoneInfo) -> datetime:
    """A pinned instant from `2027-01-01`, `2027-01-01T00:30` (company time) or `2026-12-31T20:00Z` (UTC)."""
    raw = text.strip()
    try:
        if len(raw) == 10:
            pinned = datetime.combine(date.fromisoformat(raw), PINNED_DATE_TIME, tzinfo=tz)
        else:
            pinned = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ClockError(
            f"KPILOT_TODAY={text!r} is not a date or date-time; write 2027-01-01 or 2027-01-01T00:30:00+08:00."
        ) from exc
    if pinned.tzinfo is None:
        pinned = pinned.replace(tzinfo=tz)
    return pinned.astimezone(UTC)


@dataclass(frozen=True)
class Clock:
    """Business time for one company: `now()` in UTC, `today()` in the company's zone; optionally pinned."""

    tz: ZoneInfo
    pinned: datetime | None = None  # an aware instant; None follows the system clock

    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        return self.pinned if self.pinned is not None else datetime.now(UTC)

    def local_now(self) -> datetime:
        """The current instant in the company's time zone."""
        return self.now().astimezone(self.tz)

    def today(self) -> date:
        """The company's calendar date now (Asia/Shanghai by default, whatever the server's zone)."""
        return self.local_now().date()

    def yesterday(self) -> date:
        """The company's calendar date one day before today."""
        return self.today() - timedelta(days=1)


class ClockSettings(BaseSettings):
    """The settings of time (`KPILOT_TIMEZONE`, `KPILOT_TODAY`); `core.settings.Settings` extends them."""

    model_config = SettingsConfigDict(env_prefix="KPILOT_", env_file=".env", extra="ignore")

    timezone: str = Field(default=DEFAULT_TIMEZONE, description="The company's time zone: business dates follow it.")
    today: str | None = Field(
        default=None, description="Pins the clock (demos, tests): 2027-01-01 or an ISO date-time."
    )

    @model_validator(mode="after")
    def _check_clock(self) -> ClockSettings:
        tz = zone(self.timezone)
        if self.today:
            parse_pin(self.today, tz)
        return self


def clock_for(settings: ClockSettings) -> Clock:
    """The clock a deployment's settings describe."""
    tz = zone(settings.timezone)
    return Clock(tz=tz, pinned=parse_pin(settings.today, tz) if settings.today else None)


@lru_cache
def get_clock() -> Clock:
    """The process's clock, from the environment (cached; `get_clock.cache_clear()` re-reads it)."""
    return clock_for(ClockSettings())


def bind(session: Session, clock: Clock) -> Session:
    """Attach `clock` to a unit of work, so every use case inside it reads the same time."""
    session.info["clock"] = clock
    return session


def clock_of(session: Session) -> Clock:
    """The clock bound to `session` (by the API, the CLI or a test), else the process's clock."""
    bound = session.info.get("clock")
    return bound if isinstance(bound, Clock) else get_clock()
