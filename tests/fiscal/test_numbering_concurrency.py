"""Issue 4 "Done when": 16 threads allocate 2,000 numbers from one subtype on the real
PostgreSQL, 10% of the transactions rolled back after taking their number. Every committed
transaction writes an issued invoice with its number, so the database itself shows the
result: contiguous numbers, no duplicates, counter = last committed + 1."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from invoicing.fiscal.models import DocumentSubtype
from invoicing.fiscal.numbering import allocate_number
from invoicing.invoices.models import Invoice
from tests.factories import ContactFactory
from workspaces.models import Currency

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

THREADS = 16
ALLOCATIONS = 2000
ROLLBACK_EVERY = 10  # 10% of the transactions


class Rollback(Exception):
    pass


def test_concurrent_allocation_is_gapless_and_unique(workspace):
    if connection.vendor != "postgresql":
        pytest.skip("the concurrency guarantee is tested on PostgreSQL")
    subtype = DocumentSubtype.objects.get(workspace=workspace, ncf_type="B01")
    DocumentSubtype.objects.filter(pk=subtype.pk).update(
        range_start=1, range_end=5000, valid_until=timezone.localdate()
        + datetime.timedelta(days=300))
    contact = ContactFactory(workspace=workspace)
    currency = Currency.objects.get(workspace=workspace, is_default=True)
    today = timezone.localdate()

    tickets = iter(range(ALLOCATIONS))
    tickets_lock = threading.Lock()
    committed: list[int] = []
    rolled_back: list[int] = []
    errors: list[BaseException] = []
    results_lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def next_ticket() -> int | None:
        with tickets_lock:
            return next(tickets, None)

    def work() -> None:
        try:
            start.wait()
            while (ticket := next_ticket()) is not None:
                roll_back = ticket % ROLLBACK_EVERY == 0
                try:
                    with transaction.atomic():
                        allocated = allocate_number(workspace_id=workspace.pk,
                                                    subtype_id=subtype.pk, on_date=today)
                        Invoice.objects.create(
                            workspace=workspace, contact=contact, document_subtype=subtype,
                            currency=currency, status="pending_payment",
                            document_number=allocated.document_number,
                            sequence_number=allocated.sequence,
                            ncf_valid_until=allocated.valid_until,
                        )
                        if roll_back:
                            raise Rollback(allocated.sequence)
                except Rollback as taken:
                    with results_lock:
                        rolled_back.append(taken.args[0])
                else:
                    with results_lock:
                        committed.append(allocated.sequence)
        except BaseException as exc:  # reported to the main thread
            with results_lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []

    expected_committed = ALLOCATIONS - ALLOCATIONS // ROLLBACK_EVERY
    assert len(rolled_back) == ALLOCATIONS // ROLLBACK_EVERY
    assert len(committed) == expected_committed
    # What the threads saw: each committed number once, 1…N with no gap.
    assert sorted(committed) == list(range(1, expected_committed + 1))

    # What the database holds: the same, and nothing of the rolled-back transactions.
    numbers = list(Invoice.objects.filter(workspace=workspace, document_subtype=subtype)
                   .values_list("sequence_number", "document_number"))
    assert len(numbers) == expected_committed
    assert sorted(seq for seq, _ in numbers) == list(range(1, expected_committed + 1))
    assert {number for _, number in numbers} == {
        f"B01{seq:08d}" for seq in range(1, expected_committed + 1)}
    subtype.refresh_from_db()
    assert subtype.next_number == expected_committed + 1
    # A rolled-back number was handed out again: some committed numbers were first taken
    # by a transaction that rolled back.
    assert set(rolled_back) & set(committed)


TAKEOVER_ALLOCATIONS = 400


def test_the_next_range_takes_over_under_concurrency(workspace):
    """Issue 12: a series with a small current range (1–50) and the next authorised range
    waiting (101–1000, with its own expiry). 16 threads take 400 numbers, 10% rolled back:
    the numbers run 1…50 and then 101… with no gap and no repeat, each carries the expiry of
    the range it came from, and the old range is marked as used up."""
    if connection.vendor != "postgresql":
        pytest.skip("the concurrency guarantee is tested on PostgreSQL")
    from invoicing.fiscal.models import NcfRange
    from invoicing.fiscal.services import subtype_add_range

    today = timezone.localdate()
    first_until = today + datetime.timedelta(days=100)
    second_until = today + datetime.timedelta(days=400)
    subtype = DocumentSubtype.objects.get(workspace=workspace, ncf_type="B01")
    subtype_add_range(subtype=subtype, actor=None, range_start=1, range_end=50,
                      valid_until=first_until)
    subtype_add_range(subtype=subtype, actor=None, range_start=101, range_end=1000,
                      valid_until=second_until)
    subtype.refresh_from_db()
    assert (subtype.range_start, subtype.range_end) == (1, 50)  # the new one waits
    contact = ContactFactory(workspace=workspace)
    currency = Currency.objects.get(workspace=workspace, is_default=True)

    tickets = iter(range(TAKEOVER_ALLOCATIONS))
    lock = threading.Lock()
    committed: list[tuple[int, datetime.date]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def work() -> None:
        try:
            start.wait()
            while True:
                with lock:
                    ticket = next(tickets, None)
                if ticket is None:
                    return
                try:
                    with transaction.atomic():
                        allocated = allocate_number(workspace_id=workspace.pk,
                                                    subtype_id=subtype.pk, on_date=today)
                        Invoice.objects.create(
                            workspace=workspace, contact=contact, document_subtype=subtype,
                            currency=currency, status="pending_payment",
                            document_number=allocated.document_number,
                            sequence_number=allocated.sequence,
                            ncf_valid_until=allocated.valid_until)
                        if ticket % ROLLBACK_EVERY == 0:
                            raise Rollback(allocated.sequence)
                except Rollback:
                    continue
                with lock:
                    committed.append((allocated.sequence, allocated.valid_until))
        except BaseException as exc:  # reported to the main thread
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []

    count = TAKEOVER_ALLOCATIONS - TAKEOVER_ALLOCATIONS // ROLLBACK_EVERY
    expected = list(range(1, 51)) + list(range(101, 101 + count - 50))
    assert sorted(seq for seq, _ in committed) == expected
    assert all(until == (first_until if seq <= 50 else second_until)
               for seq, until in committed)
    stored = sorted(Invoice.objects.filter(document_subtype=subtype)
                    .values_list("sequence_number", flat=True))
    assert stored == expected
    subtype.refresh_from_db()
    assert (subtype.range_start, subtype.range_end, subtype.valid_until) == \
        (101, 1000, second_until)
    assert subtype.next_number == expected[-1] + 1
    assert NcfRange.objects.get(subtype=subtype, range_start=1).ended_as == "finished"
