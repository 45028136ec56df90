"""Large imports as jobs: the upload is stored, a queued job imports it with progress (`rows_read`), and the
report (or the refusal with its row errors) is kept on the import job for the caller to read."""

import re
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from core.clock import Clock
from core.db import session_scope
from core.errors import InvalidInput, KpilotError, NotFound, coded
from core.security import Caller
from core.tables import ImportJob
from workflows.imports.mapping import Mapping
from workflows.imports.sales import import_sales_file
from workflows.jobs import queue
from workflows.org.users import caller_for
from workflows.shared import common


def size_of(source: IO[bytes]) -> int:
    """The upload's size in bytes (it is spooled to disk; nothing is read)."""
    source.seek(0, 2)
    size = source.tell()
    source.seek(0)
    return size


@common.use_case
def queue_sales_import(
    session: Session, caller: Caller, *, source: IO[bytes], filename: str, options: dict[str, Any], folder: str
) -> dict[str, Any]:
    """Store the upload and queue its import; the answer names the import job to follow."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    path = Path(folder) / f"{uuid.uuid4().hex}-{re.sub(r'[^A-Za-z0-9_.-]', '_', filename)[-80:]}"
    with path.open("wb") as out:
        shutil.copyfileobj(source, out, 1 << 20)
    job = ImportJob(kind="sales", filename=filename[:200], path=str(path), options=options, requested_by=caller.user_id)
    common.create(session, job, caller=caller, entity="import_job")
    queue.enqueue(session, "import", {"import_job_id": job.id}, max_attempts=1)
    return {"import_job_id": job.id, "status": "queued", "file": filename, "rows_read": 0}


def job_view(job: ImportJob) -> dict[str, Any]:
    """An import job as the API shows it."""
    return {
        "import_job_id": job.id, "status": job.status, "file": job.filename, "rows_read": job.rows_read,
        "report": job.report, "error": job.error, "version": job.version,
    }  # fmt: skip


def get_job(session: Session, caller: Caller, job_id: int) -> ImportJob:
    """An import job of the caller's (HR/admin see all), or NotFound."""
    job = session.get(ImportJob, job_id)
    if job is None or (job.requested_by != caller.user_id and not caller.sees_everything):
        raise coded(NotFound(f"Import job {job_id} not found."), "import.job_not_found", f"导入任务 {job_id} 不存在。")
    return job


def _progress(url: str, job_id: int, clock: Clock) -> Callable[[int], None]:
    def report(rows: int) -> None:
        with session_scope(url, clock=clock) as s:  # a short transaction of its own, never the import's
            s.execute(update(ImportJob).where(ImportJob.id == job_id).values(rows_read=rows))

    return report


def run_import_job(url: str, job_id: int, clock: Clock) -> None:
    """Run one queued import; a refused file is a finished job with its errors, not a queue failure."""
    with session_scope(url, clock=clock) as s:
        job = s.get(ImportJob, job_id)
        if job is None or job.status != "queued":
            return
        job.status = "running"
        path, filename, options, user_id = Path(job.path), job.filename, dict(job.options), job.requested_by
    outcome: dict[str, Any]
    try:
        with session_scope(url, clock=clock) as s, path.open("rb") as fh:
            caller = caller_for(s, user_id)
            mapping: Mapping | None = options.get("mapping")
            report = import_sales_file(
                s, caller, source=fh, filename=filename, shop=options.get("shop"), mapping=mapping,
                dry_run=bool(options.get("dry_run")), progress=_progress(url, job_id, clock),
            )  # fmt: skip
        outcome = {"status": "done", "report": _jsonable(report)}
    except KpilotError as exc:
        errors = exc.errors if isinstance(exc, InvalidInput) else []
        outcome = {"status": "failed", "error": str(exc), "report": {"code": exc.code, "errors": errors}}
    finally:
        path.unlink(missing_ok=True)
    with session_scope(url, clock=clock) as s:
        s.execute(update(ImportJob).where(ImportJob.id == job_id).values(**outcome, version=ImportJob.version + 1))


def mark_failed(url: str, job_id: int, reason: str, clock: Clock) -> None:
    """The queue gave up (the worker died mid-import): say so on the import job."""
    with session_scope(url, clock=clock) as s:
        s.execute(update(ImportJob).where(ImportJob.id == job_id).values(status="failed", error=reason))


def _jsonable(report: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in report.items()}
