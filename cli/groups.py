"""Typer sub-applications shared by several command modules."""

import typer

eval_app = typer.Typer(
    help="Quality and speed evaluations; each writes a table to eval/results/.", no_args_is_help=True
)
