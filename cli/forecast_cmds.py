"""`kpilot forecast` (daily quantiles and period totals from a CSV) and `kpilot eval forecast`."""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from cli.groups import eval_app

HINT = "fix the lines named above and run again"


def register(app: typer.Typer) -> None:
    """Add `forecast` to the main app and `forecast` to `kpilot eval`."""
    app.command("forecast")(forecast)
    eval_app.command("forecast")(eval_forecast)
    eval_app.command("forecast-scale")(eval_forecast_scale)


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temp path beside `target` that replaces it only when the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield Path(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 would make the result private
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@contextmanager
def progress(quiet: bool, total: int) -> Iterator[Callable[[str], None]]:
    """A progress bar on stderr fed by the `forecasting` logger (silent with --quiet)."""
    if quiet:
        yield lambda _msg: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=Console(stderr=True))
    task = bar.add_task("forecast", total=total)

    class _Handler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            bar.update(task, advance=1, description=record.getMessage()[:60])

    handler = _Handler(logging.INFO)
    logger = logging.getLogger("forecasting")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    with bar:
        try:
            yield lambda msg: bar.update(task, advance=1, description=msg[:60])
            bar.update(task, completed=total)
        finally:
            logger.removeHandler(handler)
            logger.setLevel(old_level)


def _fail(message: str, hint: str = HINT) -> None:
    typer.echo(f"error: {message}\nwhat to do: {hint}", err=True)
    raise typer.Exit(code=2)


def forecast(
    history: Annotated[Path, typer.Argument(help="History CSV (optionally .gz), one row per series and date.")],
    calendar: Annotated[Path, typer.Option(help="Calendar CSV with the horizon dates and known regressors.")],
    out: Annotated[Path, typer.Option(help="Where to write unique_id, ds, p50, lo-L, hi-L.")],
    id_col: Annotated[str, typer.Option(help="Series id column.")] = "unique_id",
    date_col: Annotated[str, typer.Option(help="Date column.")] = "ds",
    value_col: Annotated[str, typer.Option(help="Value column (e.g. Sales).")] = "y",
    open_col: Annotated[str | None, typer.Option(help="0/1 column; closed days forecast exactly 0.")] = None,
    level: Annotated[list[int] | None, typer.Option(help="Interval level in %, repeatable.")] = None,
    totals_out: Annotated[Path | None, typer.Option(help="Where to write period totals.")] = None,
    models_out: Annotated[
        Path | None, typer.Option(help="Where to write unique_id, model, why: each series' model and the reason.")
    ] = None,
    period: Annotated[str, typer.Option(help="Period of the totals: horizon or month.")] = "horizon",
    plot: Annotated[Path | None, typer.Option(help="Directory for one fan chart PNG per series.")] = None,
    lang: Annotated[str, typer.Option(help="Language of the fan charts: zh or en.")] = "en",
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
    n_jobs: Annotated[int, typer.Option(help="Parallel jobs for per-series models.")] = 1,
    non_negative: Annotated[
        bool, typer.Option(help="Refuse negative values (by default they are valid: returns, refunds).")
    ] = False,
) -> None:
    """Forecast every series over the calendar dates after its history; write quantiles and totals."""
    from forecasting.errors import ForecastingError

    levels = tuple(level or [80])
    if period not in ("horizon", "month"):
        _fail(f"--period must be horizon or month, not {period!r}", "use --period horizon or --period month")
    if lang not in ("zh", "en"):
        _fail(f"--lang must be zh or en, not {lang!r}", "use --lang zh or --lang en")
    for path in (history, calendar):
        if not path.is_file():
            _fail(f"{path} does not exist", "pass the path of an existing CSV file")
    try:
        _run_forecast(
            history,
            calendar,
            out,
            id_col,
            date_col,
            value_col,
            open_col,
            levels,
            totals_out,
            period,
            plot,
            quiet,
            n_jobs,
            non_negative,
            lang,
            models_out,
        )
    except ForecastingError as exc:
        _fail(str(exc), exc.hint)


def _run_forecast(history: Path, calendar: Path, out: Path, id_col: str, date_col: str, value_col: str,
                  open_col: str | None, levels: tuple[int, ...], totals_out: Path | None, period: str,
                  plot: Path | None, quiet: bool, n_jobs: int, nonnegative: bool = False,
                  lang: str = "en", models_out: Path | None = None) -> None:  # fmt: skip
    import pandas as pd

    from forecasting.auto import AutoForecaster
    from forecasting.batch import batch_forecast
    from forecasting.files import read_inputs, write_plots
    from forecasting.targets import period_totals

    started = time.perf_counter()
    hist, cal, regressors = read_inputs(
        history, calendar, id_col, date_col, value_col, open_col, nonnegative=nonnegative
    )
    model = AutoForecaster(horizon=cal.attrs["horizon"], n_jobs=n_jobs)
    with progress(quiet, total=12) as step:
        step(f"{hist['unique_id'].nunique()} series, regressors {regressors or 'none'}")
        result = batch_forecast(model, hist, cal, level=levels, n_jobs=n_jobs)
        for note in dict.fromkeys(result.paths.notes):  # what was done with imperfect input, always shown
            typer.echo(f"note: {note}", err=True)
        step("writing")
        with atomic_path(out) as tmp:
            result.forecast.to_csv(tmp, index=False, date_format="%Y-%m-%d", float_format="%.2f")
        if totals_out is not None:
            totals = period_totals(result.paths, period, levels).drop(columns="period")
            with atomic_path(totals_out) as tmp:
                totals.to_csv(tmp, index=False, date_format="%Y-%m-%d", float_format="%.2f")
        if models_out is not None:
            why = pd.DataFrame({"model": result.model_names(), "why": result.reasons()}).rename_axis("unique_id")
            with atomic_path(models_out) as tmp:
                why.reset_index().to_csv(tmp, index=False)
        if plot is not None:
            step("drawing fan charts")
            write_plots(plot, hist, result.forecast, cal, lang)
    if not quiet:
        models = result.model_names().value_counts().to_dict()
        rows = len(result.forecast)
        typer.echo(f"wrote {out} ({rows} rows) in {time.perf_counter() - started:.0f} s; models {models}", err=True)


FREQS = ("daily", "weekly", "rossmann-weekly", "monthly", "generated")


def eval_forecast(
    stores: Annotated[str, typer.Option(help="Number of stores (a seeded sample) or 'all'.")] = "100",
    windows: Annotated[int, typer.Option(help="Backtest windows scored (0: no backtest; daily only).")] = 3,
    horizon: Annotated[int, typer.Option(help="Days per window (daily only).")] = 42,
    freq: Annotated[
        list[str] | None,
        typer.Option(
            help="daily (Rossmann, ours vs seasonal naive), weekly (Walmart store-department weeks, rolling "
            "origins before 2012-07-27), rossmann-weekly / monthly (Rossmann summed to weeks / months) or "
            "generated (a generated weekly panel): all but daily side by side with seasonal naive, AutoETS, "
            "MSTL and a reference gradient-boosting model. Repeatable."
        ),
    ] = None,
    data_dir: Annotated[Path, typer.Option(help="Folder with the Rossmann files.")] = Path("../shared/data/rossmann"),
    walmart_dir: Annotated[Path, typer.Option(help="Folder with the Walmart files (--freq weekly).")] = Path(
        "../shared/data/walmart"
    ),
    series: Annotated[int, typer.Option(help="Walmart series sampled (--freq weekly).")] = 300,
    origins: Annotated[
        str | None,
        typer.Option(help="Weekly: score only these origins (comma-separated dates), for a quicker development run."),
    ] = None,
    results_dir: Annotated[Path, typer.Option(help="Where the table is written.")] = Path("eval/results"),
    forecast_out: Annotated[
        Path | None, typer.Option(help="Also forecast all stores over the calendar file into this CSV.")
    ] = None,
    holdout: Annotated[
        bool,
        typer.Option(
            help="Daily: also fit as `kpilot forecast` does on the history up to --horizon days before its end "
            "and score those held-out days."
        ),
    ] = True,
) -> None:
    """Rolling-origin backtests on Rossmann (daily, weekly, monthly) and a generated weekly panel; writes
    one table per data set to eval/results/."""
    from eval.forecast_bench import HISTORY_FILE, run, write_inputs

    freqs = list(dict.fromkeys(freq or ["daily"]))
    unknown = [f for f in freqs if f not in FREQS]
    if unknown:
        _fail(
            f"--freq {unknown[0]!r} is not one of {', '.join(FREQS)}",
            "pass --freq daily, weekly, rossmann-weekly, monthly or generated",
        )
    from eval.forecast_walmart import HISTORY_FILE as WALMART_FILE

    have_data = (data_dir / HISTORY_FILE).is_file()
    if not have_data and set(freqs) - {"generated", "weekly"}:
        typer.echo(f"skipped: {data_dir / HISTORY_FILE} not found (the benchmark needs ../shared/data)", err=True)
        freqs = [f for f in freqs if f in ("generated", "weekly")]
    if "weekly" in freqs and not (walmart_dir / WALMART_FILE).is_file():
        typer.echo(f"skipped: {walmart_dir / WALMART_FILE} not found (the weekly benchmark needs it)", err=True)
        freqs = [f for f in freqs if f != "weekly"]
    if not freqs:
        raise typer.Exit(code=0)
    n = None if stores == "all" else int(stores)
    handler = logging.StreamHandler(sys.stderr)  # one line per backtest window as progress
    logger = logging.getLogger("forecasting")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        for name in freqs:
            if name == "daily" and windows > 0:
                table = run(data_dir, n, windows, horizon, results_dir, lambda msg: typer.echo(msg, err=True), holdout)
            elif name == "weekly":
                from eval.forecast_walmart import ORIGINS as WALMART_ORIGINS
                from eval.forecast_walmart import run as run_walmart

                chosen = tuple(o.strip() for o in origins.split(",")) if origins else WALMART_ORIGINS
                if unknown_origin := [o for o in chosen if o not in WALMART_ORIGINS]:
                    _fail(
                        f"--origins {unknown_origin[0]!r} is not a weekly origin",
                        f"pick among {', '.join(WALMART_ORIGINS)}",
                    )
                table = run_walmart(
                    walmart_dir, series, results_dir, lambda msg: typer.echo(msg, err=True), origins=chosen
                )
            elif name != "daily":
                from eval.forecast_freq import run as run_freq

                table = run_freq(name, data_dir, n, results_dir, lambda msg: typer.echo(msg, err=True))
            else:
                continue
            sys.stdout.write(table + "\n")
    finally:
        logger.removeHandler(handler)
    if forecast_out is not None and have_data:
        # The same path as `kpilot forecast`, on the Rossmann files plus the store.csv regressors.
        with tempfile.TemporaryDirectory() as tmp:
            hist, cal = write_inputs(data_dir, Path(tmp))
            totals = forecast_out.with_name(forecast_out.stem + "_totals.csv")
            _run_forecast(hist, cal, forecast_out, "Store", "Date", "Sales", "Open", (80,), totals, "horizon",
                          None, False, 1)  # fmt: skip


def eval_forecast_scale(
    series: Annotated[int, typer.Option(help="Number of generated daily series.")] = 10_000,
    group_size: Annotated[int, typer.Option(help="Series per group (one global model each).")] = 1000,
    workers: Annotated[int, typer.Option(help="Worker processes of the LocalCluster.")] = 2,
    compare_local: Annotated[bool, typer.Option(help="Also time the same run in this process.")] = False,
    results_dir: Annotated[Path, typer.Option(help="Where the table is written.")] = Path("eval/results"),
) -> None:
    """Series per second of batch_forecast on a dask.distributed LocalCluster (generated daily series)."""
    from eval.forecast_scale import run

    table = run(series, group_size, workers, results_dir, lambda msg: typer.echo(msg, err=True), compare_local)
    sys.stdout.write(table)
