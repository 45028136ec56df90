"""ORM tables of the forecast feature."""

from core.tables import Base  # noqa: F401
