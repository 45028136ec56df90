"""Header families: the many ways DingTalk, WeCom, Feishu and Excel sheets name one column, in zh and en."""

import re

ORG_FIELDS: dict[str, tuple[str, ...]] = {
    "code": ("工号", "员工工号", "账号", "userid", "员工编号", "employee_code", "code"),
    "name": ("姓名", "名字", "name", "name_zh"),
    "name_en": ("英文名", "name_en", "english name"),
    "department": ("部门", "所属部门", "department"),
    "position": ("职位", "岗位", "职务", "position", "title"),
    "manager": ("直属主管工号", "直属上级工号", "直属主管", "直属上级", "manager_code", "manager"),
    "hire_date": ("入职日期", "入职时间", "hire_date"),
    "email": ("邮箱", "email"),
    "phone": ("手机号", "手机", "phone", "mobile"),
    "role": ("角色", "role"),
    "status": ("状态", "在职状态", "status"),
    "gender": ("性别", "gender"),
}
ORG_REQUIRED = ("code", "name", "department")
ORG_HEADERS: dict[
    str, tuple[str, ...]
] = {  # the layout of the template and the export (import -> export -> import changes nothing)
    "zh": ("工号", "姓名", "英文名", "部门", "职位", "直属主管工号", "入职日期", "角色", "状态"),
    "en": ("employee_code", "name", "name_en", "department", "position", "manager_code", "hire_date", "role", "status"),
}
ORG_KEYS = ("code", "name", "name_en", "department", "position", "manager", "hire_date", "role", "status")
ROLE_WORDS = {
    "员工": "employee",
    "经理": "manager",
    "主管": "manager",
    "hr": "hr",
    "人事": "hr",
    "管理员": "admin",
    "employee": "employee",
    "manager": "manager",
    "admin": "admin",
}
ROLE_ZH = {"employee": "员工", "manager": "经理", "hr": "HR", "admin": "管理员"}
ACTIVE_WORDS = {
    "在职": True,
    "已激活": True,
    "未激活": True,
    "active": True,
    "离职": False,
    "inactive": False,
    "left": False,
}


def _norm(header: str) -> str:
    return re.sub(r"[\s_*（）()]+", "", header).lower()


def map_headers(header: list[str], families: dict[str, tuple[str, ...]]) -> tuple[dict[str, str], list[str]]:
    """({field: file header}, ignored headers): the first header of each family wins."""
    lookup = {_norm(name): field for field, names in families.items() for name in names}
    found: dict[str, str] = {}
    ignored = []
    for h in header:
        field = lookup.get(_norm(h))
        if field is not None and field not in found:
            found[field] = h
        elif h:
            ignored.append(h)
    return found, ignored


DAILY_FIELDS: dict[str, tuple[str, ...]] = {
    "shop": ("店铺", "店铺名称", "店铺编码", "shop", "shop_code"),
    "ds": ("统计日期", "日期", "date", "ds"),
    "sales": ("支付金额", "成交金额", "销售额", "支付金额(元)", "gmv", "sales"),
    "orders": ("支付买家数", "订单数", "支付订单数", "支付子订单数", "orders"),
    "visitors": ("访客数", "uv", "visitors"),
    "refunds": ("退款金额", "成功退款金额", "refunds"),
}
ORDER_FIELDS: dict[str, tuple[str, ...]] = {
    "shop": ("店铺", "店铺名称", "shop", "shop_code"),
    "order_id": ("订单编号", "主订单编号", "订单号", "order_id"),
    "paid_at": ("付款时间", "支付时间", "下单时间", "创建时间", "paid_at"),
    "amount": ("实付金额", "买家实际支付金额", "订单应付金额", "amount"),
    "status": ("订单状态", "status"),
    "refund": ("退款金额", "refund"),
}
DAILY_REQUIRED = ("ds", "sales")
ORDER_REQUIRED = ("order_id", "paid_at", "amount")
# Orders that are not sales: never paid, or closed/cancelled (a fully refunded Taobao order ends as 交易关闭).
NOT_SALES = (
    "交易关闭",
    "已关闭",
    "已取消",
    "取消",
    "等待买家付款",
    "待付款",
    "未付款",
    "closed",
    "cancelled",
    "unpaid",
)
ORDER_RULE = {
    "en": "An order counts on the day of its payment time in the company's time zone; unpaid, closed and cancelled "
    "orders (交易关闭/已关闭/已取消/等待买家付款) are not sales; refunds (退款金额) are netted on the order's paid "
    "day. Daily sales = paid amounts - refunds (may be negative); orders = orders counted.",
    "zh": "订单按付款时间（公司时区）计入当天；未付款、交易关闭、已取消的订单不计入销售；退款金额在订单付款当天扣减。"
    "日销售额 = 实付金额合计 - 退款金额合计（可为负）；订单数 = 计入的订单数。",
}


HISTORY_FIELDS: dict[str, tuple[str, ...]] = {
    "employee": ("工号", "employee_code"),
    "department": ("部门", "department"),
    "period": ("期间", "周期", "考核期间", "period", "period_code"),
    "indicator": ("指标", "指标名称", "指标编码", "indicator", "indicator_code"),
    "weight": ("权重", "weight"),
    "target": ("目标", "目标值", "target"),
    "actual": ("实际", "实际值", "完成值", "actual"),
    "outcome": ("结果", "部门结果", "outcome"),
}


PROMO_FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("活动名称", "活动", "name"),
    "kind": ("活动类型", "类型", "kind"),
    "shop": ("店铺", "平台/店铺", "平台", "shop"),
    "start_date": ("开始日期", "开始时间", "start_date", "start"),
    "end_date": ("结束日期", "结束时间", "end_date", "end"),
    "discount": ("预计折扣", "折扣", "discount"),
    "intensity": ("力度", "intensity"),
}
PROMO_KINDS = {
    "大促": "platform",
    "平台活动": "platform",
    "platform": "platform",
    "店庆": "shop",
    "自有活动": "shop",
    "shop": "shop",
    "直播专场": "live",
    "直播": "live",
    "live": "live",
    "新品首发": "launch",
    "新品": "launch",
    "launch": "launch",
}
