"""Small helpers shared by the route modules: paging parameters and the typed answer (model + ETag).

Routes return models: `reply` validates what a use case returns against the route's schema and puts the status
and the ETag on FastAPI's response object, so `response_model` is what is sent, not only what is documented.
Idempotent creates and decisions run their Idempotency-Key inside the use case (`workflows.shared.common`).
"""

from typing import Annotated, Any, TypeVar

from fastapi import Depends, Path, Query, Response
from pydantic import BaseModel

from workflows.shared import common
from workflows.shared.schemas import Page

M = TypeVar("M", bound=BaseModel)


class PageParams(BaseModel):
    limit: int
    offset: int


async def page_params(
    limit: Annotated[int, Query(ge=1, le=200, description="Items per page.")] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip.")] = 0,
) -> PageParams:
    """Paging query parameters (async: no thread hop for a trivial dependency)."""
    return PageParams(limit=limit, offset=offset)


def reply(response: Response, schema: type[M], data: Any, *, status: int | None = None) -> M:
    """`data` (a row, a dict or a model) as `schema`, with `status` and, for a versioned object, its ETag."""
    model = schema.model_validate(data)
    if status is not None:
        response.status_code = status
    version = getattr(model, "version", None)
    if isinstance(version, int):
        response.headers["ETag"] = common.etag(version)
    return model


def answer(response: Response, schema: type[M], result: tuple[int, Any]) -> M:
    """A use case's (status, body) answer, e.g. from an idempotent create or a decision, as `schema`."""
    status, data = result
    return reply(response, schema, data, status=status)


def import_answer(response: Response, result: dict[str, Any]) -> dict[str, Any]:
    """200 with an import's report, or 202 with the import job to follow when it runs in the background."""
    if "import_job_id" in result:
        response.status_code = 202
    return result


def page(schema: type[M], rows: tuple[list[Any], int]) -> Page[M]:
    """A {data, count} page."""
    items, count = rows
    return Page[schema](data=[schema.model_validate(x) for x in items], count=count)  # type: ignore[valid-type]


Id = Annotated[int, Path(ge=1, le=2_147_483_647, description="The object's id.")]
Paging = Annotated[PageParams, Depends(page_params)]
