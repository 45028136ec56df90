"""The `kpilot` command line. Each command imports its heavy dependencies lazily so `--help` stays fast."""

import importlib

import typer

from cli.groups import eval_app

app = typer.Typer(
    name="kpilot",
    help="kpilot: goal setting and coaching for e-commerce teams (target ranges, OKR cascades, scoring, weights).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)
app.add_typer(eval_app, name="eval")

# Each command module exposes `register(app)`; modules of features still being built may be absent.
for _name in ("service_cmds", "forecast_cmds", "weights_cmds", "cascade_cmds", "coach_cmds"):
    try:
        _mod = importlib.import_module(f"cli.{_name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"cli.{_name}":
            raise
        continue
    _mod.register(app)
