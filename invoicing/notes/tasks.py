"""Outbox handlers of notes: take ids, call a service (exactly once by database keys)."""

from __future__ import annotations

from invoicing.core import outbox


@outbox.handler("notes.stock")
def sync_note_stock(message) -> int:
    from .stock import note_stock_sync

    return note_stock_sync(note_id=message.payload["note_id"])


@outbox.handler("notes.pdf", max_attempts=4)
def render_pdf(message) -> str | None:
    from .pdf import render_note_pdf

    return render_note_pdf(message.payload["note_id"])
