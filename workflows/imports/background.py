"""Large imports as jobs: the upload is stored, a queued job imports it with progress (`rows_read`), and the
report (or the refusal with its row errors) is kept on the import job for the caller to read.

Every kind of import (sales, org, promotions, kpi-history, actuals) runs the same way: the request only stores
the file and queues the job (no parsing, no write turn held), and the worker runs the kind's own use case, which
reads the whole file before it takes the database's write turn. Progress comes from the one safe reader
(`reader.ROW_PROGRESS`), so every kind reports rows read as it goes."""

import re
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, cast

from sqlalchemy import update
from sqlalchemy.orm import Session

from core.clock import Clock
from core.db import session_scope
from core.errors import InvalidInput, KpilotError, NotFound, coded, words
from core.security import Caller
from core.settings import Settings
from core.tables import ImportJob
from workflows.imports.mapping import Mapping
from workflows.imports.reader import ROW_PROGRESS
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


KINDS = ("sales", "org", "promotions", "kpi-history", "actuals")


@common.use_case
def queue_import(
    session: Session,
    caller: Caller,
    kind: str,
    *,
    source: IO[bytes],
    filename: str,
    options: dict[str, Any],
    folder: str,
) -> dict[str, Any]:
    """Store the upload and queue its import (`kind`, one of KINDS); the answer names the import job to follow."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    path = Path(folder) / f"{uuid.uuid4().hex}-{re.sub(r'[^A-Za-z0-9_.-]', '_', filename)[-80:]}"
    with path.open("wb") as out:
        shutil.copyfileobj(source, out, 1 << 20)
    job = ImportJob(kind=kind, filename=filename[:200], path=str(path), options=options, requested_by=caller.user_id)
    common.create(session, job, caller=caller, entity="import_job")
    queue.enqueue(session, "import", {"import_job_id": job.id}, max_attempts=1)
    return {"import_job_id": job.id, "kind": kind, "status": "queued", "file": filename, "rows_read": 0}


def queue_sales_import(
    session: Session, caller: Caller, *, source: IO[bytes], filename: str, options: dict[str, Any], folder: str
) -> dict[str, Any]:
    """Store a sales upload and queue its import (`queue_import` of kind "sales")."""
    return queue_import(session, caller, "sales", source=source, filename=filename, options=options, folder=folder)


def wants_background(source: object, settings: Settings | None, background: bool | None) -> bool:
    """Whether an upload runs as a job: asked for, or (unless refused) larger than `import_background_bytes`."""
    if settings is None or isinstance(source, bytes) or not hasattr(source, "seek"):
        return False
    return bool(background) or (
        background is None and size_of(cast(IO[bytes], source)) > settings.import_background_bytes
    )


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


Runner = Callable[[Session, Caller, IO[bytes], str, dict[str, Any]], dict[str, Any]]


def _sales(s: Session, caller: Caller, fh: IO[bytes], filename: str, options: dict[str, Any]) -> dict[str, Any]:
    mapping: Mapping | None = options.get("mapping")
    return import_sales_file(
        s, caller, source=fh, filename=filename, shop=options.get("shop"), mapping=mapping,
        dry_run=bool(options.get("dry_run")), progress=ROW_PROGRESS.get(),
    )  # fmt: skip


def _org(s: Session, caller: Caller, fh: IO[bytes], filename: str, options: dict[str, Any]) -> dict[str, Any]:
    from workflows.imports.org import import_org

    return import_org(
        s, caller, source=fh, filename=filename, dry_run=bool(options.get("dry_run")),
        deactivate_absent=bool(options.get("deactivate_absent")),
    )  # fmt: skip


def _promotions(s: Session, caller: Caller, fh: IO[bytes], filename: str, options: dict[str, Any]) -> dict[str, Any]:
    from workflows.imports.promotions import import_promotions

    return import_promotions(s, caller, source=fh, filename=filename, dry_run=bool(options.get("dry_run")))


def _history(s: Session, caller: Caller, fh: IO[bytes], filename: str, options: dict[str, Any]) -> dict[str, Any]:
    from workflows.imports.history import import_history

    return import_history(s, caller, source=fh, filename=filename, dry_run=bool(options.get("dry_run")))


def _actuals(s: Session, caller: Caller, fh: IO[bytes], filename: str, options: dict[str, Any]) -> dict[str, Any]:
    from workflows.goals.imports import import_actuals  # lazily: workflows.goals imports this module's package

    return {"imported": import_actuals(s, caller, content=fh, filename=filename), "file": filename}


RUNNERS: dict[str, Runner] = {
    "sales": _sales, "org": _org, "promotions": _promotions, "kpi-history": _history, "actuals": _actuals,
}  # fmt: skip


def run_import_job(url: str, job_id: int, clock: Clock) -> None:
    """Run one queued import; a refused file is a finished job with its errors, not a queue failure."""
    with session_scope(url, clock=clock) as s:
        job = s.get(ImportJob, job_id)
        if job is None or job.status != "queued":
            return
        job.status = "running"
        path, filename, options, user_id, kind = (
            Path(job.path),
            job.filename,
            dict(job.options),
            job.requested_by,
            job.kind,
        )
    outcome: dict[str, Any]
    token = ROW_PROGRESS.set(_progress(url, job_id, clock))
    try:
        with session_scope(url, clock=clock) as s, path.open("rb") as fh:
            report = RUNNERS[kind](s, caller_for(s, user_id), fh, filename, options)
        outcome = {"status": "done", "report": _jsonable(report)}
    except KpilotError as exc:
        errors = exc.errors if isinstance(exc, InvalidInput) else []
        # both languages kept, so the job's page shows the refusal and each row error in the reader's language
        report = {"code": exc.code, "errors": errors, "detail_zh": words(exc, "zh"), "detail_en": words(exc, "en")}
        outcome = {"status": "failed", "error": str(exc), "report": report}
    finally:
        ROW_PROGRESS.reset(token)
        path.unlink(missing_ok=True)
    with session_scope(url, clock=clock) as s:
        s.execute(update(ImportJob).where(ImportJob.id == job_id).values(**outcome, version=ImportJob.version + 1))


def mark_failed(url: str, job_id: int, reason: str, clock: Clock) -> None:
    """The queue gave up (the worker died mid-import): say so on the import job."""
    with session_scope(url, clock=clock) as s:
        s.execute(update(ImportJob).where(ImportJob.id == job_id).values(status="failed", error=reason))


def _jsonable(report: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in report.items()}
