"""The events invoices and payments emit for integrators (API.md "Webhooks"): each carries the
object as the API returns it at that moment, rendered by the API's own renderers. Emitted by
the services inside their transaction (`invoicing.core.events`); nothing is read unless an
endpoint of the workspace wants the event."""

from __future__ import annotations

import contextvars
from contextlib import contextmanager

from invoicing.core import events

from . import read, selectors
from .models import Invoice


def invoice_object(data: dict) -> dict:
    return {"object": "invoice", **data}


def invoice_now(invoice: Invoice) -> dict:
    """The invoice as the API answers it now (read inside the caller's transaction)."""
    return invoice_object(selectors.invoice_data_by_id(invoice.workspace_id, invoice.pk))


_FROM_QUOTATION: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "invoice_from_quotation", default=None)


@contextmanager
def from_quotation(quotation_id: int):
    """An invoice created inside is the conversion of this quotation (its `quotation_id`)."""
    token = _FROM_QUOTATION.set(quotation_id)
    try:
        yield
    finally:
        _FROM_QUOTATION.reset(token)


def invoice_written(invoice: Invoice) -> dict:
    """From what the service holds in memory (`written_lines`, `written_salesmen`): for the
    numbering lock window, where nothing may be read."""
    if getattr(invoice, "written_quotation_id", None) is None:
        invoice.written_quotation_id = _FROM_QUOTATION.get()
    return invoice_object(read.render([read.written_row(invoice)])[0])


def payment_object(payment) -> dict:
    from .serializers import payment_data

    return {"object": "payment", **payment_data(payment)}


def _comparable(data: dict) -> dict:
    return {key: value for key, value in data.items() if key != "updated_at"}


class UpdateWatch:
    """`invoice.updated` only for a change that changed what the API shows."""

    def __init__(self, invoice: Invoice):
        self.invoice = invoice
        self.known = events.wanted(invoice.workspace_id, "invoice.updated")
        self.before = _comparable(invoice_now(invoice)) if self.known else None

    def done(self) -> None:
        if not self.known:
            return
        after = invoice_now(self.invoice)
        if _comparable(after) != self.before:
            events.record("invoice.updated", workspace_id=self.invoice.workspace_id, data=after)


def issue_wanted(invoice: Invoice, lines=None) -> bool:
    """Before the number is taken: whether `invoice.issued` is wanted (a read), and for a
    draft being issued, what its event will be rendered from (`lines` as loaded)."""
    wanted = bool(events.wanted(invoice.workspace_id, "invoice.issued"))
    if wanted and lines is not None:
        invoice.written_lines = lines
        invoice.written_salesmen = sorted(invoice.salesmen.all(), key=lambda s: (s.name, s.pk))
    return wanted


def issued(invoice: Invoice, wanted: bool) -> None:
    """After the number: one INSERT, nothing read."""
    if wanted:
        events.record("invoice.issued", workspace_id=invoice.workspace_id,
                      data=invoice_written(invoice))


def emit_now(event_type: str, invoice: Invoice, known: set[str] | None = None) -> None:
    events.emit(event_type, workspace_id=invoice.workspace_id, known=known,
                render=lambda: invoice_now(invoice))
