"""What is still missing before the first goal draft: the admin home page's checklist."""

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.clock import clock_of
from core.tables import Company, Employee, KpiActual, Objective, Period, PromoEvent, SalesDaily, Shop

STEPS = ("company", "shops", "org", "sales", "calendar", "okrs", "history")


def _count(session: Session, stmt: Any) -> int:
    return int(session.execute(stmt).scalar() or 0)


def checklist(session: Session) -> list[dict[str, Any]]:
    """Each set-up step, whether it is done, and the count that says so (zh/en texts live in the web app)."""
    today = clock_of(session).today()
    running = select(Period.id).where(Period.start_date <= today, Period.end_date >= today, Period.kind == "quarter")
    counts = {
        "company": _count(session, select(func.count(Company.id))),
        "shops": _count(session, select(func.count(Shop.id)).where(Shop.active.is_(True))),
        "org": _count(session, select(func.count(Employee.id)).where(Employee.active.is_(True))),
        "sales": _count(session, select(func.count(SalesDaily.id))),
        "calendar": _count(session, select(func.count(PromoEvent.id)).where(PromoEvent.kind != "platform")),
        "okrs": _count(
            session,
            select(func.count(Objective.id)).where(Objective.level == "company", Objective.period_id.not_in(running)),
        ),
        "history": _count(session, select(func.count(KpiActual.id)).where(KpiActual.as_of < today)),
    }
    return [{"step": s, "done": counts[s] > 0, "count": counts[s]} for s in STEPS]
