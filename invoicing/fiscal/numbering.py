"""Gapless document numbering (DESIGN.md "Numbering").

`allocate_number` is the only code that hands out document numbers. Call it inside the
transaction that writes the document:

- it locks the subtype row (`SELECT … FOR UPDATE`; on SQLite the IMMEDIATE transaction
  already holds the write lock), so concurrent callers queue instead of racing;
- it checks the authorised range and its expiry under that lock and refuses with a
  `Conflict` (409 in the API) whose message names the subtype and says what to do;
- it advances the counter in the same transaction, so a rollback gives the number back and
  the next caller gets it: no gaps, no repeats.

`UniqueConstraint(workspace, document_number)` on each document table is the backstop.
Lock order is always document first, then subtype, so two services never deadlock.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from invoicing.core.errors import Conflict, NotFound

from .models import DocumentSubtype


@dataclass(frozen=True)
class AllocatedNumber:
    subtype: DocumentSubtype
    sequence: int
    document_number: str
    valid_until: datetime.date | None


class NumberingRefused(Conflict):
    code = "numbering_refused"


def check_can_issue(subtype: DocumentSubtype, on_date: datetime.date) -> None:
    """Raise NumberingRefused if `subtype` cannot hand out its next number on `on_date`."""
    label = str(subtype)
    if not subtype.is_active:
        raise NumberingRefused(
            _("The document type %(subtype)s is inactive; activate it or choose another.")
            % {"subtype": label}, code="subtype_inactive")
    if not subtype.is_fiscal:
        return
    if subtype.range_end is None:
        raise NumberingRefused(
            _("%(subtype)s has no authorised NCF range. Enter the range DGII authorised "
              "(Settings → Document types) before issuing.") % {"subtype": label},
            code="ncf_range_missing")
    if subtype.next_number > subtype.range_end:
        raise NumberingRefused(
            _("%(subtype)s has used its whole authorised range (last number %(last)s). "
              "Request a new range from DGII and enter it in Settings → Document types.")
            % {"subtype": label, "last": subtype.format_number(subtype.range_end)},
            code="ncf_range_exhausted")
    if subtype.valid_until is not None and on_date > subtype.valid_until:
        raise NumberingRefused(
            _("The NCF range of %(subtype)s expired on %(date)s. Enter the new range DGII "
              "authorised (Settings → Document types) before issuing.")
            % {"subtype": label, "date": subtype.valid_until.strftime("%d/%m/%Y")},
            code="ncf_range_expired")


def allocate_number(*, workspace_id: int, subtype_id: int,
                    on_date: datetime.date) -> AllocatedNumber:
    """Take the next number of a subtype inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate_number must run inside the document's transaction")
    subtype = (DocumentSubtype.objects.select_for_update()
               .filter(workspace_id=workspace_id, pk=subtype_id).first())
    if subtype is None:
        raise NotFound(_("Document type not found."))
    check_can_issue(subtype, on_date)
    sequence = subtype.next_number
    DocumentSubtype.objects.filter(pk=subtype.pk).update(next_number=sequence + 1)
    subtype.next_number = sequence + 1
    return AllocatedNumber(
        subtype=subtype, sequence=sequence, document_number=subtype.format_number(sequence),
        valid_until=subtype.valid_until if subtype.is_fiscal else None,
    )
