"""The dashboard's e-CF panel (found by `invoicing.core.discovery`): the certificate expires
within 30 days, has expired, or belongs to someone else; and DGII's side: documents waiting
to be received (how many, since when), rejected ones, and those accepted today. None when
there is nothing to say. Two queries."""

from __future__ import annotations

from datetime import datetime, time

from django.db.models import Count, Min, Q
from django.utils import timezone

from . import selectors
from .models import EcfRecord, EcfStatus


def dgii_summary(workspace) -> dict:
    start = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    return EcfRecord.objects.filter(workspace_id=workspace.pk).aggregate(
        waiting=Count("id", filter=Q(status=EcfStatus.SIGNED)),
        waiting_since=Min("signed_at", filter=Q(status=EcfStatus.SIGNED)),
        rejected=Count("id", filter=Q(status=EcfStatus.REJECTED)),
        accepted_today=Count("id", filter=Q(status__in=(EcfStatus.ACCEPTED,
                                                        EcfStatus.ACCEPTED_CONDITIONAL),
                                            answered_at__gte=start)),
    )


def panel(request) -> dict | None:
    workspace = getattr(request, "workspace", None)
    if workspace is None:
        return None
    warnings = selectors.certificate_warnings(workspace, selectors.certificate_for(workspace))
    warnings = [w for w in warnings if w.code != "ecf_certificate_holder"]
    dgii = dgii_summary(workspace)
    if not warnings and not any(dgii[k] for k in ("waiting", "rejected", "accepted_today")):
        return None
    return {"template": "ecf/dashboard_panel.html", "warnings": warnings, "dgii": dgii}
