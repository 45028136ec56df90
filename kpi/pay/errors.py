"""Errors of `kpi.pay`: one root under `KpiError`, precise subclasses, no HTTP knowledge."""

from kpi.errors import KpiError


class PayError(KpiError):
    """Root of every pay computation error."""


class InvalidPayInputError(PayError):
    """Inputs that cannot be computed with (negative amounts, unknown classes, scores out of range)."""


class AmountsDoNotAddUpError(PayError):
    """Edited amounts that do not add up to the pool to the fen."""
