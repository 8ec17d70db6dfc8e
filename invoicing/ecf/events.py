"""The webhook events of DGII's verdict (API.md "Webhooks"): `ecf.accepted` (with or without
conditions) and `ecf.rejected`. Each carries the document (invoice, credit note or debit
note) as the API returns it once the verdict is written, `ecf` block included. Emitted by
the sender in the transaction that moves the record (`invoicing.core.events`), so a verdict
committed always has its event and one rolled back never does; nothing is read unless an
endpoint of the workspace wants the event."""

from __future__ import annotations

from invoicing.core import events

from .models import EcfRecord, EcfStatus

ACCEPTED, REJECTED = "ecf.accepted", "ecf.rejected"


def _invoice(record: EcfRecord) -> dict:
    from invoicing.invoices import events as invoice_events
    from invoicing.invoices import selectors

    return invoice_events.invoice_object(
        selectors.invoice_data_by_id(record.workspace_id, record.document_id))


def _note(record: EcfRecord) -> dict:
    from django.db.models import Prefetch

    from invoicing.notes.models import Note, NoteLine
    from invoicing.notes.serializers import note_data

    note = (Note.objects.filter(workspace_id=record.workspace_id, pk=record.document_id)
            .select_related("contact", "currency", "document_subtype", "workspace")
            .prefetch_related(Prefetch("lines",
                                       queryset=NoteLine.objects.order_by("position", "id")))
            .get())
    return {"object": record.document_kind, **note_data(note)}


def document_object(record: EcfRecord) -> dict:
    """The record's document as the API answers it now (read in the caller's transaction)."""
    return _invoice(record) if record.document_kind == "invoice" else _note(record)


def verdict_recorded(record: EcfRecord) -> None:
    """After DGII's final word is saved on `record`: its event, if an endpoint wants it."""
    event_type = REJECTED if record.status == EcfStatus.REJECTED else ACCEPTED
    events.emit(event_type, workspace_id=record.workspace_id,
                render=lambda: document_object(record))
