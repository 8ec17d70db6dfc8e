"""Every write to payments. A payment settles part of an issued invoice — its `amount` plus
what the buyer withheld — and the invoice's figures and status follow (API.md "Payments",
"Withholdings", "Customer credit")."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from invoicing.core import events
from invoicing.core.errors import InvalidInput
from invoicing.core.money import ZERO, format_money, quantize_money
from invoicing.documents.lookups import check_date
from invoicing.documents.policies import InvoicePolicy
from workspaces.authorization import requires
from workspaces.services import activity_record

from . import events as invoice_events
from .balance import invoice_status
from .credit import credit_balance_change, in_workspace_currency
from .models import (
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    PaymentMethod,
    Withholding,
    WithholdingKind,
)
from .services import lock_invoice, record_effects

# DOMAIN.md "Withholdings": the rates DGII sets, each on its base.
WITHHOLDING_RATES = {WithholdingKind.ITBIS: (Decimal("30"), Decimal("100")),
                     WithholdingKind.ISR: (Decimal("2"), Decimal("10"))}


def _money(value: Any, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidInput(_("A number is required."), field=field) from None
    if not amount.is_finite() or amount != quantize_money(amount):
        raise InvalidInput(_("Use at most 2 decimals."), field=field)
    return amount


def withholding_bases(invoice: Invoice) -> dict[str, Decimal]:
    """ITBIS withheld is a share of the invoice's ITBIS; ISR of its amount before taxes."""
    itbis = ZERO
    for taxes in InvoiceLine.objects.filter(invoice=invoice).values_list("taxes", flat=True):
        itbis += sum((Decimal(t["amount"]) for t in taxes if t.get("kind") == "itbis"), ZERO)
    return {WithholdingKind.ITBIS: quantize_money(itbis),
            WithholdingKind.ISR: invoice.subtotal_amount - invoice.discount_amount}


def _withholdings(invoice: Invoice, requested: Sequence[dict]) -> list[Withholding]:
    if not requested:
        return []
    bases = withholding_bases(invoice)
    used = dict(Withholding.objects.filter(payment__invoice=invoice).values("kind")
                .annotate(total=Sum("amount")).values_list("kind", "total"))
    found = []
    for index, item in enumerate(requested):
        where = f"withholdings.{index}"
        kind = item.get("kind")
        if kind not in WithholdingKind.values:
            raise InvalidInput(_("Withholdings are of ITBIS or ISR."), field=f"{where}.kind")
        rate = item.get("rate")
        if rate is not None:
            rate = _money(rate, f"{where}.rate")
            if rate not in WITHHOLDING_RATES[kind]:
                raise InvalidInput(
                    _("%(kind)s is withheld at %(rates)s%%.")
                    % {"kind": kind.upper(), "rates": " or ".join(
                        f"{r:f}" for r in WITHHOLDING_RATES[kind])}, field=f"{where}.rate")
        if item.get("amount") is not None:
            amount = _money(item["amount"], f"{where}.amount")
        elif rate is not None:
            amount = quantize_money(bases[kind] * rate / 100)
        else:
            raise InvalidInput(_("Give the rate or the amount withheld."), field=f"{where}.amount")
        if amount <= 0:
            raise InvalidInput(_("The amount must be greater than 0."), field=f"{where}.amount")
        used[kind] = used.get(kind, ZERO) + amount
        if used[kind] > bases[kind]:
            raise InvalidInput(
                _("The %(kind)s withheld on this invoice would be %(amount)s, more than its base "
                  "(%(base)s).") % {"kind": kind.upper(),
                                    "amount": format_money(used[kind], invoice.currency.symbol),
                                    "base": format_money(bases[kind], invoice.currency.symbol)},
                field=f"{where}.amount")
        found.append(Withholding(workspace_id=invoice.workspace_id, kind=kind, rate=rate,
                                 amount=amount))
    return found


@requires("payment_record")
@transaction.atomic
def payment_record(*, invoice: Invoice, actor: Any, amount: Decimal,
                   date: datetime.date | None = None, method: str = PaymentMethod.CASH,
                   reference: str = "", notes: str = "",
                   withholdings: Sequence[dict] = ()) -> Payment:
    invoice = lock_invoice(invoice)
    InvoicePolicy(invoice, actor).check("pay")
    if method not in PaymentMethod.values:
        raise InvalidInput(_("Unknown payment method."), field="method")
    check_date(date, "date")
    amount = _money(amount, "amount")
    withheld = _withholdings(invoice, withholdings)
    withheld_amount = sum((w.amount for w in withheld), ZERO)
    if amount < 0 or (amount == 0 and not withheld):
        raise InvalidInput(_("The amount must be greater than 0."), field="amount")
    balance = invoice.amount_due
    symbol = invoice.currency.symbol
    if amount + withheld_amount > balance:
        raise InvalidInput(
            _("The amount (%(amount)s) is more than the balance due (%(balance)s).")
            % {"amount": format_money(amount + withheld_amount, symbol),
               "balance": format_money(balance, symbol)},
            field="amount")
    if method == PaymentMethod.CREDIT_BALANCE and amount:
        credit_balance_change(contact=invoice.contact_id,
                              amount=-in_workspace_currency(amount, invoice.exchange_rate))
    payment = Payment.objects.create(
        workspace_id=invoice.workspace_id, invoice=invoice, amount=amount,
        withheld_amount=withheld_amount,
        date=date or timezone.localdate(), method=method, reference=reference or "",
        notes=notes or "", created_by=actor if getattr(actor, "pk", None) else None,
    )
    for withholding in withheld:
        withholding.payment = payment
    payment.written_withholdings = Withholding.objects.bulk_create(withheld)
    settled = amount + withheld_amount
    invoice.amount_paid += settled
    invoice.status = invoice_status(invoice)
    Invoice.objects.filter(pk=invoice.pk).update(amount_paid=F("amount_paid") + settled,
                                                  status=invoice.status,
                                                  updated_at=timezone.now())
    activity_record(workspace=invoice.workspace, actor=actor, verb="payment_recorded",
                    target=invoice,
                    description=_("Payment of %(amount)s (%(method)s)")
                    % {"amount": format_money(settled, symbol),
                       "method": payment.get_method_display()},
                    data={"payment_id": payment.pk, "amount": str(amount),
                          "withheld": str(withheld_amount)})
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
    """Remove a payment: the invoice's figures and status follow. Credit it spent comes back
    to the contact; credit its money had funded (a later credit note beyond what was unpaid)
    goes back to paying the invoice, as far as the contact still has it."""
    invoice = lock_invoice(payment.invoice_id)
    InvoicePolicy(invoice, actor).check("delete_payment")
    payment = Payment.objects.get(pk=payment.pk, invoice=invoice)
    settled = payment.settled_amount
    if payment.method == PaymentMethod.CREDIT_BALANCE and payment.amount:
        credit_balance_change(contact=invoice.contact_id,
                              amount=in_workspace_currency(payment.amount,
                                                           invoice.exchange_rate))
    reclaimed = ZERO
    if invoice.credited_to_balance > 0 and invoice.status != InvoiceStatus.CANCELLED:
        from .credit import lock_contact

        available = lock_contact(invoice.contact_id).credit_balance
        reclaimed = min(invoice.credited_to_balance, settled)
        if in_workspace_currency(reclaimed, invoice.exchange_rate) > available:
            reclaimed = (available / invoice.exchange_rate).quantize(Decimal("0.01"),
                                                                     rounding=ROUND_DOWN)
        if reclaimed > 0:
            credit_balance_change(contact=invoice.contact_id,
                                  amount=-in_workspace_currency(reclaimed,
                                                                invoice.exchange_rate))
    invoice.amount_paid -= settled
    invoice.credited_to_balance -= reclaimed
    if invoice.status != InvoiceStatus.CANCELLED:
        invoice.status = invoice_status(invoice)
    Invoice.objects.filter(pk=invoice.pk).update(amount_paid=F("amount_paid") - settled,
                                                  credited_to_balance=F("credited_to_balance")
                                                  - reclaimed,
                                                  status=invoice.status,
                                                  updated_at=timezone.now())
    activity_record(workspace=invoice.workspace, actor=actor, verb="payment_deleted",
                    target=invoice,
                    description=_("Payment of %(amount)s deleted")
                    % {"amount": format_money(settled, invoice.currency.symbol)},
                    data={"payment_id": payment.pk, "amount": str(payment.amount)})
    events.emit("payment.deleted", workspace_id=invoice.workspace_id,
                render=lambda: invoice_events.payment_object(payment))
    payment.delete()
    record_effects(invoice)
    return invoice
