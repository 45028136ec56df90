import pytest
from pydantic import ValidationError

from core.settings import Settings


def test_placeholder_secret_refused_outside_demo() -> None:
    with pytest.raises(ValidationError, match="KPILOT_SECRET_KEY"):
        Settings(demo=False, secret_key="change-me")


def test_short_secret_refused_outside_demo() -> None:
    with pytest.raises(ValidationError, match="32 characters"):
        Settings(demo=False, secret_key="x" * 20)


def test_demo_mode_accepts_placeholder_and_real_secret_works() -> None:
    assert Settings(demo=True, secret_key="change-me").demo
    assert not Settings(demo=False, secret_key="k" * 40).demo


def test_database_url_from_plain_env_var(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@h/db")
    monkeypatch.delenv("KPILOT_DATABASE_URL", raising=False)
    s = Settings(demo=True)
    assert s.database_url == "postgresql+psycopg://u@h/db"
    assert not s.is_sqlite
