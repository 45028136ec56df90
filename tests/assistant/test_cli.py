"""`kpilot cascade` and `kpilot eval cascade` with real files."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.assistant.helpers import OKR_EN, OKR_ZH

runner = CliRunner()


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_cascade_json_has_the_documented_fields(tmp_path: Path) -> None:
    okr = _write(tmp_path, "okr.txt", OKR_ZH)
    res = runner.invoke(app, ["cascade", str(okr), "--json", "--quiet"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["language"] == "zh" and isinstance(d["flags"], list)
    kr = d["company"]["objectives"][0]["key_results"][0]
    assert {"id", "title", "metric", "baseline", "target", "unit", "direction"} <= set(kr)
    assert kr["metric"] == "gmv" and kr["target"] == 1.2e8
    dept = d["departments"][0]
    assert {"name", "objectives", "kpis"} <= set(dept)
    kpi = d["roles"][0]["kpis"][0]
    assert {"code", "name", "weight", "direction", "unit", "target", "parent_kr"} <= set(kpi)
    assert {"department", "role", "kpis"} <= set(d["roles"][0])


def test_cascade_with_org_lang_and_side_inputs(tmp_path: Path) -> None:
    okr = _write(tmp_path, "okr.yaml", "objectives:\n  - title: Grow\n    key_results: ['Q3 GMV up 30% yoy']\n")
    org = _write(
        tmp_path,
        "org.yaml",
        "departments:\n  - code: 运营\n    roles:\n      - code: ops_specialist\n"
        "        people: [Li, Wang]\n  - code: ads\n",
    )
    fc = _write(tmp_path, "fc.yaml", "roas: {conservative: 2.5, base: 3.0, stretch: 3.5, probability: 0.8}\n")
    act = _write(tmp_path, "act.yaml", "visitors: 100000\nconversion_rate: 2.0\naov: 120\n")
    res = runner.invoke(
        app,
        [
            "cascade",
            str(okr),
            "--org",
            str(org),
            "--lang",
            "en",
            "--json",
            "--quiet",
            "--forecasts",
            str(fc),
            "--actuals",
            str(act),
        ],
    )
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert [x["code"] for x in d["departments"]] == ["ops", "ads"] and len(d["people"]) == 2
    roas = next(k for x in d["departments"] for k in x["kpis"] if k["code"] == "roas")
    assert roas["target"]["low"] == 2.5 and roas["target"]["high"] == 3.5


def test_cascade_human_summary(tmp_path: Path) -> None:
    res = runner.invoke(app, ["cascade", str(_write(tmp_path, "okr.txt", OKR_EN)), "--quiet"])
    assert res.exit_code == 0 and "[cs]" in res.stdout and "first_response_time" in res.stdout


@pytest.mark.parametrize(
    ("okr", "org", "needle"),
    [
        ("", None, "empty"),
        ("O1: be great\nKR1: make customers happy", None, "no measurable key result"),
        (OKR_ZH, "departments:\n  - code: rocket science\n", "unknown department"),
        (OKR_ZH, "departments: [unclosed\n", "not valid YAML"),
    ],
)
def test_bad_input_exits_2_with_a_message(tmp_path: Path, okr: str, org: str | None, needle: str) -> None:
    args = ["cascade", str(_write(tmp_path, "okr.txt", okr)), "--json", "--quiet"]
    if org is not None:
        args += ["--org", str(_write(tmp_path, "org.yaml", org))]
    res = runner.invoke(app, args)
    assert res.exit_code == 2
    assert needle in res.stderr


def test_missing_file_and_bad_lang_exit_2(tmp_path: Path) -> None:
    assert runner.invoke(app, ["cascade", str(tmp_path / "nope.txt")]).exit_code == 2
    okr = _write(tmp_path, "okr.txt", OKR_ZH)
    assert runner.invoke(app, ["cascade", str(okr), "--lang", "fr"]).exit_code == 2


def test_eval_cascade_small_run_writes_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import eval.cascade_eval as ev

    monkeypatch.setattr(ev, "RESULTS_DIR", tmp_path)
    res = runner.invoke(app, ["eval", "cascade", "--limit", "4", "--quiet"])
    assert res.exit_code == 0, res.output
    table = (tmp_path / "cascade_eval_offline.md").read_text(encoding="utf-8")
    assert "| weights_sum | 4 | 4 | 4 | 100.0% | 100.0% |" in table and "injection_resistance" in table
    assert "| ids_as_written |" in table and "| judged |" in table


def test_offline_path_never_imports_langchain_or_sklearn() -> None:
    import subprocess
    import sys

    code = (
        "import sys\nfrom assistant.providers import make_provider\nfrom assistant.draft import draft_goals\n"
        "draft_goals('KR1: 客服首次响应时间 ≤ 30 秒', provider=make_provider())\n"
        "print(sorted(m for m in ('langchain_openai', 'langchain_core', 'openai', 'sklearn') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"


@pytest.mark.slow
def test_full_offline_eval_passes_every_grader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import eval.cascade_eval as ev

    monkeypatch.setattr(ev, "RESULTS_DIR", tmp_path)
    res = runner.invoke(app, ["eval", "cascade", "--quiet"])
    assert res.exit_code == 0, res.output
    rows = [line for line in (tmp_path / "cascade_eval_offline.csv").read_text().splitlines()[1:]]
    rates = {row.split(",")[0]: float(row.rsplit(",", 1)[1]) for row in rows}
    assert len(rates) == 25  # all_guards was dropped: the graders that re-ran the library's rules count for themselves
    # roles_differ misses a few sets where the lead and the specialist rightly carry the same five KPIs (a CS
    # crisis quarter with five service KRs): see README; every other rule holds on every set.
    assert {g: r for g, r in rates.items() if r < 100}.keys() <= {"roles_differ"} and rates["roles_differ"] >= 90
