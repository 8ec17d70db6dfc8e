"""The dashboard's quotations panel (listed in `invoicing.core.views.DASHBOARD_PANELS`):
offers waiting for the customer, accepted ones waiting for their invoice, and those about to
lapse. One query; None when there is nothing to act on."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from .models import OPEN_STATUSES, Quotation, QuotationStatus

EXPIRING_DAYS = 3


def panel(request) -> dict | None:
    workspace = getattr(request, "workspace", None)
    if workspace is None:
        return None
    today = timezone.localdate()
    counts = Quotation.objects.for_workspace(workspace).aggregate(
        sent=Count("pk", filter=Q(status=QuotationStatus.SENT, valid_until__gte=today)),
        accepted=Count("pk", filter=Q(status=QuotationStatus.ACCEPTED)),
        drafts=Count("pk", filter=Q(status=QuotationStatus.DRAFT, valid_until__gte=today)),
        expiring=Count("pk", filter=Q(
            status__in=OPEN_STATUSES, valid_until__gte=today,
            valid_until__lte=today + datetime.timedelta(days=EXPIRING_DAYS))),
    )
    if not any(counts.values()):
        return None
    return {"template": "quotations/dashboard_panel.html", "expiring_days": EXPIRING_DAYS,
            **counts}
