"""`kpilot worker`: run queued jobs (forecasts) from the database; start as many as you like."""

import logging
import signal
from types import FrameType
from typing import Annotated

import typer


def worker(
    once: Annotated[bool, typer.Option("--once", help="Run the queued jobs, then exit (cron, tests).")] = False,
) -> None:
    """Run jobs from the durable queue until stopped (Ctrl-C or SIGTERM finish the current job first).

    Any number of workers, on any machine that reaches the database, share the queue: each job runs on one
    worker at a time; a worker that dies loses its lease and the job is retried or failed with the reason.
    Set KPILOT_JOBS_EMBEDDED=0 on the API processes when dedicated workers run."""
    from cli.service_cmds import _require_migrated, _settings
    from core.clock import clock_for
    from workflows.jobs import queue
    from workflows.jobs.worker import Worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = _settings()
    _require_migrated(settings.database_url)
    w = Worker(settings, clock_for(settings))
    typer.echo(f"kpilot worker {w.name}: waiting for jobs in {settings.database_url.split('@')[-1]}", err=True)
    if once:
        ran = 0
        while w.run_once():
            ran += 1
        typer.echo(f"kpilot worker: {ran} job(s) run; queue now {queue.counts(settings.database_url)}", err=True)
        return

    def _stop(_sig: int, _frame: FrameType | None) -> None:
        typer.echo("kpilot worker: stopping after the current job", err=True)
        w.stop()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    w.run_forever()


def register(app: typer.Typer) -> None:
    """Add `kpilot worker`."""
    app.command()(worker)
