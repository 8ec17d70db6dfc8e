"""The invoice's printed kind: title from its NCF type, due date, the BORRADOR and ANULADA
stamps, payments and balance; and the background render (an outbox handler in `tasks.py`)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from invoicing.documents.pdf import (
    PdfFile,
    PdfKind,
    ensure_document_pdf,
    register,
    render_document_pdf,
)
from invoicing.documents.pdf.format import date_text
from invoicing.documents.pdf.responses import document_pdf_response

from .models import Invoice, InvoiceStatus, PaymentMethod

INVOICE = "invoice"


def _title(invoice: Invoice, ncf_info) -> str:
    return str(ncf_info.name) if ncf_info is not None else "Factura"


def _mark(invoice: Invoice) -> dict[str, str] | None:
    """The big stamp: BORRADOR on a draft invoice, ANULADA (with its 608 reason) once void."""
    if invoice.status == InvoiceStatus.DRAFT:
        return {"word": "BORRADOR", "css": "draft",
                "text": "Documento sin número ni valor fiscal hasta que se emita."}
    if invoice.status == InvoiceStatus.CANCELLED:
        parts = []
        if invoice.cancel_reason_code:
            parts.append(f"Motivo {invoice.get_cancel_reason_code_display()} (DGII 608).")
        if invoice.cancel_reason:
            parts.append(invoice.cancel_reason.strip())
        if invoice.cancelled_at:
            local = timezone.localtime(invoice.cancelled_at).date()
            parts.append(f"Fecha de anulación: {date_text(local)}.")
        text = " ".join(parts) or "Comprobante anulado."
        return {"word": "ANULADA", "css": "cancelled", "text": text}
    return None


def _extra(invoice: Invoice, money) -> dict:
    methods = dict(PaymentMethod.choices)  # rendered in Spanish (the PDF's language)
    paid, due = money(invoice.amount_paid), money(invoice.amount_due)
    return {
        "due_date": date_text(invoice.due_date),
        "payments": [
            {"date": date_text(p.date), "method": str(methods.get(p.method, p.method)),
             "reference": p.reference, "amount": money(p.amount)}
            for p in sorted(invoice.payments.all(), key=lambda p: (p.date, p.pk))
        ],
        "amount_paid": paid,
        "amount_due": due,
        "balance_rows": [
            *([("Notas de débito", f"+{money(invoice.debited_amount)}", "t")]
              if invoice.debited_amount else []),
            *([("Notas de crédito", f"-{money(invoice.credited_amount)}", "t")]
              if invoice.credited_amount else []),
            ("Pagado", paid, "t"), ("Balance pendiente", due, "due")],
    }


register(PdfKind(
    key=INVOICE, template="pdf/invoice.html", title=_title, fiscal=True,
    frozen=lambda invoice: invoice.status != InvoiceStatus.DRAFT,
    date_facts=lambda invoice: [("Fecha de vencimiento", date_text(invoice.due_date))],
    mark=_mark, extra=_extra,
))


def invoice_pdf(invoice: Invoice) -> PdfFile:
    return render_document_pdf(invoice, kind=INVOICE)


def invoice_pdf_response(invoice: Invoice, *, inline: bool):
    """`application/pdf`, `Content-Disposition: inline|attachment; filename="B0100000001.pdf"`:
    the stored file when current, else rendered and stored at once."""
    return document_pdf_response(invoice, kind=INVOICE, inline=inline)


def _invoice_for_render(invoice_id: int) -> Invoice | None:
    return (Invoice.objects.select_related("workspace", "contact", "currency",
                                           "document_subtype")
            .filter(pk=invoice_id).first())


def render_invoice_pdf(invoice_id: int, force: bool = False) -> str | None:
    """Store the invoice's current PDF; its storage name, or None if the invoice is gone.
    Idempotent: the file name is the content's hash, so a second run (a redelivered message,
    a second change queued) finds the file and stops. `force` renders it again regardless."""
    invoice = _invoice_for_render(invoice_id)
    if invoice is None:
        return None
    name, _content = ensure_document_pdf(invoice, kind=INVOICE, force=force)
    return name


def queue_invoice_pdf(invoice_id: int, *, workspace_id: int | None = None) -> None:
    """Render the invoice's PDF in the background once the current change commits (through
    the outbox, so a broker outage only delays it; `invoice_pdf` also renders on demand)."""
    from invoicing.core import outbox

    with transaction.atomic():
        outbox.enqueue("invoices.pdf", {"invoice_id": invoice_id}, workspace_id=workspace_id)
