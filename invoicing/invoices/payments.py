"""Every write to payments. A payment settles part of an issued invoice; its figures and
status follow (API.md "Payments")."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from invoicing.core import events
from invoicing.core.errors import InvalidInput
from invoicing.core.money import format_money, quantize_money
from invoicing.documents.lookups import check_date
from invoicing.documents.policies import InvoicePolicy
from workspaces.authorization import requires
from workspaces.services import activity_record

from . import events as invoice_events
from .models import Invoice, InvoiceStatus, Payment, PaymentMethod
from .services import lock_invoice, record_effects, status_for


@requires("payment_record")
@transaction.atomic
def payment_record(*, invoice: Invoice, actor: Any, amount: Decimal,
                   date: datetime.date | None = None, method: str = PaymentMethod.CASH,
                   reference: str = "", notes: str = "") -> Payment:
    invoice = lock_invoice(invoice)
    InvoicePolicy(invoice, actor).check("pay")
    if method not in PaymentMethod.values:
        raise InvalidInput(_("Unknown payment method."), field="method")
    check_date(date, "date")
    amount = Decimal(amount)
    if amount != quantize_money(amount):
        raise InvalidInput(_("Use at most 2 decimals."), field="amount")
    if amount <= 0:
        raise InvalidInput(_("The amount must be greater than 0."), field="amount")
    balance = invoice.total_amount - invoice.amount_paid
    symbol = invoice.currency.symbol
    if amount > balance:
        raise InvalidInput(
            _("The amount (%(amount)s) is more than the balance due (%(balance)s).")
            % {"amount": format_money(amount, symbol), "balance": format_money(balance, symbol)},
            field="amount")
    payment = Payment.objects.create(
        workspace_id=invoice.workspace_id, invoice=invoice, amount=amount,
        date=date or timezone.localdate(), method=method, reference=reference or "",
        notes=notes or "", created_by=actor if getattr(actor, "pk", None) else None,
    )
    invoice.amount_paid += amount
    invoice.status = status_for(invoice.total_amount, invoice.amount_paid)
    Invoice.objects.filter(pk=invoice.pk).update(amount_paid=F("amount_paid") + amount,
                                                  status=invoice.status,
                                                  updated_at=timezone.now())
    activity_record(workspace=invoice.workspace, actor=actor, verb="payment_recorded",
                    target=invoice,
                    description=_("Payment of %(amount)s (%(method)s)")
                    % {"amount": format_money(amount, symbol),
                       "method": payment.get_method_display()},
                    data={"payment_id": payment.pk, "amount": str(amount)})
    record_effects(invoice)
    known = events.wanted(invoice.workspace_id, "payment.created", "invoice.paid")
    events.emit("payment.created", workspace_id=invoice.workspace_id, known=known,
                render=lambda: invoice_events.payment_object(payment))
    if invoice.status == InvoiceStatus.PAID:
        invoice_events.emit_now("invoice.paid", invoice, known)
    return payment


@requires("payment_delete")
@transaction.atomic
def payment_delete(*, payment: Payment, actor: Any) -> Invoice:
    invoice = lock_invoice(payment.invoice_id)
    InvoicePolicy(invoice, actor).check("delete_payment")
    payment = Payment.objects.get(pk=payment.pk, invoice=invoice)
    invoice.amount_paid -= payment.amount
    if invoice.status != InvoiceStatus.CANCELLED:
        invoice.status = status_for(invoice.total_amount, invoice.amount_paid)
    Invoice.objects.filter(pk=invoice.pk).update(amount_paid=F("amount_paid") - payment.amount,
                                                  status=invoice.status,
                                                  updated_at=timezone.now())
    activity_record(workspace=invoice.workspace, actor=actor, verb="payment_deleted",
                    target=invoice,
                    description=_("Payment of %(amount)s deleted")
                    % {"amount": format_money(payment.amount, invoice.currency.symbol)},
                    data={"payment_id": payment.pk, "amount": str(payment.amount)})
    events.emit("payment.deleted", workspace_id=invoice.workspace_id,
                render=lambda: invoice_events.payment_object(payment))
    payment.delete()
    record_effects(invoice)
    return invoice
