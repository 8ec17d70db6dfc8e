"""Building blocks for note tests: fiscal invoices and notes made through the services."""

from __future__ import annotations

from decimal import Decimal

from invoicing.notes import services as note_services
from tests.invoices.helpers import customer, fiscal_subtype, make_invoice, product, tax


def ready_series(workspace, code: str):
    """The series with an authorised range (entered once; later calls keep its counter)."""
    from invoicing.fiscal.models import DocumentSubtype

    subtype = DocumentSubtype.objects.get(workspace=workspace, ncf_type=code)
    return subtype if subtype.range_end else fiscal_subtype(workspace, code)


def note_series(workspace):
    return ready_series(workspace, "B04"), ready_series(workspace, "B03")


def b01_invoice(workspace, *, contact=None, items=None, **kwargs):
    """An issued B01 crédito fiscal invoice (with B04/B03 series ready for its notes)."""
    note_series(workspace)
    subtype = ready_series(workspace, "B01")
    contact = contact or customer(workspace, name="Farmacia Los Hidalgos SRL",
                                  tax_id_type="rnc", tax_id="101850043")
    itbis = tax(workspace, "ITBIS 18%")
    items = items or [{"description": "Consultoría", "quantity": "1",
                       "unit_price": "1000.00", "tax_ids": [itbis.pk]}]
    return make_invoice(workspace, contact=contact, subtype=subtype, items=items, **kwargs)


def three_line_invoice(workspace, **kwargs):
    """Two inventory lines and a service: 1,180.00 + 590.00 + 236.00 = 2,006.00."""
    a = product(workspace, sku="ARZ", name="Arroz 5 lb", price="1000.00", tracks_inventory=True)
    b = product(workspace, sku="ACE", name="Aceite 1 L", price="250.00", tracks_inventory=True)
    s = product(workspace, sku="INS", name="Instalación", price="200.00")
    invoice = b01_invoice(workspace, items=[
        {"product_id": a.pk, "quantity": "1"}, {"product_id": b.pk, "quantity": "2"},
        {"product_id": s.pk, "quantity": "1"}], **kwargs)
    return invoice, (a, b, s)


def credit(workspace, invoice=None, *, actor=None, **kwargs):
    if invoice is not None:
        kwargs.setdefault("invoice_id", invoice.pk)
    return note_services.credit_note_issue(workspace=workspace, actor=actor, **kwargs)


def debit(workspace, invoice=None, *, actor=None, **kwargs):
    if invoice is not None:
        kwargs.setdefault("invoice_id", invoice.pk)
    return note_services.debit_note_issue(workspace=workspace, actor=actor, **kwargs)


def amount_line(amount: str, workspace, **extra) -> dict:
    """A free price-only line of `amount` before ITBIS 18%."""
    return {"description": "Ajuste de precio", "quantity": "1", "unit_price": amount,
            "tax_ids": [tax(workspace, "ITBIS 18%").pk], **extra}


D = Decimal
