"""Building blocks for invoice tests: real invoices made through the services."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from invoicing.contacts.models import Contact
from invoicing.fiscal.models import DocumentSubtype, Tax
from invoicing.invoices import services
from tests.factories import ContactFactory, ProductFactory


def tax(workspace, name: str) -> Tax:
    return Tax.objects.get(workspace=workspace, name=name)


def plain_subtype(workspace) -> DocumentSubtype:
    return DocumentSubtype.objects.get(workspace=workspace, prefix="INV-")


def fiscal_subtype(workspace, ncf_type="B01", start=1, end=500) -> DocumentSubtype:
    subtype = DocumentSubtype.objects.get(workspace=workspace, ncf_type=ncf_type)
    subtype.range_start, subtype.next_number, subtype.range_end = start, start, end
    subtype.valid_until = timezone.localdate().replace(month=12, day=31)
    subtype.save()
    return subtype


def customer(workspace, **kwargs) -> Contact:
    return ContactFactory(workspace=workspace, **kwargs)


def product(workspace, *, price="100.00", taxes=("ITBIS 18%",), tracks_inventory=False,
            **kwargs):
    item = ProductFactory(workspace=workspace, unit_price=Decimal(price),
                          tracks_inventory=tracks_inventory, **kwargs)
    item.taxes.set([tax(workspace, name) for name in taxes])
    return item


def make_invoice(workspace, *, actor=None, items=None, draft=False, subtype=None,
                 contact=None, **kwargs):
    items = items or [{"description": "Consultoría", "quantity": "1", "unit_price": "1000.00",
                       "tax_ids": [tax(workspace, "ITBIS 18%").pk]}]
    return services.invoice_create(
        workspace=workspace, actor=actor, contact_id=(contact or customer(workspace)).pk,
        document_subtype_id=(subtype or plain_subtype(workspace)).pk, items=items,
        draft=draft, **kwargs,
    )
