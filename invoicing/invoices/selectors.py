"""Reads of invoices and payments with their related rows decided once: one query per
relation, whatever the page size."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from workspaces.models import Workspace

from .models import Invoice, InvoiceLine, Payment, Salesman


def invoice_queryset(workspace: Workspace | int) -> QuerySet[Invoice]:
    return (
        Invoice.objects.for_workspace(workspace)
        .select_related("contact", "currency", "quotation")
        .prefetch_related(
            Prefetch("lines", queryset=InvoiceLine.objects.order_by("position", "id")),
            Prefetch("payments", queryset=Payment.objects.order_by("date", "id")),
            Prefetch("salesmen", queryset=Salesman.objects.only("id", "name")),
        )
    )


def invoice_search(queryset: QuerySet[Invoice], text: str) -> QuerySet[Invoice]:
    text = text.strip()
    if not text:
        return queryset
    return queryset.filter(Q(document_number__icontains=text) | Q(contact__name__icontains=text))


def payment_queryset(workspace: Workspace | int) -> QuerySet[Payment]:
    return Payment.objects.for_workspace(workspace)
