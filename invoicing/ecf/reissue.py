"""Re-issuing a rejected e-CF (API.md `POST /invoices/{id}/reissue`): DGII rejected it, so it
has no fiscal validity. A new invoice with the same buyer and lines takes a new number (and
its own e-CF, sent as usual), the payments move to it, each names the other, and the
rejected one is cancelled (its stock comes back)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from invoicing.core.errors import Conflict
from workspaces.authorization import requires
from workspaces.services import activity_record

from .models import EcfRecord, EcfStatus

VOIDING_REASON = "04"  # DGII 608: corrección de la información


@requires("invoice_reissue")
@transaction.atomic
def invoice_reissue(*, invoice, actor: Any):
    from invoicing.invoices import services as invoices
    from invoicing.invoices.models import InvoiceLine, Payment

    old = invoices.lock_invoice(invoice)
    record = (EcfRecord.objects.select_for_update()
              .filter(document_kind="invoice", document_id=old.pk).first())
    if record is None or record.status != EcfStatus.REJECTED or record.replaced_by_document_id:
        raise Conflict(_("Only an e-CF that DGII rejected is issued again."),
                       code="ecf_not_rejected")
    items = [{"product_id": line.product_id, "description": line.description,
              "quantity": line.quantity, "unit_price": line.unit_price,
              "discount": line.discount, "discount_type": line.discount_type,
              "tax_ids": [tax["id"] for tax in line.taxes]}
             for line in InvoiceLine.objects.filter(invoice=old).order_by("position", "id")]
    today = timezone.localdate()
    new = invoices.invoice_create(
        workspace=old.workspace, actor=actor, contact_id=old.contact_id,
        document_subtype_id=old.document_subtype_id, items=items, issue_date=today,
        due_date=max(old.due_date, today), payment_term=old.payment_term, notes=old.notes,
        currency_id=old.currency_id,
        salesman_ids=list(old.salesmen.values_list("pk", flat=True)))
    moved = Payment.objects.filter(invoice=old)
    paid = moved.aggregate(total=Sum("amount"))["total"] or 0
    moved.update(invoice=new)
    new.amount_paid = paid
    new.status = invoices.status_for(new.total_amount, paid)
    type(new).objects.filter(pk=new.pk).update(amount_paid=paid, status=new.status)
    old.amount_paid = 0
    type(old).objects.filter(pk=old.pk).update(amount_paid=0)
    record.replaced_by_document_id = new.pk
    record.save(update_fields=["replaced_by_document_id", "updated_at"])
    EcfRecord.objects.filter(document_kind="invoice", document_id=new.pk).update(
        replaces_document_id=old.pk)
    if new.written_ecf is not None:
        new.written_ecf.replaces_document_id = old.pk
    invoices.invoice_cancel(invoice=old, actor=actor, reason_code=VOIDING_REASON,
                            reason=_("Rejected by DGII; issued again as %(number)s")
                            % {"number": new.document_number})
    activity_record(workspace=old.workspace, actor=actor, verb="ecf_reissued", target=old,
                    description=_("Issued again as %(number)s")
                    % {"number": new.document_number}, data={"new_id": new.pk})
    activity_record(workspace=old.workspace, actor=actor, verb="ecf_reissue_of", target=new,
                    description=_("Replaces %(number)s, rejected by DGII")
                    % {"number": old.document_number}, data={"old_id": old.pk})
    return new
