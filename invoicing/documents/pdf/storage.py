"""Stored PDFs: Django's default storage (local or S3-compatible) under a name that carries a
hash of the rendered HTML (`pdfs/<workspace>/<kind>-<id>/<hash>.pdf`). A document whose
printed content changed gets a new name, an unchanged one finds its file, and rendering twice
stores one file. The HTML is hashed rather than the model fields so that a change of
template, logo or footer is a change of the file too."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from .format import safe_filename
from .kinds import pdf_kind
from .render import html_to_pdf, render_document_html

log = logging.getLogger(__name__)

# Part of every file's hash: bump it to re-render every stored PDF (a fix in this package that
# changes the output without changing the HTML).
RENDER_VERSION = "1"
STORAGE_ROOT = "pdfs"


@dataclass(frozen=True)
class PdfFile:
    content: bytes
    filename: str


def content_hash(html: str) -> str:
    from xhtml2pdf import __version__ as xhtml2pdf_version

    digest = hashlib.sha256()
    digest.update(f"{RENDER_VERSION}|{xhtml2pdf_version}|".encode())
    digest.update(html.encode("utf-8"))
    return digest.hexdigest()[:24]


def storage_folder(document, *, kind: str) -> str:
    return f"{STORAGE_ROOT}/{document.workspace_id}/{kind}-{document.pk}"


def storage_name(document, digest: str, *, kind: str) -> str:
    return f"{storage_folder(document, kind=kind)}/{digest}.pdf"


def document_pdf_filename(document, *, kind: str) -> str:
    """`B0100000001.pdf`, `INV-0001.pdf`, `COT-0001.pdf`; `borrador-12.pdf` for a draft."""
    if document.document_number:
        return f"{safe_filename(document.document_number)}.pdf"
    return f"{pdf_kind(kind).unnumbered_prefix}-{document.pk}.pdf"


def _remove_stale(folder: str, keep: str) -> None:
    """Older renders of the same document: their content is no longer what it prints."""
    try:
        _dirs, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return
    for name in files:
        path = f"{folder}/{name}"
        if path != keep and name.endswith(".pdf"):
            try:
                default_storage.delete(path)
            except OSError:
                log.warning("PDF: could not delete stale %s", path)


def delete_document_pdfs(document, *, kind: str) -> None:
    """Remove every stored render of a document (for a draft that is deleted)."""
    _remove_stale(storage_folder(document, kind=kind), keep="")


def _store(name: str, content: bytes) -> None:
    """Save under exactly `name`, once. A concurrent render of the same content may win the
    race; then ours went to an alternative name, which is removed."""
    saved = default_storage.save(name, ContentFile(content))
    if saved != name:
        default_storage.delete(saved)


def ensure_document_pdf(document, *, kind: str,
                        force: bool = False) -> tuple[str, bytes | None]:
    """Make sure the document's current PDF is in storage; (storage name, bytes when it was
    rendered now, else None). `force` renders and replaces the stored file even when one with
    the same content hash exists (an admin's re-render of a damaged file)."""
    rendered = render_document_html(document, kind=kind)
    name = storage_name(document, content_hash(rendered.html), kind=kind)
    if not force and default_storage.exists(name):
        return name, None
    content = html_to_pdf(rendered.html, estimated_pages=rendered.estimated_pages)
    if force and default_storage.exists(name):
        default_storage.delete(name)
    if not default_storage.exists(name):
        _store(name, content)
    _remove_stale(storage_folder(document, kind=kind), keep=name)
    return name, content


def render_document_pdf(document, *, kind: str) -> PdfFile:
    """The document's PDF: the stored file when its content is current, else rendered and
    stored at once. Works for an Invoice (`kind="invoice"`) and a Quotation
    (`kind="quotation"`)."""
    name, content = ensure_document_pdf(document, kind=kind)
    if content is None:
        try:
            with default_storage.open(name, "rb") as handle:
                content = handle.read()
        except FileNotFoundError:  # removed between exists() and open(): render again
            name, content = ensure_document_pdf(document, kind=kind)
            if content is None:
                with default_storage.open(name, "rb") as handle:
                    content = handle.read()
    return PdfFile(content=content, filename=document_pdf_filename(document, kind=kind))
