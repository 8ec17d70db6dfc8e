"""HTTP answers carrying a document's PDF, for the API action (`GET /api/v1/invoices/{id}/pdf`)
and the page routes (preview inline, download as attachment). The callers look the document
up in the request's workspace first; these only turn it into a response."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from .models import Invoice
from .pdf import INVOICE, PdfFile, render_document_pdf


def pdf_response(pdf: PdfFile, *, inline: bool) -> HttpResponse:
    response = HttpResponse(pdf.content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(not inline, pdf.filename)
    response["Content-Length"] = str(len(pdf.content))
    # A draft's or an unpaid invoice's PDF changes with it: never serve a cached copy.
    response["Cache-Control"] = "private, no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def document_pdf_response(document, *, kind: str = INVOICE, inline: bool) -> HttpResponse:
    """`application/pdf` for an invoice or a quotation, named after its number."""
    return pdf_response(render_document_pdf(document, kind=kind), inline=inline)


def invoice_pdf_response(invoice: Invoice, *, inline: bool) -> HttpResponse:
    """`application/pdf`, `Content-Disposition: inline|attachment; filename="B0100000001.pdf"`:
    the stored file when current, else rendered and stored at once."""
    return document_pdf_response(invoice, kind=INVOICE, inline=inline)
