"""The notes' printed kinds: "Nota de crédito" / "Nota de débito" with the NCF they modify,
its date, the modification code in words and the reason; ANULADA once voided."""

from __future__ import annotations

from django.utils import timezone

from invoicing.documents.pdf import PdfKind, ensure_document_pdf, register
from invoicing.documents.pdf.format import date_text
from invoicing.documents.pdf.responses import document_pdf_response

from .models import Note, NoteKind, NoteStatus

CODE_WORDS = {1: "1 – Anula el documento", 2: "2 – Corrige texto", 3: "3 – Corrige montos"}


def _title(note: Note, ncf_info) -> str:
    if ncf_info is not None:
        return str(ncf_info.name)
    return "Nota de crédito" if note.is_credit else "Nota de débito"


def _mark(note: Note) -> dict[str, str] | None:
    if note.status != NoteStatus.CANCELLED:
        return None
    parts = []
    if note.cancel_reason_code:
        parts.append(f"Motivo {note.get_cancel_reason_code_display()} (DGII 608).")
    if note.cancel_reason:
        parts.append(note.cancel_reason.strip())
    if note.cancelled_at:
        local = timezone.localtime(note.cancelled_at).date()
        parts.append(f"Fecha de anulación: {date_text(local)}.")
    return {"word": "ANULADA", "css": "cancelled", "text": " ".join(parts)}


def _extra(note: Note, money) -> dict:
    return {"modified": {"ncf": note.modified_ncf, "date": date_text(note.modified_issue_date),
                         "code": CODE_WORDS.get(note.modification_code, ""),
                         "reason": note.reason, "over_30_days": note.over_30_days}}


for _kind in NoteKind.values:
    register(PdfKind(
        key=_kind, template="pdf/note.html", title=_title, fiscal=True,
        frozen=lambda note: True,
        date_facts=lambda note: [("NCF modificado", note.modified_ncf),
                                 ("Fecha NCF modificado", date_text(note.modified_issue_date))],
        mark=_mark, extra=_extra, tail_extra=80.0,
    ))


def note_pdf_response(note: Note, *, inline: bool):
    return document_pdf_response(note, kind=note.document_type, inline=inline)


def render_note_pdf(note_id: int, force: bool = False) -> str | None:
    note = (Note.objects.select_related("workspace", "contact", "currency", "document_subtype")
            .filter(pk=note_id).first())
    if note is None:
        return None
    name, _content = ensure_document_pdf(note, kind=note.document_type, force=force)
    return name
