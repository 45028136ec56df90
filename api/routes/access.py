"""Access control an admin operates: login locks (list, clear) and "sign out everywhere" for a user."""

from fastapi import APIRouter, Response
from pydantic import BaseModel

from api.deps import CanWriteUsers, SessionDep
from api.errors import PROBLEM_RESPONSES
from api.routes._util import Id
from workflows.org import flows as org

router = APIRouter(prefix="/api/v1", tags=["users"], responses=PROBLEM_RESPONSES)


class LoginLock(BaseModel):
    """A lock in force: a (known name @ address) or an address, how long it still lasts, locks in a row."""

    id: int
    scope: str
    label: str
    seconds_left: int
    strikes: int


class SignedOut(BaseModel):
    """How many live sessions ended."""

    ended: int


@router.get("/login-locks", response_model=list[LoginLock], summary="Login locks in force now (admin)")
def list_locks(session: SessionDep, _caller: CanWriteUsers) -> list[LoginLock]:
    return [LoginLock.model_validate(lock) for lock in org.list_locks(session)]


@router.delete("/login-locks/{lock_id}", status_code=204, summary="Lift a login lock (admin, audited)")
def clear_lock(lock_id: Id, session: SessionDep, caller: CanWriteUsers) -> Response:
    org.clear_lock(session, caller, lock_id)
    return Response(status_code=204)


@router.post(
    "/users/{user_id}/sign-out",
    response_model=SignedOut,
    summary="Sign a user out everywhere: every session and token of theirs ends now (admin, audited)",
)
def sign_out_everywhere(user_id: Id, session: SessionDep, caller: CanWriteUsers) -> SignedOut:
    return SignedOut(ended=org.sign_out_everywhere(session, caller, user_id))
