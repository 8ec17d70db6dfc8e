"""Issue 7 "Done when": two concurrent conversions of one quotation, on the real PostgreSQL,
produce one invoice and one 409.

The first test makes the overlap certain rather than likely: a third transaction holds the
invoice series' row, so the first conversion stops inside `allocate_number` while holding
the quotation's row lock, and the second conversion is seen waiting for that lock before the
series is released. Without the quotation lock both would wait on the series and both would
issue an invoice. It also shows the lock order (quotation, then series) cannot deadlock."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction

from invoicing.fiscal.models import DocumentSubtype
from invoicing.invoices.models import Invoice
from invoicing.quotations.models import Quotation
from tests.conftest import api_client_for
from tests.invoices.helpers import plain_subtype
from tests.quotations.helpers import make_quotation

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _waiting_on_locks(pids: set[int]) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
        return len({row[0] for row in cursor.fetchall()} & pids)


def _convert_in_threads(clients, quotation, subtype_id, *, before_start=None):
    results: list[tuple[int, dict]] = []
    errors: list[BaseException] = []
    pids: set[int] = set()
    lock = threading.Lock()
    start = threading.Barrier(len(clients))

    def work(client):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                with lock:
                    pids.add(cursor.fetchone()[0])
            start.wait()
            response = client.post(f"/api/v1/quotations/{quotation.pk}/convert",
                                   {"document_subtype_id": subtype_id}, format="json")
            with lock:
                results.append((response.status_code, response.json()))
        except BaseException as exc:  # reported to the main thread
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    if before_start is not None:
        before_start(pids)
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a conversion hung (deadlock?)"
    assert not errors, errors
    return results


def _check_one_invoice(results, quotation, subtype):
    statuses = sorted(status for status, _body in results)
    assert statuses == [201, 409], results
    created = next(body for status, body in results if status == 201)
    refused = next(body for status, body in results if status == 409)
    assert refused["error"]["code"] == "quotation_invoiced"
    assert Invoice.objects.filter(workspace=quotation.workspace).count() == 1
    quotation.refresh_from_db()
    assert quotation.status == "invoiced" and quotation.invoice_id == created["id"]
    assert created["quotation_id"] == quotation.pk
    subtype.refresh_from_db()
    assert subtype.next_number == 2  # one number taken, none lost


def test_two_conversions_overlapping_for_certain(workspace, owner):
    if connection.vendor != "postgresql":
        pytest.skip("the concurrency guarantee is tested on PostgreSQL")
    quotation = make_quotation(workspace, status="accepted")
    subtype = plain_subtype(workspace)
    clients = [api_client_for(workspace, owner) for _ in range(2)]
    for client in clients:
        client.get("/api/v1/quotations")  # first use of the key writes last_used_at

    holding, release = threading.Event(), threading.Event()

    def hold_series():
        try:
            with transaction.atomic():
                DocumentSubtype.objects.select_for_update().get(pk=subtype.pk)
                holding.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_series)
    holder.start()
    assert holding.wait(timeout=10)

    def both_waiting(pids):
        deadline = time.monotonic() + 15
        while _waiting_on_locks(pids) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        waiting = _waiting_on_locks(pids)
        release.set()
        assert waiting == 2, "both conversions should have been waiting on a lock"

    try:
        results = _convert_in_threads(clients, quotation, subtype.pk, before_start=both_waiting)
    finally:
        release.set()
        holder.join(timeout=30)
    _check_one_invoice(results, quotation, subtype)


def test_racing_conversions_of_several_quotations(workspace, owner):
    if connection.vendor != "postgresql":
        pytest.skip("the concurrency guarantee is tested on PostgreSQL")
    subtype = plain_subtype(workspace)
    clients = [api_client_for(workspace, owner) for _ in range(2)]
    for client in clients:
        client.get("/api/v1/quotations")
    for round_ in range(5):
        quotation = make_quotation(workspace, status="sent" if round_ % 2 else "accepted")
        results = _convert_in_threads(clients, quotation, subtype.pk)
        assert sorted(status for status, _body in results) == [201, 409], results
    assert Invoice.objects.filter(workspace=workspace).count() == 5
    assert set(Quotation.objects.values_list("status", flat=True)) == {"invoiced"}
    numbers = sorted(Invoice.objects.values_list("document_number", flat=True))
    assert numbers == [f"INV-{n:04d}" for n in range(1, 6)]
