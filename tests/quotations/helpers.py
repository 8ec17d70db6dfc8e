"""Building blocks for quotation tests: real quotations made through the services."""

from __future__ import annotations

from invoicing.fiscal.models import DocumentSubtype
from invoicing.quotations import conversion, services
from invoicing.quotations.models import Quotation
from tests.invoices.helpers import customer, plain_subtype, product, tax  # noqa: F401


def quotation_subtype(workspace) -> DocumentSubtype:
    return DocumentSubtype.objects.get(workspace=workspace, prefix="COT-")


def one_line(workspace, *, price="1000.00"):
    return [{"description": "Consultoría", "quantity": "1", "unit_price": price,
             "tax_ids": [tax(workspace, "ITBIS 18%").pk]}]


def make_quotation(workspace, *, actor=None, items=None, contact=None, status=None,
                   **kwargs) -> Quotation:
    """A quotation created through the service, then moved to `status` the way a user would
    (sent, accepted, rejected, invoiced)."""
    quotation = services.quotation_create(
        workspace=workspace, actor=actor, contact_id=(contact or customer(workspace)).pk,
        items=items or one_line(workspace), **kwargs)
    if status in ("sent", "accepted", "rejected"):
        quotation = services.quotation_send(quotation=quotation, actor=actor)
    if status == "accepted":
        quotation = services.quotation_accept(quotation=quotation, actor=actor)
    if status == "rejected":
        quotation = services.quotation_reject(quotation=quotation, actor=actor)
    if status == "invoiced":
        conversion.quotation_convert(quotation=quotation, actor=actor,
                                   document_subtype_id=plain_subtype(workspace).pk)
        quotation.refresh_from_db()
    return quotation


def mixed_items(workspace):
    """Discounts of both kinds over ITBIS 18 and 16, an exempt line and propina legal, with
    amounts that round at the half cent."""
    itbis18, itbis16 = tax(workspace, "ITBIS 18%"), tax(workspace, "ITBIS 16%")
    exempt, tip = tax(workspace, "Exento"), tax(workspace, "Propina legal 10%")
    return [
        {"description": "Almuerzo ejecutivo", "quantity": "3", "unit_price": "333.33",
         "discount": "12.5", "discount_type": "percentage", "tax_ids": [itbis18.pk, tip.pk]},
        {"description": "Leche en polvo 2.2 kg", "quantity": "7.5", "unit_price": "149.99",
         "discount": "25.55", "discount_type": "amount", "tax_ids": [itbis16.pk]},
        {"description": "Libro escolar", "quantity": "2", "unit_price": "875.45",
         "discount": "3.33", "discount_type": "percentage", "tax_ids": [exempt.pk]},
        {"description": "Instalación", "quantity": "1.25", "unit_price": "1999.99",
         "discount": "0.01", "discount_type": "amount", "tax_ids": [itbis18.pk]},
        {"description": "Flete", "quantity": "1", "unit_price": "350.00", "tax_ids": []},
    ]
