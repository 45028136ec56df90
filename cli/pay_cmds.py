"""`kpilot pay calibration|reviews|allocation` (read the database) and `kpilot eval pay`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Annotated, Any

import typer

from cli.groups import eval_app

pay_app = typer.Typer(help="Pay: bonus allocations, second review and calibration (reads only).", no_args_is_help=True)


def _read(work: Callable[[Any], Any]) -> Any:
    """Run `work(session)` on the configured database, read-only; exit 2 with advice when it cannot be read."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from cli.groups import read_only_settings
    from core.db import session_scope
    from core.errors import KpilotError

    settings = read_only_settings()
    try:
        with session_scope(settings.database_url, write=False) as session:
            return work(session)
    except (OperationalError, ProgrammingError) as exc:
        typer.echo(
            f"error: cannot read {settings.database_url} ({type(exc).__name__}); run `kpilot db upgrade` "
            "and `kpilot demo` first",
            err=True,
        )
        raise typer.Exit(2) from exc
    except KpilotError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc


def _period_id(session: Any, code: str | None) -> int | None:
    from sqlalchemy import select

    from core.errors import NotFound
    from core.tables import Period

    if code is None:
        return None
    pid = session.execute(select(Period.id).where(Period.code == code)).scalar_one_or_none()
    if pid is None:
        raise NotFound(f"no period with code {code!r} (e.g. 2026-10 or 2026-Q4)")
    return int(pid)


@pay_app.command("calibration")
def calibration(
    period: Annotated[str | None, typer.Option(help="Period code, e.g. 2026-10 (default: the latest pool's).")] = None,
    lang: Annotated[str, typer.Option(help="zh or en.")] = "zh",
) -> None:
    """Grade distribution against the 20/50/30 guide, team by team, with the reasons for teams above it."""
    from workflows.pay import flows

    body = _read(lambda s: flows.calibration(s, _period_id(s, period)))
    sh = body["shares"]
    typer.echo(
        f"{body['period_code']}: {body['people']} people, excellent {sh['excellent']:.0%} / good "
        f"{sh['good']:.0%} / needs improvement {sh['needs_improvement']:.0%} (guide 20/50/30)"
    )
    for t in body["teams"]:
        mark = " ABOVE GUIDE" if t["above_guide"] else ""
        typer.echo(
            f"- {t['team']}: {t['people']} people, {t['method']}, excellent {t['shares']['excellent']:.0%}{mark}"
        )
        for reason in t["reasons_zh" if lang == "zh" else "reasons_en"]:
            typer.echo(f"    {reason}")


@pay_app.command("reviews")
def list_reviews(
    status: Annotated[str, typer.Option(help="open, confirmed or adjusted.")] = "open",
    lang: Annotated[str, typer.Option(help="zh or en.")] = "zh",
) -> None:
    """Second-review items with their evidence."""
    from sqlalchemy import select

    from core.tables import ReviewItem

    def work(s: Any) -> list[Any]:
        return list(s.execute(select(ReviewItem).where(ReviewItem.status == status).order_by(ReviewItem.id)).scalars())

    for item in _read(work):
        text = item.explanation_zh if lang == "zh" else item.explanation_en
        typer.echo(f"#{item.id} [{item.code}] {item.subject}: {text}")


@pay_app.command("allocation")
def allocation(period: Annotated[str, typer.Argument(help="Period code of the pool, e.g. 2026-10.")]) -> None:
    """A pool's allocation per department, and the check that lines + retained = pool."""
    from sqlalchemy import select

    from core.errors import NotFound
    from core.tables import BonusPool
    from kpi.pay import yuan
    from workflows.pay import flows

    def work(s: Any) -> dict[str, Any]:
        pid = _period_id(s, period)
        pool = s.execute(select(BonusPool).where(BonusPool.period_id == pid)).scalar_one_or_none()
        if pool is None:
            raise NotFound(f"no bonus pool for period {period}")
        return flows.pool_allocation(s, pool.id)

    body = _read(work)
    typer.echo(
        f"pool {yuan(body['pool_fen'])} yuan, {body['status']}, payout {body['payout']:.1%}, "
        f"retained {yuan(body['retained_fen'])}; lines + retained = {yuan(body['total_fen'])}"
    )
    for d in body["departments"]:
        typer.echo(
            f"- {d['code']}: {d['headcount']} people, pot {yuan(d['pot_fen'])}, weight {d['weight']:.4g} "
            f"(score {d['performance']:.3f} x outcome {d['outcome_factor']:.3f} x key {d['key_factor']:.3f})"
        )
    if body["waiting_for_reviews"]:
        typer.echo(f"waiting for reviews: {body['waiting_for_reviews']}")


@eval_app.command("pay")
def eval_pay(
    seed: Annotated[int, typer.Option(help="Synthetic company seed.")] = 7,
    pools: Annotated[int, typer.Option(help="Random pools for the exact-sum check.")] = 200,
) -> None:
    """Planted inflation, full pay-out and manager divergence; exact sums; traces; counterfactual invariance."""
    from eval.pay_eval import run_pay_eval, write_results

    print("[eval pay] running ...", file=sys.stderr, flush=True)
    rows, summary = run_pay_eval(seed=seed, pools=pools)
    typer.echo(write_results(rows, summary), nl=False)
    typer.echo("written: eval/results/pay_eval.md, eval/results/pay_eval.csv", err=True)


@eval_app.command("cycle")
def eval_cycle(
    seed: Annotated[int, typer.Option(help="Demo company seed.")] = 7,
    employees: Annotated[int, typer.Option(help="Demo company size.")] = 150,
) -> None:
    """The demo company through a whole review cycle with simulated behaviour: stage durations, reminders, answers,
    and that nothing locked changes afterwards."""
    from eval.cycle_eval import run_cycle_eval
    from eval.cycle_table import write_results as write_cycle

    print("[eval cycle] loading the demo company and running a cycle day by day ...", file=sys.stderr, flush=True)
    rows, summary = run_cycle_eval(seed=seed, n_employees=employees)
    typer.echo(write_cycle(rows, summary), nl=False)
    typer.echo("written: eval/results/cycle_eval.md, eval/results/cycle_eval.csv", err=True)


def register(app: typer.Typer) -> None:
    """Add `kpilot pay ...` (the eval command registers itself on the shared eval sub-app)."""
    app.add_typer(pay_app, name="pay")
