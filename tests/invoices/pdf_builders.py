"""Invoices for the PDF tests, built the way the services store them: line figures from the
pure totals module, document figures as their sums, buyer/issuer frozen at issue."""

from __future__ import annotations

import datetime
from decimal import Decimal

from invoicing.fiscal.models import DocumentSubtype, Tax
from invoicing.invoices.models import Invoice, InvoiceStatus
from invoicing.invoices.totals import LineInput, TaxInput, compute_line, summarize
from tests.factories import (
    ContactFactory,
    InvoiceFactory,
    InvoiceLineFactory,
    PaymentFactory,
    QuotationFactory,
    QuotationLineFactory,
    SalesmanFactory,
)

ISSUE_DATE = datetime.date(2026, 3, 5)
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
    subtype.range_start, subtype.range_end, subtype.valid_until = 1, 1000, VALID_UNTIL
    subtype.save()
    return subtype


def plain_subtype(workspace, document_type="invoice") -> DocumentSubtype:
    return DocumentSubtype.objects.get(workspace=workspace, ncf_type=None,
                                       document_type=document_type)


def _line_figures(workspace, spec):
    description, quantity, unit_price, discount, discount_type, tax_names = spec
    taxes = [Tax.objects.get(workspace=workspace, name=name) for name in tax_names]
    computed = compute_line(LineInput(
        quantity=Decimal(quantity), unit_price=Decimal(unit_price), discount=Decimal(discount),
        discount_type=discount_type,
        taxes=[TaxInput(id=t.pk, name=t.name, kind=t.kind, rate=t.rate) for t in taxes]))
    fields = {
        "description": description, "quantity": Decimal(quantity),
        "unit_price": Decimal(unit_price), "discount": Decimal(discount),
        "discount_type": discount_type, "taxes": [tax.as_json() for tax in computed.taxes],
        "subtotal": computed.subtotal, "discount_amount": computed.discount_amount,
        "tax_amount": computed.tax_amount, "total": computed.total,
    }
    return computed, fields


def _contact(workspace):
    return ContactFactory(
        workspace=workspace, name="Distribuidora Peña & Asociados, S.R.L.",
        tax_id_type="rnc", tax_id="101850043", phone="809-555-0147",
        email="compras@pena.com.do",
        address="Av. 27 de Febrero 234, Ensanche Naco, Santo Domingo")


def build_invoice(workspace, *, lines=None, status=InvoiceStatus.PENDING_PAYMENT,
                  subtype=None, number="B0100000001", payments=(), salesmen=("Ana Núñez",),
                  contact=None, **fields) -> Invoice:
    """An invoice stored exactly as the services would store it (figures from totals.py)."""
    subtype = subtype or b01_subtype(workspace)
    contact = contact or _contact(workspace)
    specs = DEFAULT_LINES if lines is None else lines
    computed = [_line_figures(workspace, spec) for spec in specs]
    totals = summarize([c for c, _f in computed])
    is_draft = status == InvoiceStatus.DRAFT
    paid = sum((Decimal(amount) for amount, *_rest in payments), Decimal("0.00"))
    defaults = {
        "workspace": workspace, "contact": contact, "document_subtype": subtype,
        "document_number": None if is_draft else number,
        "sequence_number": None if is_draft else 1,
        "ncf_valid_until": subtype.valid_until if subtype.ncf_type and not is_draft else None,
        "issue_date": ISSUE_DATE, "due_date": ISSUE_DATE + datetime.timedelta(days=30),
        "payment_term": "Neto 30 días", "notes": "Gracias por preferirnos. Pagos a la cuenta "
        "corriente 123-456789-0 del Banco Popular.",
        "status": status, "subtotal_amount": totals.subtotal,
        "discount_amount": totals.discount, "tax_amount": totals.tax,
        "total_amount": totals.total, "amount_paid": paid,
    }
    if not is_draft:
        defaults.update(buyer_name=contact.name, buyer_tax_id_type=contact.tax_id_type,
                        buyer_tax_id=contact.tax_id, buyer_address=contact.address,
                        issuer_name=workspace.name, issuer_rnc=workspace.rnc,
                        issuer_address=workspace.address)
    defaults.update(fields)
    invoice = InvoiceFactory(**defaults)
    for position, (_computed, line_fields) in enumerate(computed):
        InvoiceLineFactory(invoice=invoice, position=position, **line_fields)
    for amount, method, reference in payments:
        PaymentFactory(invoice=invoice, amount=Decimal(amount), method=method,
                       reference=reference, date=ISSUE_DATE + datetime.timedelta(days=3))
    for name in salesmen:
        invoice.salesmen.add(SalesmanFactory(workspace=workspace, name=name))
    return invoice


def build_quotation(workspace, *, lines=None, number="COT-0007", **fields):
    specs = DEFAULT_LINES if lines is None else lines
    computed = [_line_figures(workspace, spec) for spec in specs]
    totals = summarize([c for c, _f in computed])
    defaults = {
        "workspace": workspace, "contact": _contact(workspace),
        "document_subtype": plain_subtype(workspace, "quotation"), "document_number": number,
        "issue_date": ISSUE_DATE, "valid_until": ISSUE_DATE + datetime.timedelta(days=15),
        "subtotal_amount": totals.subtotal, "discount_amount": totals.discount,
        "tax_amount": totals.tax, "total_amount": totals.total,
    }
    defaults.update(fields)
    quotation = QuotationFactory(**defaults)
    for position, (_computed, line_fields) in enumerate(computed):
        QuotationLineFactory(quotation=quotation, position=position, **line_fields)
    return quotation


def many_lines(count: int):
    taxes = (["ITBIS 18%"], ["ITBIS 16%"], ["Exento"])
    return [(f"Artículo número {n} — año {2026}, categoría ñandú", str(1 + n % 5),
             f"{100 + n * 7}.25", "0", "amount", taxes[n % 3]) for n in range(1, count + 1)]
