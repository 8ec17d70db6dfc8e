"""The dashboard's fiscal panel (listed in `invoicing.core.views.DASHBOARD_PANELS`): the
series that need attention before they stop issuing. One query; None when all is well."""

from __future__ import annotations

from django.utils import timezone

from .numbering import subtype_warnings
from .selectors import subtypes_for_list


def panel(request) -> dict | None:
    workspace = getattr(request, "workspace", None)
    if workspace is None:
        return None
    today = timezone.localdate()
    warnings, missing = [], []
    subtypes = list(subtypes_for_list(workspace.pk).filter(is_active=True,
                                                            ncf_type__isnull=False))
    # Every workspace has the e-CF series from the start; their missing ranges only matter
    # once the workspace has entered one of them (it is moving to e-CF).
    uses_ecf = any(s.ncf_type.startswith("E") and s.range_end is not None for s in subtypes)
    for subtype in subtypes:
        for warning in subtype_warnings(subtype, today):
            if warning.code == "ncf_range_missing":
                if subtype.ncf_type.startswith("E") and not uses_ecf:
                    continue
                missing.append(subtype)  # one line for all of them, not one each
            else:
                warnings.append(warning)
    if not warnings and not missing:
        return None
    # Blocking problems (cannot issue) first, then what is coming.
    warnings.sort(key=lambda warning: not warning.blocking)
    missing.sort(key=lambda subtype: subtype.ncf_type)
    return {"template": "fiscal/dashboard_panel.html", "warnings": warnings,
            "missing": missing}
