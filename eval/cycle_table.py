"""The review-cycle eval's table: eval/results/cycle_eval.{md,csv}."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def write_results(rows: list[list[Any]], summary: dict[str, Any], out_dir: Path = RESULTS_DIR) -> str:
    """Write eval/results/cycle_eval.{md,csv}; return the markdown."""
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = [
        f"# Review-cycle eval (demo company, {summary['people']} people in the cycle, seed {summary['seed']})",
        "",
        "| stage | planned start | began | days | reminders during the stage |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| {' | '.join(str(c) for c in r)} |" for r in rows]
    acts = summary["actions"]
    lines += [
        "",
        f"- Reminders that would go out: {summary['reminders']} in all, never two to one person on one day.",
        f"- Answers: {summary['answers']}.",
        f"- Simulated actions (ok / too late): {dict(sorted((k, v) for k, v in acts.items() if ':' in k))}.",
        f"- HR: {summary['hr']}.",
        f"- After the lock: {acts.get('late_edit_refused', 0)} of {acts.get('late_edit_tried', 0)} late edits of "
        f"actuals and targets refused (409 `period.locked`); stored results, actuals and targets unchanged after a "
        f"week of housekeeping: {'yes' if summary['locked_unchanged'] else 'NO'}.",
    ]
    text = "\n".join(lines) + "\n"
    (out_dir / "cycle_eval.md").write_text(text, encoding="utf-8")
    with (out_dir / "cycle_eval.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["stage", "planned_start", "began", "days", "reminders"])
        w.writerows(rows)
    return text
