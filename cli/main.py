"""The `kpilot` command line. Each command imports its heavy dependencies lazily so `--help` stays fast."""

import typer

from cli import (
    cascade_cmds,
    coach_cmds,
    forecast_cmds,
    load_cmds,
    onboarding_cmds,
    pay_cmds,
    process_cmds,
    service_cmds,
    web_cmds,
    weights_cmds,
    worker_cmds,
)
from cli.groups import eval_app

app = typer.Typer(
    name="kpilot",
    help="kpilot: goal setting and coaching for e-commerce teams (target ranges, OKR cascades, scoring, weights).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)
app.add_typer(eval_app, name="eval")

for _module in (
    service_cmds,
    forecast_cmds,
    cascade_cmds,
    weights_cmds,
    coach_cmds,
    worker_cmds,
    load_cmds,
    process_cmds,
    web_cmds,
    pay_cmds,
    onboarding_cmds,
):
    _module.register(app)
