"""Pure pay rules (issue 16): key positions, bonus pools split in fen, second-review flags, calibration."""

from kpi.pay.allocation import Allocation, AllocationPolicy, DepartmentInput, Person, allocate
from kpi.pay.calibration import Calibration, calibrate
from kpi.pay.errors import AmountsDoNotAddUpError, InvalidPayInputError, PayError
from kpi.pay.money import split_fen, yuan
from kpi.pay.positions import KeyClass, PositionScores, PositionValue, Stage, classify, stage_policy
from kpi.pay.review import (
    PoolRecord,
    Rating,
    department_high_outcome_low,
    manager_divergence,
    pool_full_payout,
)

__all__ = [
    "Allocation",
    "AllocationPolicy",
    "AmountsDoNotAddUpError",
    "Calibration",
    "DepartmentInput",
    "InvalidPayInputError",
    "KeyClass",
    "PayError",
    "Person",
    "PoolRecord",
    "PositionScores",
    "PositionValue",
    "Rating",
    "Stage",
    "allocate",
    "calibrate",
    "classify",
    "department_high_outcome_low",
    "manager_divergence",
    "pool_full_payout",
    "split_fen",
    "stage_policy",
    "yuan",
]
