"""`kpilot eval web`: the web app's page load times on the demo company, in Chromium."""

import os
import sys
from typing import Annotated

import typer

from cli.groups import eval_app


@eval_app.command("web")
def eval_web(
    chromium: Annotated[str, typer.Option(help="Chromium executable (Debian: apt-get install chromium).")] = (
        "/usr/bin/chromium"
    ),
    today: Annotated[str, typer.Option(help="The demo's date (KPILOT_TODAY).")] = "2026-11-18T10:00:00+08:00",
    warm_runs: Annotated[int, typer.Option(min=1, max=20, help="Warm loads per page (the median is shown).")] = 3,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress messages.")] = False,
) -> None:
    """Time the first and warm load of each main page (login, plan, team, draft, weights, grades, anomalies,
    audit, admin) and write eval/results/web_load.md."""
    from eval.web_bench import run_web_bench, write_results

    def say(msg: str) -> None:
        if not quiet:
            print(f"[eval web] {msg}", file=sys.stderr, flush=True)

    load = os.getloadavg()
    rows = run_web_bench(chromium=chromium, today=today, warm_runs=warm_runs, say=say)
    typer.echo(write_results(rows, warm_runs=warm_runs, today=today, load=load), nl=False)
    typer.echo("written: eval/results/web_load.md", err=True)


def register(app: typer.Typer) -> None:
    """The command registers itself on the shared eval sub-app when imported."""
