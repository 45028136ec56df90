"""What the import routes answer about a background import."""

from typing import Any

from pydantic import BaseModel, Field


class ImportJobPublic(BaseModel):
    """A background import: its status, the rows read so far and, when done, the import's report."""

    import_job_id: int
    status: str = Field(description="queued, running, done or failed.")
    file: str
    rows_read: int
    report: dict[str, Any] | None = Field(default=None, description="The import's report once it ran.")
    error: str | None = None
    version: int
