"""A real Celery worker against Redis and PostgreSQL: stock follows an invoice exactly once."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection

from invoicing.celery import app as celery_app
from invoicing.core import outbox
from invoicing.core.models import OutboxMessage
from invoicing.invoices import services
from invoicing.products.models import Product, StockMovement
from tests.invoices.helpers import make_invoice, product

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker():
    if not settings.REDIS_URL or connection.vendor != "postgresql":
        pytest.fail("the worker test needs REDIS_URL and PostgreSQL (make test sets both)")
    from celery.contrib.testing.worker import start_worker

    celery_app.conf.task_always_eager = False
    try:
        with start_worker(celery_app, pool="threads", concurrency=2,
                          perform_ping_check=False, shutdown_timeout=20):
            yield
    finally:
        celery_app.conf.task_always_eager = True


def wait_for(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_worker_writes_stock_once_and_cancel_brings_it_back(workspace, worker):
    rice = product(workspace, name="Arroz selecto", tracks_inventory=True)
    invoice = make_invoice(workspace, items=[{"product_id": rice.pk, "quantity": "3"}])

    def stock():
        return Product.objects.get(pk=rice.pk).stock_quantity

    assert wait_for(lambda: stock() == Decimal("-3")), stock()
    assert StockMovement.objects.filter(invoice=invoice).count() == 1

    # Deliver the same message again through the broker, and a fresh one: nothing doubles.
    message = OutboxMessage.objects.filter(topic="invoices.stock_sync",
                                           payload__invoice_id=invoice.pk).get()
    outbox.publish(message.pk)
    OutboxMessage.objects.filter(pk=message.pk).update(done_at=None)
    outbox.publish(message.pk)
    outbox.publish(message.pk)
    time.sleep(1.5)
    assert StockMovement.objects.filter(invoice=invoice).count() == 1
    assert stock() == Decimal("-3")

    services.invoice_cancel(invoice=invoice, actor=None, reason_code="06")
    assert wait_for(lambda: stock() == Decimal("0")), stock()
    assert StockMovement.objects.filter(invoice=invoice, kind="sale_reversal").count() == 1
