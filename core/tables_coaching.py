"""ORM tables of the coaching feature."""

from core.tables import Base  # noqa: F401
