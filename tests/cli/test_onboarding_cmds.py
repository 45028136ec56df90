"""`kpilot init` and `kpilot import org` on a real SQLite file: prompts, once only, dry run, one-time logins."""

from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from cli.main import app
from core.db import session_scope
from core.settings import get_settings
from core.tables import Company, Employee, Shop, User


@pytest.fixture
def db_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    url = f"sqlite:///{tmp_path / 'init.db'}"
    monkeypatch.setenv("KPILOT_DATABASE_URL", url)
    monkeypatch.setenv("KPILOT_SECRET_KEY", "s" * 40)
    monkeypatch.delenv("KPILOT_DEMO", raising=False)
    get_settings.cache_clear()
    assert CliRunner().invoke(app, ["db", "upgrade"]).exit_code == 0
    yield url
    get_settings.cache_clear()


def test_init_prompts_for_names_sets_up_shops_and_runs_once(db_env: str) -> None:
    runner = CliRunner()
    args = ["init", "--fiscal-start", "4", "--shop", "tmall:tmall:天猫旗舰店", "--shop", "jd:jd:京东店:JD store"]
    first = runner.invoke(app, args, input="好物电商\nHaowu\n")
    assert first.exit_code == 0, first.output
    with session_scope(db_env, write=False) as s:
        company = s.execute(select(Company)).scalar_one()
        assert (company.name_zh, company.fiscal_year_start_month) == ("好物电商", 4)
        assert sorted(s.execute(select(Shop.code, Shop.name_en)).all()) == [("jd", "JD store"), ("tmall", "天猫旗舰店")]
    again = runner.invoke(app, ["init", "--name-zh", "x", "--name-en", "y"])
    assert again.exit_code == 2 and "已存在" in again.output
    bad = runner.invoke(app, ["init", "--shop", "nocolons"], input="a\nb\n")
    assert bad.exit_code == 2


def test_import_org_dry_run_then_for_real(db_env: str, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["init", "--name-zh", "好物", "--name-en", "Haowu"]).exit_code == 0
    f = tmp_path / "org.csv"
    f.write_text("工号,姓名,部门,直属上级工号,角色\nE1,王,总部,,管理员\nE2,李,总部/运营部,E1,\n", encoding="utf-8")
    dry = runner.invoke(app, ["import", "org", str(f), "--dry-run"])
    assert dry.exit_code == 0 and "dry run" in dry.output and "created: 2" in dry.output
    with session_scope(db_env, write=False) as s:
        assert s.execute(select(Employee)).first() is None
    real = runner.invoke(app, ["import", "org", str(f)])
    assert real.exit_code == 0 and "one-time password" in real.output
    with session_scope(db_env, write=False) as s:
        user = s.execute(select(User).where(User.username == "e1")).scalar_one()
        assert user.role == "admin" and user.must_change_password
    f.write_text("工号,姓名,部门,直属上级工号\nE3,赵,总部,E9\n", encoding="utf-8")
    wrong = runner.invoke(app, ["import", "org", str(f)])
    assert wrong.exit_code == 2 and "import.unknown_manager" in wrong.output


def test_import_sales_promotions_and_history_from_the_command_line(db_env: str, tmp_path: Path) -> None:
    runner = CliRunner()
    assert (
        runner.invoke(app, ["init", "--name-zh", "好物", "--name-en", "Haowu", "--shop", "jd:jd:京东店"]).exit_code == 0
    )
    assert runner.invoke(app, ["housekeeping"]).exit_code == 0  # the KPI catalogue, as `serve` does on start
    org = tmp_path / "org.csv"
    org.write_text("工号,姓名,部门\nE1,王,运营部\n", encoding="utf-8")
    assert runner.invoke(app, ["import", "org", str(org)]).exit_code == 0
    daily = tmp_path / "jd.csv"
    daily.write_text('日期,成交金额,访客数\n2026/11/1,"1,000.50",30\n2026/11/2,200,20\n', encoding="utf-8")
    dry = runner.invoke(app, ["import", "sales", str(daily), "--shop", "jd", "--dry-run"])
    assert dry.exit_code == 0 and "total_sales: 1200.5" in dry.output, dry.output
    assert "imported: 2" in runner.invoke(app, ["import", "sales", str(daily), "--shop", "jd"]).output
    plan = tmp_path / "plan.csv"
    plan.write_text(
        "活动名称,活动类型,店铺,开始日期,结束日期\n店庆,店庆,京东店,2026-12-01,2026-12-03\n", encoding="utf-8"
    )
    assert "imported: 1" in runner.invoke(app, ["import", "promotions", str(plan)]).output
    history = tmp_path / "h.csv"
    history.write_text(
        "工号,期间,指标,权重,目标,实际\nE1,2026-09,gmv,100,10,9\nE9,2026-09,gmv,1,1,1\n", encoding="utf-8"
    )
    bad = runner.invoke(app, ["import", "kpi-history", str(history), "--dry-run"])
    assert bad.exit_code == 1 and "E9" in bad.output
