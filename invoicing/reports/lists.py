"""CSV of the invoice, payment, contact and product lists: every row of the list's current
filter, in its order (not only the page on screen), with the columns the page shows.

Each list view hands its filtered queryset here when asked `?format=csv`. The rows are read
with `.values()` in chunks (one query; the product taxes one more), and streamed, so the
cost does not grow in queries with the rows and a long list never sits in memory.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db.models import F
from django.http import StreamingHttpResponse
from django.utils import timezone

from invoicing.core.money import ZERO, quantize_money

CHUNK = 2000


def wants_csv(request) -> bool:
    return request.GET.get("format") == "csv"


class _Line:
    """The file-like `csv.writer` writes to: hands each line back instead of keeping it."""

    def write(self, value: str) -> str:
        return value


def _lines(columns: tuple[str, ...], rows: Iterable[dict]) -> Iterator[str]:
    writer = csv.writer(_Line(), lineterminator="\r\n")
    yield writer.writerow(columns)
    for row in rows:
        yield writer.writerow(["" if row.get(name) is None else row[name] for name in columns])


def csv_stream(columns: tuple[str, ...], rows: Iterable[dict], name: str
               ) -> StreamingHttpResponse:
    response = StreamingHttpResponse((line.encode("utf-8") for line in _lines(columns, rows)),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{name}_{timezone.localdate():%Y%m%d}.csv"')
    return response


INVOICE_COLUMNS = ("id", "document_number", "issue_date", "customer", "due_date", "status",
                   "currency", "exchange_rate", "subtotal_amount", "discount_amount",
                   "tax_amount", "total_amount", "amount_paid", "amount_due")


def _invoice_rows(queryset) -> Iterator[dict]:
    rows = queryset.values(
        "id", "document_number", "issue_date", "due_date", "status", "exchange_rate",
        "subtotal_amount", "discount_amount", "tax_amount", "total_amount", "amount_paid",
        "credited_amount", "debited_amount", "credited_to_balance", "buyer_name",
        contact_name=F("contact__name"), currency_code=F("currency__code"))
    for row in rows.iterator(chunk_size=CHUNK):
        # As the page shows them: the frozen buyer once issued (Invoice.buyer_display_name);
        # what is due as Invoice.amount_due computes it.
        issued = row["status"] != "draft" and row["buyer_name"]
        due = ZERO if row["status"] == "cancelled" else max(
            ZERO, row["total_amount"] + row["debited_amount"] - row["credited_amount"]
            - row["amount_paid"] + row["credited_to_balance"])
        yield {**row, "customer": row["buyer_name"] if issued else row["contact_name"],
               "currency": row["currency_code"], "amount_due": due}


def invoices_csv(queryset) -> StreamingHttpResponse:
    return csv_stream(INVOICE_COLUMNS, _invoice_rows(queryset), "facturas")


PAYMENT_COLUMNS = ("id", "date", "invoice", "customer", "method", "reference", "currency",
                   "amount", "withheld_amount", "amount_dop")


def _payment_rows(queryset) -> Iterator[dict]:
    rows = queryset.values("id", "date", "method", "reference", "amount", "withheld_amount",
                           invoice_number=F("invoice__document_number"),
                           rate=F("invoice__exchange_rate"),
                           customer=F("invoice__contact__name"),
                           currency=F("invoice__currency__code"))
    for row in rows.iterator(chunk_size=CHUNK):
        yield {**row, "invoice": row["invoice_number"],
               "amount_dop": quantize_money(row["amount"] * row["rate"])}


def payments_csv(queryset) -> StreamingHttpResponse:
    return csv_stream(PAYMENT_COLUMNS, _payment_rows(queryset), "pagos")


CONTACT_COLUMNS = ("id", "name", "kind", "tax_id_type", "tax_id", "email", "phone",
                   "is_active")


def contacts_csv(queryset) -> StreamingHttpResponse:
    return csv_stream(CONTACT_COLUMNS,
                      queryset.values(*CONTACT_COLUMNS).iterator(chunk_size=CHUNK),
                      "contactos")


PRODUCT_COLUMNS = ("id", "sku", "name", "unit_price", "taxes", "tracks_inventory",
                   "stock_quantity", "unit", "is_active")


def _product_rows(queryset) -> Iterator[dict]:
    through = queryset.model.taxes.through
    taxes: dict[int, list[str]] = defaultdict(list)
    for product_id, name in (through.objects.filter(product__in=queryset.values("id"))
                             .order_by("tax__name").values_list("product_id", "tax__name")):
        taxes[product_id].append(name)
    fields = tuple(name for name in PRODUCT_COLUMNS if name != "taxes")
    for row in queryset.values(*fields).iterator(chunk_size=CHUNK):
        yield {**row, "taxes": "; ".join(taxes.get(row["id"], []))}


def products_csv(queryset) -> StreamingHttpResponse:
    return csv_stream(PRODUCT_COLUMNS, _product_rows(queryset.prefetch_related(None)),
                      "productos")
