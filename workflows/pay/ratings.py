"""Ratings: self, peer (same department), cross-department and manager ratings of a period (1-5).

Who may rate whom: yourself only as `self`; a colleague of your department as `peer`; someone in another
department as `cross`; one of your direct reports as `manager`; only within the period's rating window (its
first day to RATING_WINDOW_DAYS after its end). Cross-department ratings feed the ratee's collaboration KPI
when the period's results are computed (`workflows.coaching.collab`: mean rating x 20 in %, from MIN_RATERS
raters on, never over an actual). Ratings are read back only in aggregate: peer and cross means are hidden
below MIN_RATERS raters, and no answer ever says who rated what.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.clock import clock_of
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, coded
from core.security import Caller
from core.tables import Employee, Period, Rating
from workflows.coaching.collab import MIN_RATERS, window_closes
from workflows.pay import data
from workflows.pay.schemas import RatingCreate
from workflows.shared import common
from workflows.shared.access import can_see_employee

RULES = {
    "self": "a self-rating is of yourself",
    "peer": "a peer rating is of someone else in your department",
    "cross": "a cross-department rating is of someone in another department",
    "manager": "a manager rating is of one of your direct reports",
}


def kinds_for(rater: Employee, ratee: Employee) -> list[str]:
    """The kinds of rating `rater` may give `ratee` (the one statement of the rules in `RULES`)."""
    if ratee.id == rater.id:
        return ["self"]
    out = ["peer" if ratee.department_id == rater.department_id else "cross"]
    if ratee.manager_id == rater.id:
        out.append("manager")
    return out


def _check_pair(kind: str, rater: Employee, ratee: Employee) -> None:
    if kind not in kinds_for(rater, ratee):
        rule = RULES[kind]
        raise coded(
            InvalidInput(f"This {kind} rating is not allowed: {rule}.", [{"loc": ["ratee_id"], "msg": rule}]),
            "pay.rating_not_allowed",
            kind=kind,
        )


def ratees(session: Session, caller: Caller) -> list[dict[str, object]]:
    """Whom the caller may rate, with the allowed kinds: names and departments only, never a score or rating."""
    if caller.employee_id is None:
        return []
    rater = session.get(Employee, caller.employee_id)
    if rater is None:
        return []
    people = session.execute(select(Employee).where(Employee.active.is_(True)).order_by(Employee.id)).scalars()
    return [
        {
            "id": e.id,
            "name_zh": e.name_zh,
            "name_en": e.name_en,
            "department_id": e.department_id,
            "kinds": kinds_for(rater, e),
        }
        for e in people
    ]


def rate(session: Session, caller: Caller, body: RatingCreate) -> Rating:
    """Store the caller's rating (once per period, ratee and kind); audited (the caller commits)."""
    if caller.employee_id is None:
        raise coded(
            PermissionDenied("Your login is not linked to an employee, so it cannot rate anyone."),
            "pay.rater_not_employee",
        )
    period = data.period_or_404(session, body.period_id)
    rater = session.get(Employee, caller.employee_id)
    ratee = session.get(Employee, body.ratee_id)
    if rater is None or ratee is None or not ratee.active:
        raise coded(NotFound(f"Employee {body.ratee_id} not found."), "not_found", thing="employee")
    _check_pair(body.kind, rater, ratee)
    _check_window(session, period)
    rating = Rating(period_id=period.id, ratee_id=ratee.id, rater_id=rater.id, kind=body.kind, score=body.score)
    # Stored only: the collaboration KPI reads cross ratings when the period's results are computed
    # (workflows.coaching.collab), never by overwriting an actual here.
    common.create(session, rating, caller=caller, entity="rating")
    return rating


def _check_window(session: Session, period: Period) -> None:
    today = clock_of(session).today()
    closes = window_closes(period)
    if not period.start_date <= today <= closes:
        raise coded(
            Conflict(
                f"Ratings of {period.code} are taken from {period.start_date} to {closes}; "
                "this period is not open for rating."
            ),
            "rating_window_closed",
            f"{period.code} 的评分窗口为 {period.start_date} 至 {closes}，当前不在评分期内。",
        )


def summary(session: Session, caller: Caller, employee_id: int | None, period_id: int) -> dict[str, object]:
    """Ratings about a person in aggregate: count and mean per kind (peer/cross hidden below MIN_RATERS)."""
    emp_id = employee_id if employee_id is not None else caller.employee_id
    if emp_id is None or not can_see_employee(session, caller, emp_id):
        raise coded(NotFound(f"Employee {employee_id} not found."), "not_found", thing="employee")
    data.period_or_404(session, period_id)
    rows = dict(
        (kind, (int(n), float(m)))
        for kind, n, m in session.execute(
            select(Rating.kind, func.count(), func.avg(Rating.score))
            .where(Rating.period_id == period_id, Rating.ratee_id == emp_id)
            .group_by(Rating.kind)
        ).all()
    )
    kinds = []
    for kind in ("self", "peer", "cross", "manager"):
        n, mean = rows.get(kind, (0, None))
        shown = n > 0 and (kind in ("self", "manager") or n >= MIN_RATERS)
        kinds.append(
            {"kind": kind, "count": n, "mean": round(mean, 2) if shown and mean is not None else None, "shown": shown}
        )
    return {"employee_id": emp_id, "period_id": period_id, "kinds": kinds, "min_raters": MIN_RATERS}
