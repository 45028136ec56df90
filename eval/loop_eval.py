"""The loop on the demo company for two consecutive quarters: what weights each department's draft used, the
forecast range and chance of each sales target, and where each KPI's target came from.

Steps, on a fresh SQLite copy of the demo (its clock pinned to the demo's day): forecast every shop for the
running and the next quarter; draft every department for the running quarter; HR approves the pending
weight proposal (effective next month); draft every department for the next quarter. Writes
eval/results/loop_eval.{md,csv}.
"""

from __future__ import annotations

import csv
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

RESULTS_DIR = Path(__file__).resolve().parent / "results"
SOURCES = ("forecast", "driver_tree", "kr", "actual", "template", "manager")


@dataclass
class LoopRow:
    """One department's draft for one quarter."""

    quarter: str
    department: str
    weight_set: str
    weights: str
    sales_target: str
    forecast_range: str
    probability: str
    kpis: int
    ranged: float  # % of KPIs whose target carries a forecast range (low / high)
    shares: dict[str, float]


def _fmt_wan(v: float | None) -> str:
    return "-" if v is None else f"{v / 1e4:,.0f} 万"


def _draft_row(quarter: str, dept_code: str, row: Any) -> LoopRow:
    """Summarise one stored draft."""
    from workflows.drafts.flows import department_view

    view = department_view(row)
    kpis = view["department"]["kpis"] + [k for p in view["people"] for k in p["kpis"]]
    counts = Counter(k["target"].get("source", "template") for k in kpis)
    krs = [kr for o in view["company"]["objectives"] for kr in o["key_results"]]
    gmv = next((kr for kr in krs if kr.get("metric") == "gmv"), None)
    fc = (row.inputs.get("forecasts") or {}).get("gmv")
    weights = row.inputs.get("weights") or {}
    return LoopRow(
        quarter=quarter,
        department=dept_code,
        weight_set=f"v{row.inputs['weight_set_version']}" if row.inputs.get("weight_set_version") else "template",
        weights=" ".join(f"{c}:{w:g}" for c, w in weights.items()) or "-",
        sales_target=_fmt_wan(gmv["target"]) if gmv else "-",
        forecast_range="-"
        if not fc
        else f"{_fmt_wan(fc['conservative'])} / {_fmt_wan(fc['base'])} / {_fmt_wan(fc['stretch'])}",
        probability="-" if not gmv or gmv.get("probability") is None else f"{100 * gmv['probability']:.0f}%",
        kpis=len(kpis),
        ranged=round(100 * sum(k["target"].get("low") is not None for k in kpis) / max(len(kpis), 1), 1),
        shares={s: round(100 * counts.get(s, 0) / max(len(kpis), 1), 1) for s in SOURCES},
    )


def _forecast(session: Session, url: str, hr: Any, period: Any, clock: Any) -> None:
    from workflows.forecasts.flows import company_forecast, run_job

    job = company_forecast(session, hr, period)
    session.commit()
    if job is not None:
        run_job(url, job.id, clock=clock)


def _approve_pending(session: Session, hr: Any) -> None:
    from core.tables import WeightProposal
    from workflows.weights.flows import approve
    from workflows.weights.schemas import WeightProposalApprove

    for p in session.execute(select(WeightProposal).where(WeightProposal.status == "pending")).scalars().all():
        approve(session, hr, p.id, WeightProposalApprove(note="loop eval"), f'"{p.version}"', None)


def run_loop_eval(*, seed: int = 7, say: Callable[[str], None] = lambda _m: None) -> list[LoopRow]:
    """Run the loop for the running and the next quarter; one row per department and quarter."""
    from core.clock import Clock, get_clock
    from core.db import session_factory
    from core.migrate import upgrade
    from core.security import Caller
    from core.settings import Settings
    from core.tables import Department, Period, User
    from demo.load import load_demo_company
    from kpi import periods as cal
    from workflows.drafts.flows import create_draft
    from workflows.drafts.inputs import catalogue_code
    from workflows.drafts.schemas import DraftCreate

    clock: Clock = get_clock()
    rows: list[LoopRow] = []
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'loop.db'}"
        say(f"loading the demo company (seed {seed}) as of {clock.today()}")
        upgrade(url)
        load_demo_company(url, seed=seed, clock=clock)
        settings = Settings(demo=True, database_url=url, secret_key="x" * 40, draft_forecast=False)
        session = session_factory(url, True, clock)()
        try:
            user = session.execute(select(User).where(User.username == "hr")).scalar_one()
            hr = Caller(user_id=user.id, username=user.username, role=user.role, employee_id=user.employee_id)
            quarters = [cal.quarter(clock.today()).code, cal.quarter(cal.add_months(clock.today(), 3)).code]
            depts = [
                d for d in session.execute(select(Department).order_by(Department.id)).scalars() if catalogue_code(d)
            ]
            for i, code in enumerate(quarters):
                period = session.execute(select(Period).where(Period.code == code)).scalar_one()
                say(f"{code}: forecasting every shop")
                _forecast(session, url, hr, period, clock)
                if i == 1:
                    say("HR approves the pending weight proposal (effective next month)")
                    _approve_pending(session, hr)
                for dept in depts:
                    say(f"{code}: drafting {dept.code}")
                    row = create_draft(
                        session, hr, DraftCreate(department_id=dept.id, period_id=period.id, lang="zh"), settings
                    )
                    session.commit()
                    rows.append(_draft_row(code, str(catalogue_code(dept)), row))
        finally:
            session.close()
    return rows


def write_results(rows: list[LoopRow], out_dir: Path = RESULTS_DIR) -> str:
    """Write the table as Markdown and CSV; return the Markdown."""
    out_dir.mkdir(parents=True, exist_ok=True)
    head = [
        "quarter",
        "department",
        "weight set",
        "weights",
        "company sales target",
        "forecast c / b / s",
        "chance",
        "KPIs",
        "% with a range",
    ] + [f"% from {s}" for s in SOURCES]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [
            r.quarter,
            r.department,
            r.weight_set,
            r.weights,
            r.sales_target,
            r.forecast_range,
            r.probability,
            str(r.kpis),
            f"{r.ranged:g}",
        ] + [f"{r.shares[s]:g}" for s in SOURCES]
        lines.append("| " + " | ".join(cells) + " |")
    md = "# The loop on the demo company, two quarters\n\n" + "\n".join(lines) + "\n"
    (out_dir / "loop_eval.md").write_text(md, encoding="utf-8")
    with (out_dir / "loop_eval.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=[*list(asdict(rows[0]))[:-1], *SOURCES])
        writer.writeheader()
        for r in rows:
            d = asdict(r)
            writer.writerow({**{k: v for k, v in d.items() if k != "shares"}, **r.shares})
    return md
