"""Deny by default: every API route declares a permission (or is explicitly public)."""

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from api.app import create_app
from core.security import PERMISSIONS
from tests.conftest import make_settings


def _permissions(dep: Dependant) -> set[str]:
    found = set()
    marker = getattr(dep.call, "kpilot_permission", None)
    if marker:
        found.add(marker)
    for sub in dep.dependencies:
        found |= _permissions(sub)
    return found


def _api_routes() -> list[APIRoute]:
    app = create_app(make_settings("sqlite:///:memory:"))
    routes: list[APIRoute] = []
    stack = list(app.router.routes)
    while stack:
        route = stack.pop()
        original = getattr(route, "original_router", None)
        if original is not None:
            stack.extend(original.routes)
        elif isinstance(route, APIRoute):
            routes.append(route)
    return routes


def test_every_route_declares_a_known_permission() -> None:
    routes = _api_routes()
    assert len(routes) >= 30
    missing = [f"{sorted(r.methods or ())} {r.path}" for r in routes if not _permissions(r.dependant)]
    assert missing == [], f"routes without a declared permission: {missing}"
    unknown = {p for r in routes for p in _permissions(r.dependant)} - set(PERMISSIONS) - {"public"}
    assert unknown == set()


def test_only_login_logout_health_and_the_web_shell_are_public() -> None:
    public = sorted(r.path for r in _api_routes() if "public" in _permissions(r.dependant))
    # The web app's shell and Swagger UI are public pages; every call they make needs a login.
    assert public == [
        "/",
        "/api/v1/auth/logout",
        "/api/v1/auth/session",
        "/api/v1/auth/token",
        "/api/v1/health",
        "/docs",
    ]
