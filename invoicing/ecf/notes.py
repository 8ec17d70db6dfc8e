"""The e-CF of credit and debit notes (E34, E33), through the hooks the notes app leaves
(`notes.serializers.ECF_BLOCKS`, `notes.filters.ECF_STATUS_FILTERS`) and the issuing steps
every document shares (`issue.before` / `issue.numbered`).

- The note's `ecf` block comes from the annotation the notes API adds to its one query
  (`documents.blocks.annotations`), or from the record the issue has just written; a B-series
  note answers null without a query.
- An E-series original must have been accepted by DGII before a note modifies it (DOMAIN.md
  "Credit and debit notes": accepted with conditions counts): 409 `ecf_not_accepted`.
"""

from __future__ import annotations

import json
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from invoicing.core.errors import Conflict

from .blocks import raw, render
from .models import EcfRecord, EcfStatus

NOTE_KINDS = ("credit_note", "debit_note")
ACCEPTED = (EcfStatus.ACCEPTED, EcfStatus.ACCEPTED_CONDITIONAL)
_MISSING = object()


def _electronic(document: Any) -> bool:
    return (document.document_number or "").startswith("E")


def note_block(note: Any) -> dict | None:
    annotated = getattr(note, "block_ecf_json", _MISSING)
    if annotated is not _MISSING:
        return render(json.loads(annotated) if annotated else None)
    written = getattr(note, "written_ecf", None)
    if written is not None:
        return render(raw(written))
    if note.pk is None or not _electronic(note):
        return None
    record = EcfRecord.objects.filter(document_kind=note.document_type,
                                      document_id=note.pk).first()
    return render(raw(record)) if record is not None else None


def filter_notes(queryset, value: str):
    """Notes whose e-CF has status `value` (API.md `ecf_status` on the note lists)."""
    return queryset.filter(Exists(EcfRecord.objects.filter(
        document_kind=OuterRef("document_type"), document_id=OuterRef("pk"), status=value)))


def check_original_accepted(note: Any) -> None:
    """Before a note is numbered: its E-series original (in this system) must be accepted."""
    if getattr(note, "ecf_document_kind", None) not in NOTE_KINDS:
        return
    invoice = note.invoice  # null for a document kept outside the system
    if invoice is None or not _electronic(invoice):
        return
    status = (EcfRecord.objects.filter(document_kind="invoice", document_id=invoice.pk)
              .values_list("status", flat=True).first())
    if status not in ACCEPTED:
        raise Conflict(_("DGII has not accepted %(encf)s yet: a note can modify it once DGII "
                         "accepts it.") % {"encf": invoice.document_number},
                       code="ecf_not_accepted")


def register() -> None:
    from invoicing.notes.filters import ECF_STATUS_FILTERS
    from invoicing.notes.serializers import ECF_BLOCKS

    if note_block not in ECF_BLOCKS:
        ECF_BLOCKS.append(note_block)
    if filter_notes not in ECF_STATUS_FILTERS:
        ECF_STATUS_FILTERS.append(filter_notes)
