"""What an invoice's money says: its status (API.md "Status follows money")."""

from __future__ import annotations

from decimal import Decimal

from .models import Invoice, InvoiceStatus


def status_for(total: Decimal, paid: Decimal, *, debited: Decimal = Decimal(0),
               credited: Decimal = Decimal(0), to_balance: Decimal = Decimal(0)) -> str:
    """Status follows the money (API.md): credited once credit notes cover the total plus
    the debit notes, paid once nothing is due."""
    if credited > 0 and credited >= total + debited:
        return InvoiceStatus.CREDITED
    if total + debited - credited - paid + to_balance <= 0:
        return InvoiceStatus.PAID
    if paid > 0:
        return InvoiceStatus.PARTIALLY_PAID
    return InvoiceStatus.PENDING_PAYMENT


def invoice_status(invoice: Invoice) -> str:
    """The status an issued, non-cancelled invoice's figures give."""
    return status_for(invoice.total_amount, invoice.amount_paid,
                      debited=invoice.debited_amount, credited=invoice.credited_amount,
                      to_balance=invoice.credited_to_balance)
