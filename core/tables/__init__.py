"""ORM tables, one module per topic; importing this package registers every table on Base.metadata.

Alembic and the tests compare one schema, so every topic module is imported here, and the classes are
re-exported so that `from core.tables import Employee` works whatever module a table lives in.
"""

from core.tables.audit import AuditEvent, AuditHead, IdempotencyRecord
from core.tables.base import NAMING, Base, Versioned
from core.tables.coaching import CoachingAlert, Course
from core.tables.cycles import (
    CYCLE_STAGES,
    CheckIn,
    CycleAppeal,
    CycleItem,
    IndicatorRubric,
    ReviewCycleRow,
)
from core.tables.drafts import DRAFT_STATUSES, GoalDraft
from core.tables.forecast import ForecastJob, TargetRange
from core.tables.goals import Indicator, KeyResult, KpiActual, KpiAssignment, Objective, Period
from core.tables.imports import IMPORT_STATUSES, ImportJob
from core.tables.jobs import JOB_STATUSES, Job
from core.tables.org import Company, Department, Employee, Position, User
from core.tables.pay import (
    ALLOCATION_STATUSES,
    RATING_KINDS,
    REVIEW_STATUSES,
    BonusAllocation,
    BonusLine,
    BonusPool,
    PositionInventory,
    Rating,
    ReviewItem,
)
from core.tables.process import CHANNEL_KINDS, NotificationChannel, NotificationSent, ProcessTask, TaskComment
from core.tables.results import GradeCalibration, PeriodResult
from core.tables.sales import PromoEvent, SalesDaily, Shop
from core.tables.sales_actuals import OVERRIDE_STATUSES, ActualOverride, PaceForecast, SalesActual
from core.tables.security import AuthSession, LoginThrottle, ServiceSecret
from core.tables.weights import PROPOSAL_STATUSES, DepartmentOutcome, WeightProposal, WeightSet

__all__ = [
    "OVERRIDE_STATUSES",
    "ActualOverride",
    "PaceForecast",
    "SalesActual",
    "CYCLE_STAGES",
    "CheckIn",
    "CycleAppeal",
    "CycleItem",
    "IndicatorRubric",
    "ReviewCycleRow",
    "GradeCalibration",
    "PeriodResult",
    "IMPORT_STATUSES",
    "ImportJob",
    "AuthSession",
    "CHANNEL_KINDS",
    "ALLOCATION_STATUSES",
    "RATING_KINDS",
    "REVIEW_STATUSES",
    "BonusAllocation",
    "BonusLine",
    "BonusPool",
    "PositionInventory",
    "Rating",
    "ReviewItem",
    "DRAFT_STATUSES",
    "JOB_STATUSES",
    "NAMING",
    "PROPOSAL_STATUSES",
    "AuditEvent",
    "AuditHead",
    "Base",
    "CoachingAlert",
    "Company",
    "Course",
    "Department",
    "DepartmentOutcome",
    "Employee",
    "ForecastJob",
    "GoalDraft",
    "IdempotencyRecord",
    "Job",
    "Indicator",
    "KeyResult",
    "KpiActual",
    "KpiAssignment",
    "LoginThrottle",
    "Objective",
    "Period",
    "NotificationChannel",
    "NotificationSent",
    "Position",
    "ProcessTask",
    "PromoEvent",
    "SalesDaily",
    "ServiceSecret",
    "Shop",
    "TargetRange",
    "TaskComment",
    "User",
    "Versioned",
    "WeightProposal",
    "WeightSet",
]
