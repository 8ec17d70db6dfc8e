"""For any sequence of issue, payments (with or without withholdings, or from customer
credit), credit and debit notes, voided notes, deleted payments and refunds, the money adds
up (API.md "Status follows money"):

    amount_due ≥ 0, credit_balance ≥ 0, and
    total + debits − credits − paid + what went to the contact's credit = amount_due.

Each operation is attempted through the services; one a rule refuses (400/409) must change
nothing, and the invariants are checked after every step.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from invoicing.contacts.models import Contact
from invoicing.core.errors import DomainError
from invoicing.invoices.credit import refund_record
from invoicing.invoices.models import Invoice, InvoiceStatus, Payment
from invoicing.invoices.payments import payment_delete, payment_record
from invoicing.notes.models import Note, NoteStatus
from invoicing.notes.services import note_cancel
from tests.notes.helpers import amount_line, b01_invoice, credit, debit

pytestmark = pytest.mark.django_db

cents = st.integers(min_value=1, max_value=300_000).map(lambda c: Decimal(c) / 100)
small = st.integers(min_value=1, max_value=40_000).map(lambda c: Decimal(c) / 100)
operation = st.one_of(
    st.tuples(st.just("pay"), cents),
    st.tuples(st.just("pay_withheld"), cents),
    st.tuples(st.just("pay_from_credit"), small),
    st.tuples(st.just("credit"), small),
    st.tuples(st.just("credit_full"), st.just(Decimal(0))),
    st.tuples(st.just("debit"), cents),
    st.tuples(st.just("refund"), small),
    st.tuples(st.just("delete_payment"), st.integers(min_value=0, max_value=5)),
    st.tuples(st.just("cancel_note"), st.integers(min_value=0, max_value=5)),
)


def check(invoices: list[Invoice], contact: Contact) -> None:
    contact.refresh_from_db()
    assert contact.credit_balance >= 0
    for invoice in invoices:
        invoice.refresh_from_db()
        raw = (invoice.total_amount + invoice.debited_amount - invoice.credited_amount
               - invoice.amount_paid + invoice.credited_to_balance)
        assert raw >= 0 and invoice.amount_due == raw
        paid = sum((p.amount + p.withheld_amount for p in Payment.objects.filter(
            invoice=invoice)), Decimal(0))
        assert paid == invoice.amount_paid
        notes = Note.objects.filter(invoice=invoice, status=NoteStatus.ISSUED)
        assert invoice.credited_amount == sum(
            (n.total_amount for n in notes if n.is_credit), Decimal(0))
        assert invoice.debited_amount == sum(
            (n.total_amount for n in notes if not n.is_credit), Decimal(0))
        assert invoice.credited_to_balance <= invoice.credited_amount
        if invoice.status == InvoiceStatus.CREDITED:
            assert invoice.credited_amount >= invoice.total_amount + invoice.debited_amount
        elif raw == 0:
            assert invoice.status == InvoiceStatus.PAID


def apply(workspace, invoices, contact, name, value) -> None:
    invoice = invoices[int(value * 100) % len(invoices)] if isinstance(value, Decimal) \
        else invoices[value % len(invoices)]
    if name == "pay":
        payment_record(invoice=invoice, actor=None, amount=value)
    elif name == "pay_withheld":
        payment_record(invoice=invoice, actor=None, amount=value,
                       withholdings=[{"kind": "itbis", "rate": "30"}])
    elif name == "pay_from_credit":
        payment_record(invoice=invoice, actor=None, amount=value, method="credit_balance")
    elif name == "credit":
        credit(workspace, invoice, items=[amount_line(str(value), workspace)])
    elif name == "credit_full":
        credit(workspace, invoice, full=True)
    elif name == "debit":
        debit(workspace, invoice, items=[amount_line(str(value), workspace)])
    elif name == "refund":
        refund_record(contact=contact, actor=None, amount=value)
    elif name == "delete_payment":
        payments = list(Payment.objects.filter(invoice__contact=contact).order_by("id"))
        if payments:
            payment_delete(payment=payments[value % len(payments)], actor=None)
    elif name == "cancel_note":
        notes = list(Note.objects.filter(contact=contact, status=NoteStatus.ISSUED)
                     .order_by("id"))
        if notes:
            note_cancel(note=notes[value % len(notes)], actor=None, reason_code="04")


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(operations=st.lists(operation, min_size=1, max_size=14))
def test_money_always_adds_up(workspace, operations):
    # Each example in a transaction rolled back at the end: examples never see each other.
    with transaction.atomic():
        first = b01_invoice(workspace)
        contact = first.contact
        invoices = [first, b01_invoice(workspace, contact=contact,
                                       items=[amount_line("2500.00", workspace)])]
        payment_record(invoice=first, actor=None, amount="1180.00")  # credit on it is excess
        for name, value in operations:
            try:
                with transaction.atomic():
                    apply(workspace, invoices, contact, name, value)
                event(f"{name} done")
            except DomainError:
                event(f"{name} refused")
            check(invoices, contact)
        transaction.set_rollback(True)
