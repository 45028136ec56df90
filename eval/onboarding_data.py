"""Files a real company would bring, generated from the demo company: a contacts export (150 people, department
paths, managers by 工号), per-shop order exports over three years, a campaign plan and last quarter's scorecards."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from demo.company import DemoCompany

ROLE_ZH = {"employee": "员工", "manager": "经理", "hr": "HR", "admin": "管理员"}
STATUSES = np.array(["交易成功", "已发货", "待发货", "交易关闭"])


def contacts_csv(demo: DemoCompany, path: Path) -> int:
    """A DingTalk-style contacts export of the demo company; the number of people."""
    depts = {d["code"]: d for d in demo.departments}

    def dept_path(code: str) -> str:
        d = depts[code]
        return f"{dept_path(d['parent_code'])}/{d['name_zh']}" if d["parent_code"] else str(d["name_zh"])

    titles = {p["code"]: p["title_zh"] for p in demo.positions}
    roles = {u["employee_code"]: u["role"] for u in demo.users}
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(["工号", "姓名", "英文名", "部门", "职位", "直属主管工号", "入职时间", "角色", "状态", "手机号"])
        for e in demo.employees:
            hired = e["hire_date"].strftime("%Y/%m/%d") if e["hire_date"] else ""
            role = ROLE_ZH.get(roles.get(e["code"], ""), "")
            place = [dept_path(e["department_code"]), titles.get(e["position_code"], ""), e["manager_code"] or ""]
            status = "在职" if e["active"] else "离职"
            w.writerow([e["code"], e["name_zh"], e["name_en"], *place, hired, role, status, "13800000000"])
    return len(demo.employees)


def orders_frame(days: pd.DataFrame, shop_name: str, seed: int, scale: float = 1.0) -> pd.DataFrame:
    """One row per order for a shop's daily sales (`ds, sales, orders`): the day's paid total split over its
    orders, times spread over the day, 5% closed (not sales) and 3% partly refunded."""
    rng = np.random.default_rng(seed)
    n = np.maximum(np.round(days["orders"].fillna(0).to_numpy() * scale).astype(int), 0)
    total = int(n.sum())
    day_idx = np.repeat(np.arange(len(days)), n)
    aov = np.where(n > 0, days["sales"].to_numpy() / np.maximum(n, 1) * scale, 0)[day_idx]
    amount = np.round(aov * rng.uniform(0.5, 1.5, total), 2)
    seconds = rng.integers(0, 86_400, total)
    ds = pd.to_datetime(days["ds"].to_numpy()[day_idx]) + pd.to_timedelta(seconds, unit="s")
    status = np.where(rng.random(total) < 0.05, STATUSES[3], STATUSES[rng.integers(0, 3, total)])
    refund = np.where(rng.random(total) < 0.03, np.round(amount * 0.4, 2), np.nan)
    return pd.DataFrame({
        "订单编号": [f"{seed}{i:09d}" for i in range(total)], "店铺名称": shop_name,
        "付款时间": ds.strftime("%Y-%m-%d %H:%M:%S"), "实付金额": amount, "订单状态": status, "退款金额": refund,
    })  # fmt: skip


def campaign_csv(path: Path, today: date) -> None:
    """The company's own campaigns: a past 店庆 and a planned new-product launch."""
    path.write_text(
        "活动名称,活动类型,店铺,开始日期,结束日期,预计折扣\n"
        f"店庆,店庆,全部,{today.year - 1}-09-20,{today.year - 1}-09-22,15%\n"
        f"春季新品首发,新品首发,全部,{today.year + 1}-03-01,{today.year + 1}-03-03,\n",
        encoding="utf-8",
    )


def history_csv(demo: DemoCompany, path: Path, running: str) -> int:
    """Every closed month's scorecards (工号, 期间, 指标, 权重, 目标, 实际) before the `running` month."""
    latest: dict[tuple[str, str, str], float] = {}
    for a in demo.kpi_actuals:  # in date order: the last one of a period is its result
        latest[(a["employee_code"], a["period_code"], a["indicator_code"])] = a["value"]
    rows = []
    for k in demo.kpi_assignments:
        key = (k["employee_code"], k["period_code"], k["indicator_code"])
        if k["employee_code"] and k["period_code"] < running and key in latest:
            rows.append([*key, k["weight"], k["target"], latest[key]])
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["工号", "期间", "指标", "权重", "目标", "实际"])
        w.writerows(rows)
    return len(rows)
