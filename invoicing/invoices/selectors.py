"""Reads of invoices and payments with their related rows decided once: one query per
relation, whatever the page size. The API's objects come from `read.py`."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from invoicing.core import count_cache
from workspaces.models import Workspace

from . import read
from .models import Invoice, InvoiceLine, Payment, Salesman

_INVOICE_PREFETCH = (
    Prefetch("lines", queryset=InvoiceLine.objects.order_by("position", "id")),
    Prefetch("payments", queryset=Payment.objects.order_by("date", "id")),
    Prefetch("salesmen", queryset=Salesman.objects.only("id", "name")),
)
_MAX_ID = 2**63 - 1


def invoice_queryset(workspace: Workspace | int) -> QuerySet[Invoice]:
    return (
        Invoice.objects.for_workspace(workspace)
        .select_related("contact", "currency", "quotation")
        .prefetch_related(*_INVOICE_PREFETCH)
    )


def invoice_base_queryset(workspace: Workspace | int) -> QuerySet[Invoice]:
    """The workspace's invoices, nothing joined: what filters, sorting and counting need."""
    return Invoice.objects.for_workspace(workspace)


def invoice_search(queryset: QuerySet[Invoice], text: str) -> QuerySet[Invoice]:
    """The number, the buyer the invoice was issued to, or the contact's current name."""
    text = text.strip()
    if not text:
        return queryset
    return queryset.filter(Q(document_number__icontains=text) | Q(buyer_name__icontains=text)
                           | Q(contact__name__icontains=text))


def payment_queryset(workspace: Workspace | int) -> QuerySet[Payment]:
    return Payment.objects.for_workspace(workspace).prefetch_related("withholdings")


def _workspace_id(workspace: Workspace | int) -> int:
    return workspace if isinstance(workspace, int) else workspace.pk


def invoices_data_by_ids(workspace: Workspace | int, ids: list[int]) -> list[dict]:
    """The API objects of these invoices of the workspace, in the order of `ids`."""
    return read.render(read.rows_by_ids(_workspace_id(workspace), ids))


def invoice_data_by_id(workspace: Workspace | int, pk: int) -> dict | None:
    """The API object of one invoice of the workspace, or None."""
    if not 0 < pk <= _MAX_ID:
        return None
    found = invoices_data_by_ids(workspace, [pk])
    return found[0] if found else None


def written_invoice_data(invoice: Invoice) -> dict:
    """The API object of an invoice just created, from what the service wrote (no read)."""
    return read.render([read.written_row(invoice)])[0]


class InvoicePage:
    """What the paginator needs from a queryset (`count()` and slicing), answering API
    objects: the count runs on the plain filtered queryset (no joins; cached per workspace
    generation), the page's ids through the ORM, then their rows."""

    def __init__(self, workspace: Workspace | int, queryset: QuerySet[Invoice], params=None):
        self.workspace = workspace
        self.queryset = queryset
        self.params = params

    def count(self) -> int:
        if self.params is None:
            return self.queryset.count()
        return count_cache.count("invoices", _workspace_id(self.workspace), self.params,
                                 self.queryset.count)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("InvoicePage is sliced, not indexed")
        ids = list(self.queryset[index].values_list("pk", flat=True))
        return invoices_data_by_ids(self.workspace, ids)
