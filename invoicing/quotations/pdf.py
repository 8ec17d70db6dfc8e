"""The quotation's printed kind: "Cotización", its validity, no payments."""

from __future__ import annotations

from django.http import HttpResponse

from invoicing.documents.pdf import PdfKind, register
from invoicing.documents.pdf.format import date_text
from invoicing.documents.pdf.responses import document_pdf_response

from .models import Quotation

QUOTATION = "quotation"

register(PdfKind(
    key=QUOTATION, template="pdf/quotation.html", title=lambda quotation, _ncf: "Cotización",
    date_facts=lambda quotation: [("Válida hasta", date_text(quotation.valid_until))],
    extra=lambda quotation, money: {"valid_until": date_text(quotation.valid_until)},
    tail_extra=20.0, unnumbered_prefix="cotizacion",
))


def quotation_for_pdf(quotation: Quotation) -> Quotation:
    """The rows the renderer reads, in a fixed number of queries."""
    return (Quotation.objects.select_related("workspace", "contact", "currency",
                                             "document_subtype")
            .prefetch_related("lines", "salesmen").get(pk=quotation.pk))


def quotation_pdf_response(quotation: Quotation, *, inline: bool = False) -> HttpResponse:
    return document_pdf_response(quotation_for_pdf(quotation), kind=QUOTATION, inline=inline)
