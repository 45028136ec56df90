"""Pydantic I/O of a period's results and HR's calibration changes."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from workflows.shared.schemas import DbId, Strict

GradeName = Literal["excellent", "good", "needs_improvement"]


class GradeChange(Strict):
    period_id: DbId
    employee_id: DbId
    grade: GradeName
    reason: str = Field(min_length=2, max_length=2000, description="Why the grade changes (audited, shown to HR).")


class ResultPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    employee_id: int
    department_id: int
    score: float = Field(description="Final score: the KPI score, or the score a second review set.")
    computed_score: float
    grade: GradeName
    computed_grade: GradeName
    method: Literal["bands", "distribution"] = Field(description="How the department was graded.")
    rank: int
    team_size: int
    team_mean: float
    review_item_id: int | None
    calibration_id: int | None


class GradeChangePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    period_id: int
    employee_id: int
    grade: GradeName
    reason: str
    result: ResultPublic
