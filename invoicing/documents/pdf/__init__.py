"""Printed documents (`templates/pdf/`), rendered by xhtml2pdf: `context` decides what is
printed, `render` turns it into PDF bytes, `storage` keeps one file per printed content.
Each app registers its kind of document (`kinds.register`)."""

from .context import PAGE_COUNT_TOKEN, build_document_context, estimate_pages
from .kinds import PdfKind, pdf_kind, register
from .render import (
    PdfRenderError,
    html_to_pdf,
    link_callback,
    pdf_page_count,
    render_document_html,
)
from .storage import (
    PdfFile,
    content_hash,
    delete_document_pdfs,
    document_pdf_filename,
    ensure_document_pdf,
    render_document_pdf,
    storage_folder,
    storage_name,
)

__all__ = [
    "PAGE_COUNT_TOKEN", "PdfFile", "PdfKind", "PdfRenderError", "build_document_context",
    "content_hash",
    "delete_document_pdfs", "document_pdf_filename", "ensure_document_pdf", "estimate_pages",
    "html_to_pdf", "link_callback", "pdf_kind", "pdf_page_count", "register",
    "render_document_html", "render_document_pdf", "storage_folder", "storage_name",
]
