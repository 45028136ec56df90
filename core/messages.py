"""The message catalogue: every stable error or flag code -> an English and a Chinese template.

Errors and flags are data (a code and named parameters); the words belong to the reader, so the API renders
a code in the caller's language. A placeholder written `{thing:word}` names a word of `WORDS` (an object
kind, a role, an action) and is rendered in the reader's language; `{thing:Word}` capitalises the English.
Chinese templates never show ids, codes or snake_case: ids appear in the English text only.
"""

import re
import string
from collections.abc import Mapping
from typing import Any

from core.message_texts import CATALOGUE, Template

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

__all__ = ["CATALOGUE", "WORDS", "Template", "pick_lang", "placeholders", "render", "word"]

# What things, roles and actions are called. Keys are the words code uses (entity names, role values,
# permission names); an unknown key reads as "record" / "记录" rather than leaking machine text.
WORDS: dict[str, tuple[str, str]] = {
    # things
    "period": ("period", "考核期"),
    "course": ("course", "课程"),
    "kpi_assignment": ("KPI assignment", "KPI 指标"),
    "kpi": ("KPI", "KPI 指标"),
    "check_in": ("check-in", "进展更新"),
    "review_cycle": ("review cycle", "评估周期"),
    "review_cycle_item": ("review cycle item", "评估记录"),
    "cycle_item": ("review cycle item", "评估记录"),
    "appeal": ("appeal", "申诉"),
    "cycle_appeal": ("appeal", "申诉"),
    "indicator": ("indicator", "指标"),
    "indicator_rubric": ("rubric", "评分标准"),
    "rubric": ("rubric", "评分标准"),
    "department": ("department", "部门"),
    "department_outcome": ("department outcome", "部门业绩"),
    "goal_draft": ("goal draft", "目标草案"),
    "shop": ("shop", "店铺"),
    "forecast": ("forecast", "预测"),
    "forecast_job": ("forecast", "预测"),
    "objective": ("objective", "目标"),
    "key_result": ("key result", "关键结果"),
    "override": ("override", "实际值更正"),
    "actual_override": ("override", "实际值更正"),
    "login_lock": ("login lock", "登录锁定"),
    "user": ("user", "账号"),
    "bonus_allocation": ("bonus allocation", "奖金分配"),
    "bonus_pool": ("bonus pool", "奖金池"),
    "position_inventory": ("position inventory", "岗位盘点"),
    "position": ("position", "岗位"),
    "employee": ("employee", "员工"),
    "review_item": ("review item", "复核事项"),
    "task": ("task", "任务"),
    "process_task": ("task", "任务"),
    "task_comment": ("task comment", "任务评论"),
    "weight_proposal": ("weight proposal", "权重方案"),
    "promo_event": ("promotion", "促销活动"),
    "coaching_alert": ("coaching alert", "辅导提醒"),
    "grade_calibration": ("grade calibration", "等级校准"),
    "rating": ("rating", "评价"),
    "company": ("company", "公司"),
    "notification_channel": ("notification channel", "通知渠道"),
    "notification_channels": ("notification channels", "通知渠道"),
    "notification": ("notification", "通知"),
    "sales_daily": ("daily sales", "每日销售数据"),
    "sales_actual": ("sales actual", "销售实际值"),
    "kpi_actual": ("KPI actual", "指标实际值"),
    "kpi_history": ("KPI history", "指标历史数据"),
    "import_job": ("import", "导入任务"),
    "period_result": ("period result", "考核结果"),
    "calendar": ("calendar", "促销日历"),
    "org": ("organisation", "组织架构"),
    "audit_chain": ("audit chain", "审计记录"),
    "record": ("record", "记录"),
    # roles
    "employee_role": ("employee", "员工"),
    "manager": ("manager", "经理"),
    "hr": ("HR", "人力资源"),
    "admin": ("admin", "管理员"),
    # actions (the permission a route declares)
    "me:read": ("see your own account", "查看自己的账号"),
    "me:password": ("change your password", "修改密码"),
    "org:read": ("see the organisation", "查看组织架构"),
    "org:write": ("change the organisation", "修改组织架构"),
    "users:read": ("see the logins", "查看账号"),
    "users:write": ("manage logins", "管理账号"),
    "periods:read": ("see periods", "查看考核期"),
    "periods:write": ("set up periods", "设置考核期"),
    "catalogue:read": ("see the indicator catalogue", "查看指标库"),
    "catalogue:write": ("change the indicator catalogue", "修改指标库"),
    "okr:read": ("see OKRs", "查看 OKR"),
    "okr:write": ("write OKRs", "编写 OKR"),
    "kpi:read": ("see KPIs", "查看 KPI"),
    "kpi:write": ("set KPIs", "设置 KPI"),
    "actuals:write": ("record actuals", "填写实际值"),
    "actuals:decide": ("decide which actual counts", "决定采用哪个实际值"),
    "company:read": ("see the company set-up", "查看公司设置"),
    "company:write": ("change the company set-up", "修改公司设置"),
    "imports:write": ("import files", "导入文件"),
    "sales:read": ("see sales", "查看销售数据"),
    "sales:write": ("change sales data", "修改销售数据"),
    "audit:read": ("read the audit log", "查看审计记录"),
    "plan:read": ("see plans", "查看计划"),
    "alerts:read": ("see alerts", "查看提醒"),
    "alerts:run": ("run the alert check", "运行提醒检查"),
    "anomalies:read": ("see anomalies", "查看异常"),
    "grades:read": ("see the grade distribution", "查看等级分布"),
    "courses:read": ("see courses", "查看课程"),
    "courses:write": ("manage courses", "管理课程"),
    "weights:read": ("see weights", "查看权重"),
    "weights:propose": ("propose weights", "提出权重方案"),
    "weights:decide": ("approve or reject weights", "审批权重方案"),
    "outcomes:write": ("record department outcomes", "填写部门业绩"),
    "forecast:run": ("run forecasts", "运行预测"),
    "forecast:read": ("see forecasts", "查看预测"),
    "drafts:read": ("see goal drafts", "查看目标草案"),
    "drafts:write": ("edit goal drafts", "编辑目标草案"),
    "drafts:publish": ("publish goal drafts", "发布目标草案"),
    "tasks:read": ("see tasks", "查看任务"),
    "tasks:write": ("plan tasks", "安排任务"),
    "tasks:comment": ("comment on tasks", "评论任务"),
    "tasks:board": ("see the team's task board", "查看团队任务看板"),
    "reminders:read": ("see reminders", "查看提醒事项"),
    "notifications:read": ("see notification settings", "查看通知设置"),
    "notifications:write": ("change notification settings", "修改通知设置"),
    "exports:read": ("export reports", "导出报告"),
    "pay:read-own": ("see your own bonus", "查看自己的奖金"),
    "pay:rate": ("rate colleagues", "评价同事"),
    "pay:positions:read": ("see positions", "查看岗位"),
    "pay:manage": ("manage bonuses", "管理奖金"),
    "pay:review": ("review scores", "复核评分"),
    "cycles:read": ("see review cycles", "查看评估周期"),
    "cycles:take-part": ("take part in review cycles", "参与评估"),
    "cycles:manage": ("manage review cycles", "管理评估周期"),
    "appeals:read": ("see appeals", "查看申诉"),
    "appeals:decide": ("decide appeals", "处理申诉"),
    "checkins:read": ("see check-ins", "查看进展更新"),
    "checkins:write": ("post check-ins", "发布进展更新"),
    "checkins:comment": ("comment on check-ins", "评论进展更新"),
}
_ROLE_KEYS = {"employee": "employee_role"}  # a role value that is also a thing's name


def word(key: object, lang: str, *, role: bool = False) -> str:
    """What `key` is called in `lang` ("record" / "记录" when the catalogue does not know it)."""
    text = str(key)
    norm = _ROLE_KEYS.get(text, text) if role else text
    norm = norm if norm in WORDS else norm.strip().lower().replace(" ", "_").replace("-", "_")
    pair = WORDS.get(norm) or WORDS.get(text)
    if pair is None:
        return text if lang == "en" else WORDS["record"][1]
    return pair[0] if lang == "en" else pair[1]


class _Formatter(string.Formatter):
    """`{x:word}` looks `x` up in WORDS, `{x:role}` names a role, `{x:Word}` capitalises; the rest as usual."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec in ("word", "Word", "role"):
            text = word(value, self.lang, role=format_spec == "role")
            return text[:1].upper() + text[1:] if format_spec == "Word" else text
        if isinstance(value, list | tuple):
            return ("、" if self.lang == "zh" else ", ").join(str(v) for v in value)
        return str(super().format_field(value, format_spec))


def placeholders(template: str) -> set[str]:
    """The parameter names a template uses."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}


def render(code: str, params: Mapping[str, Any] | None, lang: str) -> str:
    """`code`'s message in `lang` with `params` filled in; a missing parameter reads as empty, never a crash."""
    tpl = CATALOGUE.get(code)
    if tpl is None:
        return code if lang == "en" else "操作未能完成，请稍后重试或联系管理员。"
    text = tpl.en if lang == "en" else tpl.zh
    filled = _Defaults(params or {})
    return _Formatter(lang).vformat(text, (), filled)


class _Defaults(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def pick_lang(accept_language: str | None) -> str:
    """The caller's language from an Accept-Language header: "en" when English is preferred over Chinese,
    else "zh" (also when the header is absent or names neither)."""
    best: tuple[float, str] | None = None
    for part in (accept_language or "").split(","):
        tag, _, rest = part.strip().partition(";")
        q = 1.0
        match = re.search(r"q\s*=\s*([0-9.]+)", rest)
        if match:
            try:
                q = float(match.group(1))
            except ValueError:
                q = 0.0
        lang = tag.strip().lower().split("-")[0]
        if lang in LANGS and q > 0 and (best is None or q > best[0]):
            best = (q, lang)
    return best[1] if best else DEFAULT_LANG
