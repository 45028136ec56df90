"""Import use cases the adapters call: the org chart, shop sales exports, templates and the org export."""

from typing import Any

from sqlalchemy.orm import Session

from core.security import Caller
from core.settings import Settings
from workflows.goals import imports as plain_imports
from workflows.goals.imports import SALES_COLUMNS
from workflows.imports.background import get_job, job_view, queue_sales_import, size_of
from workflows.imports.history import import_history
from workflows.imports.mapping import parse_mapping
from workflows.imports.org import import_org
from workflows.imports.promotions import import_promotions
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
    if (
        settings is not None
        and not isinstance(source, bytes)
        and (background or (background is None and size_of(source) > settings.import_background_bytes))
    ):
        options = {"shop": shop, "mapping": given, "dry_run": dry_run}
        return queue_sales_import(
            session, caller, source=source, filename=filename, options=options, folder=settings.import_dir
        )
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
