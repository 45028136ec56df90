"""Login locks as an admin sees them: which (name, address) or address is refused and until when; clearing one
is audited. Labels name only real users (a mistyped name may be someone's password) and the address."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import clock_of
from core.errors import NotFound, coded
from core.security import Caller
from core.tables import LoginThrottle
from workflows.shared import audit, common


def list_locks(session: Session) -> list[dict[str, object]]:
    """Every lock in force now, newest first: id, scope, label, seconds left, how many locks in a row."""
    now = clock_of(session).now().timestamp()
    t = LoginThrottle
    rows = session.execute(select(t).where(t.locked_until > now).order_by(t.locked_until.desc(), t.id)).scalars()
    return [
        {
            "id": r.id,
            "scope": "name_address" if r.scope == "user" else "address",
            "label": r.label or "",
            "seconds_left": int(r.locked_until - now + 0.999),
            "strikes": r.strikes,
        }
        for r in rows
    ]


@common.use_case
def clear_lock(session: Session, caller: Caller, lock_id: int) -> None:
    """Lift one lock and forget its failures and back-off (audited, one commit)."""
    row = session.get(LoginThrottle, lock_id)
    if row is None:
        raise coded(NotFound(f"Login lock {lock_id} not found."), "not_found", thing="login_lock")
    before = {"scope": row.scope, "label": row.label, "locked_until": row.locked_until, "strikes": row.strikes}
    session.delete(row)
    session.flush()
    audit.record(
        session, actor=caller, action="clear_login_lock", entity="login_lock", entity_id=lock_id, before=before
    )
