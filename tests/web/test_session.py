"""Sessions in the browser: language switch, logout, an expired session, a CSRF-less POST refused, phone
width, and Swagger UI served without a CDN."""

from datetime import timedelta
from pathlib import Path

from api.deps import SESSION_COOKIE
from core.clock import clock_for
from core.security import create_token
from tests.web.conftest import api, login


def test_language_switch_from_chinese_to_english(page, screenshots: Path) -> None:
    page.goto("/")
    assert page.inner_text("h1") == "登录 kpilot"
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    page.click("#lang")
    assert page.inner_text("h1") == "Log in to kpilot"
    login(page, "employee")
    page.goto("/#/plan")
    page.wait_for_selector("#report")
    assert page.inner_text('nav a[data-page="plan"]') == "My plan"
    assert page.evaluate("document.documentElement.lang") == "en"
    plan = api(page, "/me/plan?lang=en")
    assert plan["report"]["text"].splitlines()[0] in page.inner_text("#report")
    page.screenshot(path=screenshots / "employee-plan-en.png", full_page=True)
    page.click("#lang")
    page.wait_for_selector("text=本期指标")
    assert page.inner_text('nav a[data-page="plan"]') == "我的计划"


def test_logout_ends_the_session(page) -> None:
    login(page, "manager")
    assert page.request.get("/api/v1/me").status == 200
    page.click("#logout")
    page.wait_for_selector("#login-submit")
    assert page.request.get("/api/v1/me").status == 401
    page.goto("/#/team")
    page.wait_for_selector("#login-submit")  # back to the login page, not the team


def test_an_expired_session_returns_to_login_with_a_message(page, web_app, base_url: str, screenshots: Path) -> None:
    login(page, "employee")
    me = api(page, "/me")
    settings = web_app.state.settings
    old = create_token(
        user_id=me["user_id"],
        secret=settings.secret_key,
        ttl_minutes=5,
        now=clock_for(settings).now() - timedelta(hours=1),
    )
    page.context.add_cookies([{"name": SESSION_COOKIE, "value": old, "url": base_url}])
    page.reload()
    page.wait_for_selector("#expired")
    assert page.inner_text("#expired") == "登录已过期，请重新登录。"
    text = page.inner_text("body")
    assert "Traceback" not in text and "invalid or expired token" not in text
    page.screenshot(path=screenshots / "expired.png", full_page=True)
    login(page, "employee")  # and logging in again works
    page.wait_for_selector("#home")


def test_a_post_without_the_csrf_token_is_refused(page) -> None:
    login(page, "hr")
    status = page.evaluate(
        "async () => (await fetch('/api/v1/alerts/run', {method: 'POST', credentials: 'same-origin'})).status"
    )
    assert status == 403
    ok = page.evaluate(
        """async () => {
          const csrf = document.cookie.split('; ').find((c) => c.startsWith('kpilot_csrf=')).split('=')[1];
          return (await fetch('/api/v1/alerts/run', {method: 'POST', headers: {'X-CSRF-Token': csrf}})).status;
        }"""
    )
    assert ok == 200
    # The session cookie itself is out of the page's reach.
    assert "kpilot_session" not in page.evaluate("document.cookie")


def test_phone_width_has_no_sideways_scrolling(browser, base_url: str, screenshots: Path) -> None:
    context = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        login(page, "employee")
        page.goto("/#/plan")
        page.wait_for_selector("#score-total")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, width
        page.screenshot(path=screenshots / "employee-plan-phone.png", full_page=True)
    finally:
        context.close()


def test_swagger_ui_loads_nothing_from_outside(page, base_url: str) -> None:
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    page.goto("/docs")
    page.wait_for_selector(".swagger-ui .information-container")
    assert "kpilot" in page.inner_text(".swagger-ui .information-container")
    outside = [u for u in seen if not u.startswith(base_url) and not u.startswith("data:")]
    assert outside == [] and any(u.endswith("/static/swagger/swagger-ui-bundle.js") for u in seen)
