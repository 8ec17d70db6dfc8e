"""HTTP answers carrying a document's PDF, for the API actions (`GET …/{id}/pdf`) and the page
routes (preview inline, download as attachment). The callers look the document up in the
request's workspace first; these only turn it into a response."""

from __future__ import annotations

import logging

from django.http import HttpResponse, JsonResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from .render import PdfRenderError
from .storage import PdfFile, render_document_pdf

log = logging.getLogger(__name__)


def pdf_response(pdf: PdfFile, *, inline: bool) -> HttpResponse:
    response = HttpResponse(pdf.content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(not inline, pdf.filename)
    response["Content-Length"] = str(len(pdf.content))
    # A draft's or an unpaid invoice's PDF changes with it: never serve a cached copy.
    response["Cache-Control"] = "private, no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def document_pdf_response(document, *, kind: str, inline: bool) -> HttpResponse:
    """`application/pdf` named after the document's number; 503 in the API's error shape if
    xhtml2pdf cannot render it (never a 500)."""
    try:
        pdf = render_document_pdf(document, kind=kind)
    except PdfRenderError:
        log.exception("PDF: %s %s could not be rendered", kind, document.pk)
        return JsonResponse(
            {"error": {"code": "pdf_unavailable",
                       "message": _("The PDF could not be rendered. Try again later.")}},
            status=503)
    return pdf_response(pdf, inline=inline)
