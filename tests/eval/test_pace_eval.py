"""`kpilot eval pace` tables: calibration bins and the error of the projected end against the straight line."""

from eval.pace_eval import Case, calibration_table, error_table


def _case(p: float, reached: bool, campaign: bool, forecast: float, straight: float, level: float = 0.95) -> Case:
    return Case("demo", "s", "2025-11", 0.5, campaign, 100.0, forecast, straight, level, p, reached)


def test_the_tables_bin_probabilities_and_split_campaign_periods() -> None:
    cases = [
        _case(0.25, False, True, 104.0, 80.0),
        _case(0.22, True, False, 98.0, 101.0),
        _case(0.95, True, True, 100.0, 120.0, level=1.05),
        _case(1.0, True, False, 100.0, 100.0, level=1.05),
    ]
    cal = calibration_table(cases)
    row = cal[cal["bin"] == "20-30%"].iloc[0]
    assert row["targets"] == 2 and row["reached"] == 0.5 and abs(row["mean_probability"] - 0.235) < 1e-9
    assert cal[cal["bin"] == "90-100%"].iloc[0]["targets"] == 2  # a probability of 1 falls in the top bin
    err = error_table(cases)  # one row per (series, month, cut): the level 0.95 rows
    campaign = err[err["periods"] == "campaign"].iloc[0]
    assert campaign["n"] == 1 and campaign["mae_forecast_pct"] == 4.0 and campaign["mae_straight_pct"] == 20.0
    assert set(err["periods"]) == {"campaign", "no campaign", "all"}
