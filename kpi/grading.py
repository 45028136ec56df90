"""Grades from scores: absolute bands, or the 20/50/30 distribution with the small-team rule.

Small-team rule (DOMAIN.md §5): a team smaller than `small_team_size` (default 30) is never force-ranked;
absolute bands are used instead and the result says so. Forced ranking: the top 20% (rounded half up) are
"excellent", the bottom 30% "needs_improvement", the rest "good"; people with equal scores always get the
same grade, the better one at a boundary, so nobody is demoted by an arbitrary tie-break.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from kpi.errors import InvalidPolicyError


class Grade(StrEnum):
    """The three grades of DOMAIN.md §5."""

    EXCELLENT = "excellent"
    GOOD = "good"
    NEEDS_IMPROVEMENT = "needs_improvement"


class GradeMethod(StrEnum):
    """How grades are assigned; AUTO = distribution for large teams, bands for small ones."""

    AUTO = "auto"
    BANDS = "bands"
    DISTRIBUTION = "distribution"


@dataclass(frozen=True)
class GradeBands:
    """Absolute bands on the total score: >= excellent, >= good, else needs improvement."""

    excellent: float = 100.0
    good: float = 80.0


@dataclass(frozen=True)
class GradePolicy:
    """Grade method, bands, distribution shares (excellent, good, needs improvement) and small-team size."""

    method: GradeMethod = GradeMethod.AUTO
    bands: GradeBands = field(default_factory=GradeBands)
    distribution: tuple[float, float, float] = (0.2, 0.5, 0.3)
    small_team_size: int = 30

    def validate(self) -> None:
        """Raise InvalidPolicyError on impossible bands or shares."""
        if self.bands.good > self.bands.excellent:
            raise InvalidPolicyError("the 'good' band must not be above the 'excellent' band")
        if any(s < 0 for s in self.distribution) or not math.isclose(sum(self.distribution), 1.0, abs_tol=1e-9):
            raise InvalidPolicyError(f"distribution shares must be >= 0 and sum to 1, got {self.distribution}")


@dataclass(frozen=True)
class TeamGrades:
    """Grade per person, the method actually used and why."""

    grades: dict[str, Grade]
    method_used: GradeMethod
    notes: list[str]

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON responses."""
        return {
            "grades": {k: str(v) for k, v in self.grades.items()},
            "method_used": str(self.method_used),
            "notes": list(self.notes),
        }


def grade_by_bands(score: float, bands: GradeBands | None = None) -> Grade:
    """Grade one score by absolute bands."""
    bands = bands or GradeBands()
    if score >= bands.excellent:
        return Grade.EXCELLENT
    return Grade.GOOD if score >= bands.good else Grade.NEEDS_IMPROVEMENT


def grade_team(scores: Mapping[str, float], policy: GradePolicy | None = None) -> TeamGrades:
    """Grade a team: forced 20/50/30 distribution only for teams of at least `small_team_size` people."""
    policy = policy or GradePolicy()
    policy.validate()
    n = len(scores)
    notes: list[str] = []
    method = policy.method
    if method is GradeMethod.AUTO:
        method = GradeMethod.DISTRIBUTION if n >= policy.small_team_size else GradeMethod.BANDS
    if method is GradeMethod.DISTRIBUTION and n < policy.small_team_size:
        method = GradeMethod.BANDS
        notes.append(
            f"team of {n} < {policy.small_team_size}: no forced ranking, absolute bands used "
            "(excellent earns the extra bonus, needs_improvement gets a coaching plan)"
        )
    if method is GradeMethod.BANDS:
        grades = {pid: grade_by_bands(s, policy.bands) for pid, s in scores.items()}
        notes.append(f"bands: >= {policy.bands.excellent:g} excellent, >= {policy.bands.good:g} good")
        return TeamGrades(grades=grades, method_used=GradeMethod.BANDS, notes=notes)
    return TeamGrades(
        grades=_forced(scores, policy.distribution),
        method_used=GradeMethod.DISTRIBUTION,
        notes=notes + [f"forced distribution {policy.distribution} over {n} people; ties share the better grade"],
    )


def _forced(scores: Mapping[str, float], shares: tuple[float, float, float]) -> dict[str, Grade]:
    n = len(scores)
    n_top = math.floor(shares[0] * n + 0.5)
    n_bottom = math.floor(shares[2] * n + 0.5)
    ordered = sorted(scores.values(), reverse=True)
    # Score thresholds from rank positions; ties at a boundary take the better grade.
    top_cut = ordered[n_top - 1] if n_top > 0 else math.inf
    good_count = n - n_bottom
    good_cut = ordered[good_count - 1] if good_count > 0 else math.inf
    out: dict[str, Grade] = {}
    for pid, s in scores.items():
        if s >= top_cut:
            out[pid] = Grade.EXCELLENT
        elif s >= good_cut:
            out[pid] = Grade.GOOD
        else:
            out[pid] = Grade.NEEDS_IMPROVEMENT
    return out
