"""Small builders shared by the assistant tests."""

from assistant.org import Org, org_from_data

OKR_ZH = (
    "O1: 实现健康增长\nKR1: Q3 GMV 达到 1.2 亿元，同比增长 30%\n"
    "KR2: 客服首次响应时间 ≤ 30 秒\nKR3: 复购率从 25% 提升到 32%"
)
OKR_EN = (
    "O1: Grow fast in Q3\nKR1: Q3 GMV reach 12m CNY, up 30% yoy\nKR2: first response time under 30 seconds\n"
    "KR3: repeat purchase rate from 25% to 32%"
)


def small_org(*codes: str) -> Org:
    """An org with one specialist per given department (default: ops and cs)."""
    roles = {
        "ops": "ops_specialist",
        "cs": "cs_agent",
        "ads": "ad_specialist",
        "design": "designer",
        "warehouse": "picker",
        "live": "host",
        "hr": "hr_specialist",
    }
    codes = codes or ("ops", "cs")
    return org_from_data(
        {"departments": [{"code": c, "roles": [{"code": roles[c], "people": [f"{c} person"]}]} for c in codes]}
    )
