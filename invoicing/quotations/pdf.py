"""The quotation's PDF: the invoices' renderer (`invoicing.invoices.pdf`) with
`kind="quotation"` (template `pdf/quotation.html`), served inline or as a download."""

from __future__ import annotations

import logging

from django.http import HttpResponse
from django.utils.translation import gettext as _

from invoicing.invoices.pdf import QUOTATION, PdfRenderError, render_document_pdf

from .models import Quotation

log = logging.getLogger(__name__)


def quotation_for_pdf(quotation: Quotation) -> Quotation:
    """The rows the renderer reads, in a fixed number of queries."""
    return (Quotation.objects.select_related("workspace", "contact", "currency",
                                             "document_subtype")
            .prefetch_related("lines", "salesmen").get(pk=quotation.pk))


def quotation_pdf_response(quotation: Quotation, *, inline: bool = False) -> HttpResponse:
    try:
        pdf = render_document_pdf(quotation_for_pdf(quotation), kind=QUOTATION)
    except PdfRenderError:
        log.exception("PDF: quotation %s could not be rendered", quotation.pk)
        return HttpResponse(_("The PDF could not be rendered. Try again later."), status=503,
                            content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf.content, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{pdf.filename}"'
    return response
