"""Service commands: serve, demo, housekeeping, db, users, audit (verify reads only; seal signs)."""

import os
import sys
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:  # the commands import the service lazily, so `kpilot --help` stays fast
    from core.settings import Settings

db_app = typer.Typer(help="Database schema migrations (Alembic).", no_args_is_help=True)
users_app = typer.Typer(help="Manage logins.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)


def _settings() -> "Settings":
    """Settings from the environment, or a clear message and exit code 2."""
    from core.settings import SettingsError, get_settings

    try:
        return get_settings()
    except (SettingsError, ValueError) as exc:
        typer.echo(f"kpilot: configuration error: {exc}", err=True)
        raise typer.Exit(2) from exc


def _require_migrated(url: str) -> None:
    from core.migrate import current_revision, head_revision

    current, head = current_revision(url), head_revision(url)
    if current != head:
        typer.echo(
            f"kpilot: the database is at revision {current or 'none'}, the code needs {head}. "
            "Run `kpilot db upgrade` first.",
            err=True,
        )
        raise typer.Exit(2)


def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default: KPILOT_HOST or 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: KPILOT_PORT or 8000).")] = None,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="API processes sharing the address (use PostgreSQL for more than 1).")
    ] = 1,
) -> None:
    """Serve the web app at / and the API (interactive docs at /docs). The database must be migrated."""
    import uvicorn

    from api.app import create_app

    settings = _settings()
    _require_migrated(settings.database_url)
    h, p = host or settings.host, port or settings.port
    if workers > 1:  # each process builds its app from the environment; they share one listening socket
        uvicorn.run(
            "api.app:create_app",
            factory=True,
            host=h,
            port=p,
            workers=workers,
            log_level="info",
            proxy_headers=False,
        )
        return
    # proxy_headers=False: uvicorn would believe X-Forwarded-For from 127.0.0.1; kpilot decides itself
    # (KPILOT_TRUSTED_PROXIES, api.deps.client_address).
    uvicorn.run(create_app(settings), host=h, port=p, log_level="info", proxy_headers=False)


def demo(
    host: Annotated[str | None, typer.Option(help="Bind address (default: KPILOT_HOST or 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: KPILOT_PORT or 8000).")] = None,
    serve_api: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve the API after loading.")] = True,
    seed: Annotated[int, typer.Option(help="Seed of the demo company generator.")] = 7,
) -> None:
    """Demo mode: migrate the embedded database, load the demo company once, print the logins, serve."""
    from core.migrate import upgrade
    from core.passwords import DEMO_PASSWORD
    from core.settings import get_settings
    from demo import load as demo_flow

    os.environ["KPILOT_DEMO"] = "1"
    get_settings.cache_clear()
    settings = _settings()
    typer.echo(f"kpilot demo: database {settings.database_url}", err=True)
    upgrade(settings.database_url)
    loaded = demo_flow.load_demo_company(
        settings.database_url,
        seed=seed,
        progress=lambda msg: typer.echo(f"  {msg}", err=True),
        review_cycles=True,
    )
    typer.echo("kpilot demo: demo company " + ("loaded" if loaded else "already present, reused"), err=True)
    if loaded:
        _queue_demo_pace(settings.database_url)
    typer.echo(
        f"Demo logins (password `{DEMO_PASSWORD}`): admin, hr, manager (head of operations), "
        "employee (operations specialist), employee2 (customer service)"
    )
    if serve_api:
        h, p = host or settings.host, port or settings.port
        typer.echo(f"Web app: http://{h}:{p}/  (log in as one of the demo users above; API docs: http://{h}:{p}/docs)")
        typer.echo("Stop with Ctrl-C.")
        sys.stdout.flush()
        serve(host=h, port=p)


def _queue_demo_pace(url: str) -> None:
    """The demo's sales KPIs measured from its shops, and a pace job queued (the worker of `serve` runs it)."""
    from core.clock import get_clock
    from core.db import session_scope
    from workflows.coaching.forecast_pace import queue_refresh
    from workflows.goals.sales_actuals import run_sales_actuals

    run_sales_actuals(url, get_clock())
    with session_scope(url) as session:
        queue_refresh(session)


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "heads") -> None:
    """Migrate the database to the newest schema (or REVISION)."""
    from core.migrate import current_revision, upgrade

    url = _settings().database_url
    upgrade(url, revision)
    typer.echo(f"database at revision {current_revision(url)}")


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument(help="Target revision, e.g. base.")]) -> None:
    """Migrate the database down to REVISION (destroys the data of the removed tables)."""
    from core.migrate import current_revision, downgrade

    url = _settings().database_url
    downgrade(url, revision)
    typer.echo(f"database at revision {current_revision(url)}")


@db_app.command("current")
def db_current() -> None:
    """Print the database's revision and the code's newest one."""
    from core.migrate import current_revision, head_revision

    url = _settings().database_url
    typer.echo(f"database: {current_revision(url) or 'none'}  code: {head_revision(url)}")


@users_app.command("create")
def users_create(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option(help="employee, manager, hr or admin.")],
    employee_code: Annotated[str | None, typer.Option(help="Link to this employee (code).")] = None,
    password_stdin: Annotated[bool, typer.Option(help="Read the password from standard input.")] = False,
) -> None:
    """Create a login; the password is prompted for (or read from stdin)."""
    from sqlalchemy import select

    from core.db import session_scope
    from core.errors import Conflict, InvalidInput
    from core.keys import bind_audit_keys
    from core.tables import Employee
    from workflows.org.users import create_user

    settings = _settings()
    _require_migrated(settings.database_url)
    password = (
        sys.stdin.readline().rstrip("\n")
        if password_stdin
        else typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    )
    with session_scope(settings.database_url) as session:
        bind_audit_keys(session, settings.audit_keys)
        emp_id = None
        if employee_code:
            emp_id = session.execute(select(Employee.id).where(Employee.code == employee_code)).scalar()
            if emp_id is None:
                typer.echo(f"kpilot: no employee with code {employee_code!r}", err=True)
                raise typer.Exit(2)
        try:
            user = create_user(
                session,
                caller=None,
                username=username,
                password=password,
                role=role,
                employee_id=emp_id,
                demo=settings.demo,
            )
        except (InvalidInput, Conflict) as exc:
            details = "; ".join(
                f"{'.'.join(map(str, p.get('loc', [])))}: {p.get('msg')}" for p in getattr(exc, "errors", [])
            )
            typer.echo(f"kpilot: {exc} {details}".strip(), err=True)
            raise typer.Exit(2) from exc
    typer.echo(f"created user {user.username} (id {user.id}, role {user.role})")


@audit_app.command("verify")
def audit_verify() -> None:
    """Re-hash the audit chain and check its signatures; exit 1 and list the problems if anything was edited,
    deleted, re-chained or truncated. Reads only: needs DATABASE_URL and KPILOT_AUDIT_KEY, not the signing key."""
    from cli.groups import read_only_settings
    from core.db import session_scope
    from core.keys import bind_audit_keys
    from workflows.shared.audit import verify_chain

    settings = read_only_settings()
    with session_scope(settings.database_url, write=False) as session:
        report = verify_chain(bind_audit_keys(session, settings.audit_keys))
    if report.ok:
        how = (
            "hashes and signatures checked"
            if report.signed
            else "hashes only: no audit key configured, set KPILOT_AUDIT_KEY to check the signatures too"
        )
        typer.echo(f"audit chain intact: {report.checked} events verified ({how})")
        return
    typer.echo(f"audit chain BROKEN ({len(report.problems)} problem(s) in {report.checked} events):", err=True)
    for problem in report.problems:
        typer.echo(f"  - {problem}", err=True)
    raise typer.Exit(1)


@audit_app.command("seal")
def audit_seal() -> None:
    """Sign every audit event and the chain head with the current audit key: once after upgrading to signed
    chains, and after rotating KPILOT_AUDIT_KEY (keep the old key in KPILOT_AUDIT_OLD_KEYS while sealing)."""
    from core.db import session_scope
    from core.errors import Conflict, InvalidInput
    from core.keys import bind_audit_keys
    from workflows.shared.audit import seal, unsigned_before_keys

    settings = _settings()
    _require_migrated(settings.database_url)
    try:
        with session_scope(settings.database_url) as session:
            first_time = unsigned_before_keys(session)
            resigned = seal(bind_audit_keys(session, settings.audit_keys), actor=None)
    except (Conflict, InvalidInput) as exc:
        typer.echo(f"kpilot: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(
        f"audit chain sealed: {resigned} event(s) signed with the current key, {first_time} of them for the first "
        "time (written before any audit key existed)"
    )


def housekeeping() -> None:
    """Seed the KPI catalogue, create periods through next quarter, roll KPIs into started periods, then send
    reminders, alerts and approvals to the configured channels (cron-safe; nothing is sent twice).

    `kpilot serve` does this itself at start-up and every KPILOT_HOUSEKEEPING_INTERVAL_S seconds; run this
    from cron when no API process is up (e.g. shortly after midnight in the company's time zone)."""
    from core.clock import clock_for
    from workflows.goals.calendar import run_calendar

    settings = _settings()
    _require_migrated(settings.database_url)
    run = run_calendar(settings.database_url, clock_for(settings))
    made = ", ".join(run.periods_created) or "none"
    typer.echo(
        f"{run.today}: periods created: {made}; KPI assignments rolled over: {run.assignments_rolled}; "
        f"catalogue indicators added: {len(run.indicators_seeded)}"
    )
    from workflows.goals.sales_actuals import run_sales_actuals

    changed = run_sales_actuals(settings.database_url, clock_for(settings))
    typer.echo(f"KPIs measured from sales recomputed: {len(changed)}")
    from workflows.process.notify import run_notify
    from workflows.process.outbound import allow_list

    sent = run_notify(settings.database_url, clock_for(settings), allow=allow_list(settings.webhook_allow))
    typer.echo(f"notifications: {sent.sent} sent, {sent.failed} failed, {sent.skipped} already sent")


def register(app: typer.Typer) -> None:
    """Add the service commands to the `kpilot` CLI."""
    app.command()(serve)
    app.command()(demo)
    app.command()(housekeeping)
    app.add_typer(db_app, name="db")
    app.add_typer(users_app, name="users")
    app.add_typer(audit_app, name="audit")
