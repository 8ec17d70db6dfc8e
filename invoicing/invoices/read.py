"""The invoice API's read model: one renderer, three sources of the same rows.

`invoice_dict(row)` turns one invoice row into the API's object. A row is the invoice's
columns (`FIELDS`, as `.values()` gives them) plus `lines`, `payments` and `salesmen` as lists
of tuples whose amounts are the text of their NUMERIC columns (exactly what `str(Decimal)`
gives). Three sources build such rows:

- PostgreSQL: one query for a page, each invoice with its relations JSON-aggregated
  (correlated subqueries), so a page of 50 invoices is one round trip whatever its lines;
- anywhere else (SQLite, the embedded default): `.values()` plus one query per relation,
  grouped in Python;
- the rows a write has just made (`written_row`), so create answers, and the idempotency
  record stores, the same object without reading inside the transaction.

tests/invoices/test_read_model.py compares the three on the same data.
"""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal

from django.db import connections
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from invoicing.core.money import CENT, quantize_rate
from invoicing.documents import blocks

from .models import OPEN_STATUSES, Invoice, InvoiceLine, InvoiceStatus, Payment, Salesman

FIELDS = (
    "id", "workspace_id", "contact_id", "contact__name", "contact__tax_id", "contact__email",
    "document_subtype_id", "document_number", "ncf_valid_until", "issue_date", "due_date",
    "status", "subtotal_amount", "discount_amount", "tax_amount", "total_amount",
    "amount_paid", "currency_id", "currency__code", "exchange_rate", "payment_term", "notes",
    "quotation__id", "buyer_name", "buyer_tax_id", "cancel_reason_code", "cancel_reason",
    "cancelled_at", "created_at", "updated_at", "credited_amount", "debited_amount",
    "credited_to_balance",
)
# Notes of an invoice: [id, document_type, document_number, issue_date, code, total]. The
# notes app sits above this one, so its table is looked up by name (none when not installed).
NOTE_FIELDS = ("id", "document_type", "document_number", "issue_date", "modification_code",
               "total_amount")


def _note_model():
    from django.apps import apps

    return apps.get_model("notes", "Note") if apps.is_installed("invoicing.notes") else None
# [id, product_id, description, quantity, unit_price, discount, discount_type, tax ids,
#  subtotal, discount_amount, tax_amount, total]
LINE_FIELDS = ("id", "product_id", "description", "quantity", "unit_price", "discount",
               "discount_type", "taxes", "subtotal", "discount_amount", "tax_amount", "total")
PAYMENT_FIELDS = ("id", "date", "amount", "method", "reference")  # dates as ISO text


def _money(value) -> str:
    return str(value.quantize(CENT))


def _text(value) -> str:
    return str(value) if isinstance(value, Decimal) else value


def invoice_dict(row: dict, *, today, tz) -> dict:
    """The invoice object of API.md from one row (see the module docstring)."""
    status = row["status"]
    issued = status != InvoiceStatus.DRAFT
    cancelled = status == InvoiceStatus.CANCELLED
    total, paid = row["total_amount"], row["amount_paid"]
    credited, debited = row["credited_amount"], row["debited_amount"]
    due = max(Decimal(0), total + debited - credited - paid + row["credited_to_balance"])
    salesmen = row["salesmen"]
    notes = {"credit_note": [], "debit_note": []}
    for pk, kind, number, date, code, note_total in row["fiscal_notes"]:
        notes[kind].append({"id": pk, "document_number": number, "issue_date": date,
                            "modification_code": code, "total_amount": note_total})
    return {
        "id": row["id"],
        "workspace_id": row["workspace_id"],
        "contact_id": row["contact_id"],
        # An issued invoice shows the buyer it was issued to, whatever the contact says now.
        "contact": {
            "id": row["contact_id"],
            "name": row["buyer_name"] if issued else row["contact__name"],
            "tax_id": row["buyer_tax_id"] if issued else row["contact__tax_id"],
            "email": row["contact__email"],
        },
        "document_subtype_id": row["document_subtype_id"],
        "document_number": row["document_number"],
        "ncf_valid_until": row["ncf_valid_until"].isoformat()
        if row["ncf_valid_until"] else None,
        "issue_date": row["issue_date"].isoformat(),
        "due_date": row["due_date"].isoformat(),
        "status": status,
        "subtotal_amount": _money(row["subtotal_amount"]),
        "discount_amount": _money(row["discount_amount"]),
        "tax_amount": _money(row["tax_amount"]),
        "total_amount": _money(total),
        "amount_paid": _money(paid),
        "amount_due": _money(Decimal(0) if cancelled else due),
        "credited_amount": _money(credited),
        "debited_amount": _money(debited),
        "credit_notes": notes["credit_note"],
        "debit_notes": notes["debit_note"],
        "currency_id": row["currency_id"],
        "currency": row["currency__code"],
        "exchange_rate": str(quantize_rate(row["exchange_rate"])),
        "payment_term": row["payment_term"],
        "notes": row["notes"],
        "items": [
            {"id": pk, "product_id": product_id, "description": description,
             "quantity": quantity, "unit_price": unit_price, "discount": discount,
             "discount_type": discount_type, "tax_ids": tax_ids, "subtotal": subtotal,
             "discount_amount": discount_amount, "tax_amount": tax_amount, "total": line_total}
            for (pk, product_id, description, quantity, unit_price, discount, discount_type,
                 tax_ids, subtotal, discount_amount, tax_amount, line_total) in row["lines"]
        ],
        "payments": [{"id": pk, "date": date, "amount": amount, "method": method,
                      "reference": reference}
                     for pk, date, amount, method, reference in row["payments"]],
        "salesman_ids": [pk for pk, _name in salesmen],
        "salesmen": [{"id": pk, "name": name} for pk, name in salesmen],
        "quotation_id": row["quotation__id"],
        "is_overdue": status in OPEN_STATUSES and row["due_date"] < today,
        **blocks.rendered(row),
        "cancellation": {
            "reason_code": row["cancel_reason_code"],
            "reason": row["cancel_reason"],
            "cancelled_at": row["cancelled_at"].astimezone(tz).isoformat()
            if row["cancelled_at"] else None,
        } if cancelled else None,
        "created_at": row["created_at"].astimezone(tz).isoformat(),
        "updated_at": row["updated_at"].astimezone(tz).isoformat(),
    }


def render(rows) -> list[dict]:
    today, tz = timezone.localdate(), timezone.get_current_timezone()
    return [invoice_dict(row, today=today, tz=tz) for row in rows]


# --- Source 1: PostgreSQL, one query with the relations as JSON ----------------------------


def _relations_sql() -> dict[str, RawSQL]:
    invoice = Invoice._meta.db_table
    line = InvoiceLine._meta.db_table
    payment = Payment._meta.db_table
    through = Invoice.salesmen.through._meta.db_table
    salesman = Salesman._meta.db_table
    return {
        "lines_json": RawSQL(
            f"""(SELECT json_agg(json_build_array(
                    l.id, l.product_id, l.description, l.quantity::text, l.unit_price::text,
                    l.discount::text, l.discount_type, jsonb_path_query_array(l.taxes, '$[*].id'),
                    l.subtotal::text, l.discount_amount::text, l.tax_amount::text, l.total::text)
                 ORDER BY l.position, l.id)::text
               FROM "{line}" l WHERE l.invoice_id = "{invoice}".id)""", ()),
        "payments_json": RawSQL(
            f"""(SELECT json_agg(json_build_array(p.id, p.date, p.amount::text, p.method,
                                                  p.reference) ORDER BY p.date, p.id)::text
               FROM "{payment}" p WHERE p.invoice_id = "{invoice}".id)""", ()),
        "salesmen_json": RawSQL(
            f"""(SELECT json_agg(json_build_array(s.id, s.name) ORDER BY s.name, s.id)::text
               FROM "{through}" t JOIN "{salesman}" s ON s.id = t.salesman_id
               WHERE t.invoice_id = "{invoice}".id)""", ()),
    } | _notes_sql(invoice)


def _notes_sql(invoice: str) -> dict[str, RawSQL]:
    note_model = _note_model()
    if note_model is None:
        return {}
    note = note_model._meta.db_table
    return {"notes_json": RawSQL(
        f"""(SELECT json_agg(json_build_array(n.id, n.document_type, n.document_number,
                n.issue_date, n.modification_code, n.total_amount::text)
                ORDER BY n.issue_date, n.id)::text
           FROM "{note}" n WHERE n.invoice_id = "{invoice}".id AND n.status = 'issued')""",
        ())}


def _json_rows(queryset: QuerySet[Invoice]) -> list[dict]:
    rows = []
    extra = blocks.annotations("invoice", Invoice._meta.db_table)
    for row in queryset.values(*FIELDS, **_relations_sql(), **extra):
        blocks.from_annotations(row)
        row["lines"] = json.loads(row.pop("lines_json") or "[]")
        row["payments"] = json.loads(row.pop("payments_json") or "[]")
        row["salesmen"] = json.loads(row.pop("salesmen_json") or "[]")
        row["fiscal_notes"] = json.loads(row.pop("notes_json", None) or "[]")
        rows.append(row)
    return rows


# --- Source 2: portable, one query per relation -------------------------------------------


def _line_tuple(line: dict) -> list:
    return [line["id"], line["product_id"], line["description"], _text(line["quantity"]),
            _text(line["unit_price"]), _text(line["discount"]), line["discount_type"],
            [tax["id"] for tax in line["taxes"]], _text(line["subtotal"]),
            _text(line["discount_amount"]), _text(line["tax_amount"]), _text(line["total"])]


def _portable_rows(queryset: QuerySet[Invoice]) -> list[dict]:
    rows = list(queryset.values(*FIELDS))
    ids = [row["id"] for row in rows]
    if not ids:
        return []
    lines, payments, salesmen = defaultdict(list), defaultdict(list), defaultdict(list)
    for line in (InvoiceLine.objects.filter(invoice_id__in=ids).order_by("position", "id")
                 .values("invoice_id", *LINE_FIELDS)):
        lines[line["invoice_id"]].append(_line_tuple(line))
    for payment in (Payment.objects.filter(invoice_id__in=ids).order_by("date", "id")
                    .values("invoice_id", *PAYMENT_FIELDS)):
        payments[payment["invoice_id"]].append(
            [payment["id"], payment["date"].isoformat(), _text(payment["amount"]),
             payment["method"], payment["reference"]])
    through = Invoice.salesmen.through
    for link in (through.objects.filter(invoice_id__in=ids)
                 .order_by("salesman__name", "salesman_id")
                 .values("invoice_id", "salesman_id", "salesman__name")):
        salesmen[link["invoice_id"]].append([link["salesman_id"], link["salesman__name"]])
    notes = defaultdict(list)
    note_model = _note_model()
    if note_model is not None:
        for note in (note_model.objects.filter(invoice_id__in=ids, status="issued")
                     .order_by("issue_date", "id").values("invoice_id", *NOTE_FIELDS)):
            notes[note["invoice_id"]].append(
                [note["id"], note["document_type"], note["document_number"],
                 note["issue_date"].isoformat(), note["modification_code"],
                 _text(note["total_amount"])])
    for row in rows:
        row["fiscal_notes"] = notes[row["id"]]
        row["lines"], row["payments"] = lines[row["id"]], payments[row["id"]]
        row["salesmen"] = salesmen[row["id"]]
    blocks.fetch("invoice", rows)
    return rows


def rows_for(queryset: QuerySet[Invoice]) -> list[dict]:
    """Rows of the invoices of `queryset`, in its order (PostgreSQL or portable source)."""
    if connections[queryset.db].vendor == "postgresql":
        return _json_rows(queryset)
    return _portable_rows(queryset)


def rows_by_ids(workspace_id: int, ids: list[int]) -> list[dict]:
    """Rows of these invoices of the workspace, in the order of `ids` (ids of other
    workspaces are left out)."""
    if not ids:
        return []
    table = Invoice._meta.db_table
    queryset = Invoice.objects.filter(workspace_id=workspace_id).order_by()
    if connections[queryset.db].vendor == "postgresql":
        queryset = queryset.filter(RawSQL(f'"{table}"."id" = ANY(%s)', (list(ids),),
                                          output_field=BooleanField()))
    else:
        queryset = queryset.filter(pk__in=ids)
    found = {row["id"]: row for row in rows_for(queryset)}
    return [found[pk] for pk in ids if pk in found]


# --- Source 3: what a write has just made ----------------------------------------------------


def written_row(invoice: Invoice) -> dict:
    """The row of an invoice the service has just written, from what it holds in memory
    (`written_lines`, `written_salesmen`; an invoice just created has no payments and no
    quotation). Only for a freshly created invoice: anything else is read back."""
    contact, currency = invoice.contact, invoice.currency
    row = {name: getattr(invoice, name) for name in FIELDS if "__" not in name}
    row |= {"contact__name": contact.name, "contact__tax_id": contact.tax_id,
            "contact__email": contact.email, "currency__code": currency.code,
            "quotation__id": getattr(invoice, "written_quotation_id", None)}
    row["lines"] = [_line_tuple({name: getattr(line, name) for name in LINE_FIELDS})
                    for line in invoice.written_lines]
    row["payments"] = []
    row["fiscal_notes"] = []
    row["salesmen"] = [[s.pk, s.name] for s in invoice.written_salesmen]
    row["blocks"] = blocks.written(invoice)
    return row
