"""Pydantic output of the audit page: an event with the person behind the login, and what the filters offer."""

from pydantic import BaseModel, Field

from workflows.shared.schemas import AuditEventPublic


class AuditEventRow(AuditEventPublic):
    actor_name_zh: str | None = Field(default=None, description="The person behind the login (None: the system).")
    actor_name_en: str | None = None


class AuditActor(BaseModel):
    actor: str = Field(description="The login name, the value of the `actor` filter.")
    name_zh: str | None = None
    name_en: str | None = None


class AuditFacets(BaseModel):
    actors: list[AuditActor]
    actions: list[str]
    entities: list[str]
    timezone: str = Field(description="The company's time zone: show and filter time stamps in it.")
