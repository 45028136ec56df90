"""Browser sessions: an httpOnly cookie holding the token, a CSRF token on every unsafe call, logout, expiry,
and the web app's files and Swagger UI served by kpilot itself (no CDN)."""

from datetime import timedelta

from fastapi.testclient import TestClient

from api.deps import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, csrf_token_for
from core.clock import clock_for
from core.security import create_token


def _login(client: TestClient, user: str = "hr") -> str:
    r = client.post("/api/v1/auth/session", data={"username": user, "password": "kpilot-demo"})
    assert r.status_code == 200, r.text
    return str(r.json()["csrf_token"])


def test_login_sets_an_httponly_strict_cookie_and_a_csrf_token(app) -> None:
    with TestClient(app, base_url="https://testserver") as c:
        r = c.post("/api/v1/auth/session", data={"username": "employee", "password": "kpilot-demo"})
        assert r.status_code == 200
        cookies = r.headers.get_list("set-cookie")
        session = next(h for h in cookies if h.startswith(SESSION_COOKIE + "="))
        csrf = next(h for h in cookies if h.startswith(CSRF_COOKIE + "="))
        assert "HttpOnly" in session and "Secure" in session and "SameSite=strict" in session
        assert "HttpOnly" not in csrf and "Secure" in csrf
        assert c.get("/api/v1/me").json()["username"] == "employee"


def test_wrong_password_sets_no_cookie(app) -> None:
    with TestClient(app) as c:
        r = c.post("/api/v1/auth/session", data={"username": "hr", "password": "nope-nope"})
        assert r.status_code == 401
        assert r.headers["content-type"].startswith("application/problem+json")
        assert SESSION_COOKIE not in r.cookies
        assert c.get("/api/v1/me").status_code == 401


def test_unsafe_calls_need_the_csrf_header(app) -> None:
    with TestClient(app) as c:
        csrf = _login(c, "hr")
        body = {"title_zh": "改", "title_en": "Changed"}
        courses = c.get("/api/v1/courses").json()["data"]
        course = c.get(f"/api/v1/courses/{courses[0]['id']}")
        etag = course.headers["ETag"]
        refused = c.patch(f"/api/v1/courses/{courses[0]['id']}", json=body, headers={"If-Match": etag})
        assert refused.status_code == 403
        assert "X-CSRF-Token" in refused.json()["detail_en"]
        wrong = c.patch(
            f"/api/v1/courses/{courses[0]['id']}", json=body, headers={"If-Match": etag, "X-CSRF-Token": "0" * 64}
        )
        assert wrong.status_code == 403
        ok = c.patch(f"/api/v1/courses/{courses[0]['id']}", json=body, headers={"If-Match": etag, "X-CSRF-Token": csrf})
        assert ok.status_code == 200, ok.text
        assert ok.json()["title_en"] == "Changed"


def test_bearer_tokens_need_no_csrf(client, tokens) -> None:
    r = client.post("/api/v1/alerts/run", headers=tokens["hr"])
    assert r.status_code == 200


def test_logout_clears_the_session(app) -> None:
    with TestClient(app) as c:
        csrf = _login(c, "manager")
        assert c.get("/api/v1/me").status_code == 200
        r = c.post("/api/v1/auth/logout", headers={CSRF_HEADER: csrf})
        assert r.status_code == 204
        assert c.get("/api/v1/me").status_code == 401


def test_an_expired_session_answers_401_problem_json(app) -> None:
    settings = app.state.settings
    now = clock_for(settings).now()
    old = create_token(user_id=1, secret=settings.secret_key, ttl_minutes=5, now=now - timedelta(hours=1))
    with TestClient(app) as c:
        c.cookies.set(SESSION_COOKIE, old)
        c.cookies.set(CSRF_COOKIE, csrf_token_for(old, settings.secret_key))
        r = c.get("/api/v1/me")
        assert r.status_code == 401
        assert r.json()["detail_en"] == "invalid or expired token"


def test_the_app_and_swagger_ui_are_served_without_a_cdn(client) -> None:
    page = client.get("/")
    assert page.status_code == 200 and '<script type="module" src="/static/app.js">' in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "cdn" not in docs.text.lower() and "/static/swagger/swagger-ui-bundle.js" in docs.text
    for asset in ("/static/swagger/swagger-ui-bundle.js", "/static/swagger/swagger-ui.css", "/static/app.js"):
        assert client.get(asset).status_code == 200, asset
    assert client.get("/redoc").status_code == 404
