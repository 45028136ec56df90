"""Passwords, tokens, roles and the permission table every route declares against."""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from core.errors import AuthenticationFailed, coded
from core.vocab import ROLES, Role

ALGORITHM = "HS256"
_hasher = PasswordHasher()

# Plain strings (Caller.role is the stored column value), named after the one vocabulary in core.vocab.
EMPLOYEE, MANAGER, HR, ADMIN = Role.EMPLOYEE.value, Role.MANAGER.value, Role.HR.value, Role.ADMIN.value
ALL_ROLES = frozenset(ROLES)
STAFF = frozenset({MANAGER, HR, ADMIN})
HR_ADMIN = frozenset({HR, ADMIN})

# Deny by default: a route names one of these permissions; the table says which roles hold it.
# Object-level checks (own records, reporting subtree) come on top, in the workflows.
PERMISSIONS: dict[str, frozenset[str]] = {
    "me:read": ALL_ROLES,
    "me:password": ALL_ROLES,  # one's own password, knowing the current one
    "org:read": ALL_ROLES,  # scoped: employees see themselves, managers their subtree
    "org:write": HR_ADMIN,
    "users:read": HR_ADMIN,
    "users:write": frozenset({ADMIN}),  # includes resetting someone's password (audited)
    "periods:read": ALL_ROLES,
    "periods:write": HR_ADMIN,
    "catalogue:read": ALL_ROLES,
    "catalogue:write": HR_ADMIN,
    "okr:read": ALL_ROLES,
    "okr:write": STAFF,  # scoped: managers their own department
    "kpi:read": ALL_ROLES,  # scoped
    "kpi:write": STAFF,  # scoped
    "actuals:write": STAFF,  # scoped
    "actuals:decide": HR_ADMIN,  # which value of a KPI measured from sales counts
    "company:read": ALL_ROLES,  # the company's names, time zone and fiscal year; shops and the calendar
    "company:write": HR_ADMIN,  # set-up: the company, shops, the promotion calendar
    "imports:write": HR_ADMIN,  # org, sales, promotions and KPI-history files; every row checked again
    "sales:read": STAFF,
    "sales:write": HR_ADMIN,
    "audit:read": HR_ADMIN,
    "plan:read": ALL_ROLES,  # scoped: my plan; managers their reporting line; HR/admin everyone
    "alerts:read": ALL_ROLES,  # scoped like plans
    "alerts:run": HR_ADMIN,
    "anomalies:read": HR_ADMIN,
    "grades:read": HR_ADMIN,  # the company-wide grade distribution
    "courses:read": ALL_ROLES,
    "courses:write": HR_ADMIN,
    "weights:read": STAFF,  # scoped: managers their departments' proposals and weight sets
    "weights:propose": HR_ADMIN,
    "weights:decide": HR_ADMIN,
    "outcomes:write": HR_ADMIN,
    "forecast:run": STAFF,  # scoped: managers their departments' shops
    "forecast:read": STAFF,
    "drafts:read": STAFF,  # scoped: managers their department tree; employees read published KPIs instead
    "drafts:write": STAFF,  # scoped like drafts:read
    "drafts:publish": STAFF,  # scoped; a manager's own KPIs are never set by themselves
    "tasks:read": ALL_ROLES,  # scoped: one's own tasks; managers their reporting line's; HR/admin all
    "tasks:write": ALL_ROLES,  # scoped: only the KPI's owner plans and updates its tasks
    "tasks:comment": ALL_ROLES,  # scoped: the owner's manager chain and HR/admin; the owner replies
    "tasks:board": STAFF,  # scoped: a manager's reporting line
    "reminders:read": ALL_ROLES,  # one's own deadlines
    "notifications:read": frozenset({ADMIN}),
    "notifications:write": frozenset({ADMIN}),
    "exports:read": ALL_ROLES,  # scoped exactly like plan:read
    "pay:read-own": ALL_ROLES,  # my own approved bonus lines; ratings about me (or my reports) in aggregate
    "pay:rate": ALL_ROLES,  # self / peer / cross-department / manager ratings, by the rules in workflows.pay
    "pay:positions:read": STAFF,
    "pay:manage": HR_ADMIN,  # inventories, pools, allocations (edit, approve), calibration
    "pay:review": STAFF,  # scoped: HR/admin, or the manager of the person whose scoring is questioned
    "cycles:read": ALL_ROLES,  # a cycle's dates and stage; items scoped: one's own, those one reviews, HR all
    "cycles:take-part": ALL_ROLES,  # scoped: one's own self-assessment and answer; the reviews one is named for
    "cycles:manage": HR_ADMIN,  # open, move stages, extend, reopen, rubrics, the cockpit
    "appeals:read": ALL_ROLES,  # scoped: the appellant, the decider, HR/admin
    "checkins:read": ALL_ROLES,  # scoped: one's own; a manager's reporting line; HR/admin all
    "checkins:write": ALL_ROLES,  # scoped: only the KPI's owner posts
    "checkins:comment": STAFF,  # scoped: the owner's manager chain and HR/admin, never the owner
    "appeals:decide": STAFF,  # scoped: the named skip-level manager, else HR/admin
}


# Only people score people: a login holding one of these must be linked to an employee, so the separation
# rules (nobody sets their own numbers) always know whose login it is (one login per employee at most).
PERSON_PERMISSIONS = frozenset(
    {
        "actuals:write",
        "actuals:decide",
        "kpi:write",
        "okr:write",
        "drafts:publish",
        "sales:write",
        "weights:decide",
        "outcomes:write",
        "pay:manage",
    }
)
PERSON_ROLES = frozenset(r for r in ALL_ROLES if any(r in PERMISSIONS[p] for p in PERSON_PERMISSIONS))


@dataclass(frozen=True)
class Caller:
    """The authenticated user making a request."""

    user_id: int
    username: str
    role: str
    employee_id: int | None
    must_change_password: bool = False  # a one-time password: only /me and /me/password until it is changed

    @property
    def sees_everything(self) -> bool:
        """HR and admin read every record."""
        return self.role in HR_ADMIN


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return _hasher.hash(password)


@cache
def dummy_hash() -> str:
    """A real argon2 hash to verify against when a user does not exist, so both answers take as long."""
    return _hasher.hash("kpilot: no such user, but spend the same time")


def verify_password(password: str, password_hash: str) -> bool:
    """True when `password` matches `password_hash`."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_stamp(password_hash: str) -> str:
    """A short digest of a user's password hash, carried in tokens: changing the password revokes them."""
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest()[:16]


def create_token(
    *, user_id: int, secret: str, ttl_minutes: int, now: datetime, stamp: str | None = None, sid: str | None = None
) -> str:
    """A signed bearer token for `user_id`, issued at `now` (the service clock's), bound to a password stamp and
    to a server-side session `sid` (revoking the session kills the token)."""
    payload: dict[str, object] = {"sub": str(user_id), "iat": now, "exp": now + timedelta(minutes=ttl_minutes)}
    if stamp is not None:
        payload["pwd"] = stamp
    if sid is not None:
        payload["sid"] = sid
    return jwt.encode(payload, secret, algorithm=ALGORITHM)


def decode_session(token: str, *, secret: str, now: datetime) -> tuple[int, str | None, str | None]:
    """(user id, password stamp, session id) of a valid, unexpired token; AuthenticationFailed otherwise."""
    try:
        # Expiry is checked against the service clock, not the library's own reading of the wall clock.
        payload = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            options={"require": ["sub", "exp"], "verify_exp": False, "verify_iat": False},
        )
        expired = int(payload["exp"]) <= now.timestamp()
        user_id = int(payload["sub"])
        stamp = payload.get("pwd")
        sid = payload.get("sid")
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise coded(AuthenticationFailed("invalid or expired token"), "auth.invalid_token") from exc
    if expired:
        raise coded(AuthenticationFailed("invalid or expired token"), "auth.invalid_token")
    return user_id, str(stamp) if stamp is not None else None, str(sid) if sid is not None else None


def role_may(role: str, permission: str) -> bool:
    """Whether `role` holds `permission` (unknown permissions are held by nobody)."""
    return role in PERMISSIONS.get(permission, frozenset())
