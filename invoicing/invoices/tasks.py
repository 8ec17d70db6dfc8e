"""Outbox handlers of invoices: take ids, call a service.

Exactly-once comes from the database (the invoice row lock, stock revisions and unique
movement keys, PDF names that carry a hash of their content), so a message delivered twice,
or again after its worker died, changes nothing the second time.
"""

from __future__ import annotations

from invoicing.core import outbox


@outbox.handler("invoices.stock_sync")
def sync_invoice_stock(message) -> int:
    from .stock import invoice_stock_sync

    return invoice_stock_sync(invoice_id=message.payload["invoice_id"])


@outbox.handler("invoices.pdf", max_attempts=4)
def render_pdf(message) -> str | None:
    from .pdf import render_invoice_pdf

    return render_invoice_pdf(message.payload["invoice_id"])
