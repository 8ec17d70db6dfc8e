"""Celery adapters: take ids, call a service. Queued only on commit (see services).

Exactly-once comes from the database (the invoice row lock, stock revisions and unique
movement keys), so a task that runs twice, or is redelivered after its worker died
(acks_late + reject_on_worker_lost), changes nothing the second time.
"""

from __future__ import annotations

from celery import shared_task

# The PDF task lives beside its renderer; importing it here registers it with the worker.
from .pdf import queue_invoice_pdf, render_invoice_pdf  # noqa: F401


@shared_task(name="invoices.sync_stock", acks_late=True, reject_on_worker_lost=True,
             autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def sync_invoice_stock(invoice_id: int) -> int:
    from .services import invoice_stock_sync

    return invoice_stock_sync(invoice_id=invoice_id)


@shared_task(name="invoices.stock_repair", acks_late=True, reject_on_worker_lost=True)
def stock_repair() -> int:
    """Periodic (beat): write the movements of any invoice whose task was lost; one that
    fails is logged and skipped (repair.py)."""
    from .repair import repair_stock

    return repair_stock().movements


def queue_pdf(invoice_id: int) -> None:
    """Render the invoice's PDF in the background."""
    queue_invoice_pdf(invoice_id)
