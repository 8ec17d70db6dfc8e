"""Reads of outreach that the list pages and the API share."""

from __future__ import annotations

from django.db.models import Prefetch

from .models import RecurringInvoice, RecurringRun


def recurring_queryset(workspace):
    return (RecurringInvoice.objects.filter(workspace_id=workspace.pk)
            .select_related("contact", "document_subtype")
            .prefetch_related(Prefetch("runs", queryset=RecurringRun.objects.order_by("period")
                                       .only("id", "template_id", "period", "invoice_id"))))


def recurring_page(workspace, limit: int = 200) -> list[RecurringInvoice]:
    """The recurring invoices page: three queries however many templates there are."""
    return list(recurring_queryset(workspace).order_by("-is_active", "next_date", "id")[:limit])
