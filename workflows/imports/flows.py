"""Import use cases the adapters call: the org chart, templates and the org export."""

from workflows.imports.org import import_org
from workflows.imports.templates import org_export, template

__all__ = ["import_org", "org_export", "template"]
