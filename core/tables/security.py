"""ORM tables of login protection and service secrets: failed-login counters, revocable sessions and the demo
signing key."""

from sqlalchemy import Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.tables.base import Base


class LoginThrottle(Base):
    """Failed logins of one user name or one client address in the current window (epoch seconds, UTC)."""

    __tablename__ = "login_throttle"
    __table_args__ = (UniqueConstraint("scope", "key", name="uq_login_throttle_scope_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(10))  # "user" or "address"
    key: Mapped[str] = mapped_column(String(64))  # a SHA-256 of the name or address: fixed size, no PII
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[float] = mapped_column(Float)
    locked_until: Mapped[float] = mapped_column(Float, default=0.0)
    strikes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # locks so far: the back-off
    label: Mapped[str | None] = mapped_column(String(200))  # what an admin sees: a known name and/or the address


class AuthSession(Base):
    """One login (a browser session or a bearer token): every token minted for it dies when it is revoked."""

    __tablename__ = "auth_session"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # random, carried in the token as `sid`
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    created_at: Mapped[float] = mapped_column(Float)  # epoch seconds of the service clock
    expires_at: Mapped[float] = mapped_column(Float)
    revoked_at: Mapped[float | None] = mapped_column(Float)


class ServiceSecret(Base):
    """A secret generated for this database (today only the demo's token signing key)."""

    __tablename__ = "service_secret"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
