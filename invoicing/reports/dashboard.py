"""The dashboard's charts: sales per month (the last 12 against the year before), receivables
by age, and the top customers. A fixed handful of aggregate queries whatever the size."""

from __future__ import annotations

from workspaces.roles import may

from . import charts


def panel(request) -> dict | None:
    workspace = getattr(request, "workspace", None)
    if workspace is None or not may(getattr(request, "workspace_role", None), "report_read"):
        return None
    return {"template": "reports/dashboard_panel.html",
            "monthly": charts.monthly_sales(workspace),
            "aging": charts.receivables_by_age(workspace),
            "top": charts.top_customers(workspace)}
