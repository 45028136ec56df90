"""Import use cases the adapters call: the org chart, shop sales exports, templates and the org export."""

from typing import IO, Any, cast

from sqlalchemy.orm import Session

from core.security import Caller
from core.settings import Settings
from workflows.goals import imports as plain_imports
from workflows.goals.imports import SALES_COLUMNS
from workflows.imports import history, org, promotions
from workflows.imports.background import get_job, job_view, queue_import, wants_background
from workflows.imports.mapping import parse_mapping
from workflows.imports.reader import Source, Table
from workflows.imports.sales import import_sales_file
from workflows.imports.templates import org_export, template

__all__ = ["import_job", "import_history", "import_org", "import_promotions", "import_sales", "org_export", "template"]


def import_sales(
    session: Session,
    caller: Caller,
    *,
    source: Source,
    filename: str,
    shop: str | None = None,
    mapping: str | None = None,
    dry_run: bool = False,
    background: bool | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """kpilot's own layout (shop_code, ds, sales, ...) as before; any shop export through a column mapping. A
    file over `import_background_bytes` (or any with `background`) is queued as a job with progress."""
    given = parse_mapping(mapping)
    if settings is not None and wants_background(source, settings, background):
        options = {"shop": shop, "mapping": given, "dry_run": dry_run}
        return queue_import(
            session, caller, "sales", source=cast(IO[bytes], source), filename=filename, options=options,
            folder=settings.import_dir,
        )  # fmt: skip
    if given is None and shop is None and not dry_run:
        header = Table(source, filename).header
        if hasattr(source, "seek"):
            source.seek(0)
        if all(c in header for c in SALES_COLUMNS):
            n = plain_imports.import_sales(session, caller, content=source, filename=filename)
            return {"imported": n, "file": filename, "kind": "kpilot", "errors": []}
    return import_sales_file(
        session, caller, source=source, filename=filename, shop=shop, mapping=given, dry_run=dry_run
    )


def import_job(session: Session, caller: Caller, job_id: int) -> dict[str, Any]:
    """A background import's status, rows read so far and, when done, its report."""
    return job_view(get_job(session, caller, job_id))


def _queued(
    session: Session, caller: Caller, kind: str, source: Source, filename: str, options: dict[str, Any],
    settings: Settings | None, background: bool | None,
) -> dict[str, Any] | None:  # fmt: skip
    """The queued job's answer when the upload runs in the background (large, or asked for), else None."""
    if settings is None or not wants_background(source, settings, background):
        return None
    stream = cast(IO[bytes], source)
    return queue_import(
        session, caller, kind, source=stream, filename=filename, options=options, folder=settings.import_dir
    )


def import_org(
    session: Session,
    caller: Caller,
    *,
    source: Source,
    filename: str,
    dry_run: bool,
    deactivate_absent: bool = False,
    background: bool | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """The org chart (`org.import_org`), as a background job when the file is large or `background` asks."""
    options = {"dry_run": dry_run, "deactivate_absent": deactivate_absent}
    queued = _queued(session, caller, "org", source, filename, options, settings, background)
    if queued is not None:
        return queued
    return org.import_org(
        session, caller, source=source, filename=filename, dry_run=dry_run, deactivate_absent=deactivate_absent
    )


def import_history(
    session: Session,
    caller: Caller,
    *,
    source: Source,
    filename: str,
    dry_run: bool,
    background: bool | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """Past periods (`history.import_history`), as a background job when the file is large or asked for."""
    queued = _queued(session, caller, "kpi-history", source, filename, {"dry_run": dry_run}, settings, background)
    if queued is not None:
        return queued
    return history.import_history(session, caller, source=source, filename=filename, dry_run=dry_run)


def import_promotions(
    session: Session,
    caller: Caller,
    *,
    source: Source,
    filename: str,
    dry_run: bool,
    background: bool | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """The campaign plan (`promotions.import_promotions`), as a background job when large or asked for."""
    queued = _queued(session, caller, "promotions", source, filename, {"dry_run": dry_run}, settings, background)
    if queued is not None:
        return queued
    return promotions.import_promotions(session, caller, source=source, filename=filename, dry_run=dry_run)
