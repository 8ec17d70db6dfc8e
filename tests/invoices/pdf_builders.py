"""Documents for the PDF tests, made through the real services (invoice_create, payment_record,
invoice_cancel, quotation_create) so the stored figures are exactly what the API reports."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from invoicing.fiscal.models import DocumentSubtype, Tax
from invoicing.invoices import services
from invoicing.invoices.models import Invoice
from invoicing.quotations.services import quotation_create
from tests.factories import ContactFactory, SalesmanFactory
from workspaces.models import Currency

ISSUE_DATE = datetime.date(2026, 3, 5)
DUE_DATE = datetime.date(2026, 4, 4)
VALID_UNTIL = datetime.date(2026, 12, 31)

DEFAULT_LINES = [
    # description, quantity, unit price, discount, discount type, tax names
    ("Consultoría contable — revisión de ITBIS", "2", "4500.00", "0", "amount", ["ITBIS 18%"]),
    ("Pan de agua y café (¿desayuno?) ¡oferta!", "3.5", "125.50", "10", "percentage",
     ["ITBIS 16%", "Propina legal 10%"]),
    ("Libros de texto — educación básica (exento)", "4", "850.00", "100.00", "amount",
     ["Exento"]),
    ("Señalización vial, diseño gráfico y impresión", "1", "12345.67", "0", "amount",
     ["ITBIS 18%"]),
]


def b01_subtype(workspace) -> DocumentSubtype:
    subtype = DocumentSubtype.objects.get(workspace=workspace, ncf_type="B01")
    if subtype.range_end is None:
        subtype.range_start, subtype.next_number, subtype.range_end = 1, 1, 1000
        subtype.valid_until = VALID_UNTIL
        subtype.save()
    return subtype


def plain_subtype(workspace, document_type="invoice") -> DocumentSubtype:
    return DocumentSubtype.objects.get(workspace=workspace, ncf_type=None,
                                       document_type=document_type)


def items(workspace, specs) -> list[dict]:
    taxes = {tax.name: tax.pk for tax in Tax.objects.filter(workspace=workspace)}
    return [{"description": description, "quantity": quantity, "unit_price": price,
             "discount": discount, "discount_type": discount_type,
             "tax_ids": [taxes[name] for name in tax_names]}
            for description, quantity, price, discount, discount_type, tax_names in specs]


def buyer(workspace, **kwargs):
    defaults = {
        "name": "Distribuidora Peña & Asociados, S.R.L.", "tax_id_type": "rnc",
        "tax_id": "101850043", "phone": "809-555-0147", "email": "compras@pena.com.do",
        "address": "Av. 27 de Febrero 234, Ensanche Naco, Santo Domingo",
    }
    defaults.update(kwargs)
    return ContactFactory(workspace=workspace, **defaults)


def build_invoice(workspace, *, lines=None, draft=False, subtype=None, contact=None,
                  payments=(), salesmen=("Ana Núñez",), currency_code=None,
                  **fields) -> Invoice:
    """An invoice made by `invoice_create` (issued unless `draft`), with its payments."""
    subtype = subtype or b01_subtype(workspace)
    contact = contact or buyer(workspace)
    salesman_ids = [SalesmanFactory(workspace=workspace, name=name).pk for name in salesmen]
    currency_id = (Currency.objects.get(workspace=workspace, code=currency_code).pk
                   if currency_code else None)
    options = {"issue_date": ISSUE_DATE, "due_date": DUE_DATE, "payment_term": "Neto 30 días",
               "notes": "Gracias por preferirnos. Pagos a la cuenta corriente 123-456789-0 "
                        "del Banco Popular."}
    options.update(fields)
    invoice = services.invoice_create(
        workspace=workspace, actor=None, contact_id=contact.pk,
        document_subtype_id=subtype.pk, items=items(workspace, lines or DEFAULT_LINES),
        currency_id=currency_id, salesman_ids=salesman_ids, draft=draft, **options)
    for amount, method, reference in payments:
        payments.payment_record(invoice=invoice, actor=None, amount=Decimal(amount),
                                method=method, reference=reference,
                                date=ISSUE_DATE + datetime.timedelta(days=3))
    return Invoice.objects.get(pk=invoice.pk)


def cancel(invoice, reason_code="04", reason="Se facturó al cliente equivocado.") -> Invoice:
    services.invoice_cancel(invoice=invoice, actor=None, reason_code=reason_code,
                            reason=reason)
    return Invoice.objects.get(pk=invoice.pk)


def build_quotation(workspace, *, lines=None, **fields):
    today = timezone.localdate()
    options = {"issue_date": today, "valid_until": today + datetime.timedelta(days=15),
               "notes": "Precios sujetos a disponibilidad."}
    options.update(fields)
    return quotation_create(workspace=workspace, actor=None, contact_id=buyer(workspace).pk,
                            items=items(workspace, lines or DEFAULT_LINES), **options)


def many_lines(count: int):
    taxes = (["ITBIS 18%"], ["ITBIS 16%"], ["Exento"])
    return [(f"Artículo número {n} — año 2026, categoría ñandú", str(1 + n % 5),
             f"{100 + n * 7}.25", "0", "amount", taxes[n % 3]) for n in range(1, count + 1)]
