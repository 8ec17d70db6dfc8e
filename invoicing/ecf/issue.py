"""The e-CF steps of issuing an E-series document (registered with `documents.issuing`).

- `before`: the workspace must be an electronic issuer (409 `ecf_not_configured`); its
  signing credentials and environment are read here, before the number is taken. A note's
  E-series original must have been accepted by DGII (409 `ecf_not_accepted`).
- `numbered`: inside the issuing transaction, with the number: build the XML from the frozen
  document, validate it against DGII's XSD, sign it, store it (`EcfRecord`) and queue its
  sending (outbox, published after the commit). A document that cannot make a valid e-CF
  raises `EcfInvalid` (422) and the whole issue rolls back: nothing is written.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from invoicing.core import outbox
from invoicing.core.errors import Conflict, InvalidInput

from . import pipeline, selectors
from .mapping import document_from_invoice
from .models import EcfRecord, EcfStatus

QUANTITY_STEP = Decimal("0.01")
PRICE_STEP = Decimal("0.0001")
SEND_TOPIC = "ecf.send"


def document_kind(document: Any) -> str:
    return getattr(document, "ecf_document_kind", None) or document._meta.model_name


def _is_electronic(document: Any) -> bool:
    return (document.document_subtype.ncf_type or "").startswith("E")


def before(document: Any) -> None:
    from .notes import check_original_accepted

    check_original_accepted(document)
    if not _is_electronic(document):
        return
    workspace = document.workspace
    document._ecf_credentials = selectors.signing_credentials(workspace)
    document._ecf_environment = selectors.environment_for(workspace)


def _lines(document: Any) -> list:
    written = getattr(document, "written_lines", None)
    if written is None:
        written = list(document.lines.all().select_related("product"))
    return list(written)


def check_line_precision(lines) -> None:
    """DGII's limits on E-series lines (400 on the line's field)."""
    for index, line in enumerate(lines):
        if line.quantity != line.quantity.quantize(QUANTITY_STEP):
            raise InvalidInput(_("An e-CF takes quantities with at most 2 decimals."),
                               field=f"items.{index}.quantity")
        if line.unit_price != line.unit_price.quantize(PRICE_STEP):
            raise InvalidInput(_("An e-CF takes unit prices with at most 4 decimals."),
                               field=f"items.{index}.unit_price")


def numbered(document: Any) -> None:
    if not _is_electronic(document):
        return
    lines = _lines(document)
    check_line_precision(lines)
    document.ecf_lines = lines
    credentials = getattr(document, "_ecf_credentials", None) \
        or selectors.signing_credentials(document.workspace)
    environment = getattr(document, "_ecf_environment", None) \
        or selectors.environment_for(document.workspace)
    ecf_document = document_from_invoice(document)
    signed = pipeline.build_and_sign(ecf_document, credentials=credentials,
                                     environment=environment)
    record = EcfRecord.objects.create(
        workspace_id=document.workspace_id, document_kind=document_kind(document),
        document_id=document.pk, document_label=document._meta.label_lower,
        ecf_type=ecf_document.ecf_type.code, encf=ecf_document.encf,
        rnc=ecf_document.issuer.rnc, status=EcfStatus.SIGNED, environment=environment,
        file_name=signed.file_name, xml=signed.xml, summary_xml=signed.summary_xml,
        security_code=signed.security_code, signed_at=signed.signed_at, qr_url=signed.qr_url,
    )
    document.written_ecf = record
    outbox.enqueue(SEND_TOPIC, {"record_id": record.pk}, workspace_id=document.workspace_id)


def cancelling(document: Any) -> None:
    """Cancelling an e-CF (API.md): DGII's state decides, under the record's lock (the
    sender holds the same lock while it sends, so one of them wins). `signed` (never
    received): it is never sent and its number is voided with an ANECF; `sent`: 409 until
    DGII decides; accepted: 409 `use_credit_note`; rejected: it may be cancelled."""
    record = (EcfRecord.objects.select_for_update()
              .filter(document_kind=document_kind(document), document_id=document.pk).first())
    if record is None:
        return
    if record.status == EcfStatus.SENT:
        raise Conflict(_("DGII has %(encf)s and has not decided yet: cancel it once DGII "
                         "answers.") % {"encf": record.encf}, code="ecf_pending")
    if record.status in (EcfStatus.ACCEPTED, EcfStatus.ACCEPTED_CONDITIONAL):
        raise Conflict(_("DGII received %(encf)s: an e-CF is annulled by a credit note (E34) "
                         "with modification code 1.") % {"encf": record.encf},
                       code="use_credit_note")
    if record.status == EcfStatus.SIGNED:
        from .sending import VOID

        record.status = EcfStatus.VOIDED
        record.waiting_since = None
        record.save(update_fields=["status", "waiting_since", "updated_at"])
        outbox.enqueue(VOID, {"workspace_id": record.workspace_id},
                       workspace_id=record.workspace_id)
