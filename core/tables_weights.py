"""ORM tables of the weights feature."""

from core.tables import Base  # noqa: F401
