"""The stock that invoices move: a background sync writes what the lines ask for, exactly
once (unique movement keys, compare-and-set revisions)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import F

from invoicing.core.money import ZERO

from .models import Invoice, InvoiceLine, InvoiceStatus


def invoice_stock_sync(*, invoice_id: int) -> int:
    """Bring the stock ledger in line with an invoice; returns movements written.

    Runs in the outbox handler after commit, and from `stock_repair`. The invoice row is locked,
    so two runs queue; each movement carries a `source_key` unique in the database, so even a
    run that repeats after a crash cannot write a movement twice. The first sync of an issued
    invoice writes one `sale` per inventory line; later syncs (lines changed, cancelled)
    write per product the difference between what the lines ask and what is booked.
    """
    from invoicing.products.stock import StockEntry, stock_movements_record_many

    with transaction.atomic():
        invoice = (Invoice.objects.select_for_update(of=("self",)).select_related("workspace")
                   .filter(pk=invoice_id).first())
        if invoice is None or invoice.stock_synced_revision >= invoice.stock_revision:
            return 0
        revision = invoice.stock_revision
        tracked = [line for line in InvoiceLine.objects.filter(
            invoice=invoice, product__tracks_inventory=True).select_related("product")]
        booked: dict[int, Decimal] = {}
        # Credit notes' returns are theirs (`notes.stock`), not the invoice lines'.
        for product_id, quantity in invoice.stock_movements.exclude(
                source_key__startswith="note:").values_list("product_id", "quantity"):
            booked[product_id] = booked.get(product_id, ZERO) + quantity

        entries: list[StockEntry] = []
        counts_as_sold = invoice.status not in (InvoiceStatus.CANCELLED, InvoiceStatus.DRAFT)
        if not booked and counts_as_sold:
            for line in tracked:
                entries.append(StockEntry(
                    product_id=line.product_id, quantity=-line.quantity, kind="sale",
                    note=str(invoice), source_key=f"inv:{invoice.pk}:r{revision}:l{line.pk}"))
        else:
            wanted: dict[int, Decimal] = {}
            if counts_as_sold:
                for line in tracked:
                    wanted[line.product_id] = wanted.get(line.product_id, ZERO) - line.quantity
            for product_id in sorted(set(wanted) | set(booked)):
                difference = wanted.get(product_id, ZERO) - booked.get(product_id, ZERO)
                if difference == 0:
                    continue
                entries.append(StockEntry(
                    product_id=product_id, quantity=difference,
                    kind="sale" if difference < 0 else "sale_reversal", note=str(invoice),
                    source_key=f"inv:{invoice.pk}:r{revision}:p{product_id}"))
        written = stock_movements_record_many(workspace_id=invoice.workspace_id,
                                              invoice_id=invoice.pk, entries=entries)
        Invoice.objects.filter(pk=invoice.pk, stock_synced_revision__lt=revision).update(
            stock_synced_revision=revision)
        return written


def invoices_with_stock_pending() -> list[int]:
    return list(Invoice.objects.filter(stock_revision__gt=F("stock_synced_revision"))
                .values_list("pk", flat=True)[:1000])
