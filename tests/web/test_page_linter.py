"""The page linter (issue 27): every page of every role's menu, in Chromium, read as a user reads it. In zh a page
fails on English machine text (Latin words outside brand names, units and KPI abbreviations), `null` /
`undefined` / `NaN`, snake_case or `code:detail` tokens, scientific notation and ISO stamps or period codes; in en
on Chinese outside people's and departments' names (elements marked `data-name`); at 390 px on text that overflows
its box or a name squeezed to one character per line. The main states are linted too: a draft with flags, a
finished forecast, an approved bonus pool and a refused page.

One server, one browser context per role (logged in once), every finding named by page and text."""

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from core.clock import get_clock
from tests.conftest import make_settings
from tests.web.conftest import _expected, api, login

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

APP = Path(__file__).resolve().parents[2] / "api" / "web" / "static" / "app.js"
ROLES = ("employee", "manager", "hr", "admin")

# Latin words a Chinese page may carry: the brand, platforms, KPI abbreviations, units and file kinds.
ALLOWED = {
    "kpilot", "tmall", "jd", "pdd", "douyin", "taobao", "gmv", "roi", "roas", "uv", "pv", "sku", "kpi", "kpis",
    "kr", "krs", "okr", "okrs", "ctr", "cvr", "aov", "csv", "xlsx", "excel", "ai", "mase", "min", "max",
    "english", "pdf", "csat", "smtp", "starttls", "webhook", "ok", "hr", "km", "kg", "ms", "px", "vs", "app", "api",
    "top", "q1", "q2", "q3", "q4",
}  # fmt: skip

# The checks themselves run in the page (tests/web/page_linter.js): LINT reads every visible text node and the
# attributes a reader meets; OVERFLOW looks for text wider than its box, squeezed names and sideways scrolling.
_JS = (Path(__file__).with_name("page_linter.js")).read_text()
LINT_JS = _JS[_JS.index("export const LINT = ") + 20 : _JS.index(";\n\n// OVERFLOW")]
OVERFLOW_JS = _JS[_JS.index("export const OVERFLOW = ") + 24 : _JS.rindex(";")]


def menu() -> dict[str, list[str]]:
    """Each role's pages, read from the app's own PAGES list (a page added there is linted without an edit)."""
    pages: dict[str, list[str]] = {r: [] for r in ROLES}
    for path, roles in re.findall(r"\{ path: '([\w-]+)', key: '[\w.]+', roles: \[([^\]]*)\]", APP.read_text()):
        for role in re.findall(r"'(\w+)'", roles):
            pages[role].append(path)
    assert all(pages.values()), pages
    return pages


@pytest.fixture(scope="module")
def web_app(demo_url: str) -> Any:
    """The demo company with a short forecast history (the forecast state finishes in seconds)."""
    from api.app import create_app

    return create_app(
        make_settings(demo_url, housekeeping_interval_s=0, draft_forecast=False, forecast_history_days=120)
    )


class Reader:
    """One role's logged-in browser page, with the console errors it met."""

    def __init__(self, browser: "Browser", base_url: str, role: str) -> None:
        self.role = role
        self.context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900}, locale="zh-CN")
        self.context.set_default_timeout(30_000)
        self.page: Page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        self.page.on(
            "console", lambda m: self.errors.append(m.text) if m.type == "error" and not _expected(m.text) else None
        )
        login(self.page, role)

    def open(self, where: str) -> None:
        """Open a page by its address and wait until it has rendered and its requests have settled."""
        self.page.evaluate("(h) => { location.hash = h; }", "#/" + where)
        self.page.wait_for_function(
            "(p) => location.hash.startsWith('#/' + p) && !document.querySelector('#view > p.muted:only-child')",
            arg=where.split("?")[0],
        )
        self.page.wait_for_load_state("networkidle")

    def lint(self, lang: str) -> list[str]:
        found: list[str] = self.page.evaluate(LINT_JS, [lang, sorted(ALLOWED)])
        return found

    def set_lang(self, lang: str) -> None:
        if self.page.evaluate("document.documentElement.lang").startswith(lang):
            return
        self.page.click("#lang")
        self.page.wait_for_function("(l) => document.documentElement.lang.startsWith(l)", arg=lang)
        self.page.wait_for_load_state("networkidle")


@pytest.fixture(scope="module")
def readers(browser: "Browser", base_url: str) -> Iterator[dict[str, Reader]]:
    made = {r: Reader(browser, base_url, r) for r in ROLES}
    yield made
    for r in made.values():
        r.context.close()


def _report(findings: dict[str, list[str]], most: int = 12) -> str:
    lines = []
    for where, fs in findings.items():
        unique = list(dict.fromkeys(fs))
        lines += [f"[{where}] {f}" for f in unique[:most]]
        if len(unique) > most:
            lines.append(f"[{where}] ... and {len(unique) - most} more")
    return "\n".join(lines)


def _states(reader: Reader) -> list[tuple[str, Any]]:
    """The states a role reaches beyond a page's first look: (name, action that reaches it on the open page)."""
    page = reader.page

    def draft_with_flags() -> None:
        reader.open("drafts")
        page.wait_for_selector("#d-request")
        defaults = api(page, "/periods/defaults")
        assert page.input_value("#d-period") == str(defaults["next_quarter"] or defaults["running_quarter"])
        page.click("#d-request")  # the first click works: the period and department are preset
        page.wait_for_selector("#draft-title", timeout=60_000)
        page.wait_for_load_state("networkidle")
        for d in page.locator("#draft-notes details").all():
            d.evaluate("(e) => { e.open = true; }")

    def finished_forecast() -> None:
        today = get_clock().today().isoformat()
        month = next(
            p
            for p in api(page, "/periods?limit=100")["data"]
            if p["kind"] == "month" and p["start_date"] <= today <= p["end_date"]
        )
        reader.open("forecasts")
        page.wait_for_selector("#fc-start")
        # The period selector opens on the running month (GET /periods/defaults).
        running = api(page, "/periods/defaults")["running_month"]
        assert page.input_value("#fc-period") == str(running) == str(month["id"])
        page.click("#fc-start")
        page.wait_for_function(
            "() => document.querySelector('#job-status') && !document.querySelector('#forecast .spinner')",
            timeout=180_000,
        )
        page.wait_for_load_state("networkidle")

    def approved_pool() -> None:
        csrf = next(c["value"] for c in reader.context.cookies() if c["name"] == "kpilot_csrf")
        headers = {"X-CSRF-Token": csrf}
        pool = api(page, "/pay/pools")["data"][0]
        allocation = api(page, f"/pay/pools/{pool['id']}/allocation")

        def post(what: str, action: str, body: dict[str, str]) -> None:
            etag = page.request.get(f"/api/v1/pay/{what}").headers.get("etag", "")
            r = page.request.post(f"/api/v1/pay/{what}/{action}", data=body, headers={**headers, "If-Match": etag})
            assert r.ok, r.text()

        for rid in allocation["waiting_for_reviews"]:
            post(f"reviews/{rid}", "decide", {"decision": "confirm", "reason": "经核对评分有依据"})
        if allocation["status"] != "approved":
            post(f"allocations/{allocation['id']}", "approve", {"note": "同意"})
        reader.open("pools")
        page.wait_for_selector("#alloc-decided")

    states: dict[str, list[tuple[str, Any]]] = {
        "employee": [("refused #/pools", lambda: reader.open("pools"))],
        "manager": [
            ("draft with flags", draft_with_flags),
            ("refused #/calibration", lambda: reader.open("calibration")),
        ],
        "hr": [("finished forecast", finished_forecast), ("approved pool", approved_pool)],
        "admin": [("my bonus", lambda: reader.open("bonus"))],
    }
    return states[reader.role]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_speaks_chinese_and_fits_a_phone(readers: dict[str, Reader], role: str) -> None:
    reader = readers[role]
    findings: dict[str, list[str]] = {}
    reader.set_lang("zh")
    for path in menu()[role]:
        reader.open(path)
        findings[f"{role} zh #/{path}"] = reader.lint("zh")
    for name, reach in _states(reader):
        reach()
        findings[f"{role} zh {name}"] = reader.lint("zh")
        reader.page.set_viewport_size({"width": 390, "height": 844})
        findings[f"{role} 390px {name}"] = reader.page.evaluate(OVERFLOW_JS)
        reader.page.set_viewport_size({"width": 1280, "height": 900})
    reader.page.set_viewport_size({"width": 390, "height": 844})
    try:
        for path in menu()[role]:
            reader.open(path)
            findings[f"{role} 390px #/{path}"] = reader.page.evaluate(OVERFLOW_JS)
    finally:
        reader.page.set_viewport_size({"width": 1280, "height": 900})
    reader.set_lang("en")
    try:
        for path in menu()[role]:
            reader.open(path)
            findings[f"{role} en #/{path}"] = reader.lint("en")
    finally:
        reader.set_lang("zh")
    findings = {k: v for k, v in findings.items() if v}
    assert reader.errors == [], reader.errors
    assert not findings, "\n" + _report(findings)


def test_a_lower_is_better_kpi_past_its_target_is_not_drawn_green(readers: dict[str, Reader]) -> None:
    """The progress bar of 响应时间 (lower is better) above its target is amber like its 落后 badge; a sales KPI
    below its target but on pace stays green; a forecast pace that is behind is amber whatever the direction."""
    page = readers["employee"].page
    fills = page.evaluate(
        """async () => {
          const { progressChart } = await import('/static/charts.js');
          const bar = (o) => progressChart({ label: 'x', ...o }).querySelector('rect[data-behind]');
          const fill = (o) => bar(o).getAttribute('fill');
          return {
            lowerBehind: fill({ actual: 40, target: 30, lower: true }),
            lowerMet: fill({ actual: 25, target: 30, lower: true }),
            higherOnPace: fill({ actual: 20, target: 30, status: 'on_track' }),
            higherBehind: fill({ actual: 20, target: 30, status: 'behind' }),
          };
        }"""
    )
    green, amber = "#15803d", "#b45309"
    assert fills == {"lowerBehind": amber, "lowerMet": green, "higherOnPace": green, "higherBehind": amber}, fills


def test_tables_stack_into_cards_and_charts_fit_a_phone(readers: dict[str, Reader]) -> None:
    """At 390 px the plan's KPI table is a list of labelled cards and every chart fits the screen."""
    reader = readers["employee"]
    reader.page.set_viewport_size({"width": 390, "height": 844})
    try:
        reader.open("plan")
        cells = reader.page.locator("table.stack tbody td[data-label]")
        assert cells.count() > 0
        assert reader.page.evaluate(
            "() => [...document.querySelectorAll('table.stack thead')]"
            ".every((h) => getComputedStyle(h).display === 'none')"
        )
        label = cells.first.evaluate("(td) => getComputedStyle(td, '::before').content")
        assert label.strip('"') == cells.first.get_attribute("data-label") != ""
        widths = reader.page.evaluate(
            "() => [...document.querySelectorAll('.chart')].map((c) => c.getBoundingClientRect().right)"
        )
        assert widths and max(widths) <= 390, widths
    finally:
        reader.page.set_viewport_size({"width": 1280, "height": 900})


def test_a_chart_opens_full_size(readers: dict[str, Reader]) -> None:
    """On a phone the grade chart fits the screen; a tap opens it full size in a dialog, which closes again."""
    reader = readers["hr"]
    reader.page.set_viewport_size({"width": 390, "height": 844})
    try:
        reader.open("grades")
        reader.page.click("button.chart-open")
        dialog = reader.page.locator("dialog.zoom-dialog[open]")
        assert dialog.locator("svg").count() == 1
        assert dialog.locator("svg").bounding_box()["width"] > 300  # type: ignore[index]
        dialog.get_by_role("button", name="关闭").click()
        assert reader.page.locator("dialog.zoom-dialog[open]").count() == 0
    finally:
        reader.page.set_viewport_size({"width": 1280, "height": 900})
