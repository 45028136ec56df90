"""`kpilot weights fit`: propose KPI weights from a CSV of indicator achievements and an outcome (issue 7)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from cli.groups import eval_app

if TYPE_CHECKING:
    from kpi.weights.result import WeightsReport

weights_app = typer.Typer(help="Indicator weights from data: propose weights with evidence.", no_args_is_help=True)


def _fail(message: str) -> NoReturn:
    """Print a user error on stderr and exit with code 2."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _names(text: str, option: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        _fail(f"{option} is empty; give comma-separated column names, e.g. {option} a,b,c")
    return names


def parse_current(text: str) -> dict[str, float]:
    """Parse 'a=40,b=30,c=30' (names may contain '=' before the last one)."""
    out: dict[str, float] = {}
    for part in (p.strip() for p in text.split(",") if p.strip()):
        name, sep, value = part.rpartition("=")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            name = ""
        if not sep or not name.strip():
            _fail(f"--current item {part!r} is not NAME=NUMBER; write e.g. --current a=40,b=30,c=30")
    return out


def parse_bounds(text: str) -> tuple[float, float]:
    """Parse '5,40' into (5.0, 40.0)."""
    parts = [p.strip() for p in text.split(",")]
    try:
        lo, hi = (float(p) for p in parts)
    except ValueError:
        _fail(f"--bounds {text!r} must be two numbers MIN,MAX, e.g. --bounds 5,40")
    return lo, hi


@weights_app.command("fit")
def fit(
    data: Annotated[Path, typer.Argument(help="CSV file: one row per person (or team) and period.")],
    outcome: Annotated[str, typer.Option(help="Column with the business outcome.")],
    indicators: Annotated[str, typer.Option(help="Comma-separated indicator columns.")],
    lower_is_better: Annotated[str, typer.Option(help="Comma-separated indicators where lower is better.")] = "",
    current: Annotated[str, typer.Option(help="Current weights, e.g. a=40,b=30,c=30 (sum 100).")] = "",
    group: Annotated[str, typer.Option(help="Column to fit separately per value (e.g. department).")] = "",
    bounds: Annotated[str, typer.Option(help="Minimum and maximum weight in percent.")] = "5,40",
    n_boot: Annotated[int, typer.Option(help="Bootstrap resamples for the intervals.")] = 200,
    seed: Annotated[int, typer.Option(help="Random seed (bootstrap and CV folds).")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the full result as JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress on stderr.")] = False,
) -> None:
    """Propose indicator weights per group with intervals, CV scores and warnings."""
    import pandas as pd

    from kpi.errors import NonNumericColumnError, WeightsError
    from kpi.weights import WeightsSettings, fit_weights

    if not data.is_file():
        _fail(f"{data}: file not found; give the path of a CSV file")
    try:
        df = pd.read_csv(data)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        _fail(f"{data}: cannot read as CSV ({exc}); save it as UTF-8 CSV with a header row")
    progress = None if quiet else (lambda msg: typer.echo(msg, err=True))
    try:
        report = fit_weights(
            df,
            outcome=outcome.strip(),
            indicators=_names(indicators, "--indicators"),
            lower_is_better=_names(lower_is_better, "--lower-is-better") if lower_is_better else [],
            current=parse_current(current) if current else None,
            group=group.strip() or None,
            bounds=parse_bounds(bounds),
            settings=WeightsSettings(n_boot=n_boot, seed=seed),
            progress=progress,
        )
    except NonNumericColumnError as exc:
        # CSV line = data row + 2 (1-based lines, one header line).
        _fail(f"{data}, line {exc.row + 2}: {exc}")
    except WeightsError as exc:
        _fail(f"{data}: {exc}")
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2, allow_nan=False))
    else:
        _print_table(report)


def _print_table(report: WeightsReport) -> None:
    """Human-readable summary: one block per group."""
    out = sys.stdout
    for name, g in report.groups.items():
        out.write(
            f"\n== group {name}  (n={g.n}, cv spearman: proposal {g.cv_score['proposal']:.3f}, "
            f"equal {g.cv_score['equal']:.3f}"
            + (f", current {g.cv_score['current']:.3f}" if g.cv_score["current"] is not None else "")
            + ")\n"
        )
        out.write(f"{'indicator':<28}{'weight':>8}{'range':>18}{'coef':>9}{'coef ci':>20}{'VIF':>7}\n")
        for ind, w in g.weights.items():
            lo, hi = g.weights_ci[ind]
            clo, chi = g.ci[ind]
            out.write(
                f"{ind[:27]:<28}{w:>8.1f}{f'[{lo:.1f}, {hi:.1f}]':>18}{g.coef[ind]:>9.3f}"
                f"{f'[{clo:.3f}, {chi:.3f}]':>20}{g.vif[ind]:>7.1f}\n"
            )
        for warning in g.warnings:
            out.write(f"  ! {warning.en}\n")
    for name, r in report.refused.items():
        out.write(f"\n== group {name}: no proposal ({r.code}): {r.message}\n")


@eval_app.command("weights")
def eval_weights(
    reps: Annotated[int, typer.Option(help="Synthetic datasets per configuration.")] = 40,
    n_boot: Annotated[int, typer.Option(help="Bootstrap resamples per fit.")] = 200,
    out_dir: Annotated[Path, typer.Option(help="Where the tables are written.")] = Path("eval/results"),
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress on stderr.")] = False,
) -> None:
    """Weights eval: synthetic coverage and error, real-data proposals vs equal weights, speed on 50k x 10."""
    from eval.weights_eval import run_all

    if reps < 1 or n_boot < 10:
        _fail("--reps must be >= 1 and --n-boot >= 10")
    progress = None if quiet else (lambda msg: typer.echo(msg, err=True))
    for title, table in run_all(out_dir=out_dir, reps=reps, n_boot=n_boot, progress=progress):
        typer.echo(f"\n## {title}\n")
        typer.echo(table)
    typer.echo(f"\ntables written to {out_dir}/weights_*.md and .csv")


def register(app: typer.Typer) -> None:
    """Add the `weights` sub-app (`kpilot weights fit`); `kpilot eval weights` sits on the shared eval app."""
    app.add_typer(weights_app, name="weights")
