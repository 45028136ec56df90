"""Keys kept outside the database: the audit-chain key that signs every event and the chain head.

A database writer can edit rows and recompute plain SHA-256 hashes, but cannot compute an HMAC without the
key. The key comes from `KPILOT_AUDIT_KEY` (recommended), else it is derived from a real
`KPILOT_SECRET_KEY` under a label of its own; `KPILOT_AUDIT_OLD_KEYS` (comma-separated) keeps events signed
with earlier keys verifiable after a rotation. Each signature stores the fingerprint of its key, never the key.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

PLACEHOLDER_SECRETS = frozenset({"", "change-me", "changeme", "secret", "kpilot-demo-secret"})
MIN_SECRET_CHARS = 32
AUDIT_LABEL = b"kpilot audit chain v1"


def is_real_secret(secret: str) -> bool:
    """Whether `secret` is long enough and not one of the well-known placeholders."""
    return secret.strip().lower() not in PLACEHOLDER_SECRETS and len(secret) >= MIN_SECRET_CHARS


def derive_audit_key(secret: str) -> bytes:
    """The audit key derived from the token signing key under a distinct label (never the same bytes)."""
    return hmac.new(secret.encode("utf-8"), AUDIT_LABEL, hashlib.sha256).digest()


def fingerprint(key: bytes) -> str:
    """A short public name for a key, stored next to each signature so verify knows which key to use."""
    return hashlib.sha256(b"kpilot audit key id:" + key).hexdigest()[:16]


@dataclass(frozen=True)
class AuditKeys:
    """The current audit key (signs new events) and every key a stored signature may name."""

    current_id: str
    keys: Mapping[str, bytes]

    def sign(self, message: str) -> tuple[str, str]:
        """(key id, HMAC-SHA256 hex) of `message` under the current key."""
        return self.current_id, self.mac(self.current_id, message)

    def mac(self, key_id: str, message: str) -> str:
        """The HMAC of `message` under the key named `key_id` (KeyError when unknown)."""
        return hmac.new(self.keys[key_id], message.encode("utf-8"), hashlib.sha256).hexdigest()

    def check(self, key_id: str | None, message: str, mac: str | None) -> str | None:
        """None when `mac` is a valid signature of `message`; otherwise what is wrong with it."""
        if not key_id or not mac:
            return "not signed"
        if key_id not in self.keys:
            return f"signed with an unknown key {key_id} (add it to KPILOT_AUDIT_OLD_KEYS)"
        if not hmac.compare_digest(self.mac(key_id, message), mac):
            return "signature does not match"
        return None


def audit_keys_for(audit_key: str, old_keys: str, secret_key: str) -> AuditKeys | None:
    """The audit keys a configuration describes; None when it has neither an audit key nor a real secret."""
    if audit_key:
        current = audit_key.encode("utf-8")
    elif is_real_secret(secret_key):
        current = derive_audit_key(secret_key)
    else:
        return None
    keys = {fingerprint(current): current}
    for old in (k.strip() for k in old_keys.split(",")):
        if old:  # an old entry may be a former KPILOT_AUDIT_KEY or a former KPILOT_SECRET_KEY
            for key in (old.encode("utf-8"), derive_audit_key(old)):
                keys[fingerprint(key)] = key
    return AuditKeys(current_id=fingerprint(current), keys=keys)


class _KeySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KPILOT_", env_file=".env", extra="ignore")
    audit_key: str = ""
    audit_old_keys: str = ""
    secret_key: str = ""


@lru_cache
def env_audit_keys() -> AuditKeys | None:
    """The process's audit keys from the environment (cached; `env_audit_keys.cache_clear()` re-reads)."""
    env = _KeySettings()
    return audit_keys_for(env.audit_key, env.audit_old_keys, env.secret_key)


def bind_audit_keys(session: Session, keys: AuditKeys | None) -> Session:
    """Attach the audit keys of a deployment's settings to a unit of work (None: write unsigned)."""
    session.info["audit_keys"] = keys
    return session


def audit_keys_of(session: Session) -> AuditKeys | None:
    """The audit keys bound to `session` (by the API or the CLI), else the process's from the environment."""
    if "audit_keys" in session.info:
        bound = session.info["audit_keys"]
        return bound if isinstance(bound, AuditKeys) else None
    return env_audit_keys()
