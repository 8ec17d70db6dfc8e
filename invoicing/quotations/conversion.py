"""Converting a quotation into an issued invoice, once."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from invoicing.core import events
from invoicing.invoices import events as invoice_events
from invoicing.invoices import services as invoice_services
from invoicing.invoices.models import Invoice
from workspaces.authorization import requires
from workspaces.services import activity_record

from .models import CONVERTIBLE_STATUSES, Quotation, QuotationStatus
from .services import _lock, _refuse, _refuse_lapsed


def _invoice_items(quotation: Quotation) -> list[dict]:
    """The quotation's lines as the invoice service's items: same product, description,
    quantity, price, discount and taxes."""
    return [{
        "product_id": line.product_id,
        "description": line.description,
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "discount": line.discount,
        "discount_type": line.discount_type,
        "tax_ids": line.tax_ids,
    } for line in quotation.lines.order_by("position", "id")]


@requires("quotation_convert")
@transaction.atomic
def quotation_convert(
    *,
    quotation: Quotation,
    actor: Any,
    document_subtype_id: int,
    issue_date: datetime.date | None = None,
    due_date: datetime.date | None = None,
) -> Invoice:
    """Create and issue an invoice with the quotation's lines, contact, currency, salesmen,
    terms and notes; the quotation becomes `invoiced` and points at it. One transaction:
    either both change or neither. A second conversion is refused (409)."""
    quotation = _lock(quotation)
    if quotation.invoice_id is not None or quotation.status == QuotationStatus.INVOICED:
        raise _refuse(quotation, _("Cannot convert"))
    if quotation.status not in CONVERTIBLE_STATUSES:
        raise _refuse(quotation, _("Cannot convert"))
    _refuse_lapsed(quotation, timezone.localdate())
    # The event is rendered before the invoice takes its number (nothing is read after it).
    converted = _converted_event(quotation)

    with invoice_events.from_quotation(quotation.pk):
        invoice = invoice_services.invoice_create(
            workspace=quotation.workspace, actor=actor, contact_id=quotation.contact_id,
            document_subtype_id=document_subtype_id, items=_invoice_items(quotation),
            issue_date=issue_date, due_date=due_date, payment_term=quotation.payment_term,
            notes=quotation.notes, currency_id=quotation.currency_id,
            salesman_ids=list(quotation.salesmen.values_list("pk", flat=True)),
        )
    previous = quotation.status
    invoice.written_quotation_id = quotation.pk  # for the answer rendered from memory
    quotation.invoice = invoice
    quotation.status = QuotationStatus.INVOICED
    quotation.save(update_fields=["invoice", "status", "updated_at"])

    data = {"invoice_id": invoice.pk, "invoice_number": invoice.document_number,
            "quotation_id": quotation.pk, "quotation_number": quotation.document_number,
            "from_status": previous}
    if invoice.total_amount != quotation.total_amount:
        # Same prices; a tax whose rate changed since the quotation applies its current rate.
        data["quotation_total"] = str(quotation.total_amount)
        data["invoice_total"] = str(invoice.total_amount)
    activity_record(workspace=quotation.workspace, actor=actor, verb="converted",
                    target=quotation,
                    description=_("Converted into invoice %(invoice)s")
                    % {"invoice": invoice.document_number}, data=data)
    activity_record(workspace=quotation.workspace, actor=actor, verb="created_from_quotation",
                    target=invoice,
                    description=_("Created from quotation %(quotation)s")
                    % {"quotation": quotation.document_number}, data=data)
    if converted is not None:
        events.record("quotation.converted", workspace_id=quotation.workspace_id,
                      data=converted | _converted_fields(quotation, invoice))
    return invoice


def _converted_event(quotation: Quotation) -> dict | None:
    """`quotation.converted`'s object as it stands before the conversion, if it is wanted."""
    if not events.wanted(quotation.workspace_id, "quotation.converted"):
        return None
    from .serializers import quotation_data

    return {"object": "quotation", **quotation_data(quotation)}


def _converted_fields(quotation: Quotation, invoice: Invoice) -> dict:
    from invoicing.documents.serializers import timestamp

    return {"status": quotation.status, "invoice_id": invoice.pk,
            "invoice_number": invoice.document_number,
            "updated_at": timestamp(quotation.updated_at)}
