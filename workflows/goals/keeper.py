"""The housekeeping thread of `kpilot serve`: the calendar (periods ahead, roll-over), then notifications, now
and every `interval_s` seconds. Nothing stored (a bad channel, a broken row) may end it or the start-up, and
`/health` says when it is no longer running."""

from __future__ import annotations

import logging
import threading

from core.clock import Clock
from workflows.goals.calendar import run_calendar
from workflows.goals.sales_actuals import run_sales_actuals
from workflows.process.notify import run_notify
from workflows.process.outbound import Allow

log = logging.getLogger("kpilot.calendar")


class CalendarKeeper:
    """Runs `run_calendar` and `run_notify` now and then every `interval_s` seconds in a daemon thread.

    A failed run is logged and retried at the next tick: housekeeping must never take the API down."""

    def __init__(self, url: str, clock: Clock, interval_s: float, allow: Allow = frozenset()) -> None:
        self.url, self.clock, self.interval_s, self.allow = url, clock, interval_s, allow
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="kpilot-calendar", daemon=True)

    def start(self) -> None:
        """Run once now (so the service starts with a current calendar), then tick in the thread."""
        self._run_once()
        self._thread.start()

    def stop(self) -> None:
        """Ask the thread to finish and wait for the current run."""
        self._stop.set()
        self._thread.join(timeout=30)

    @property
    def alive(self) -> bool:
        """Whether the thread is still ticking (False before start and after it died or stopped)."""
        return self._thread.is_alive()

    def _run_once(self) -> None:
        # The thread's edge: whatever a run raises is logged, and the next tick tries again.
        try:
            run = run_calendar(self.url, self.clock)
            if run.periods_created or run.assignments_rolled:
                log.info(
                    "calendar: periods %s created, %d assignments rolled over",
                    run.periods_created,
                    run.assignments_rolled,
                )
        except Exception:  # noqa: BLE001 - one bad row must not stop housekeeping or start-up
            log.exception("calendar housekeeping failed; retrying at the next tick")
        self._sales()
        self._notify()

    def _sales(self) -> None:
        # KPIs measured from sales follow the stored days even when no import ran (late data, new periods).
        try:
            changed = run_sales_actuals(self.url, self.clock)
        except Exception:  # noqa: BLE001 - one bad row must not stop housekeeping or start-up
            log.exception("sales actuals failed; retrying at the next tick")
            return
        if changed:
            log.info("sales actuals: %d KPI(s) recomputed", len(changed))

    def _notify(self) -> None:
        # A separate step in its own transactions: a failing channel never undoes the calendar's work.
        try:
            sent = run_notify(self.url, self.clock, allow=self.allow)
        except Exception:  # noqa: BLE001 - a failing channel must not stop housekeeping or start-up
            log.exception("notifications failed; retrying at the next tick")
            return
        if sent.sent or sent.failed:
            log.info("notify: %d sent, %d failed", sent.sent, sent.failed)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval_s):
            self._run_once()
