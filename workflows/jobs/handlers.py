"""What each kind of job runs, and what marks its subject failed when the queue gives up on it."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.clock import Clock
from core.settings import Settings
from workflows.forecasts import flows as forecasts


@dataclass(frozen=True)
class JobContext:
    """What a handler may use: the database, the clock, the settings."""

    url: str
    clock: Clock
    settings: Settings


@dataclass(frozen=True)
class Handler:
    """`run` does the work (raising means the attempt failed); `give_up` records the final failure and its
    reason on the job's subject (e.g. the forecast job readers follow)."""

    run: Callable[[JobContext, dict[str, Any]], None]
    give_up: Callable[[JobContext, dict[str, Any], str], None]


def _run_forecast(ctx: JobContext, payload: dict[str, Any]) -> None:
    forecasts.run_job(
        ctx.url,
        int(payload["forecast_job_id"]),
        n_jobs=ctx.settings.forecast_n_jobs,
        history_days=ctx.settings.forecast_history_days,
        clock=ctx.clock,
    )


def _forecast_failed(ctx: JobContext, payload: dict[str, Any], reason: str) -> None:
    forecasts.mark_failed(ctx.url, int(payload["forecast_job_id"]), f"The forecast was stopped: {reason}", ctx.clock)


def _run_import(ctx: JobContext, payload: dict[str, Any]) -> None:
    from workflows.imports.background import run_import_job

    run_import_job(ctx.url, int(payload["import_job_id"]), ctx.clock)


def _import_failed(ctx: JobContext, payload: dict[str, Any], reason: str) -> None:
    from workflows.imports.background import mark_failed

    mark_failed(ctx.url, int(payload["import_job_id"]), f"The import was stopped: {reason}", ctx.clock)


def _run_pace(ctx: JobContext, payload: dict[str, Any]) -> None:
    from workflows.coaching.forecast_pace import run_pace_job

    run_pace_job(ctx.url, ctx.clock)


def _pace_failed(ctx: JobContext, payload: dict[str, Any], reason: str) -> None:
    """Nothing to mark: the stored projections stay as they were until the next sales import."""


HANDLERS: dict[str, Handler] = {
    "pace": Handler(run=_run_pace, give_up=_pace_failed),
    "forecast": Handler(run=_run_forecast, give_up=_forecast_failed),
    "import": Handler(run=_run_import, give_up=_import_failed),
}
