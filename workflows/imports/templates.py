"""Downloadable templates and the org export, in the import's own layout (import -> export -> import: no change)."""

import io
from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import NotFound, coded
from core.tables import Employee, Position, User
from workflows.imports.columns import ORG_HEADERS, ROLE_ZH
from workflows.imports.org import department_paths
from workflows.process.cells import write_only_row

TEMPLATES: dict[str, dict[str, tuple[str, ...]]] = {
    "org": ORG_HEADERS,
    "sales-daily": {
        "zh": ("统计日期", "店铺", "支付金额", "支付买家数", "访客数", "退款金额"),
        "en": ("ds", "shop", "sales", "orders", "visitors", "refunds"),
    },
    "sales-orders": {
        "zh": ("订单编号", "店铺", "付款时间", "实付金额", "订单状态", "退款金额"),
        "en": ("order_id", "shop", "paid_at", "amount", "status", "refund"),
    },
    "kpi-history": {
        "zh": ("工号", "期间", "指标", "权重", "目标", "实际"),
        "en": ("employee_code", "period", "indicator", "weight", "target", "actual"),
    },
    "outcomes": {"zh": ("部门", "期间", "结果"), "en": ("department", "period", "outcome")},
    "promotions": {
        "zh": ("活动名称", "活动类型", "店铺", "开始日期", "结束日期", "预计折扣"),
        "en": ("name", "kind", "shop", "start_date", "end_date", "discount"),
    },
}


def workbook(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """An .xlsx of one sheet: the header, then the rows."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("data")
    ws.append(write_only_row(ws, header))
    for row in rows:
        ws.append(write_only_row(ws, row))  # a name like "=HYPERLINK(...)" stays text (workflows/process/cells.py)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def template(kind: str, lang: str) -> bytes:
    """The empty template of an import, headers in `lang`."""
    if kind not in TEMPLATES:
        raise coded(
            NotFound(f"No template {kind!r}; use one of {', '.join(TEMPLATES)}."),
            "import.unknown_template",
            f"没有模板 {kind}；可用：{', '.join(TEMPLATES)}。",
        )
    return workbook(TEMPLATES[kind][lang], [])


def org_rows(session: Session, lang: str) -> list[list[object]]:
    """Every person as a row of the org template (department paths joined by `/`)."""
    paths = {i: "/".join(p) for p, i in department_paths(session).items()}
    people = list(session.execute(select(Employee).order_by(Employee.code)).scalars())
    codes = {e.id: e.code for e in people}
    titles = dict(session.execute(select(Position.id, Position.title_zh)).all())
    roles = dict(session.execute(select(User.employee_id, User.role).where(User.employee_id.is_not(None))).all())
    words = ROLE_ZH if lang == "zh" else {r: r for r in ROLE_ZH}
    status = ("在职", "离职") if lang == "zh" else ("active", "left")
    return [
        [
            e.code,
            e.name_zh,
            e.name_en,
            paths.get(e.department_id, ""),
            titles.get(e.position_id, "") if e.position_id else "",
            codes.get(e.manager_id, "") if e.manager_id else "",
            e.hire_date.isoformat() if e.hire_date else "",
            words.get(roles.get(e.id, ""), ""),
            status[0] if e.active else status[1],
        ]
        for e in people
    ]


def org_export(session: Session, lang: str) -> bytes:
    """The current org in the import's layout."""
    return workbook(ORG_HEADERS[lang], org_rows(session, lang))
