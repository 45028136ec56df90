"""`kpilot eval onboarding`: a generated company of 150 people with three years of order exports goes through
set-up on an empty database, each step timed (the same use cases as the API and `kpilot import`); and the
1,000,000-order-row import benchmark. Tables go to eval/results/."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from core.clock import Clock, get_clock
from core.db import get_engine, session_scope
from core.errors import KpilotError
from core.migrate import upgrade
from core.security import ADMIN, Caller
from demo.company import generate_demo_company
from eval import onboarding_data as files
from workflows.goals.calendar import run_calendar
from workflows.imports import flows as imports
from workflows.onboarding import flows as onboarding
from workflows.onboarding.schemas import CompanyCreate, ShopCreate

RESULTS_DIR = Path(__file__).resolve().parent / "results"
ADMIN_CALLER = Caller(user_id=0, username="eval", role=ADMIN, employee_id=None)


@dataclass
class Step:
    """One timed step of the onboarding."""

    name: str
    seconds: float
    result: str


def _timed(steps: list[Step], name: str, url: str, clock: Clock, work: Callable[[Session], str]) -> None:
    start = time.perf_counter()
    with session_scope(url, clock=clock) as session:
        result = work(session)
    steps.append(Step(name, time.perf_counter() - start, result))
    print(f"[eval onboarding] {name}: {steps[-1].seconds:.1f} s ({result})", flush=True)


def _import(kind: str, path: Path, **kw: Any) -> Callable[[Session], str]:
    def work(session: Session) -> str:
        calls: dict[str, Callable[..., Any]] = {
            "org": imports.import_org,
            "sales": imports.import_sales,
            "promotions": imports.import_promotions,
            "history": imports.import_history,
        }
        call = calls[kind]
        try:
            with path.open("rb") as fh:
                report = call(session, ADMIN_CALLER, source=fh, filename=path.name, **kw)
        except KpilotError as exc:  # an eval records a refused file and goes on
            first = getattr(exc, "errors", [{}])[:1]
            return f"refused: {exc} {first}"
        keys = ("created", "unchanged", "days", "orders_counted", "imported", "events", "rows")
        shown = ", ".join(f"{k} {report[k]}" for k in keys if isinstance(report.get(k), int) and report[k])
        return shown + (f", {len(report['errors'])} errors" if report.get("errors") else "")

    return work


def run_onboarding(work: Path, *, seed: int = 7, n_employees: int = 150, clock: Clock | None = None) -> list[Step]:
    """Every set-up step on a fresh SQLite database under `work`; the timed steps."""
    clock = clock or get_clock()
    today = clock.today()
    demo = generate_demo_company(seed, today=today, n_employees=n_employees)
    url = f"sqlite:///{work / 'onboarding.db'}"
    upgrade(url)
    steps: list[Step] = []
    org = work / "通讯录.csv"
    files.contacts_csv(demo, org)

    def setup(session: Session) -> str:
        onboarding.create_company(session, None, CompanyCreate(name_zh="杭州云裳服饰", name_en="Yunshang Apparel"))
        for s in demo.shops:
            body = {k: s[k] for k in ("code", "name_zh", "name_en", "channel")}
            onboarding.create_shop(session, None, ShopCreate.model_validate(body))
        return f"company and {len(demo.shops)} shops"

    _timed(steps, "company and shops", url, clock, setup)
    start = time.perf_counter()
    run = run_calendar(url, clock)  # what `kpilot serve` does on start: periods ahead, the KPI catalogue
    steps.append(
        Step("calendar (periods, catalogue)", time.perf_counter() - start, f"{len(run.indicators_seeded)} indicators")
    )
    _timed(steps, "org import, dry run", url, clock, _import("org", org, dry_run=True))
    _timed(steps, "org import", url, clock, _import("org", org, dry_run=False))
    for s in demo.shops:
        path = work / f"订单_{s['code']}.csv"
        days = demo.sales[demo.sales["shop_code"] == s["code"]]
        files.orders_frame(days, str(s["name_zh"]), seed=len(steps)).to_csv(path, index=False)
        _timed(steps, f"orders {s['code']}, dry run", url, clock, _import("sales", path, dry_run=True))
        _timed(steps, f"orders {s['code']}", url, clock, _import("sales", path, dry_run=False))
    plan = work / "活动.csv"
    files.campaign_csv(plan, today)
    _timed(steps, "campaign plan", url, clock, _import("promotions", plan, dry_run=False))
    history = work / "历史绩效.csv"
    files.history_csv(demo, history, f"{today:%Y-%m}")
    _timed(steps, "KPI history (24 months), dry run", url, clock, _import("history", history, dry_run=True))
    _timed(steps, "KPI history (24 months)", url, clock, _import("history", history, dry_run=False))
    _timed(steps, "org import again (unchanged)", url, clock, _import("org", org, dry_run=True))
    get_engine(url).dispose()
    return steps


def run_bench(work: Path, rows: int = 1_000_000, clock: Clock | None = None) -> list[Step]:
    """One shop's order export of `rows` lines: dry run and import, timed."""
    clock = clock or get_clock()
    url = f"sqlite:///{work / 'bench.db'}"
    upgrade(url)
    with session_scope(url, clock=clock) as session:
        onboarding.create_company(session, None, CompanyCreate(name_zh="基准", name_en="Bench"))
        onboarding.create_shop(
            session, None, ShopCreate(code="tmall", name_zh="天猫店", name_en="Tmall", channel="tmall")
        )
    days = _bench_days(clock.today(), rows)
    path = work / "orders_1m.csv"
    start = time.perf_counter()
    files.orders_frame(days, "天猫店", seed=1).to_csv(path, index=False)
    steps = [Step(f"write {rows:,} order rows ({path.stat().st_size / 1e6:.0f} MB)", time.perf_counter() - start, "")]
    _timed(steps, "dry run", url, clock, _import("sales", path, dry_run=True))
    _timed(steps, "import", url, clock, _import("sales", path, dry_run=False))
    get_engine(url).dispose()
    return steps


def _bench_days(today: date, rows: int) -> Any:
    import pandas as pd

    ds = pd.date_range(end=pd.Timestamp(today) - pd.Timedelta(days=1), periods=1095, freq="D")
    per_day = rows // len(ds)
    orders = [per_day + (1 if i < rows - per_day * len(ds) else 0) for i in range(len(ds))]
    return pd.DataFrame({"ds": ds, "orders": orders, "sales": [o * 150.0 for o in orders]})


def write_table(title: str, steps: list[Step], name: str, out_dir: Path = RESULTS_DIR) -> str:
    """A markdown table of the steps, written to eval/results/{name}.md; returned."""
    total = sum(s.seconds for s in steps)
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [f"# {title}", "", f"2 cores; load average {load} (1 / 5 / 15 min) when the table was written.", ""]
    lines += ["| step | seconds | result |", "|---|---:|---|"]
    lines += [f"| {s.name} | {s.seconds:.1f} | {s.result} |" for s in steps]
    lines += [f"| **total** | **{total:.1f}** | |", ""]
    text = "\n".join(lines)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{name}.md").write_text(text, encoding="utf-8")
    return text


def main(rows: int, seed: int) -> tuple[str, str]:
    """Run both and write eval/results/onboarding.md and import_orders_bench.md."""
    with tempfile.TemporaryDirectory(prefix="kpilot-onboarding-") as tmp:
        work = Path(tmp)
        a = write_table("Onboarding a generated company (150 people, 3 years of orders, SQLite)",
                        run_onboarding(work, seed=seed), "onboarding")  # fmt: skip
        b = write_table(
            f"Order-export import benchmark ({rows:,} rows, SQLite)", run_bench(work, rows), "import_orders_bench"
        )
    return a, b
