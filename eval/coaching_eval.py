"""Coaching eval: deterministic graders over the reports of every demo employee, plus planted anomalies and speed.

Graders (per employee and language): grounding (every number in the report and the training reasons is a
computed fact), language (the text and each sentence are in the requested
language), catalogue_only (every recommended course is an active catalogue course), counterfactual
invariance (names, genders and birth years shuffled across employees -> identical scores, report text and
training). Also: are the planted early warning and the planted inflation found, and how long do offline
reports for all employees take. Writes eval/results/coaching_eval.{md,csv}.
"""

from __future__ import annotations

import csv
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import clock_of

if TYPE_CHECKING:
    from assistant.schemas import Lang

RESULTS_DIR = Path(__file__).resolve().parent / "results"
LANGS: tuple[Lang, ...] = ("zh", "en")
# What must not change when only names, genders and birth years change: score, report text, training.
Snapshot = tuple[float, str, list[dict[str, Any]]]


@dataclass(frozen=True)
class Row:
    """One line of the result table."""

    check: str
    lang: str
    passed: int
    total: int
    detail: str = ""

    @property
    def rate(self) -> float:
        """Pass rate in [0, 1]."""
        return self.passed / self.total if self.total else 0.0


def _grade_reports(session: Session, lang: Lang, today: date) -> tuple[list[Row], float, dict[int, Snapshot]]:
    from assistant.guards import ungrounded_numbers
    from assistant.report_facts import fact_numbers
    from assistant.texts import detect_language
    from workflows.coaching.batch import company_reports
    from workflows.coaching.plan import live_catalogue

    catalogue = live_catalogue(session)
    active = {c.code: c for c in catalogue.courses if c.active}
    started = time.perf_counter()
    reports = company_reports(session, lang, today, catalogue)
    seconds = time.perf_counter() - started
    grounded = language = only = 0
    for r in reports:
        texts = [r.report.text, *[t.reason for t in r.training]]
        grounded += all(not ungrounded_numbers(t, fact_numbers(r.facts)) for t in texts)
        sentences = [s for _, s in r.report.sections.sentences()] + [t.reason for t in r.training]
        language += all(detect_language(s) == lang for s in sentences)
        only += all(t.code in active and t.title == active[t.code].title(lang) for t in r.training)
    n = len(reports)
    rows = [
        Row("grounding", lang, grounded, n),
        Row("language", lang, language, n),
        Row("catalogue_only", lang, only, n),
    ]
    snapshot = {r.employee_id: (r.facts.score, r.report.text, [t.model_dump() for t in r.training]) for r in reports}
    return rows, seconds, snapshot


def _counterfactual(session: Session, lang: Lang, today: date, before: dict[int, Snapshot]) -> Row:
    """Shuffle names, genders and birth years across employees (rolled back) and compare everything."""
    from core.tables import Employee
    from workflows.coaching.batch import company_reports

    emps = list(session.execute(select(Employee).order_by(Employee.id)).scalars())
    attrs = [(e.name_zh, e.name_en, e.gender, e.birth_year) for e in emps]
    for e, (zh, en, gender, year) in zip(emps, reversed(attrs), strict=True):
        e.name_zh, e.name_en, e.gender, e.birth_year = zh, en, gender, year
    session.flush()
    after = {
        r.employee_id: (r.facts.score, r.report.text, [t.model_dump() for t in r.training])
        for r in company_reports(session, lang, today)
    }
    session.rollback()
    same = sum(1 for k, v in before.items() if after.get(k) == v)
    return Row("counterfactual_invariance", lang, same, len(before), "names/gender/birth year reversed")


def _planted(session: Session, today: date, seed: int) -> list[Row]:
    from core.tables import CoachingAlert, Employee, Period
    from demo.company import generate_demo_company
    from workflows.coaching.anomalies import anomaly_report

    demo = generate_demo_company(seed, today=today)
    rows = []
    for a in demo.anomalies:
        if a["kind"] == "early_warning":
            emp = session.execute(select(Employee.id).where(Employee.code == a["employee_code"])).scalar_one()
            found = session.execute(
                select(CoachingAlert).where(
                    CoachingAlert.employee_id == emp, CoachingAlert.indicator_code == a["indicator_code"]
                )
            ).first()
            rows.append(
                Row(
                    "planted_early_warning_alerted",
                    "-",
                    int(found is not None),
                    1,
                    f"{a['employee_code']} {a['indicator_code']}",
                )
            )
        else:
            period = session.execute(select(Period.id).where(Period.code == a["period_code"])).scalar_one()
            flags = anomaly_report(session, period, today=today).flags
            checks = sorted(
                {f["check"] for f in flags if f["subject"] in (f"team:{a['team_lead_code']}", a["department_code"])}
            )
            rows.append(
                Row(
                    "planted_inflation_flagged",
                    "-",
                    int(bool(checks)),
                    1,
                    f"{a['period_code']} by {', '.join(checks) or 'nothing'}",
                )
            )
    return rows


def _demo_database(workdir: Path, seed: int, say: Callable[[str], None]) -> str:
    from core.migrate import upgrade
    from demo.load import load_demo_company

    url = f"sqlite:///{workdir / 'coaching_eval.db'}"
    say("migrating a fresh SQLite database and loading the demo company ...")
    upgrade(url)
    load_demo_company(url, seed=seed)
    return url


def _demo_today(session: Session) -> date:
    from core.tables import AuditEvent

    ev = session.execute(select(AuditEvent).where(AuditEvent.action == "demo_load")).scalars().first()
    return date.fromisoformat(ev.after["today"]) if ev is not None and ev.after else clock_of(session).today()


def run_coaching_eval(
    *, seed: int = 7, say: Callable[[str], None] = lambda _m: None
) -> tuple[list[Row], dict[str, float]]:
    """Run every grader on a fresh demo database; returns the rows and the timings (seconds)."""
    from core.db import session_factory

    with tempfile.TemporaryDirectory() as tmp:
        url = _demo_database(Path(tmp), seed, say)
        session = session_factory(url, False)()
        try:
            today = _demo_today(session)
            rows: list[Row] = []
            timings: dict[str, float] = {}
            for lang in LANGS:
                say(f"grading reports in {lang} ...")
                graded, seconds, snap = _grade_reports(session, lang, today)
                rows += graded
                timings[f"reports_all_employees_{lang}_s"] = seconds
                rows.append(_counterfactual(session, lang, today, snap))
            say("checking the planted anomalies ...")
            rows += _planted(session, today, seed)
        finally:
            session.rollback()
            session.close()
    return rows, timings


def write_results(rows: list[Row], timings: dict[str, float], n_people: int, out_dir: Path = RESULTS_DIR) -> str:
    """Write the markdown and CSV tables; return the markdown."""
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Coaching eval (offline, demo company seed 7)",
        "",
        "| check | lang | passed | total | pass rate | detail |",
        "|---|---|---|---|---|---|",
    ]
    lines += [f"| {r.check} | {r.lang} | {r.passed} | {r.total} | {r.rate:.1%} | {r.detail} |" for r in rows]
    lines += ["", "| timing | seconds | target |", "|---|---|---|"]
    lines += [f"| {k} ({n_people} people) | {v:.2f} | < 5 |" for k, v in timings.items()]
    text = "\n".join(lines) + "\n"
    (out_dir / "coaching_eval.md").write_text(text, encoding="utf-8")
    with (out_dir / "coaching_eval.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["check", "lang", "passed", "total", "pass_rate", "detail"])
        w.writerows([r.check, r.lang, r.passed, r.total, round(r.rate, 4), r.detail] for r in rows)
        w.writerows([k, "-", "", "", round(v, 3), "seconds"] for k, v in timings.items())
    return text
