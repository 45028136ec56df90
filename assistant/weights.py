"""Integer weights that always add up exactly (largest-remainder apportionment)."""

from __future__ import annotations


def apportion(raw: list[float], total: int = 100) -> list[int]:
    """Scale non-negative `raw` weights to integers summing to `total`, each >= 1 when total allows."""
    if not raw:
        return []
    s = sum(raw)
    shares = [total / len(raw)] * len(raw) if s <= 0 else [w * total / s for w in raw]
    floors = [int(x) for x in shares]
    order = sorted(range(len(raw)), key=lambda i: (-(shares[i] - floors[i]), i))
    for i in order[: total - sum(floors)]:
        floors[i] += 1
    # A KPI with weight 0 would not count; borrow one point from the heaviest when possible.
    for i, w in enumerate(floors):
        if w == 0 and max(floors) > 1:
            floors[floors.index(max(floors))] -= 1
            floors[i] = 1
    return floors
