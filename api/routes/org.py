"""Org routes: departments, positions, employees."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.deps import CanReadOrg, CanWriteOrg, IdempotencyKey, IfMatch, SessionDep
from api.errors import PROBLEM_RESPONSES
from api.routes._util import Id, Paging, answer, page, reply
from workflows.org import flows as org
from workflows.org.schemas import (
    DepartmentCreate,
    DepartmentPublic,
    DepartmentUpdate,
    EmployeeCreate,
    EmployeeLeave,
    EmployeePublic,
    EmployeeUpdate,
    PositionPublic,
)
from workflows.shared.schemas import Page

router = APIRouter(prefix="/api/v1", tags=["org"], responses=PROBLEM_RESPONSES)


@router.get("/departments", response_model=Page[DepartmentPublic], summary="List departments")
def list_departments(session: SessionDep, _caller: CanReadOrg, p: Paging) -> Page[DepartmentPublic]:
    return page(DepartmentPublic, org.list_departments(session, limit=p.limit, offset=p.offset))


@router.get("/departments/{department_id}", response_model=DepartmentPublic, summary="One department")
def get_department(response: Response, department_id: Id, session: SessionDep, _caller: CanReadOrg) -> DepartmentPublic:
    return reply(response, DepartmentPublic, org.get_department(session, department_id))


@router.post("/departments", response_model=DepartmentPublic, status_code=201, summary="Create a department")
def create_department(
    response: Response,
    body: DepartmentCreate,
    session: SessionDep,
    caller: CanWriteOrg,
    key: IdempotencyKey = None,
) -> DepartmentPublic:
    return answer(response, DepartmentPublic, org.create_department_once(session, caller, body, key))


@router.patch("/departments/{department_id}", response_model=DepartmentPublic, summary="Change a department")
def update_department(
    response: Response,
    department_id: Id,
    body: DepartmentUpdate,
    session: SessionDep,
    caller: CanWriteOrg,
    if_match: IfMatch = None,
) -> DepartmentPublic:
    return reply(response, DepartmentPublic, org.update_department(session, caller, department_id, body, if_match))


@router.get("/positions", response_model=Page[PositionPublic], summary="List positions")
def list_positions(session: SessionDep, _caller: CanReadOrg, p: Paging) -> Page[PositionPublic]:
    return page(PositionPublic, org.list_positions(session, limit=p.limit, offset=p.offset))


@router.get(
    "/employees",
    response_model=Page[EmployeePublic],
    summary="Employees you may see: yourself, your reporting line (managers), everyone (HR/admin)",
)
def list_employees(
    session: SessionDep,
    caller: CanReadOrg,
    p: Paging,
    department_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
) -> Page[EmployeePublic]:
    return page(
        EmployeePublic, org.list_employees(session, caller, department_id=department_id, limit=p.limit, offset=p.offset)
    )


@router.get("/employees/{employee_id}", response_model=EmployeePublic, summary="One employee (404 if not yours)")
def get_employee(response: Response, employee_id: Id, session: SessionDep, caller: CanReadOrg) -> EmployeePublic:
    return reply(response, EmployeePublic, org.get_visible_employee(session, caller, employee_id))


@router.post("/employees", response_model=EmployeePublic, status_code=201, summary="Create an employee")
def create_employee(
    response: Response,
    body: EmployeeCreate,
    session: SessionDep,
    caller: CanWriteOrg,
    key: IdempotencyKey = None,
) -> EmployeePublic:
    return answer(response, EmployeePublic, org.create_employee_once(session, caller, body, key))


@router.patch("/employees/{employee_id}", response_model=EmployeePublic, summary="Change an employee (If-Match)")
def update_employee(
    response: Response,
    employee_id: Id,
    body: EmployeeUpdate,
    session: SessionDep,
    caller: CanWriteOrg,
    if_match: IfMatch = None,
) -> EmployeePublic:
    return reply(response, EmployeePublic, org.update_employee(session, caller, employee_id, body, if_match))


@router.post(
    "/employees/{employee_id}/leave",
    response_model=EmployeePublic,
    summary="Mark a leaver (HR/admin, If-Match): logins disabled, reports move up, open assignments closed",
)
def leave(
    response: Response,
    employee_id: Id,
    body: EmployeeLeave,
    session: SessionDep,
    caller: CanWriteOrg,
    if_match: IfMatch = None,
) -> EmployeePublic:
    return reply(response, EmployeePublic, org.leave(session, caller, employee_id, body, if_match))
