"""The documents outreach knows (invoices, quotations, credit and debit notes): how to find one
in a workspace, its PDF, its printed title, the page it lives on, and what else goes with its
email. A kind's key is also its PDF kind (`invoicing.documents.pdf`) and the `{kind}` of the
staff URLs (`/outreach/<kind>/<id>/send/`).

Other apps add attachments (the signed XML of an e-CF) with a module `attachments.py` holding
`email_attachments(document, kind) -> list[(filename, bytes, mimetype)]`; it may raise
`outbox.RetryLater` while the attachment is not ready (an e-CF goes out once DGII accepted
it). Tests and apps may also append to `ATTACHMENT_PROVIDERS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from invoicing.core.discovery import app_modules
from invoicing.documents.pdf import PdfFile, render_document_pdf
from invoicing.invoices.models import Invoice, InvoiceStatus
from invoicing.notes.models import Note, NoteKind
from invoicing.quotations.models import Quotation

from .models import DocumentKind


@dataclass(frozen=True)
class Kind:
    key: str
    model: type
    title_es: str
    title_en: str
    page: str  # URL name of the staff page
    note_type: str = ""  # a note's `document_type`: credit and debit notes share a table

    def get(self, workspace_id: int, pk: int):
        found = (self.model.objects.select_related("workspace", "contact", "currency",
                                                   "document_subtype")
                 .filter(workspace_id=workspace_id, pk=pk))
        if self.note_type:
            found = found.filter(document_type=self.note_type)
        return found.first()

    def page_url(self, document) -> str:
        return reverse(self.page, args=[document.pk])


KINDS = {
    DocumentKind.INVOICE: Kind("invoice", Invoice, "Factura", "Invoice", "invoices:detail"),
    DocumentKind.QUOTATION: Kind("quotation", Quotation, "Cotización", "Quotation",
                                 "quotations:detail"),
    DocumentKind.CREDIT_NOTE: Kind("credit_note", Note, "Nota de crédito", "Credit note",
                                   "notes:detail", note_type=NoteKind.CREDIT),
    DocumentKind.DEBIT_NOTE: Kind("debit_note", Note, "Nota de débito", "Debit note",
                                  "notes:detail", note_type=NoteKind.DEBIT),
}


def kind_of(document) -> str:
    if isinstance(document, Invoice):
        return DocumentKind.INVOICE
    if isinstance(document, Note):
        return document.document_type  # "credit_note" | "debit_note", as DocumentKind
    return DocumentKind.QUOTATION


def is_shareable(document) -> bool:
    """Issued documents (a note is issued at once) and every quotation have a customer link;
    a draft invoice has none."""
    return not (isinstance(document, Invoice) and document.status == InvoiceStatus.DRAFT)


def document_pdf(document) -> PdfFile:
    return render_document_pdf(document, kind=kind_of(document))


ATTACHMENT_PROVIDERS: list[Callable] = []


def _providers() -> list[Callable]:
    found = [getattr(module, "email_attachments", None) for module in app_modules("attachments")]
    return [p for p in found if p is not None] + ATTACHMENT_PROVIDERS


def extra_attachments(document) -> list[tuple[str, bytes, str]]:
    files = []
    for provider in _providers():
        files.extend(provider(document, kind_of(document)) or [])
    return files


def signed_xml(document) -> tuple[str, bytes] | None:
    """The signed XML an app attaches to this document's email (an accepted e-CF's), for the
    customer link's download; None while there is none or it is not ready."""
    from invoicing.core.outbox import RetryLater

    try:
        files = extra_attachments(document)
    except RetryLater:
        return None
    return next(((name, content) for name, content, mimetype in files
                 if mimetype in ("application/xml", "text/xml")), None)
