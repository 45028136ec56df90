"""Set-up commands: `kpilot init` (the company and its shops) and `kpilot import KIND FILE`."""

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.groups import eval_app

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.security import Caller

import_app = typer.Typer(help="Import a company's own files (org chart, sales, promotions, KPI history).")
STAGES = ("startup", "expansion", "mature", "transformation")


@contextmanager
def _session() -> Iterator["Session"]:
    """A migrated database's session with the audit keys bound; errors reach the user as one line, exit 2."""
    from cli.service_cmds import _require_migrated, _settings
    from core.db import session_factory
    from core.errors import KpilotError
    from core.keys import bind_audit_keys

    settings = _settings()
    _require_migrated(settings.database_url)
    session = session_factory(settings.database_url, True)()
    bind_audit_keys(session, settings.audit_keys)
    try:
        yield session
    except KpilotError as exc:
        session.rollback()
        _fail(exc)
    finally:
        session.close()


def _fail(exc: Any) -> None:
    typer.echo(f"kpilot: {exc}", err=True)
    if getattr(exc, "zh", None):
        typer.echo(f"kpilot: {exc.zh}", err=True)
    for problem in getattr(exc, "errors", [])[:20]:
        typer.echo(f"  - {json.dumps(problem, ensure_ascii=False, default=str)}", err=True)
    raise typer.Exit(2)


def _system() -> "Caller":
    """The command line acts as the installation's administrator (audited as `cli`)."""
    from core.security import ADMIN, Caller

    return Caller(user_id=0, username="cli", role=ADMIN, employee_id=None)


def _shop(text: str) -> dict[str, str]:
    parts = text.split(":")
    if len(parts) not in (3, 4):
        raise typer.BadParameter(f"{text!r}: write CODE:CHANNEL:中文名[:English name], e.g. tmall:tmall:天猫旗舰店")
    code, channel, name_zh = parts[:3]
    return {"code": code, "channel": channel, "name_zh": name_zh, "name_en": parts[3] if len(parts) == 4 else name_zh}


def init(
    name_zh: Annotated[str | None, typer.Option(help="Company name in Chinese (prompted when missing).")] = None,
    name_en: Annotated[str | None, typer.Option(help="Company name in English (prompted when missing).")] = None,
    timezone: Annotated[str, typer.Option(help="IANA time zone of the company.")] = "Asia/Shanghai",
    fiscal_start: Annotated[int, typer.Option(min=1, max=12, help="Month the fiscal year starts.")] = 1,
    stage: Annotated[str, typer.Option(help="startup, expansion, mature or transformation.")] = "mature",
    shop: Annotated[list[str] | None, typer.Option(help="CODE:CHANNEL:中文名[:English]; repeat per shop.")] = None,
) -> None:
    """Set up your own company (once) and its shops: the same as POST /api/v1/company and /api/v1/shops."""
    from pydantic import ValidationError

    from workflows.onboarding import flows
    from workflows.onboarding.schemas import CompanyCreate, ShopCreate

    try:
        company = CompanyCreate(
            name_zh=name_zh or typer.prompt("公司名称 (Chinese name)"),
            name_en=name_en or typer.prompt("English name"),
            timezone=timezone,
            fiscal_year_start_month=fiscal_start,
            stage=stage,  # type: ignore[arg-type]
        )
        shops = [ShopCreate.model_validate(_shop(s)) for s in shop or []]
    except ValidationError as exc:
        raise typer.BadParameter(str(exc)) from exc
    with _session() as session:
        made = flows.create_company(session, _system(), company)
        for s in shops:
            flows.create_shop(session, _system(), s)
        session.commit()
        typer.echo(f"company {made.name_zh} / {made.name_en} set up (id {made.id}) with {len(shops)} shop(s)")


def _report(report: dict[str, Any]) -> None:
    keys = (
        "kind",
        "created",
        "updated",
        "unchanged",
        "absent",
        "deactivated",
        "days",
        "total_sales",
        "events",
        "rows",
        "imported",
        "errors",
        "notes",
    )
    for key in keys:
        if key in report and report[key] not in ([], None) and not (key == "rows" and isinstance(report[key], list)):
            value = report[key]
            shown = (
                value
                if not isinstance(value, list)
                else f"{len(value)}: " + json.dumps(value[:10], ensure_ascii=False, default=str)
            )
            typer.echo(f"{key}: {shown}")
    for login in report.get("logins", []):
        typer.echo(f"login {login['username']} ({login['role']}): one-time password {login['one_time_password']}")


def _run(kind: str, file: Path, call: Callable[["Session", Any], dict[str, Any]]) -> None:
    if not file.is_file():
        typer.echo(f"kpilot: no file {file}", err=True)
        raise typer.Exit(2)
    with _session() as session, file.open("rb") as stream:
        report = call(session, stream)
    typer.echo(f"kpilot import {kind}: {file.name}" + (" (dry run: nothing changed)" if report.get("dry_run") else ""))
    _report(report)
    if report.get("errors"):
        raise typer.Exit(1)


@import_app.command("org")
def import_org(
    file: Annotated[Path, typer.Argument(help="CSV or .xlsx contacts export.")],
    dry_run: Annotated[bool, typer.Option(help="Show what would change; change nothing.")] = False,
    deactivate_absent: Annotated[bool, typer.Option(help="Deactivate people missing from the file.")] = False,
) -> None:
    """Import the org chart (departments, positions, people, managers, logins)."""
    from workflows.imports import flows

    _run(
        "org",
        file,
        lambda s, f: flows.import_org(
            s, _system(), source=f, filename=file.name, dry_run=dry_run, deactivate_absent=deactivate_absent
        ),
    )


@import_app.command("sales")
def import_sales(
    file: Annotated[Path, typer.Argument(help="CSV or .xlsx: a daily summary or an order export.")],
    shop: Annotated[str | None, typer.Option(help="The shop's code, for a file without a shop column.")] = None,
    mapping: Annotated[str | None, typer.Option(help='JSON header -> field, e.g. {"统计日期": "ds"}.')] = None,
    dry_run: Annotated[bool, typer.Option(help="Preview the days and totals; change nothing.")] = False,
) -> None:
    """Import sales history (kpilot's layout, a 生意参谋-style daily summary or an order export)."""
    from workflows.imports import flows

    _run(
        "sales",
        file,
        lambda s, f: flows.import_sales(
            s, _system(), source=f, filename=file.name, shop=shop, mapping=mapping, dry_run=dry_run
        ),
    )


@import_app.command("promotions")
def import_promotions(
    file: Annotated[Path, typer.Argument(help="CSV or .xlsx campaign plan.")],
    dry_run: Annotated[bool, typer.Option(help="Check only; change nothing.")] = False,
) -> None:
    """Import the company's campaign plan into the promotion calendar."""
    from workflows.imports import flows

    _run(
        "promotions",
        file,
        lambda s, f: flows.import_promotions(s, _system(), source=f, filename=file.name, dry_run=dry_run),
    )


@import_app.command("kpi-history")
def import_history(
    file: Annotated[Path, typer.Argument(help="CSV or .xlsx scorecards or department outcomes of past periods.")],
    dry_run: Annotated[bool, typer.Option(help="Check only; change nothing.")] = False,
) -> None:
    """Import past periods' scorecards or department outcomes."""
    from workflows.imports import flows

    _run(
        "kpi-history",
        file,
        lambda s, f: flows.import_history(s, _system(), source=f, filename=file.name, dry_run=dry_run),
    )


@eval_app.command("onboarding")
def eval_onboarding(
    rows: Annotated[int, typer.Option(help="Order rows of the import benchmark.")] = 1_000_000,
    seed: Annotated[int, typer.Option(help="Seed of the generated company.")] = 7,
) -> None:
    """Set up a generated 150-person company with 3 years of order exports, step by step; the order-import
    benchmark. Writes eval/results/onboarding.md and eval/results/import_orders_bench.md."""
    from eval.onboarding_eval import main

    for table in main(rows, seed):
        typer.echo(table)


def register(app: typer.Typer) -> None:
    """Add the set-up commands to the `kpilot` CLI."""
    app.command()(init)
    app.add_typer(import_app, name="import")
