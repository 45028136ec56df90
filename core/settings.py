"""Service settings from `KPILOT_*` environment variables and `.env`; read through `get_settings()`."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import SettingsConfigDict

from core.clock import ClockSettings
from core.keys import MIN_SECRET_CHARS, PLACEHOLDER_SECRETS, AuditKeys, audit_keys_for, is_real_secret

DEFAULT_DB_PATH = Path("var") / "kpilot.db"


class SettingsError(ValueError):
    """Settings that would make the service unsafe or unusable."""


class Settings(ClockSettings):
    """Everything configurable about a kpilot deployment."""

    model_config = SettingsConfigDict(env_prefix="KPILOT_", env_file=".env", extra="ignore")

    demo: bool = Field(default=False, description="Demo mode: allows the demo logins and a placeholder secret.")
    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_DB_PATH}",
        validation_alias=AliasChoices("KPILOT_DATABASE_URL", "DATABASE_URL"),
    )
    secret_key: str = "change-me"
    audit_key: str = Field(default="", description="HMAC key of the audit chain; default: derived from secret_key.")
    audit_old_keys: str = Field(default="", description="Earlier audit (or secret) keys, comma-separated.")
    token_ttl_minutes: int = Field(default=480, ge=1, le=7 * 24 * 60)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    max_body_bytes: int = Field(default=2_000_000, ge=1024)
    max_upload_bytes: int = Field(
        default=200_000_000, ge=1024, description="Upload limit of /api/v1/imports/* (streamed to disk)."
    )
    import_dir: str = Field(default="var/imports", description="Where uploads wait for their background import.")
    import_background_bytes: int = Field(
        default=20_000_000,
        ge=0,
        description="Import files larger than this (sales, org, promotions, history, actuals) run as a job.",
    )

    llm_provider: Literal["offline", "openai"] = "offline"
    llm_base_url: str = "http://127.0.0.1:11434/v1"
    llm_api_key: str = ""
    llm_model: str = "gpt-4o-mini"
    llm_timeout_s: float = Field(default=30.0, gt=0)
    llm_max_retries: int = Field(default=2, ge=0, le=10)
    llm_max_tokens: int = Field(default=4000, ge=100)

    housekeeping_interval_s: float = Field(
        default=600, ge=0, description="Seconds between calendar runs in `serve` (periods ahead, roll-over); 0: off."
    )

    draft_forecast: bool = Field(
        default=True, description="A goal draft without a full sales range starts a forecast of every shop."
    )

    forecast_n_jobs: int = Field(default=1, ge=1, le=64)
    forecast_history_days: int = Field(default=1095, ge=90, le=3650, description="Sales history used per forecast.")

    # Load: bounded work, bounded queues, shed the rest (README "Under load").
    max_concurrent_requests: int = Field(
        default=16, ge=1, le=1000, description="Requests one API process runs at once (threads and connections)."
    )
    request_queue: int = Field(default=32, ge=0, le=10_000, description="Requests that may wait for a free slot.")
    request_queue_wait_s: float = Field(
        default=0.3, ge=0, le=30, description="How long a queued request waits before it is answered 503."
    )
    jobs_embedded: bool = Field(
        default=True, description="`serve`/`demo` run a job worker thread; turn off when `kpilot worker` runs."
    )
    jobs_poll_s: float = Field(default=1.0, gt=0, le=60, description="How often an idle worker looks for a job.")
    jobs_lease_s: float = Field(
        default=60, ge=1, le=3600, description="A running job's lease; a worker that misses it is presumed dead."
    )
    jobs_max_attempts: int = Field(default=3, ge=1, le=20, description="Attempts before a job is marked failed.")
    llm_deadline_s: float = Field(
        default=60.0, gt=0, description="Wall time one request may spend on LLM calls, retries and repairs included."
    )
    llm_request_token_budget: int = Field(
        default=20_000, ge=100, description="Tokens one request (a draft, a report) may spend on the LLM."
    )
    trusted_proxies: str = Field(
        default="", description="Proxy addresses or networks (comma-separated) whose X-Forwarded-For is believed."
    )
    webhook_allow: str = Field(
        default="", description="Internal host names or addresses (comma-separated) webhooks and SMTP may reach."
    )
    export_font: str = Field(
        default="", description="A .ttf/.ttc font with Chinese glyphs for PDF exports; default: fontconfig's."
    )

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> "Settings":
        if not self.demo and self.secret_key.strip().lower() in PLACEHOLDER_SECRETS:
            raise SettingsError(
                "KPILOT_SECRET_KEY is unset or a placeholder. Set it to a long random value "
                "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`), "
                "or run with KPILOT_DEMO=1 for a local demo."
            )
        if not self.demo and len(self.secret_key) < MIN_SECRET_CHARS:
            raise SettingsError(f"KPILOT_SECRET_KEY must be at least {MIN_SECRET_CHARS} characters outside demo mode.")
        return self

    @property
    def has_real_secret(self) -> bool:
        """False for a placeholder secret (allowed only in demo mode, which then uses a per-database key)."""
        return is_real_secret(self.secret_key)

    @property
    def audit_keys(self) -> AuditKeys | None:
        """The keys that sign and verify the audit chain (None: no key configured, chain unsigned)."""
        return audit_keys_for(self.audit_key, self.audit_old_keys, self.secret_key)

    @property
    def is_sqlite(self) -> bool:
        """True when the database is an embedded SQLite file."""
        return self.database_url.startswith("sqlite")


class ReadSettings(Settings):
    """Settings of commands that only read (`audit verify`, `coach report`): no signing key is needed, so a
    missing or placeholder one is not an error. Never use these to sign tokens."""

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> "ReadSettings":
        return self


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (cached; tests clear the cache to override)."""
    return Settings()
