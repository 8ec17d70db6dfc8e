"""The quotation's PDF: the invoices' renderer with `kind="quotation"` (template
`pdf/quotation.html`, "Cotización", valid-until line), answered by the invoices' PDF views."""

from __future__ import annotations

from django.http import HttpResponse

from invoicing.invoices.pdf import QUOTATION
from invoicing.invoices.pdf_views import document_pdf_response

from .models import Quotation


def quotation_for_pdf(quotation: Quotation) -> Quotation:
    """The rows the renderer reads, in a fixed number of queries."""
    return (Quotation.objects.select_related("workspace", "contact", "currency",
                                             "document_subtype")
            .prefetch_related("lines", "salesmen").get(pk=quotation.pk))


def quotation_pdf_response(quotation: Quotation, *, inline: bool = False) -> HttpResponse:
    return document_pdf_response(quotation_for_pdf(quotation), kind=QUOTATION, inline=inline)
