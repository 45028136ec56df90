"""`kpilot eval load`: the open-loop load benchmark and the worker fault run (tables to eval/results/)."""

import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from cli.groups import eval_app


@eval_app.command("load")
def eval_load(
    db: Annotated[str, typer.Option(help="sqlite, postgres or both.")] = "sqlite",
    pg_url: Annotated[
        str, typer.Option(help="A PostgreSQL server URL; a fresh database `kpilot_load` is created on it.")
    ] = "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    pg_workers: Annotated[int, typer.Option(help="API worker processes on PostgreSQL.")] = 3,
    rates: Annotated[str, typer.Option(help="Offered loads, requests/s, comma-separated.")] = "10,20,40,80",
    duration: Annotated[float, typer.Option(help="Seconds per run.")] = 20.0,
    fault: Annotated[bool, typer.Option("--fault/--no-fault", help="Also kill a worker during a forecast.")] = True,
    fault_only: Annotated[bool, typer.Option("--fault-only", help="Only the fault run.")] = False,
) -> None:
    """Read mix and write mix at each rate (p50/p95/p99, 503s, errors), the ceiling, recovery after an overload,
    and the fault run, against a real `kpilot serve` on a free loopback port. Takes several minutes."""
    from core.settings import Settings
    from eval.load_bench import RESULTS_DIR, bench, table, verdict
    from eval.load_fault import fault_run, fault_table
    from eval.service_proc import prepare_demo

    limits = Settings.model_construct()  # field defaults: the served app runs with them (KPILOT_* is not passed)
    levels = tuple(float(x) for x in rates.split(","))
    say = lambda msg: typer.echo(f"  {msg}", err=True)  # noqa: E731
    backends = ["sqlite", "postgres"] if db == "both" else [db]
    faults = []
    with tempfile.TemporaryDirectory(prefix="kpilot-load-") as tmp:
        for backend in backends:
            url = _fresh(backend, pg_url, Path(tmp))
            typer.echo(f"kpilot eval load: loading the demo company into {backend}", err=True)
            prepare_demo(url)
            if not fault_only:
                workers = pg_workers if backend == "postgres" else 1
                before = os.getloadavg()
                rows, extra = bench(url, backend, workers=workers, rates=levels, duration_s=duration, progress=say)
                after = os.getloadavg()
                notes = [
                    f"Command: `kpilot eval load --db {backend}` (rates {rates} req/s, {duration:g} s each; "
                    f"overload at {extra['rate']:g} req/s). Open loop: requests start on schedule whatever the "
                    "earlier ones did; latency counts from when each was due.",
                    "Machine: 2 cores shared with other work; client and server on the same machine. Each "
                    "request goes on a connection of its own (no client-side pool to queue in); client lag = how "
                    "late the last request of a run started, client CPU = the load client's own CPU time. "
                    "errors = 5xx other than 503, or no answer within 10 s; 503 = shed with Retry-After. "
                    "Write mix: a 28-row sales CSV import, a weight approval (the first wins, the rest get "
                    "409/412), a goal draft (offline provider, drafts' forecasts off).",
                    f"Defaults: KPILOT_MAX_CONCURRENT_REQUESTS={limits.max_concurrent_requests}, "
                    f"KPILOT_REQUEST_QUEUE={limits.request_queue}, "
                    f"KPILOT_REQUEST_QUEUE_WAIT_S={limits.request_queue_wait_s:g}.",
                    f"Machine load average (1 min) {before[0]:.2f} before the runs, {after[0]:.2f} after "
                    "(`os.getloadavg()`; other processes included).",
                    "",
                    "Goals:",
                    *verdict(rows, extra, backend),
                    "",
                    "Unexpected errors in the server's log (all runs): "
                    + ("; ".join(f"{n} x `{c}`" for c, n in extra["server_errors"].items()) or "none"),
                ]
                text = table(rows, {backend: extra}, f"Load: {backend}, {workers} API worker(s)", notes)
                (RESULTS_DIR / f"load_{backend}.md").write_text(text, encoding="utf-8")
                typer.echo(text)
            if fault or fault_only:
                faults.append(fault_run(url, backend, say))
    if faults:
        text = fault_table(faults)
        (RESULTS_DIR / f"load_fault_{'_'.join(backends)}.md").write_text(text, encoding="utf-8")
        typer.echo(text)


def _fresh(backend: str, pg_url: str, tmp: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp / 'load.db'}"
    from sqlalchemy import create_engine, make_url, text

    engine = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text('DROP DATABASE IF EXISTS "kpilot_load" WITH (FORCE)'))
        conn.execute(text('CREATE DATABASE "kpilot_load"'))
    engine.dispose()
    return str(make_url(pg_url).set(database="kpilot_load").render_as_string(hide_password=False))


def register(_app: typer.Typer) -> None:
    """The command registers itself on `kpilot eval` when this module is imported."""
