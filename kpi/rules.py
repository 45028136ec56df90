"""The domain rules every package shares, each written once: achievement, weights to 100, weight-set checks.

Achievement (kpi/README.md "Scoring policy"): actual / target when higher is better, target / actual when
lower is better, uncapped here (`kpi.scoring` applies the floor and cap). Zero policy: a zero denominator with
a zero numerator means the target is met exactly (1.0); with a positive numerator the ratio is unbounded
(math.inf), which scoring caps and averages leave out. So for higher-is-better a zero target is met by 0 and
beaten by anything more; for lower-is-better ("zero complaints") actual 0 meets a zero target and beats a
positive one; any complaint against a zero target gives 0. Negative or non-finite values are refused.

Weights: a scorecard's weights sum to 100 (README). `apportion` and `round_to_100` round with the largest
remainder method so the rounded weights still add up exactly; `weight_problems` checks a weight set with one
tolerance (WEIGHT_SUM_TOLERANCE, a hundredth of a point: stored weights are rounded to hundredths).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from core.vocab import Direction
from kpi.errors import InvalidKpiValueError, InvalidWeightsError

WEIGHT_TOTAL = 100
WEIGHT_SUM_TOLERANCE = 0.01
_BOUND_SLACK = 1e-9  # a weight exactly at a bound must not fail on float noise


def check_value(label: str, value: float) -> None:
    """Raise InvalidKpiValueError unless `value` is a finite number >= 0."""
    if not math.isfinite(value) or value < 0:
        raise InvalidKpiValueError(
            f"{label} must be a finite number >= 0, got {value!r}; express growth as an index (e.g. 105)"
        )


def ratio_terms(*, actual: float, target: float, direction: Direction | str) -> tuple[float, float]:
    """(numerator, denominator) of the achievement ratio for `direction`."""
    return (actual, target) if direction == Direction.HIGHER else (target, actual)


def achievement_ratio(*, actual: float, target: float, direction: Direction | str) -> float:
    """Uncapped achievement (1.0 = target met), direction-aware; 0/0 -> 1.0, x/0 -> inf (module docstring)."""
    check_value("target", target)
    check_value("actual", actual)
    num, den = ratio_terms(actual=actual, target=target, direction=direction)
    if den == 0:
        return 1.0 if num == 0 else math.inf
    return num / den


def apportion(raw: Sequence[float], total: int = WEIGHT_TOTAL, *, at_least_one: bool = False) -> list[int]:
    """Non-negative `raw` scaled to integers summing to `total` (largest remainder; ties go to the earlier item).

    All-zero `raw` gets equal shares. With `at_least_one`, an item rounded to 0 borrows one unit from the
    largest item (while that one keeps more than 1): a KPI with weight 0 would not count at all.
    """
    if not raw:
        return []
    s = sum(raw)
    shares = [total / len(raw)] * len(raw) if s <= 0 else [w * total / s for w in raw]
    # A share already on a whole unit (e.g. 5.00 at an HR minimum) must not lose it to float noise.
    units = [math.floor(x + 1e-6) for x in shares]
    order = sorted(range(len(raw)), key=lambda i: (-(shares[i] - units[i]), i))
    for i in order[: max(total - sum(units), 0)]:
        units[i] += 1
    if at_least_one:
        for i, u in enumerate(units):
            if u == 0 and max(units) > 1:
                units[units.index(max(units))] -= 1
                units[i] = 1
    return units


def round_to_100(weights: Mapping[str, float], decimals: int = 2) -> dict[str, float]:
    """Weights scaled to sum to exactly 100 and rounded to `decimals` places (largest remainder), keys kept."""
    step = 10**decimals
    units = apportion(list(weights.values()), WEIGHT_TOTAL * step)
    return {k: u / step for k, u in zip(weights, units, strict=True)}


@dataclass(frozen=True)
class WeightProblem:
    """One thing wrong with a weight set; `code` is the indicator concerned, None for the set as a whole."""

    code: str | None
    message: str


def weight_problems(
    weights: Mapping[str, float] | Iterable[tuple[str, float]],
    *,
    expected: Sequence[str] | None = None,
    bounds: tuple[float, float] | None = None,
    positive: bool = False,
) -> list[WeightProblem]:
    """Everything wrong with a weight set: unknown/missing codes, bad values, bounds, a sum off 100."""
    pairs = list(weights.items()) if isinstance(weights, Mapping) else list(weights)
    problems: list[WeightProblem] = []
    if expected is not None:
        given = {code for code, _ in pairs}
        for code in sorted(given - set(expected)):
            problems.append(WeightProblem(code, f"not one of the indicators ({', '.join(expected)})"))
        for code in expected:
            if code not in given:
                problems.append(WeightProblem(code, "missing: give a weight for every indicator"))
    for code, w in pairs:
        if not math.isfinite(w) or w < 0 or (positive and w <= 0):
            problems.append(WeightProblem(code, f"weight {w:g} must be a number {'>' if positive else '>='} 0"))
        elif bounds is not None and not bounds[0] - _BOUND_SLACK <= w <= bounds[1] + _BOUND_SLACK:
            problems.append(WeightProblem(code, f"{w:g} is outside the bounds {bounds[0]:g}-{bounds[1]:g}"))
    total = sum(w for _, w in pairs)
    if not abs(total - WEIGHT_TOTAL) <= WEIGHT_SUM_TOLERANCE:  # written so that a NaN total fails too
        problems.append(WeightProblem(None, f"weights sum to {total:g} (they must sum to {WEIGHT_TOTAL})"))
    return problems


def validate_weights(
    weights: Mapping[str, float],
    *,
    expected: Sequence[str] | None = None,
    bounds: tuple[float, float] | None = None,
    positive: bool = False,
    label: str = "weights",
) -> dict[str, float]:
    """The weights as floats if `weight_problems` finds nothing, else InvalidWeightsError listing every problem."""
    problems = weight_problems(weights, expected=expected, bounds=bounds, positive=positive)
    if problems:
        listed = "; ".join(f"{p.code}: {p.message}" if p.code else p.message for p in problems)
        raise InvalidWeightsError(f"{label}: {listed}")
    return {code: float(w) for code, w in weights.items()}
