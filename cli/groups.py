"""Typer sub-applications and helpers shared by several command modules."""

from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from core.settings import ReadSettings

eval_app = typer.Typer(
    help="Quality and speed evaluations; each writes a table to eval/results/.", no_args_is_help=True
)


def read_only_settings() -> "ReadSettings":
    """Settings for a command that only reads: the token signing key is not needed, so it is not required.

    Refuses (exit 2) when the configured SQLite file does not exist, instead of creating an empty one."""
    from core.settings import ReadSettings

    try:
        settings = ReadSettings()
    except ValueError as exc:
        typer.echo(f"kpilot: configuration error: {exc}", err=True)
        raise typer.Exit(2) from exc
    url = settings.database_url
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1].split("?", 1)[0]
        if path in ("", ":memory:") or not Path(path).is_file():
            typer.echo(
                f"kpilot: there is no database at {path or url}. Set DATABASE_URL to your database "
                "(or run `kpilot demo` to create the demo one); nothing was created.",
                err=True,
            )
            raise typer.Exit(2)
    return settings
