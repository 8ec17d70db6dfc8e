"""The dashboard's invoice panel: what is owed, what is overdue, the latest invoices.
Three queries whatever the size of the workspace."""

from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.utils import timezone

from .models import OPEN_STATUSES, Invoice


def panel(request) -> dict | None:
    workspace = getattr(request, "workspace", None)
    if workspace is None:
        return None
    today = timezone.localdate()
    month_start = today.replace(day=1)
    invoices = Invoice.objects.for_workspace(workspace)
    open_q = Q(status__in=OPEN_STATUSES)
    overdue_q = open_q & Q(due_date__lt=today)
    figures = invoices.aggregate(
        receivable=Sum("total_amount", filter=open_q),
        receivable_paid=Sum("amount_paid", filter=open_q),
        overdue=Sum("total_amount", filter=overdue_q),
        overdue_paid=Sum("amount_paid", filter=overdue_q),
        overdue_count=Count("id", filter=overdue_q),
        month=Sum("total_amount", filter=Q(issue_date__gte=month_start)
                  & ~Q(status__in=["draft", "cancelled"])),
        drafts=Count("id", filter=Q(status="draft")),
    )

    def owed(total, paid):
        return (figures[total] or 0) - (figures[paid] or 0)

    latest = list(invoices.select_related("contact", "currency").order_by("-created_at", "-id")[:6])
    return {
        "template": "invoices/dashboard_panel.html",
        "receivable": owed("receivable", "receivable_paid"),
        "overdue": owed("overdue", "overdue_paid"),
        "overdue_count": figures["overdue_count"],
        "month": figures["month"] or 0,
        "drafts": figures["drafts"],
        "latest": latest,
    }
