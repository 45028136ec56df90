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
