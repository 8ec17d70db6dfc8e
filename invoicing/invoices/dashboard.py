"""The dashboard's invoice panel: what is owed, what is overdue, the latest invoices.
Three queries whatever the size of the workspace. Sums are in the workspace currency: each
document converted at its own fixed rate (a US$ invoice is never summed as RD$)."""

from __future__ import annotations

from django.db.models import Count, DecimalField, F, Q, Sum
from django.utils import timezone

from invoicing.core.money import quantize_money

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
    money = DecimalField(max_digits=20, decimal_places=2)

    def in_dop(field):
        return F(field) * F("exchange_rate")

    figures = invoices.aggregate(
        receivable=Sum(in_dop("total_amount"), filter=open_q, output_field=money),
        receivable_paid=Sum(in_dop("amount_paid"), filter=open_q, output_field=money),
        overdue=Sum(in_dop("total_amount"), filter=overdue_q, output_field=money),
        overdue_paid=Sum(in_dop("amount_paid"), filter=overdue_q, output_field=money),
        overdue_count=Count("id", filter=overdue_q),
        month=Sum(in_dop("total_amount"), output_field=money,
                  filter=Q(issue_date__gte=month_start)
                  & ~Q(status__in=["draft", "cancelled"])),
        drafts=Count("id", filter=Q(status="draft")),
    )

    def owed(total, paid):
        return quantize_money((figures[total] or 0) - (figures[paid] or 0))

    latest = list(invoices.select_related("contact", "currency").order_by("-created_at", "-id")[:6])
    return {
        "template": "invoices/dashboard_panel.html",
        "receivable": owed("receivable", "receivable_paid"),
        "overdue": owed("overdue", "overdue_paid"),
        "overdue_count": figures["overdue_count"],
        "month": quantize_money(figures["month"] or 0),
        "drafts": figures["drafts"],
        "latest": latest,
    }
