"""The dashboard's e-CF panel (listed in `invoicing.core.views.DASHBOARD_PANELS`): the
certificate expires within 30 days, has expired, or belongs to someone else. None when all
is well or when the workspace does not issue e-CF."""

from __future__ import annotations

from . import selectors


def panel(request) -> dict | None:
    workspace = getattr(request, "workspace", None)
    if workspace is None:
        return None
    warnings = selectors.certificate_warnings(workspace, selectors.certificate_for(workspace))
    warnings = [w for w in warnings if w.code != "ecf_certificate_holder"]
    if not warnings:
        return None
    return {"template": "ecf/dashboard_panel.html", "warnings": warnings}
