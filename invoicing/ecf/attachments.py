"""What an e-CF adds to the email of its document (found by the outreach app through
`core.discovery`): the signed XML, byte for byte as stored at issue, so the buyer can
keep and verify it (DGII's e-CF are XML; the PDF is only its printed form)."""

from __future__ import annotations

from .issue import document_kind
from .models import EcfRecord


def email_attachments(document, kind: str) -> list[tuple[str, bytes, str]]:
    if document.pk is None or not (document.document_number or "").startswith("E"):
        return []
    record = (EcfRecord.objects.filter(document_kind=document_kind(document),
                                       document_id=document.pk)
              .only("file_name", "xml").first())
    if record is None:
        return []
    return [(record.file_name, bytes(record.xml), "application/xml")]
