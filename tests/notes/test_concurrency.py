"""Issue 12 "Done when": on the real PostgreSQL, 16 threads issuing credit notes against one
invoice never credit more than its total in sum. The service locks the invoice row (briefly:
until its commit), so each note sees what the one before it credited; without that lock the
checks of concurrent notes would all pass against the same remainder."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from invoicing.core.errors import DomainError
from invoicing.invoices.models import Invoice
from invoicing.notes.models import Note
from invoicing.notes.services import credit_note_issue
from tests.notes.helpers import amount_line, b01_invoice

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
THREADS = 16


def test_sixteen_threads_never_credit_more_than_the_total(workspace):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks")
    # 1,000.00 + ITBIS = 1,180.00; each note credits 100.00 + ITBIS = 118.00, so exactly 10
    # fit and 6 must be refused.
    invoice = b01_invoice(workspace, items=[amount_line("1000.00", workspace)])
    line = amount_line("100.00", workspace)
    start = threading.Barrier(THREADS)
    lock = threading.Lock()
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def work():
        try:
            start.wait()
            try:
                credit_note_issue(workspace=workspace, actor=None, invoice_id=invoice.pk,
                                  items=[line])
                outcome = "issued"
            except DomainError as error:
                outcome = error.code
            with lock:
                outcomes.append(outcome)
        except BaseException as exc:  # reported to the main thread
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a note hung (deadlock?)"
    assert not errors, errors
    assert sorted(outcomes) == ["credit_exceeds_balance"] * 6 + ["issued"] * 10, outcomes

    invoice = Invoice.objects.get(pk=invoice.pk)
    notes = Note.objects.filter(invoice=invoice)
    assert sum((n.total_amount for n in notes), Decimal(0)) == invoice.credited_amount
    assert invoice.credited_amount == Decimal("1180.00") == invoice.total_amount
    assert invoice.status == "credited" and invoice.amount_due == 0
    # Numbers are gapless in the note series too.
    assert sorted(n.sequence_number for n in notes) == list(range(1, 11))
