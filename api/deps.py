"""Injected things, one `Annotated` alias each: settings, the DB session, the caller, permissions."""

import hashlib
import hmac
import ipaddress
from collections.abc import Iterator
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Header, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from core.clock import Clock
from core.db import session_factory
from core.errors import AuthenticationFailed, PermissionDenied, coded
from core.keys import bind_audit_keys
from core.security import PERSON_PERMISSIONS, Caller, decode_session, role_may
from core.settings import Settings
from workflows.org import users as users_flow

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SESSION_COOKIE = "kpilot_session"  # httpOnly: the bearer token of a browser session
CSRF_COOKIE = "kpilot_csrf"  # readable by the page, which echoes it in CSRF_HEADER on unsafe methods
CSRF_HEADER = "X-CSRF-Token"
FIRST_LOGIN = frozenset({"me:read", "me:password"})  # all a one-time password allows


def csrf_token_for(session_token: str, secret: str) -> str:
    """The CSRF token bound to a session token (an HMAC: a cookie planted by another site cannot match it)."""
    return hmac.new(secret.encode("utf-8"), b"csrf:" + session_token.encode("utf-8"), hashlib.sha256).hexdigest()


async def get_app_settings(request: Request) -> Settings:
    """The settings the app was built with (async: trivial work stays on the event loop, no thread hop)."""
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_app_settings)]


async def get_app_clock(request: Request) -> Clock:
    """The clock the app was built with (business dates in the company's time zone)."""
    clock: Clock = request.app.state.clock
    return clock


ClockDep = Annotated[Clock, Depends(get_app_clock)]


def get_session(request: Request, settings: SettingsDep, clock: ClockDep) -> Iterator[Session]:
    """A session per request, carrying the app's clock; writing requests take the write lock up front on SQLite."""
    session = session_factory(settings.database_url, request.method in WRITE_METHODS, clock)()
    bind_audit_keys(session, request.app.state.audit_keys)
    try:
        yield session
    finally:
        session.rollback()
        session.close()


SessionDep = Annotated[Session, Depends(get_session)]


def session_token(request: Request, settings: Settings, bearer: str | None) -> str | None:
    """The bearer token, else the session cookie's token (unsafe methods must echo its CSRF token; 403 if not)."""
    if bearer:
        return bearer
    token = request.cookies.get(SESSION_COOKIE)
    if token and request.method in WRITE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent.encode("utf-8"), csrf_token_for(token, settings.secret_key).encode("utf-8")):
            raise coded(
                PermissionDenied(f"Missing or wrong {CSRF_HEADER} header: reload the page and try again."),
                "csrf_missing",
            )
    return token or None


def get_caller(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    bearer: Annotated[str | None, Depends(oauth2)],
) -> Caller:
    """The authenticated caller (bearer token or browser session cookie), or 401."""
    token = session_token(request, settings, bearer)
    if not token:
        raise coded(
            AuthenticationFailed("Not authenticated: send `Authorization: Bearer <token>` from /api/v1/auth/token."),
            "auth.required",
        )
    user_id, stamp, sid = decode_session(token, secret=settings.secret_key, now=clock.now())
    return users_flow.caller_for_token(session, user_id, stamp, sid)


CallerDep = Annotated[Caller, Depends(get_caller)]


def _networks(spec: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    out = []
    for part in spec.split(","):
        try:
            out.append(ipaddress.ip_network(part.strip(), strict=False))
        except ValueError:
            continue  # an empty or malformed entry trusts nobody
    return out


def _trusted(address: str, networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_address(request: Request) -> str:
    """The client's address: the peer's, or, when the peer is one of `KPILOT_TRUSTED_PROXIES`, the nearest
    address in X-Forwarded-For that is not a trusted proxy (anyone else's X-Forwarded-For is ignored)."""
    peer = request.client.host if request.client else "unknown"
    settings: Settings = request.app.state.settings
    networks = _networks(settings.trusted_proxies)
    if not networks or not _trusted(peer, networks):
        return peer
    hops = [h.strip() for h in ",".join(request.headers.getlist("x-forwarded-for")).split(",") if h.strip()]
    for hop in reversed(hops):  # the rightmost hops were added by our own proxies; the client is left of them
        if not _trusted(hop, networks):
            return hop if _is_ip(hop) else peer
    return peer


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _cross_site() -> PermissionDenied:
    return coded(
        PermissionDenied("Cross-site requests may not log in or out; use kpilot's own page."),
        "cross_site",
        "不接受来自其他网站的登录或退出请求，请使用 kpilot 自己的页面。",
    )


async def same_origin(request: Request) -> None:
    """Refuse a browser request sent from another site (login, logout: the CSRF rules before a session exists).
    Clients that send no Origin (curl, scripts) are not browsers driven by another site and pass."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        raise _cross_site()
    origin = request.headers.get("origin")
    if origin is None:
        return
    host = request.headers.get("host", "")
    if origin == "null" or urlsplit(origin).netloc.lower() != host.lower():
        raise _cross_site()


class Require:
    """A dependency that lets only roles holding `permission` through (403 otherwise)."""

    def __init__(self, permission: str) -> None:
        self.kpilot_permission = permission  # names the route's permission for its docs and the route audit test

    async def __call__(self, caller: CallerDep) -> Caller:  # a pure check: no thread needed
        if caller.must_change_password and self.kpilot_permission not in FIRST_LOGIN:
            raise coded(
                PermissionDenied("Change your one-time password first: POST /api/v1/me/password."),
                "auth.password_change_required",
                "请先修改一次性密码：POST /api/v1/me/password。",
            )
        if not role_may(caller.role, self.kpilot_permission):
            raise coded(
                PermissionDenied(f"Your role ({caller.role}) may not do this ({self.kpilot_permission})."),
                "role_refused",
                role=caller.role,
                action=self.kpilot_permission,
            )
        if self.kpilot_permission in PERSON_PERMISSIONS and caller.employee_id is None:
            raise coded(
                PermissionDenied(
                    f"Only people score people: this login is not linked to an employee, so it may not do this "
                    f"({self.kpilot_permission}); create a login linked to the person instead."
                ),
                "person_required",
                "只有人能给人打分：此账号未关联员工，不能执行此操作；请使用关联到本人的账号。",
            )
        return caller


class Public:
    """Marks a route that anyone may call (login, health): `dependencies=[Depends(Public())]`."""

    kpilot_permission = "public"

    async def __call__(self) -> None:
        return None


# The caller, after checking one permission each (core.security.PERMISSIONS): `caller: CanReadOrg`.
CanReadMe = Annotated[Caller, Depends(Require("me:read"))]
CanChangePassword = Annotated[Caller, Depends(Require("me:password"))]
CanReadOrg = Annotated[Caller, Depends(Require("org:read"))]
CanWriteOrg = Annotated[Caller, Depends(Require("org:write"))]
CanReadUsers = Annotated[Caller, Depends(Require("users:read"))]
CanWriteUsers = Annotated[Caller, Depends(Require("users:write"))]
CanReadPeriods = Annotated[Caller, Depends(Require("periods:read"))]
CanWritePeriods = Annotated[Caller, Depends(Require("periods:write"))]
CanReadCatalogue = Annotated[Caller, Depends(Require("catalogue:read"))]
CanWriteCatalogue = Annotated[Caller, Depends(Require("catalogue:write"))]
CanReadOkr = Annotated[Caller, Depends(Require("okr:read"))]
CanWriteOkr = Annotated[Caller, Depends(Require("okr:write"))]
CanReadKpi = Annotated[Caller, Depends(Require("kpi:read"))]
CanWriteKpi = Annotated[Caller, Depends(Require("kpi:write"))]
CanWriteActuals = Annotated[Caller, Depends(Require("actuals:write"))]
CanDecideActuals = Annotated[Caller, Depends(Require("actuals:decide"))]
CanReadCompany = Annotated[Caller, Depends(Require("company:read"))]
CanWriteCompany = Annotated[Caller, Depends(Require("company:write"))]
CanImport = Annotated[Caller, Depends(Require("imports:write"))]
CanReadSales = Annotated[Caller, Depends(Require("sales:read"))]
CanWriteSales = Annotated[Caller, Depends(Require("sales:write"))]
CanReadAudit = Annotated[Caller, Depends(Require("audit:read"))]
CanReadPlan = Annotated[Caller, Depends(Require("plan:read"))]
CanReadAlerts = Annotated[Caller, Depends(Require("alerts:read"))]
CanRunAlerts = Annotated[Caller, Depends(Require("alerts:run"))]
CanReadAnomalies = Annotated[Caller, Depends(Require("anomalies:read"))]
CanReadGrades = Annotated[Caller, Depends(Require("grades:read"))]
CanReadCourses = Annotated[Caller, Depends(Require("courses:read"))]
CanWriteCourses = Annotated[Caller, Depends(Require("courses:write"))]
CanReadWeights = Annotated[Caller, Depends(Require("weights:read"))]
CanProposeWeights = Annotated[Caller, Depends(Require("weights:propose"))]
CanDecideWeights = Annotated[Caller, Depends(Require("weights:decide"))]
CanWriteOutcomes = Annotated[Caller, Depends(Require("outcomes:write"))]
CanRunForecast = Annotated[Caller, Depends(Require("forecast:run"))]
CanReadForecast = Annotated[Caller, Depends(Require("forecast:read"))]
CanReadDrafts = Annotated[Caller, Depends(Require("drafts:read"))]
CanWriteDrafts = Annotated[Caller, Depends(Require("drafts:write"))]
CanPublishDrafts = Annotated[Caller, Depends(Require("drafts:publish"))]
CanReadOwnPay = Annotated[Caller, Depends(Require("pay:read-own"))]
CanRate = Annotated[Caller, Depends(Require("pay:rate"))]
CanReadPositions = Annotated[Caller, Depends(Require("pay:positions:read"))]
CanManagePay = Annotated[Caller, Depends(Require("pay:manage"))]
CanReviewScores = Annotated[Caller, Depends(Require("pay:review"))]
CanReadCycles = Annotated[Caller, Depends(Require("cycles:read"))]
CanTakePartInCycles = Annotated[Caller, Depends(Require("cycles:take-part"))]
CanManageCycles = Annotated[Caller, Depends(Require("cycles:manage"))]
CanReadAppeals = Annotated[Caller, Depends(Require("appeals:read"))]
CanDecideAppeals = Annotated[Caller, Depends(Require("appeals:decide"))]
CanReadCheckIns = Annotated[Caller, Depends(Require("checkins:read"))]
CanWriteCheckIns = Annotated[Caller, Depends(Require("checkins:write"))]
CanCommentCheckIns = Annotated[Caller, Depends(Require("checkins:comment"))]

IfMatch = Annotated[str | None, Header(alias="If-Match", description="The ETag (version) you last read.")]
IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", max_length=200, description="Makes a retried POST return the first result."),
]
