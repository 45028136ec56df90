"""Pay: key positions, ratings, bonus pools and allocations, second review and calibration (issue 16)."""
