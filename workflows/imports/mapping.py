"""Which column is which in a sales export: a suggestion from the headers, the user's `mapping`, or the one
remembered for the shop; all checked the same way."""

import json
from typing import Any

from core.errors import InvalidInput, coded
from core.tables import Shop
from workflows.imports.columns import DAILY_FIELDS, DAILY_REQUIRED, ORDER_FIELDS, ORDER_REQUIRED, map_headers
from workflows.imports.parse import said

Mapping = dict[str, str]  # file header -> field


def _invalid(en: str, zh: str, code: str, errors: list[dict[str, object]] | None = None) -> InvalidInput:
    return coded(InvalidInput(en, errors), code, zh)


def suggest(header: list[str]) -> tuple[str, Mapping]:
    """(kind, mapping) the headers suggest: an order export when its key columns are there, else a daily file."""
    orders, _ = map_headers(header, ORDER_FIELDS)
    if all(f in orders for f in ORDER_REQUIRED):
        return "orders", {h: f for f, h in orders.items()}
    daily, _ = map_headers(header, DAILY_FIELDS)
    return "daily", {h: f for f, h in daily.items()}


def parse_mapping(raw: str | None) -> Mapping | None:
    """The `mapping` form field: a JSON object from the file's header to a field name."""
    if raw is None or not raw.strip():
        return None
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise _invalid(
            f'mapping is not JSON ({exc.msg}); send an object like {{"统计日期": "ds"}}.',
            'mapping 不是合法的 JSON；请发送形如 {"统计日期": "ds"} 的对象。',
            "import.mapping_json",
        ) from exc
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise _invalid(
            "mapping must be an object of header -> field.",
            "mapping 必须是 表头 -> 字段 的对象。",
            "import.mapping_json",
        )
    return value


def kind_of(mapping: Mapping) -> str:
    """`orders` when the mapping names any order field, else `daily`."""
    return "orders" if set(mapping.values()) & {"order_id", "paid_at", "amount", "status", "refund"} else "daily"


def check_mapping(mapping: Mapping, header: list[str]) -> str:
    """The kind of a complete, valid mapping; 422 `import.mapping` naming what is wrong otherwise."""
    kind = kind_of(mapping)
    fields = ORDER_FIELDS if kind == "orders" else DAILY_FIELDS
    required = ORDER_REQUIRED if kind == "orders" else DAILY_REQUIRED
    problems: list[dict[str, object]] = []
    for h, f in mapping.items():
        if h not in header:
            problems.append({"loc": ["mapping", h], **said("import.mapping.no_column", column_en=repr(h), column_zh=h)})
        if f not in fields:
            problems.append(
                {
                    "loc": ["mapping", h],
                    **said("import.mapping.unknown_field", field_en=repr(f), field_zh=f, fields=", ".join(fields)),
                }
            )
    if len(set(mapping.values())) != len(mapping):
        problems.append({"loc": ["mapping"], **said("import.mapping.two_to_one")})
    missing = [f for f in required if f not in mapping.values()]
    if missing:
        problems.append({"loc": ["mapping"], **said("import.mapping.unmapped", fields_en=", ".join(missing))})
    if problems:
        raise _invalid(
            f"The column mapping does not fit this file ({kind}); fix it and retry.",
            "列映射与文件不符；请修正后重试。",
            "import.mapping",
            problems + [{"loc": ["suggested"], "msg": json.dumps(suggest(header)[1], ensure_ascii=False)}],
        )
    return kind


def choose(
    header: list[str], given: Mapping | None, shop: Shop | None, header_where: dict[str, object]
) -> tuple[str, Mapping, str]:
    """(kind, mapping, source): the given mapping, else the shop's remembered one if it fits, else a suggestion."""
    if given is not None:
        return check_mapping(given, header), given, "given"
    remembered: Any = shop.sales_mapping if shop is not None else None
    if isinstance(remembered, dict) and remembered and all(h in header for h in remembered):
        return check_mapping(remembered, header), remembered, "remembered"
    kind, mapping = suggest(header)
    required = ORDER_REQUIRED if kind == "orders" else DAILY_REQUIRED
    missing = [f for f in required if f not in mapping.values()]
    if missing:
        names = ", ".join(f"{f} ({DAILY_FIELDS[f][0]})" for f in missing if f in DAILY_FIELDS)
        raise _invalid(
            f"missing column(s) {names}: no header of the file is recognised as them; name them in `mapping` "
            "(a JSON object header -> field) or start from GET /api/v1/imports/templates/sales-daily.xlsx.",
            f"缺少列 {names}：文件表头无法识别；请在 mapping 中指定，或使用销售导入模板。",
            "import.sales_columns",
            [
                {
                    **header_where,
                    **said(
                        "import.value.missing_columns",
                        missing_en=str(missing),
                        missing_zh=[{**ORDER_FIELDS, **DAILY_FIELDS}[f][0] for f in missing],
                    ),
                    "suggested": mapping,
                    "kind": kind,
                    "columns": header,
                }
            ],
        )
    return check_mapping(mapping, header), mapping, "suggested"
