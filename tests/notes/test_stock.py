"""Restocked credit-note lines bring stock back exactly once, through the outbox."""

from __future__ import annotations

import pytest

from invoicing.invoices.models import Invoice
from invoicing.invoices.stock import invoice_stock_sync
from invoicing.notes.services import note_cancel
from invoicing.notes.stock import note_stock_sync
from invoicing.products.models import Product, StockMovement
from tests.notes.helpers import D, credit, three_line_invoice

pytestmark = pytest.mark.django_db


def stock(item):
    return Product.objects.get(pk=item.pk).stock_quantity


def test_restock_comes_back_once_even_when_the_job_runs_again(
        workspace, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invoice, (rice, oil, service) = three_line_invoice(workspace)
    assert (stock(rice), stock(oil)) == (D("-1"), D("-2"))
    lines = {line.product_id: line for line in invoice.written_lines}
    with django_capture_on_commit_callbacks(execute=True):
        note = credit(workspace, invoice, items=[
            {"invoice_item_id": lines[rice.pk].pk, "restock": True},
            {"invoice_item_id": lines[oil.pk].pk, "quantity": "1", "restock": True},
            {"invoice_item_id": lines[service.pk].pk}])
    assert (stock(rice), stock(oil), stock(service)) == (D("0"), D("-1"), D("0"))
    # The job again (a redelivered message, the repair sweep), and the invoice's own sync:
    # nothing moves twice, and the invoice does not undo the note's returns.
    assert note_stock_sync(note_id=note.pk) == 0
    assert note_stock_sync(note_id=note.pk) == 0
    Invoice.objects.filter(pk=invoice.pk).update(stock_synced_revision=0)
    assert invoice_stock_sync(invoice_id=invoice.pk) == 0
    assert (stock(rice), stock(oil)) == (D("0"), D("-1"))
    returns = StockMovement.objects.filter(kind="sale_reversal", invoice=invoice)
    assert returns.count() == 2 and {m.source_key[:5] for m in returns} == {"note:"}


def test_a_price_only_credit_moves_no_stock(workspace, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invoice, (rice, _oil, _service) = three_line_invoice(workspace)
        line = next(li for li in invoice.written_lines if li.product_id == rice.pk)
        credit(workspace, invoice, items=[{"invoice_item_id": line.pk, "unit_price": "50.00"}])
    assert stock(rice) == D("-1")
    assert not StockMovement.objects.filter(kind="sale_reversal").exists()


def test_voiding_a_note_sends_its_goods_out_again_once(workspace,
                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invoice, (rice, _oil, _service) = three_line_invoice(workspace)
        line = next(li for li in invoice.written_lines if li.product_id == rice.pk)
        note = credit(workspace, invoice, items=[{"invoice_item_id": line.pk,
                                                  "restock": True}])
    assert stock(rice) == 0
    with django_capture_on_commit_callbacks(execute=True):
        note_cancel(note=note, actor=None, reason_code="06")
    note_stock_sync(note_id=note.pk)
    assert stock(rice) == D("-1")
    # Voided, its quantity can be restocked by another note.
    with django_capture_on_commit_callbacks(execute=True):
        credit(workspace, invoice, items=[{"invoice_item_id": line.pk, "restock": True}])
    assert stock(rice) == 0
