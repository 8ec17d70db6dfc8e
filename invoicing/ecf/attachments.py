"""What an e-CF adds to the email of its document (found by the outreach app through
`core.discovery`): the signed XML, byte for byte as stored at issue, so the buyer can
keep and verify it (DGII's e-CF are XML; the PDF is only its printed form). API.md: the
email of an e-CF goes once DGII has accepted it, so until then the send waits."""

from __future__ import annotations

from invoicing.core.outbox import RetryLater

from .issue import document_kind
from .models import EcfRecord, EcfStatus

ACCEPTED = (EcfStatus.ACCEPTED, EcfStatus.ACCEPTED_CONDITIONAL)
WAIT_SECONDS = 60


def email_attachments(document, kind: str) -> list[tuple[str, bytes, str]]:
    if document.pk is None or not (document.document_number or "").startswith("E"):
        return []
    record = (EcfRecord.objects.filter(document_kind=document_kind(document),
                                       document_id=document.pk)
              .only("file_name", "xml", "status").first())
    if record is None:
        return []
    if record.status not in ACCEPTED:
        raise RetryLater(WAIT_SECONDS, "DGII has not accepted the e-CF yet")
    return [(record.file_name, bytes(record.xml), "application/xml")]
