"""Lists of people sort and search: the manager's team and HR's people and key positions, checked against the API."""

from tests.web.conftest import api, login


def _visible(page, where: str) -> list[str]:
    return [r.inner_text() for r in page.locator(where).all() if r.is_visible()]


def test_team_searches_and_sorts_by_score(page) -> None:
    login(page, "manager")
    page.goto("/#/team")
    page.wait_for_selector("#team-list-search")
    members = api(page, "/team/overview")["members"]
    assert len(members) >= 3
    scored = [m for m in members if m["score"] is not None]
    target = members[1]
    page.fill("#team-list-search", target["name_zh"])
    shown = _visible(page, "#team-list tbody tr")
    assert shown and all(target["name_zh"] in row for row in shown)
    assert len(shown) < len(members)
    page.fill("#team-list-search", "")
    assert len(_visible(page, "#team-list tbody tr")) == len(members)
    page.click("#team-list th button.sort >> nth=1")
    page.click("#team-list th button.sort >> nth=1")  # second click: highest first
    assert page.get_attribute("#team-list th >> nth=1", "aria-sort") == "descending"
    first_row = page.locator("#team-list tbody tr").first.inner_text()
    best = max(scored, key=lambda m: m["score"])
    assert best["name_zh"] in first_row


def test_people_and_positions_search(page) -> None:
    login(page, "hr")
    page.goto("/#/people")
    page.wait_for_selector("#people-list-search")
    people = [e for e in api(page, "/employees?limit=200")["data"] if e["active"]]
    target = people[5]
    page.fill("#people-list-search", target["name_zh"])
    shown = _visible(page, "#people-list tbody tr")
    assert shown and len(shown) < len(people)
    assert all(target["name_zh"] in row for row in shown)
    page.goto("/#/positions")
    page.wait_for_selector("#positions-list-search")
    total = len(_visible(page, "#positions-list tbody tr"))
    first_name = page.locator("#positions-list tbody tr td").first.inner_text().strip()
    page.fill("#positions-list-search", first_name)
    shown = _visible(page, "#positions-list tbody tr")
    assert shown and len(shown) <= total and all(first_name in row for row in shown)
