"""The stock that credit notes move: restocked lines come back as `sale_reversal`, and go
out again if the note is voided. Exactly once: every movement's key names the note and its
line, so a rerun of the job (a redelivered message, the repair sweep) writes nothing new."""

from __future__ import annotations

from django.db import transaction

from .models import Note, NoteLine, NoteStatus


def note_stock_sync(*, note_id: int) -> int:
    """Write the movements a note asks for; returns how many were written."""
    from invoicing.products.stock import StockEntry, stock_movements_record_many

    with transaction.atomic():
        note = Note.objects.select_for_update(of=("self",)).filter(pk=note_id).first()
        if note is None:
            return 0
        lines = list(NoteLine.objects.filter(note=note, restock=True,
                                             product__tracks_inventory=True))
        entries = [StockEntry(product_id=line.product_id, quantity=line.quantity,
                              kind="sale_reversal", note=str(note),
                              source_key=f"note:{note.pk}:l{line.pk}")
                   for line in lines]
        if note.status == NoteStatus.CANCELLED:
            entries += [StockEntry(product_id=line.product_id, quantity=-line.quantity,
                                   kind="sale", note=f"{note} (anulada)",
                                   source_key=f"note:{note.pk}:x:l{line.pk}")
                        for line in lines]
        return stock_movements_record_many(workspace_id=note.workspace_id,
                                           invoice_id=note.invoice_id, entries=entries)
