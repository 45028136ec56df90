"""Import use cases the adapters call: the org chart, shop sales exports, templates and the org export."""

from typing import Any

from sqlalchemy.orm import Session

from core.security import Caller
from workflows.goals import imports as plain_imports
from workflows.goals.imports import SALES_COLUMNS
from workflows.imports.history import import_history
from workflows.imports.mapping import parse_mapping
from workflows.imports.org import import_org
from workflows.imports.promotions import import_promotions
from workflows.imports.reader import Source, Table
from workflows.imports.sales import import_sales_file
from workflows.imports.templates import org_export, template

__all__ = ["import_history", "import_org", "import_promotions", "import_sales", "org_export", "template"]


def import_sales(
    session: Session,
    caller: Caller,
    *,
    source: Source,
    filename: str,
    shop: str | None = None,
    mapping: str | None = None,
    dry_run: bool = False,
) -> dict[str, Any]:
    """kpilot's own layout (shop_code, ds, sales, ...) as before; any shop export through a column mapping."""
    given = parse_mapping(mapping)
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
