"""`kpilot notify` (reminders, alerts and approvals to the configured channels) and `kpilot export` (Excel/PDF)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

export_app = typer.Typer(help="Export scorecards and feedback reports to Excel or PDF.", no_args_is_help=True)


def notify(
    days: Annotated[
        int, typer.Option("--days", min=0, max=90, help="Remind of open tasks due within this many days.")
    ] = 3,
) -> None:
    """Send today's reminders, new alerts and pending approvals to the company's channels (each message once).

    `kpilot serve` and `kpilot housekeeping` do this after the calendar; run it from cron otherwise. Channels are
    set with PUT /api/v1/notification-channels (admin); what was sent is kept, so a rerun sends nothing twice."""
    from core.clock import clock_for
    from core.settings import get_settings
    from workflows.process.notify import run_notify
    from workflows.process.outbound import allow_list

    try:
        settings = get_settings()
    except ValueError as exc:
        typer.echo(f"kpilot: configuration error: {exc}", err=True)
        raise typer.Exit(2) from exc
    allow = allow_list(settings.webhook_allow)
    run = run_notify(settings.database_url, clock_for(settings), allow=allow, reminder_days=days)
    topics = ", ".join(f"{k} {v}" for k, v in sorted(run.by_topic.items())) or "nothing new"
    typer.echo(f"sent {run.sent} ({topics}); failed {run.failed} (retried next run); already sent {run.skipped}")
    if run.failed:
        raise typer.Exit(1)


def _export(
    kind: Literal["scorecard", "report"], code: str, fmt: str, lang: str, period: str | None, out: Path | None
) -> None:
    if fmt not in ("xlsx", "pdf") or lang not in ("zh", "en"):
        typer.echo("error: use --format xlsx|pdf and --lang zh|en", err=True)
        raise typer.Exit(2)
    from sqlalchemy import select

    from cli.groups import read_only_settings
    from core.db import session_scope
    from core.errors import KpilotError
    from core.security import ADMIN, Caller
    from core.tables import Employee, Period
    from workflows.process import exports

    settings = read_only_settings()
    system = Caller(user_id=0, username="kpilot-cli", role=ADMIN, employee_id=None)  # the operator reads everyone
    with session_scope(settings.database_url, write=False) as session:
        emp = session.execute(select(Employee).where(Employee.code == code)).scalar_one_or_none()
        if emp is None:
            typer.echo(f"error: no employee with code {code!r}; list codes with GET /api/v1/employees", err=True)
            raise typer.Exit(2)
        period_id = None
        if period is not None:
            period_id = session.execute(select(Period.id).where(Period.code == period)).scalar_one_or_none()
            if period_id is None:
                typer.echo(f"error: no period {period!r}; write e.g. 2026-10", err=True)
                raise typer.Exit(2)
        try:
            f = exports.export(
                session,
                system,
                kind=kind,
                fmt="pdf" if fmt == "pdf" else "xlsx",
                employee_id=emp.id,
                period_id=period_id,
                lang="zh" if lang == "zh" else "en",
                settings=settings,
            )
        except KpilotError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from exc
    target = out or Path(f.filename)
    target.write_bytes(f.content)
    typer.echo(f"written: {target} ({len(f.content)} bytes)")


Code = Annotated[str, typer.Argument(help="Employee code, e.g. E0126.")]
Fmt = Annotated[str, typer.Option("--format", help="xlsx or pdf.")]
LangOpt = Annotated[str, typer.Option("--lang", help="zh or en.")]
PeriodOpt = Annotated[str | None, typer.Option("--period", help="Period code reviewed (default: the latest ended).")]
Out = Annotated[Path | None, typer.Option("--out", help="File to write (default: a name in the current folder).")]


@export_app.command("scorecard")
def export_scorecard(
    code: Code, fmt: Fmt = "xlsx", lang: LangOpt = "zh", period: PeriodOpt = None, out: Out = None
) -> None:
    """A person's scorecard: this period's KPIs and how every point of the reviewed period was computed."""
    _export("scorecard", code, fmt, lang, period, out)


@export_app.command("report")
def export_report(
    code: Code, fmt: Fmt = "xlsx", lang: LangOpt = "zh", period: PeriodOpt = None, out: Out = None
) -> None:
    """A person's feedback report with recommended courses and alerts."""
    _export("report", code, fmt, lang, period, out)


def register(app: typer.Typer) -> None:
    """Add `kpilot notify` and `kpilot export ...`."""
    app.command()(notify)
    app.add_typer(export_app, name="export")
