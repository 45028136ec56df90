"""Use cases: the only layer that opens transactions and writes audit events.

One package per feature, each with the same vocabulary: `flows.py` holds the use cases a route or command
calls (multi-step, narrated), `data.py` the queries, `schemas.py` the Pydantic input/output, and other
modules a named step of a flow. `shared/` holds what every feature uses (access scopes, the audit chain,
versioned writes and idempotency, base schemas).

    org/        departments, positions, employees, logins        (api/routes/org.py, admin.py, auth.py)
    goals/      periods and the calendar, catalogue, OKRs, KPIs, actuals, CSV imports (goals.py, kpis.py, sales.py)
    forecasts/  background target-range jobs over stored sales   (api/routes/forecasts.py)
    drafts/     a manager's goal draft: inputs, cascade, edits, publish (api/routes/drafts.py)
    coaching/   plans, reports, training, early warnings, anomalies (api/routes/coaching.py)
    weights/    HR's indicator-weight proposals and decisions    (api/routes/weights.py)
"""
