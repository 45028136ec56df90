"""Org and login schemas: users, departments, positions, employees (XCreate / XUpdate / XPublic)."""

from typing import Literal

from pydantic import Field

from workflows.shared.schemas import Day, DbId, Public, Role, Strict


class UserCreate(Strict):
    username: str = Field(min_length=2, max_length=80, pattern=r"^[A-Za-z0-9_.\-]+$")
    password: str = Field(min_length=10, max_length=200)
    role: Role
    employee_id: DbId | None = None


class PasswordChange(Strict):
    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=1, max_length=200)


class PasswordReset(Strict):
    new_password: str = Field(min_length=1, max_length=200)


class UserUpdate(Strict):
    role: Role | None = None
    active: bool | None = None
    employee_id: DbId | None = None


class UserPublic(Public):
    id: int
    username: str
    role: Role
    employee_id: int | None
    active: bool
    must_change_password: bool = False
    version: int


class DepartmentCreate(Strict):
    code: str | None = Field(default=None, min_length=1, max_length=40)  # kpilot makes one when not given
    name_zh: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)
    parent_id: DbId | None = None


class DepartmentUpdate(Strict):
    name_zh: str | None = Field(default=None, min_length=1, max_length=200)
    name_en: str | None = Field(default=None, min_length=1, max_length=200)
    parent_id: DbId | None = None
    head_id: DbId | None = None


class DepartmentPublic(Public):
    id: int
    code: str
    name_zh: str
    name_en: str
    parent_id: int | None
    head_id: int | None = None
    version: int


class PositionPublic(Public):
    id: int
    department_id: int
    code: str
    title_zh: str
    title_en: str
    is_manager: bool
    key_class: str
    review_cycle: str


class EmployeeCreate(Strict):
    code: str = Field(min_length=1, max_length=40)
    name_zh: str = Field(min_length=1, max_length=100)
    name_en: str = Field(min_length=1, max_length=100)
    department_id: DbId
    position_id: DbId | None = None
    manager_id: DbId | None = None
    gender: Literal["female", "male", "other"] | None = None
    birth_year: int | None = Field(default=None, ge=1930, le=2015)
    hire_date: Day | None = None


class EmployeeUpdate(Strict):
    name_zh: str | None = Field(default=None, min_length=1, max_length=100)
    name_en: str | None = Field(default=None, min_length=1, max_length=100)
    department_id: DbId | None = None
    position_id: DbId | None = None
    manager_id: DbId | None = None
    active: bool | None = None


class EmployeePublic(Public):
    id: int
    code: str
    name_zh: str
    name_en: str
    department_id: int
    position_id: int | None
    manager_id: int | None
    active: bool
    hire_date: Day | None = None
    left_on: Day | None = None
    version: int


class EmployeeLeave(Strict):
    """A leaver: their last day. Their logins are disabled and what they still had open is handed on."""

    left_on: Day


class LoginCreate(Strict):
    """A login for a person, made by an admin: kpilot picks a one-time password, shown once."""

    employee_id: DbId
    username: str | None = Field(default=None, min_length=2, max_length=80, pattern=r"^[A-Za-z0-9_.\-]+$")
    role: Role


class OneTimePassword(Public):
    """A login and its one-time password: shown once, to be changed at the first login. A replayed create
    (same Idempotency-Key) answers without it: the password is never stored in clear; hand out a new one."""

    user_id: int
    username: str
    one_time_password: str | None = None
    version: int
