"""`kpilot coach report CODE`: a person's feedback report from the database; `kpilot eval coaching`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Literal

import typer

from cli.groups import eval_app

coach_app = typer.Typer(help="Coaching: feedback reports and training plans.", no_args_is_help=True)


@coach_app.command("report")
def report(
    employee_code: Annotated[str, typer.Argument(help="Employee code, e.g. E0126.")],
    lang: Annotated[str, typer.Option("--lang", help="Report language: zh or en.")] = "zh",
    training: Annotated[bool, typer.Option("--training/--no-training", help="Also list recommended courses.")] = True,
) -> None:
    """Print the feedback report (and training) of one employee, computed from the configured database."""
    if lang not in ("zh", "en"):
        typer.echo(f"error: --lang {lang!r} is not supported; use --lang zh or --lang en", err=True)
        raise typer.Exit(2)
    from sqlalchemy import select
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from cli.groups import read_only_settings
    from core.db import session_scope
    from core.tables import Employee
    from workflows.coaching import flows as coaching

    settings = read_only_settings()  # reads only: no signing key needed, and never creates a database file
    try:
        with session_scope(settings.database_url, write=False) as session:
            emp = session.execute(select(Employee).where(Employee.code == employee_code)).scalar_one_or_none()
            if emp is None:
                typer.echo(
                    f"error: no employee with code {employee_code!r} in {settings.database_url}; "
                    "list codes with GET /api/v1/employees (or run `kpilot demo` first)",
                    err=True,
                )
                raise typer.Exit(2)
            lang_ok: Literal["zh", "en"] = "zh" if lang == "zh" else "en"
            plan = coaching.plan_for(session, emp, lang=lang_ok, settings=settings)
    except (OperationalError, ProgrammingError) as exc:
        typer.echo(
            f"error: cannot read {settings.database_url} ({type(exc).__name__}); "
            "run `kpilot db upgrade` and `kpilot demo` first",
            err=True,
        )
        raise typer.Exit(2) from exc
    if plan.report is None:
        typer.echo("\n".join(plan.notes) or "No report yet.")
        return
    typer.echo(plan.report.text, nl=False)
    if training and plan.training:
        typer.echo("\n推荐培训：" if lang == "zh" else "\nRecommended training:")
        for t in plan.training:
            hours = f"{t.duration_hours:g}{' 小时' if lang == 'zh' else ' h'}"
            typer.echo(f"- [{t.code}] {t.title} ({t.format}, {hours}): {t.reason}")


@eval_app.command("coaching")
def eval_coaching(
    seed: Annotated[int, typer.Option(help="Demo company seed.")] = 7,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress messages.")] = False,
) -> None:
    """Grade reports of every demo employee (grounding, language, catalogue-only, counterfactual) and time them."""
    from eval.coaching_eval import run_coaching_eval, write_results

    def say(msg: str) -> None:
        if not quiet:
            print(f"[eval coaching] {msg}", file=sys.stderr, flush=True)

    rows, timings = run_coaching_eval(seed=seed, say=say)
    n_people = max((r.total for r in rows if r.check == "grounding"), default=0)
    typer.echo(write_results(rows, timings, n_people), nl=False)
    typer.echo("written: eval/results/coaching_eval.md, eval/results/coaching_eval.csv", err=True)


@eval_app.command("pace")
def eval_pace(
    stores: Annotated[int, typer.Option(help="Rossmann stores sampled (the data is read from ../shared/data).")] = 20,
    seed: Annotated[int, typer.Option(help="Demo company and sampling seed.")] = 7,
    data_dir: Annotated[Path, typer.Option(help="Where rossmann/ lives.")] = Path("../shared/data/rossmann"),
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress messages.")] = False,
) -> None:
    """Forecast-based pace vs the straight line: calibration of the chance of a target and the error of the
    projected month end at 25/50/75% of the month (demo shops; Rossmann when present); eval/results/pace_eval.md."""
    from eval.pace_eval import run_pace_eval

    def say(msg: str) -> None:
        if not quiet:
            print(f"[eval pace] {msg}", file=sys.stderr, flush=True)

    _cal, errors = run_pace_eval(data_dir=data_dir, stores=stores, seed=seed, results_dir=Path("eval/results"), say=say)
    typer.echo(errors.to_string(index=False))
    typer.echo("written: eval/results/pace_eval.md (+ _errors.csv, _calibration.csv)", err=True)


def register(app: typer.Typer) -> None:
    """Add `kpilot coach ...` (the eval command registers itself on the shared eval sub-app)."""
    app.add_typer(coach_app, name="coach")


@eval_app.command("loop")
def eval_loop(
    seed: Annotated[int, typer.Option(help="Demo company seed.")] = 7,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress messages.")] = False,
) -> None:
    """Run the loop on the demo for two quarters: weights used, sales ranges and chances, target sources."""
    from eval.loop_eval import run_loop_eval
    from eval.loop_eval import write_results as write_loop

    def say(msg: str) -> None:
        if not quiet:
            print(f"[eval loop] {msg}", file=sys.stderr, flush=True)

    typer.echo(write_loop(run_loop_eval(seed=seed, say=say)), nl=False)
    typer.echo("written: eval/results/loop_eval.md, eval/results/loop_eval.csv", err=True)
