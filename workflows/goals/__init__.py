"""Goals: periods and the calendar that keeps them ahead, the KPI catalogue, OKRs, KPI assignments, actuals, imports."""
