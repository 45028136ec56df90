"""`kpilot eval cycle` on a small demo company: every stage is reached on its date, nobody gets two reminders on
one day (asserted inside the run), late edits after the lock are all refused and nothing locked changes."""

from eval.cycle_eval import run_cycle_eval


def test_cycle_eval_small_company() -> None:
    rows, summary = run_cycle_eval(seed=5, n_employees=30)
    assert [r[0] for r in rows] == ["self_assessment", "manager_review", "calibration", "published", "locked"]
    assert all(r[1] == r[2] for r in rows)  # each stage began on its planned day (company time)
    acts = summary["actions"]
    assert acts["late_edit_tried"] > 0 and acts["late_edit_refused"] == acts["late_edit_tried"]
    assert summary["locked_unchanged"] is True
    assert sum(summary["answers"].values()) == summary["people"] and "none" not in summary["answers"]
