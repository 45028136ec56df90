"""Small helpers shared by the route modules: paging parameters, ETags and idempotent creates."""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Path, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session

from core.security import Caller
from workflows.shared import common


class PageParams(BaseModel):
    limit: int
    offset: int


async def page_params(
    limit: Annotated[int, Query(ge=1, le=200, description="Items per page.")] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip.")] = 0,
) -> PageParams:
    """Paging query parameters (async: no thread hop for a trivial dependency)."""
    return PageParams(limit=limit, offset=offset)


def with_etag(schema: type[BaseModel], obj: Any, status_code: int = 200) -> JSONResponse:
    """Serialise `obj` with `schema` and send its version as the ETag."""
    data = schema.model_validate(obj).model_dump(mode="json")
    return JSONResponse(data, status_code=status_code, headers={"ETag": common.etag(obj.version)})


def created(
    session: Session,
    caller: Caller,
    key: str | None,
    body: BaseModel,
    schema: type[BaseModel],
    make: Callable[[], Any],
) -> JSONResponse:
    """Run a create once per Idempotency-Key and answer 201 (a retry gets the first answer again)."""

    def produce() -> tuple[int, dict[str, Any]]:
        return 201, schema.model_validate(make()).model_dump(mode="json")

    status, data = common.run_once(
        session, caller=caller, key=key, payload=body.model_dump(mode="json"), produce=produce
    )
    headers = {"ETag": common.etag(int(data["version"]))} if "version" in data else {}
    return JSONResponse(data, status_code=status, headers=headers)


def page(schema: type[BaseModel], rows: tuple[list[Any], int]) -> dict[str, Any]:
    """A {data, count} page."""
    items, count = rows
    return {"data": [schema.model_validate(x) for x in items], "count": count}


Id = Annotated[int, Path(ge=1, le=2_147_483_647, description="The object's id.")]
Paging = Annotated[PageParams, Depends(page_params)]
