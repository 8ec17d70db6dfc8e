"""Reads of invoices and payments with their related rows decided once: one query per
relation, whatever the page size."""

from __future__ import annotations

from django.db import connections
from django.db.models import BooleanField, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from invoicing.core import count_cache
from invoicing.core.api.prepared import PreparedQuery
from workspaces.models import Workspace

from .models import Invoice, InvoiceLine, Payment, Salesman

_INVOICE_PREFETCH = (
    Prefetch("lines", queryset=InvoiceLine.objects.order_by("position", "id")),
    Prefetch("payments", queryset=Payment.objects.order_by("date", "id")),
    Prefetch("salesmen", queryset=Salesman.objects.only("id", "name")),
)


def invoice_queryset(workspace: Workspace | int) -> QuerySet[Invoice]:
    return (
        Invoice.objects.for_workspace(workspace)
        .select_related("contact", "currency", "quotation")
        .prefetch_related(*_INVOICE_PREFETCH)
    )


def invoice_search(queryset: QuerySet[Invoice], text: str) -> QuerySet[Invoice]:
    text = text.strip()
    if not text:
        return queryset
    return queryset.filter(Q(document_number__icontains=text) | Q(contact__name__icontains=text))


def filter_documents(queryset: QuerySet, data: dict, *, search) -> QuerySet:
    """The list pages' filters shared by invoices and quotations: text search, status,
    customer and an issue-date range (from a filter form's cleaned data)."""
    queryset = search(queryset, data.get("q") or "")
    if data.get("status"):
        queryset = queryset.filter(status=data["status"])
    if data.get("contact"):
        queryset = queryset.filter(contact=data["contact"])
    if data.get("date_from"):
        queryset = queryset.filter(issue_date__gte=data["date_from"])
    if data.get("date_to"):
        queryset = queryset.filter(issue_date__lte=data["date_to"])
    return queryset


def payment_queryset(workspace: Workspace | int) -> QuerySet[Payment]:
    return Payment.objects.for_workspace(workspace)


# --- The API's read path: rows, not model instances ------------------------------------------
# A page of 50 invoices is 300+ rows with their lines; building model instances for them and
# letting Prefetch clone a queryset per invoice was most of the list's cost. On PostgreSQL the
# API reads each invoice as one row that carries its lines, payments and salesmen as JSON
# (correlated subqueries: a page is the ids through the ORM, with the filters and sorting,
# then one query for their rows, however many lines they have), with amounts as the
# database's text of NUMERIC(14, 2) / (14, 4) — exactly what `str(Decimal)` gives — and renders
# it with `serializers.invoice_row_data`. Elsewhere (SQLite, the embedded default) it renders
# instances with `serializers.invoice_data`, the reference the row path is tested against.

INVOICE_ROW_FIELDS = (
    "id", "workspace_id", "contact_id", "contact__name", "contact__tax_id", "contact__email",
    "document_subtype_id", "document_number", "ncf_valid_until", "issue_date", "due_date",
    "status", "subtotal_amount", "discount_amount", "tax_amount", "total_amount",
    "amount_paid", "currency_id", "currency__code", "exchange_rate", "payment_term", "notes",
    "quotation__id", "buyer_name", "buyer_tax_id", "cancel_reason_code", "cancel_reason",
    "cancelled_at", "created_at", "updated_at",
)


def _relations_sql() -> dict[str, RawSQL]:
    invoice = Invoice._meta.db_table
    line = InvoiceLine._meta.db_table
    payment = Payment._meta.db_table
    through = Invoice.salesmen.through._meta.db_table
    salesman = Salesman._meta.db_table
    return {
        # [id, product_id, description, quantity, unit_price, discount, discount_type,
        #  tax ids, subtotal, discount_amount, tax_amount, total]
        "lines_json": RawSQL(
            f"""(SELECT json_agg(json_build_array(
                    l.id, l.product_id, l.description, l.quantity::text, l.unit_price::text,
                    l.discount::text, l.discount_type, jsonb_path_query_array(l.taxes, '$[*].id'),
                    l.subtotal::text, l.discount_amount::text, l.tax_amount::text, l.total::text)
                 ORDER BY l.position, l.id)::text
               FROM "{line}" l WHERE l.invoice_id = "{invoice}".id)""", ()),
        # [id, date, amount, method, reference]
        "payments_json": RawSQL(
            f"""(SELECT json_agg(json_build_array(p.id, p.date, p.amount::text, p.method,
                                                  p.reference) ORDER BY p.date, p.id)::text
               FROM "{payment}" p WHERE p.invoice_id = "{invoice}".id)""", ()),
        # [id, name], in Salesman's ordering (name, id)
        "salesmen_json": RawSQL(
            f"""(SELECT json_agg(json_build_array(s.id, s.name) ORDER BY s.name, s.id)::text
               FROM "{through}" t JOIN "{salesman}" s ON s.id = t.salesman_id
               WHERE t.invoice_id = "{invoice}".id)""", ()),
    }


def invoice_base_queryset(workspace: Workspace | int) -> QuerySet[Invoice]:
    """The workspace's invoices, nothing joined: what filters, sorting and counting need."""
    return Invoice.objects.for_workspace(workspace)


def _rows_supported() -> bool:
    return connections[Invoice.objects.db].vendor == "postgresql"


def _workspace_id(workspace: Workspace | int) -> int:
    return workspace if isinstance(workspace, int) else workspace.pk


def _row_values(queryset: QuerySet[Invoice]) -> QuerySet:
    return queryset.select_related(None).prefetch_related(None).values(
        *INVOICE_ROW_FIELDS, **_relations_sql())


def _render_rows(rows) -> list[dict]:
    from .serializers import invoice_row_data

    today, tz = timezone.localdate(), timezone.get_current_timezone()
    return [invoice_row_data(row, today=today, tz=tz) for row in rows]


def _instances_data(queryset: QuerySet[Invoice]) -> list[dict]:
    from .serializers import invoice_data

    return [invoice_data(invoice) for invoice in queryset.select_related(
        "contact", "currency", "quotation").prefetch_related(*_INVOICE_PREFETCH)]


# The rows of given invoices of a workspace: the same SQL whatever the ids, so it is compiled
# once per process (the ORM's SQL for a queryset of 30 columns and three subqueries takes
# longer to build than PostgreSQL takes to answer it).
_INVOICES_BY_IDS = PreparedQuery(
    lambda workspace_id, ids: _row_values(invoice_base_queryset(workspace_id).filter(
        RawSQL(f'"{Invoice._meta.db_table}"."id" = ANY(%s)', (ids,),
               output_field=BooleanField()))),
    -7_319_402_881, [-7_319_402_883],
)
_MAX_ID = 2**63 - 1


def invoices_data_by_ids(workspace: Workspace | int, ids: list[int]) -> list[dict]:
    """The API objects of these invoices of the workspace, in the order of `ids` (ids that
    are not the workspace's are left out). PostgreSQL only: see `invoices_data`."""
    if not ids:
        return []
    rows = {row["id"]: row for row in _INVOICES_BY_IDS.rows(_workspace_id(workspace), ids)}
    return _render_rows(rows[pk] for pk in ids if pk in rows)


def invoices_data(workspace: Workspace | int, queryset: QuerySet[Invoice]) -> list[dict]:
    """The API objects of the invoices of `queryset` (the workspace's, filtered, sorted and
    sliced), in its order: the ids through the ORM, then their rows."""
    if not _rows_supported():
        return _instances_data(queryset)
    return invoices_data_by_ids(workspace, list(queryset.values_list("pk", flat=True)))


def invoice_data_by_id(workspace: Workspace | int, pk: int) -> dict | None:
    """The API object of one invoice of the workspace, or None."""
    if not 0 < pk <= _MAX_ID:
        return None
    if not _rows_supported():
        found = _instances_data(invoice_base_queryset(workspace).filter(pk=pk))
    else:
        found = invoices_data_by_ids(workspace, [pk])
    return found[0] if found else None


class InvoicePage:
    """What the paginator needs from a queryset (`count()` and slicing), answering API
    objects: the count runs on the plain filtered queryset (no joins), the slice through
    `invoices_data`."""

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
        return invoices_data(self.workspace, self.queryset[index])
