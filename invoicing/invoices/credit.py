"""Customer credit (API.md "Customer credit"): a contact's `credit_balance`, in the workspace
currency. Credit notes beyond what was unpaid raise it, payments by `credit_balance` spend
it, refunds pay it back. Every change locks the contact row (after the invoice, in the lock
order of the services) and nothing ever makes it negative (a database check backs that).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from invoicing.contacts.models import Contact
from invoicing.core.errors import InvalidInput
from invoicing.core.money import format_money, quantize_money
from invoicing.documents.lookups import check_date
from workspaces.authorization import requires
from workspaces.services import activity_record

from .models import PaymentMethod, Refund


def in_workspace_currency(amount: Decimal, rate: Decimal) -> Decimal:
    """An amount of a document converted at its fixed rate, to the cent."""
    return quantize_money(amount * rate)


def lock_contact(contact: Contact | int) -> Contact:
    pk = contact if isinstance(contact, int) else contact.pk
    return Contact.objects.select_for_update(of=("self",)).get(pk=pk)


def credit_balance_change(*, contact: Contact | int, amount: Decimal, field: str = "amount",
                          symbol: str = "RD$") -> Contact:
    """Add `amount` (negative to spend) to the contact's credit, under its lock. Refuses
    (400 on `field`) what would make it negative."""
    contact = lock_contact(contact)
    if contact.credit_balance + amount < 0:
        raise InvalidInput(
            _("%(name)s has %(balance)s of credit; this needs %(amount)s.")
            % {"name": contact.name, "balance": format_money(contact.credit_balance, symbol),
               "amount": format_money(-amount, symbol)},
            field=field, code="credit_balance_insufficient")
    if amount:
        Contact.objects.filter(pk=contact.pk).update(
            credit_balance=F("credit_balance") + amount, updated_at=timezone.now())
        contact.credit_balance += amount
    return contact


REFUND_METHODS = tuple(m for m in PaymentMethod.values if m != PaymentMethod.CREDIT_BALANCE)


@requires("refund_record")
@transaction.atomic
def refund_record(*, contact: Contact, actor: Any, amount: Decimal | str,
                  date: datetime.date | None = None, method: str = PaymentMethod.CASH,
                  reference: str = "") -> Refund:
    """Pay customer credit back to the customer (400 beyond the balance)."""
    if method not in REFUND_METHODS:
        raise InvalidInput(_("Choose how the money was paid back."), field="method")
    check_date(date, "date")
    amount = Decimal(str(amount))
    if amount != quantize_money(amount):
        raise InvalidInput(_("Use at most 2 decimals."), field="amount")
    if amount <= 0:
        raise InvalidInput(_("The amount must be greater than 0."), field="amount")
    contact = credit_balance_change(contact=contact, amount=-amount)
    refund = Refund.objects.create(
        workspace_id=contact.workspace_id, contact=contact, amount=amount,
        date=date or timezone.localdate(), method=method, reference=reference or "",
        created_by=actor if getattr(actor, "pk", None) else None)
    activity_record(workspace=contact.workspace, actor=actor, verb="refund_recorded",
                    target=contact,
                    description=_("Credit of %(amount)s paid back (%(method)s)")
                    % {"amount": format_money(amount), "method": refund.get_method_display()},
                    data={"refund_id": refund.pk, "amount": str(amount)})
    return refund
