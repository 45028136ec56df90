"""Progress to a period's end from sample paths: sums and ratios path by path; thin data widens and withholds."""

import numpy as np

from forecasting.progress import end_values, project


def test_a_ratio_end_value_is_formed_path_by_path_from_sums() -> None:
    ends = end_values([90.0, 1000.0], [np.array([10.0, 30.0]), np.array([1000.0, 1000.0])], scale=100, ratio=True)
    assert np.allclose(ends, [100 * 100 / 2000, 100 * 120 / 2000])


def test_probabilities_follow_the_direction_and_thin_data_widens_or_withholds() -> None:
    ends = np.linspace(90, 110, 2001)
    p = project(ends, {"target": 105.0, "conservative": 95.0, "stretch": None})
    assert p is not None and abs(p.probabilities["target"] - 0.25) < 0.01  # type: ignore[operator]
    assert abs(p.probabilities["conservative"] - 0.75) < 0.01 and p.probabilities["stretch"] is None  # type: ignore[operator]
    lower = project(ends, {"target": 95.0}, higher_is_better=False)
    assert lower is not None and abs(lower.probabilities["target"] - 0.25) < 0.01  # type: ignore[operator]
    wide = project(ends, {"target": 105.0}, caveats=["short_history"])
    assert wide is not None and wide.high - wide.low > 1.4 * (p.high - p.low) and wide.caveats == ("short_history",)
    none = project(ends, {"target": 105.0}, caveats=["new_shop"], probability=False)
    assert none is not None and none.probabilities["target"] is None
    assert project(np.array([]), {"target": 1.0}) is None
