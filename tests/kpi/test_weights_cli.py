"""`kpilot weights fit` with real CSV files in tmp_path: JSON shape, groups, and exit code 2 on bad input."""

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from cli.weights_cmds import register
from tests.kpi.conftest import synthetic_frame


@pytest.fixture
def app() -> typer.Typer:
    root = typer.Typer()

    @root.callback()
    def _main() -> None:  # a callback keeps `weights` as a sub-command, as in the real app
        pass

    register(root)
    return root


@pytest.fixture
def csv_path(tmp_path: Path) -> Path:
    df = synthetic_frame(300, [50.0, 30.0, 20.0], seed=11)
    df["dept"] = ["ops", "cs"] * 150
    df["k2"] = -df["k2"]
    path = tmp_path / "data.csv"
    df.to_csv(path, index=False, lineterminator="\r\n")  # Windows line endings, like the HR export
    return path


def run(app: typer.Typer, *args: str) -> tuple[int, str, str]:
    res = CliRunner().invoke(app, ["weights", "fit", *args])
    return res.exit_code, res.stdout, res.stderr


def test_json_output_per_group(app: typer.Typer, csv_path: Path) -> None:
    code, out, err = run(
        app,
        str(csv_path),
        "--outcome",
        "out",
        "--indicators",
        "k0,k1,k2",
        "--lower-is-better",
        "k2",
        "--current",
        "k0=40,k1=30,k2=30",
        "--group",
        "dept",
        "--bounds",
        "5,60",
        "--n-boot",
        "30",
        "--json",
    )
    assert code == 0, err
    data = json.loads(out)
    assert set(data["groups"]) == {"cs", "ops"}
    g = data["groups"]["ops"]
    assert sum(g["weights"].values()) == pytest.approx(100, abs=0.05)
    assert set(g["ci"]) == {"k0", "k1", "k2"} and len(g["ci"]["k0"]) == 2
    assert set(g["cv_score"]) == {"proposal", "current", "equal"} and g["n"] == 150
    assert isinstance(g["warnings"], list)
    assert "fitting group" in err


def test_table_output_and_quiet(app: typer.Typer, csv_path: Path) -> None:
    code, out, err = run(
        app,
        str(csv_path),
        "--outcome",
        "out",
        "--indicators",
        "k0,k1",
        "--bounds",
        "5,95",
        "--n-boot",
        "20",
        "--quiet",
    )
    assert code == 0 and "group all" in out and err == ""


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--indicators", "k0,nope"], "nope"),
        (["--indicators", "k0,k1", "--current", "k0=50,k1"], "NAME=NUMBER"),
        (["--indicators", "k0,k1", "--current", "k0=50,k1=20"], "sum to 100"),
        (["--indicators", "k0,k1", "--bounds", "5"], "MIN,MAX"),
        (["--indicators", "k0,k1,k2", "--bounds", "40,45"], "cannot sum to 100"),
        (["--indicators", "k0,dept"], "line 2"),
        (["--indicators", "k0,k1", "--lower-is-better", "k9"], "k9"),
    ],
)
def test_bad_input_exit_2(app: typer.Typer, csv_path: Path, args: list[str], needle: str) -> None:
    code, _, err = (
        run(app, str(csv_path), "--outcome", "out", "--n-boot", "20", "--bounds", "5,95", *args)
        if "--bounds" not in args
        else run(app, str(csv_path), "--outcome", "out", "--n-boot", "20", *args)
    )
    assert code == 2
    assert needle in err and err.startswith("error:")


def test_missing_file_and_too_few_rows(app: typer.Typer, tmp_path: Path) -> None:
    code, _, err = run(app, str(tmp_path / "none.csv"), "--outcome", "out", "--indicators", "a")
    assert code == 2 and "not found" in err
    small = tmp_path / "small.csv"
    synthetic_frame(12, [50.0, 50.0]).to_csv(small, index=False)
    code, _, err = run(app, str(small), "--outcome", "out", "--indicators", "k0,k1", "--bounds", "5,95")
    assert code == 2 and "at least 30" in err
