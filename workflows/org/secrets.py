"""Secrets generated for one database: the demo's token signing key (random, never a known constant)."""

import secrets

from sqlalchemy.exc import IntegrityError

from core.db import session_scope
from core.tables import ServiceSecret

DEMO_SIGNING_KEY = "demo_signing_key"


def demo_signing_key(url: str) -> str:
    """The demo's token signing key for the database at `url`: made at random the first time, then reused,
    so tokens survive a restart of the same demo but no two demo databases share a key."""
    for _attempt in range(2):
        try:
            with session_scope(url) as session:
                row = session.get(ServiceSecret, DEMO_SIGNING_KEY)
                if row is None:
                    row = ServiceSecret(name=DEMO_SIGNING_KEY, value=secrets.token_urlsafe(48))
                    session.add(row)
                return row.value
        except IntegrityError:  # another worker stored its key first: read that one
            continue
    raise RuntimeError("could not store or read the demo signing key")
