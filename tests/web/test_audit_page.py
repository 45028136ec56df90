"""审计, 异常 and the pool's lines in Chromium, checked against the API: the audit log in words (event names, people's
names, company-local time stamps to the minute, before/after by field label), its filters and paging; anomaly
flags with severity, subject, title and evidence in words; lists sort and search (audit, pool lines)."""

import re
from pathlib import Path

from tests.web.conftest import api, login

ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")


def _rows(page, where: str = "#audit-list tbody tr") -> list[str]:
    return [r.inner_text() for r in page.locator(where).all() if r.is_visible()]


def test_the_audit_log_reads_in_words_and_filters_and_pages(page, screenshots: Path) -> None:
    login(page, "hr")
    page.goto("/#/audit")
    page.wait_for_selector("#audit-list")
    text = page.inner_text("main")
    assert not ISO.search(text) and not SNAKE.search(text), (ISO.search(text), SNAKE.search(text))
    for machine in ("weight_proposal", "approve", "create", "system", "null", "undefined"):
        assert machine not in text, machine
    everything = api(page, "/audit-events?limit=50")
    assert len(_rows(page)) == len(everything["data"])
    facets = api(page, "/audit-events/facets")
    manager = next(a for a in facets["actors"] if a["actor"] == "manager")
    assert manager["name_zh"] in text and "系统" in text and "新建" in text and "权重建议" in text
    # Time stamps in Shanghai time to the minute: the newest event's "2026年11月18日 10:00"-style stamp.
    first = page.locator("#audit-list tbody tr").first.inner_text()
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}", first) and not re.search(r":\d{2}:\d{2}", first)
    # Before/after in words: the weight proposal's creation lists labelled fields, never its JSON.
    wp = page.locator("#audit-list tbody tr", has=page.locator('[data-entity="weight_proposal"]')).first
    wp.locator("details summary").click()
    detail = wp.locator("details").inner_text()
    assert "新建" in detail and "状态：待审批" in detail and "{" not in detail
    page.screenshot(path=screenshots / "audit-zh.png", full_page=True)

    # Filter by person: only the manager's events, by the manager's name.
    page.select_option("#au-actor", "manager")
    page.click("#audit-apply")
    page.wait_for_function("() => location.hash.includes('actor=manager')")
    page.wait_for_selector("#audit-list")
    mine = api(page, "/audit-events?actor=manager&limit=50")
    assert len(_rows(page)) == mine["count"] >= 1
    assert all(manager["name_zh"] in r for r in _rows(page))
    # Filter by object and by days (company-local): nothing before the demo existed.
    page.goto("/#/audit?entity=coaching_alert")
    page.wait_for_selector("#audit-list")
    alerts = api(page, "/audit-events?entity=coaching_alert&limit=50")
    assert len(_rows(page)) == alerts["count"] > 1 and all("预警" in r for r in _rows(page))
    page.goto("/#/audit?until=2000-01-01")
    page.wait_for_selector("#audit-empty")
    assert page.input_value("#au-until") == "2000-01-01"
    page.click("#audit-reset")
    page.wait_for_selector("#audit-list")

    # Search and sort inside the page: a person's name keeps only their rows; the action column sorts.
    page.fill("#audit-list-search", manager["name_zh"])
    assert len(_rows(page)) == sum(1 for e in everything["data"] if e["actor"] == "manager")
    assert "显示" in page.inner_text("#audit-list-count")
    page.fill("#audit-list-search", "")
    stamps = "els => els.map((e) => e.getAttribute('data-sort'))"
    page.click("#audit-list th button.sort >> nth=0")  # by time: oldest first, then newest first
    assert page.get_attribute("#audit-list th:nth-child(1)", "aria-sort") == "ascending"
    oldest_first = page.locator("#audit-list tbody [data-event]").evaluate_all(stamps)
    assert oldest_first == sorted(oldest_first)
    page.click("#audit-list th button.sort >> nth=0")
    assert page.get_attribute("#audit-list th:nth-child(1)", "aria-sort") == "descending"
    assert page.locator("#audit-list tbody [data-event]").evaluate_all(stamps) == sorted(oldest_first, reverse=True)
    page.click("#audit-list th button.sort >> nth=2")  # by action: the same action words end up next to each other
    actions = page.locator("#audit-list tbody [data-action]").evaluate_all("els => els.map((e) => e.textContent)")
    assert all(a not in actions[i + 1 :] or actions[i + 1] == a for i, a in enumerate(actions[:-1]))

    # English: the same log in English words.
    page.click("#lang")
    page.wait_for_selector("#audit-list >> text=Weight proposal")
    assert "Created" in page.inner_text("#audit-list") and "System" in page.inner_text("#audit-list")


def test_audit_paging_walks_the_whole_log(page) -> None:
    login(page, "admin")
    total = api(page, "/audit-events?limit=1")["count"]
    page.goto("/#/audit")
    page.wait_for_selector("#audit-pager")
    seen = len(_rows(page))
    assert page.is_disabled("#audit-prev")
    assert page.inner_text("#audit-range") == f"第 1–{min(50, total)} 条，共 {total} 条"
    if total <= 50:
        assert page.is_disabled("#audit-next") and seen == total
        return
    page.click("#audit-next")
    page.wait_for_function("() => location.hash.includes('offset=50')")
    page.wait_for_selector("#audit-list")
    assert page.inner_text("#audit-range").startswith("第 51–")
    assert not page.is_disabled("#audit-prev")


def test_anomaly_flags_read_in_words(page, screenshots: Path) -> None:
    login(page, "hr")
    page.goto("/#/anomalies")
    page.wait_for_selector("#flags")
    report = api(page, "/anomalies")
    text = page.inner_text("main")
    for machine in ("warning", "all_high", "team_jump", "share_high", "p_value", "robust_z", "(E0", "e-0", "team:"):
        assert machine not in text, machine
    assert page.locator("#flags .flag").count() == len(report["flags"]) > 0
    assert "需复核" in text and "高分过于集中" in text and "高分占比" in text and "其他证据" not in text
    team = next(f for f in report["flags"] if f["code"] == "all_high")
    card = page.locator(f'#flags .flag[data-code="{team["code"]}"]').first
    name = team["subject_name"].split(" / ")[0].replace("团队：", "").split(" (")[0]
    assert f"{name}的团队" in card.inner_text()
    # p values: tiny ones read "< 0.001", never in scientific notation; the label explains itself on hover.
    value = "async ([k, v]) => (await import('/static/pages/anomalies.js')).evidenceValue(k, v)"
    assert page.evaluate(value, ["p_value", 4.27e-06]) == "< 0.001"
    assert page.evaluate(value, ["p_value", 0.0412]) == "0.041"
    assert page.evaluate(value, ["robust_z", 12345.678]) == "12,345.68"
    plain = "async (s) => (await import('/static/pages/anomalies.js')).plainNumbers(s)"
    assert page.evaluate(plain, "（p=4.27e-06）") == "（p < 0.001）"
    assert page.evaluate(plain, "p=0，差距 1.5e-07") == "p < 0.001，差距 < 0.001"
    share = page.locator('abbr.explained[data-key="share_high"]').first
    assert "高分线" in (share.get_attribute("title") or "")
    page.screenshot(path=screenshots / "anomalies-zh.png", full_page=True)
    page.click("#lang")
    page.wait_for_selector("text=Needs a second look")
    assert "Share of high scores" in page.inner_text("main") and "team of " in page.inner_text("main")


def test_pool_lines_search_and_sort(page, screenshots: Path) -> None:
    login(page, "hr")
    page.goto("/#/pools")
    page.wait_for_selector("#alloc-list-search")
    pool = api(page, "/pay/pools")["data"][0]
    a = api(page, f"/pay/pools/{pool['id']}/allocation")
    people = {e["id"]: e for e in api(page, "/employees?limit=200")["data"]}
    target = people[a["lines"][3]["employee_id"]]
    page.fill("#alloc-list-search", target["name_zh"])
    rows = page.locator("#alloc-lines > details > .table-wrap > table > tbody > tr")
    visible = [r for r in rows.all() if r.is_visible()]
    assert visible and all(target["name_zh"] in r.inner_text() for r in visible)
    assert "(E" not in visible[0].inner_text()  # names, not codes
    page.screenshot(path=screenshots / "pool-search.png", full_page=True)
    page.fill("#alloc-list-search", "")
    # Sorting one department's table by amount sorts every department's lines the same way.
    first = page.locator("#alloc-lines > details").first
    if first.get_attribute("open") is None:
        first.locator("summary").first.click()
    page.click("#alloc-lines > details >> nth=0 >> th button.sort >> nth=4")
    page.click("#alloc-lines > details >> nth=0 >> th button.sort >> nth=4")  # second click: highest first
    for group in page.locator("#alloc-lines > details").all():
        amounts = [float(v) for v in group.locator("tbody input").evaluate_all("els => els.map((e) => e.value)")]
        assert amounts == sorted(amounts, reverse=True)


def test_audit_anomalies_pools_and_a_confirmation_fit_a_phone(browser, base_url: str, screenshots: Path) -> None:
    context = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        login(page, "hr")
        for path, ready in (("audit", "#audit-list"), ("anomalies", "#flags"), ("pools", "#alloc-approve")):
            page.goto(f"/#/{path}")
            page.wait_for_selector(ready)
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
            page.screenshot(path=screenshots / f"{path}-phone.png", full_page=True)
        # Stacked tables hide their headers at this width: the sort menu sorts instead.
        assert page.is_visible("#alloc-list-sort")
        page.select_option("#alloc-list-sort", "4:descending")
        groups = page.locator("#alloc-lines > details").all()
        assert any(g.locator("tbody input").count() > 2 for g in groups)
        for group in groups:
            amounts = [float(v) for v in group.locator("tbody input").evaluate_all("els => els.map((e) => e.value)")]
            assert amounts == sorted(amounts, reverse=True)
        page.click("#alloc-approve")
        page.wait_for_selector("#confirm-dialog[open]")
        box = page.locator("#confirm-dialog").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        assert page.is_visible("#confirm-ok") and page.is_visible("#confirm-cancel")
        page.screenshot(path=screenshots / "pool-confirm-phone.png")
        page.click("#confirm-cancel")
    finally:
        context.close()
