"""Reads of quotations with their related rows decided once: one query per relation,
whatever the page size."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from invoicing.invoices.models import Salesman
from workspaces.models import Workspace

from .models import Quotation, QuotationLine


def quotation_queryset(workspace: Workspace | int) -> QuerySet[Quotation]:
    return (
        Quotation.objects.for_workspace(workspace)
        .select_related("contact", "currency", "invoice")
        .prefetch_related(
            Prefetch("lines", queryset=QuotationLine.objects.order_by("position", "id")),
            Prefetch("salesmen", queryset=Salesman.objects.only("id", "name")),
        )
    )


def quotation_search(queryset: QuerySet[Quotation], text: str) -> QuerySet[Quotation]:
    text = (text or "").strip()
    if not text:
        return queryset
    return queryset.filter(Q(document_number__icontains=text) | Q(contact__name__icontains=text))
