"""Money in fen (integers): split an amount by weights so the parts add up exactly (largest remainder).

Ties in the remainders go to the earlier key in the order given: callers pass keys sorted by a stable id
(never by a name), so swapping names or genders cannot move a single fen.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from kpi.pay.errors import InvalidPayInputError


def split_fen(total_fen: int, weights: Mapping[str, float]) -> dict[str, int]:
    """`total_fen` split over `weights` (>= 0) into integer fen summing exactly to the total.

    All-zero weights: nothing can be split, every part is 0 (the caller keeps the total elsewhere)."""
    if total_fen < 0:
        raise InvalidPayInputError(f"an amount must not be negative, got {total_fen} fen")
    if any(w < 0 for w in weights.values()):
        raise InvalidPayInputError("weights must not be negative")
    keys = list(weights)
    # Exact rational arithmetic: float shares could round differently on another machine.
    fracs = {k: Fraction(weights[k]) for k in keys}
    s = sum(fracs.values(), Fraction(0))
    if not keys or s == 0:
        return {k: 0 for k in keys}
    exact = {k: fracs[k] * total_fen / s for k in keys}
    floor = {k: int(exact[k]) for k in keys}
    left = total_fen - sum(floor.values())
    order = sorted(range(len(keys)), key=lambda i: (-(exact[keys[i]] - floor[keys[i]]), i))
    for i in order[:left]:
        floor[keys[i]] += 1
    return floor


def exact_share(total_fen: int, weights: Mapping[str, float], key: str) -> float:
    """The unrounded share of `key` (for the trace record: how far rounding moved it)."""
    s = sum(weights.values())
    return 0.0 if s <= 0 else total_fen * weights[key] / s


def yuan(fen: int) -> str:
    """'1,234.56' for 123456 fen."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"
