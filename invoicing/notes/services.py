"""Issuing and voiding credit and debit notes (DOMAIN.md "Credit and debit notes", API.md).

A note is issued at once. The service locks the original invoice first (so concurrent notes
against one invoice queue and never credit more than it has left), then the contact (when
credit goes to its balance), then the series, whose number is taken last. Restocked goods
come back through the outbox (`notes.stock`, exactly once by movement keys).

Whether a note is B- or E-series is its series' type: the default series is E34/E33 where
the workspace may issue E-series (`documents.issuing.series_available`, which the e-CF app
answers), else B04/B03. Issuing runs `issuing.run_before` and `run_numbered` on the note,
where the e-CF app builds and signs the XML, and records `credit_note.issued` /
`debit_note.issued` for the webhooks (asked for before the number, recorded after it).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from invoicing.core import count_cache, events, outbox
from invoicing.core.errors import Conflict, InvalidInput
from invoicing.core.money import ZERO, format_money
from invoicing.documents import issuing
from invoicing.documents.lookups import (
    check_date,
    contact_in_workspace,
    currency_in_workspace,
    not_found,
)
from invoicing.documents.policies import InvoicePolicy, NotePolicy
from invoicing.fiscal.models import DocumentSubtype
from invoicing.fiscal.numbering import allocate_number
from invoicing.fiscal.rules import check_issuer_identity
from invoicing.invoices.balance import invoice_status
from invoicing.invoices.credit import credit_balance_change, in_workspace_currency
from invoicing.invoices.models import CancellationReason, Invoice
from invoicing.invoices.services import lock_invoice, record_effects
from workspaces.authorization import requires
from workspaces.models import Workspace
from workspaces.services import activity_record, exchange_rate_on

from . import lines as note_lines
from .models import REASON_MAX, ModificationCode, Note, NoteKind, NoteLine, NoteStatus

NOTE_NCF_TYPES = ("B03", "B04", "E33", "E34")  # a note never modifies a note
OVER_DAYS = 30


def _check_code(kind: str, code: Any, reason: str, full: bool) -> int:
    if code is None:
        code = ModificationCode.ANNULS if full else ModificationCode.CORRECTS_AMOUNTS
    if code not in ModificationCode.values:
        raise InvalidInput(_("Use modification code 1 (annuls), 2 (corrects text) or 3 "
                             "(corrects amounts)."), field="modification_code")
    if kind == NoteKind.DEBIT and code == ModificationCode.ANNULS:
        raise InvalidInput(_("Only a credit note annuls a document (code 1)."),
                           field="modification_code", code="annulment_on_debit_note")
    if full and kind == NoteKind.DEBIT:
        raise InvalidInput(_("Only a credit note credits a whole document."), field="full")
    if full and code != ModificationCode.ANNULS:
        raise InvalidInput(_("A full credit annuls the document: it is modification code 1."),
                           field="modification_code")
    if len(reason) > REASON_MAX:
        raise InvalidInput(_("At most %(max)s characters.") % {"max": REASON_MAX},
                           field="reason")
    if code == ModificationCode.CORRECTS_TEXT and not reason:
        raise InvalidInput(_("Say what the text correction is (the reason)."), field="reason")
    return int(code)


def note_subtype(workspace: Workspace, kind: str, pk: Any = None) -> DocumentSubtype:
    """The note's series: the one asked for, or the workspace's default of that kind."""
    if pk is not None:
        subtype = DocumentSubtype.objects.filter(workspace=workspace, pk=pk).first() \
            if isinstance(pk, int) else None
        if subtype is None:
            raise not_found("document_subtype_id", _("document type"), pk)
        if subtype.document_type != kind:
            raise InvalidInput(_("%(subtype)s does not number %(kind)s.")
                               % {"subtype": subtype, "kind": NoteKind(kind).label},
                               field="document_subtype_id")
        return subtype
    codes = ("E34", "B04") if kind == NoteKind.CREDIT else ("E33", "B03")
    found = {s.ncf_type: s for s in DocumentSubtype.objects.filter(
        workspace=workspace, ncf_type__in=codes, is_active=True).select_related("workspace")}
    electronic = found.get(codes[0])
    if electronic is not None and issuing.series_available(electronic):
        return electronic
    if codes[1] in found:
        return found[codes[1]]
    raise InvalidInput(_("This workspace has no %(code)s series; add it in Settings → Document "
                         "types.") % {"code": codes[1]}, field="document_subtype_id")


def _check_series(subtype: DocumentSubtype, modified_ncf: str) -> None:
    if modified_ncf[:3] in NOTE_NCF_TYPES:
        raise InvalidInput(_("%(ncf)s is itself a note; a note never modifies a note.")
                           % {"ncf": modified_ncf}, field="invoice_id", code="note_on_note")
    if not subtype.is_fiscal:
        return
    if (subtype.ncf_type or "").startswith("B") and modified_ncf.startswith("E"):
        raise InvalidInput(_("A B-series note cannot modify an electronic document (%(ncf)s): "
                             "use an E-series note.") % {"ncf": modified_ncf},
                           field="document_subtype_id", code="series_mismatch")
    if len(modified_ncf) not in (11, 13, 19) or modified_ncf[:1] not in "BEAP":
        raise InvalidInput(_("A fiscal note modifies a fiscal document; %(number)s has no NCF.")
                           % {"number": modified_ncf}, field="document_subtype_id",
                           code="series_mismatch")


def _original(workspace, invoice_id, modified_ncf, modified_issue_date, contact_id, kind):
    """(invoice locked or None, modified NCF, its date, contact)."""
    if invoice_id is None and modified_ncf:
        ncf = str(modified_ncf).strip().upper()
        if Note.objects.filter(workspace=workspace, document_number=ncf).exists():
            raise InvalidInput(_("%(ncf)s is itself a note; a note never modifies a note.")
                               % {"ncf": ncf}, field="modified_ncf", code="note_on_note")
        invoice_id = Invoice.objects.filter(workspace=workspace, document_number=ncf) \
            .values_list("pk", flat=True).first()
        if invoice_id is None:
            if modified_issue_date is None:
                raise InvalidInput(_("Give the date of the document this note modifies."),
                                   field="modified_issue_date")
            check_date(modified_issue_date, "modified_issue_date")
            if contact_id is None:
                raise InvalidInput(_("Name the customer of the document."), field="contact_id")
            return None, ncf, modified_issue_date, contact_in_workspace(workspace, contact_id)
    if invoice_id is None:
        raise InvalidInput(_("Name the invoice this note modifies (invoice_id), or the NCF of a "
                             "document kept outside the system."), field="invoice_id")
    if not isinstance(invoice_id, int) or not Invoice.objects.filter(
            workspace=workspace, pk=invoice_id).exists():
        raise not_found("invoice_id", _("invoice"), invoice_id)
    invoice = lock_invoice(invoice_id)
    InvoicePolicy(invoice).check("credit" if kind == NoteKind.CREDIT else "debit")
    if contact_id is not None and contact_id != invoice.contact_id:
        raise InvalidInput(_("A note goes to the buyer of the document it modifies (%(name)s).")
                           % {"name": invoice.buyer_display_name}, field="contact_id",
                           code="contact_mismatch")
    return invoice, invoice.document_number, invoice.issue_date, invoice.contact


def _freeze(note: Note, invoice: Invoice | None) -> None:
    if invoice is not None and invoice.buyer_name:
        note.buyer_name, note.buyer_tax_id = invoice.buyer_name, invoice.buyer_tax_id
        note.buyer_tax_id_type, note.buyer_address = invoice.buyer_tax_id_type, \
            invoice.buyer_address
    else:
        contact = note.contact
        note.buyer_name, note.buyer_tax_id = contact.name, contact.tax_id
        note.buyer_tax_id_type, note.buyer_address = contact.tax_id_type, contact.address
    workspace = note.workspace
    note.issuer_name, note.issuer_rnc = workspace.name, workspace.rnc
    note.issuer_address = workspace.address


def _apply_to_invoice(note: Note, invoice: Invoice) -> None:
    """The original's figures follow the note (under its lock)."""
    if note.is_credit:
        due = invoice.amount_due
        excess = max(ZERO, note.total_amount - due)
        note.credited_to_balance = excess
        invoice.credited_amount += note.total_amount
        invoice.credited_to_balance += excess
        if note.modification_code == ModificationCode.ANNULS:
            invoice.annulled = True
        if excess:
            credit_balance_change(contact=invoice.contact_id,
                                  amount=in_workspace_currency(excess, note.exchange_rate))
    else:
        invoice.debited_amount += note.total_amount
    invoice.status = invoice_status(invoice)
    Invoice.objects.filter(pk=invoice.pk).update(
        credited_amount=invoice.credited_amount, debited_amount=invoice.debited_amount,
        credited_to_balance=invoice.credited_to_balance, annulled=invoice.annulled,
        status=invoice.status, updated_at=timezone.now())
    record_effects(invoice)


def _issue(*, workspace: Workspace, actor: Any, kind: str, invoice_id: Any = None,
           modified_ncf: str | None = None, modified_issue_date: datetime.date | None = None,
           contact_id: Any = None, document_subtype_id: Any = None,
           modification_code: Any = None, reason: str = "",
           issue_date: datetime.date | None = None, items: Sequence[dict] | None = None,
           full: bool = False) -> Note:
    reason = (reason or "").strip()
    code = _check_code(kind, modification_code, reason, full)
    issue_date = issue_date or timezone.localdate()
    check_date(issue_date, "issue_date")
    if issue_date > timezone.localdate():
        raise InvalidInput(_("An issued document cannot be dated in the future."),
                           field="issue_date")
    invoice, ncf, ncf_date, contact = _original(workspace, invoice_id, modified_ncf,
                                               modified_issue_date, contact_id, kind)
    subtype = note_subtype(workspace, kind, document_subtype_id)
    _check_series(subtype, ncf)
    if issue_date < ncf_date:
        raise InvalidInput(_("A note cannot be dated before the document it modifies "
                             "(%(date)s).") % {"date": ncf_date.strftime("%d/%m/%Y")},
                           field="issue_date")
    check_issuer_identity(workspace=workspace, ncf_type_code=subtype.ncf_type)
    if full:
        built = note_lines.full_credit_lines(invoice)
    else:
        built = note_lines.requested_lines(workspace=workspace, invoice=invoice, kind=kind,
                                           code=code, items=items or [],
                                           fiscal=subtype.is_fiscal)
    figures = note_lines.figures_of(built)
    if code != ModificationCode.CORRECTS_TEXT and figures.total <= 0:
        raise InvalidInput(_("A note that corrects amounts has a total above 0."),
                           field="items")
    if invoice is not None and kind == NoteKind.CREDIT:
        left = invoice.amount_left_to_credit
        if figures.total > left:
            raise InvalidInput(
                _("This credit (%(total)s) is more than what is left of %(number)s "
                  "(%(left)s).") % {"total": format_money(figures.total, invoice.currency.symbol),
                                    "number": invoice,
                                    "left": format_money(left, invoice.currency.symbol)},
                field="items", code="credit_exceeds_balance")
        if code == ModificationCode.ANNULS and figures.total != left:
            raise InvalidInput(
                _("Code 1 annuls the whole document: credit all that is left of it "
                  "(%(left)s), or use code 3.") % {
                      "left": format_money(left, invoice.currency.symbol)},
                field="modification_code", code="annulment_partial")

    currency = invoice.currency if invoice is not None else \
        currency_in_workspace(workspace, None)
    note = Note(
        workspace=workspace, document_type=kind, contact=contact, document_subtype=subtype,
        currency=currency, invoice=invoice, modified_ncf=ncf, modified_issue_date=ncf_date,
        modification_code=code, reason=reason, issue_date=issue_date,
        over_30_days=(issue_date - ncf_date).days > OVER_DAYS,
        exchange_rate=invoice.exchange_rate if invoice is not None
        else exchange_rate_on(currency=currency, on=issue_date),
        subtotal_amount=figures.subtotal, discount_amount=figures.discount,
        tax_amount=figures.tax, total_amount=figures.total,
        created_by=actor if getattr(actor, "pk", None) else None, issued_at=timezone.now())
    _freeze(note, invoice)
    issuing.run_before(note)
    if invoice is not None:
        _apply_to_invoice(note, invoice)
    note.save()
    note.written_lines = NoteLine.objects.bulk_create(
        [NoteLine(workspace_id=workspace.pk, note=note, **fields) for fields in built])
    # What must carry the number (an e-CF's lines: goods or services) reads nothing after it.
    prefetch_related_objects(note.written_lines, "product")
    if any(line.restock for line in note.written_lines):
        outbox.enqueue("notes.stock", {"note_id": note.pk}, workspace_id=workspace.pk)
    count_cache.changed(workspace.pk)
    event = f"{kind}.issued"  # credit_note.issued / debit_note.issued (API.md "Webhooks")
    wanted = bool(events.wanted(workspace.pk, event))  # reads come before the number
    allocated = allocate_number(workspace_id=workspace.pk, subtype_id=subtype.pk,
                                on_date=issue_date)
    note.document_number, note.sequence_number = allocated.document_number, allocated.sequence
    note.ncf_valid_until = allocated.valid_until
    Note.objects.filter(pk=note.pk).update(document_number=note.document_number,
                                           sequence_number=note.sequence_number,
                                           ncf_valid_until=note.ncf_valid_until)
    activity_record(workspace=workspace, actor=actor, verb="issued", target=note,
                    description=_("Issued as %(number)s, modifying %(ncf)s")
                    % {"number": note.document_number, "ncf": ncf},
                    data={"total": str(note.total_amount), "code": code})
    if invoice is not None:
        activity_record(workspace=workspace, actor=actor, verb=f"{kind}_issued",
                        target=invoice,
                        description=_("%(kind)s %(number)s for %(total)s")
                        % {"kind": NoteKind(kind).label, "number": note.document_number,
                           "total": format_money(note.total_amount, invoice.currency.symbol)},
                        data={"note_id": note.pk, "total": str(note.total_amount)})
    issuing.run_numbered(note)
    if wanted:  # rendered from memory (the e-CF block from the record just written)
        from .serializers import note_data

        events.record(event, workspace_id=workspace.pk,
                      data={"object": kind, **note_data(note, note.written_lines)})
    return note


@requires("credit_note_issue")
@transaction.atomic
def credit_note_issue(*, workspace: Workspace, actor: Any, **request: Any) -> Note:
    """Issue a credit note (B04/E34) against an issued document: full (`full=True`, code 1)
    or the lines asked for. See `_issue` for the fields (API.md POST /credit-notes)."""
    return _issue(workspace=workspace, actor=actor, kind=NoteKind.CREDIT, **request)


@requires("debit_note_issue")
@transaction.atomic
def debit_note_issue(*, workspace: Workspace, actor: Any, **request: Any) -> Note:
    """Issue a debit note (B03/E33): any positive amount added to an issued document."""
    return _issue(workspace=workspace, actor=actor, kind=NoteKind.DEBIT, **request)


def lock_note(note: Note | int) -> Note:
    pk = note if isinstance(note, int) else note.pk
    return (Note.objects.select_for_update(of=("self",))
            .select_related("workspace", "contact", "currency", "document_subtype").get(pk=pk))


def _undo_on_invoice(note: Note, invoice: Invoice) -> None:
    if note.is_credit:
        if note.credited_to_balance:
            credit_balance_change(
                contact=invoice.contact_id,
                amount=-in_workspace_currency(note.credited_to_balance, note.exchange_rate),
                field="note")
        invoice.credited_amount -= note.total_amount
        invoice.credited_to_balance -= note.credited_to_balance
        if note.modification_code == ModificationCode.ANNULS:
            invoice.annulled = False
    else:
        if invoice.amount_due < note.total_amount or \
                invoice.credited_amount > invoice.total_amount + invoice.debited_amount \
                - note.total_amount:
            raise Conflict(_("What %(number)s added is already paid or credited; delete those "
                             "payments or notes first.") % {"number": note},
                           code="note_settled")
        invoice.debited_amount -= note.total_amount
    invoice.status = invoice_status(invoice)
    Invoice.objects.filter(pk=invoice.pk).update(
        credited_amount=invoice.credited_amount, debited_amount=invoice.debited_amount,
        credited_to_balance=invoice.credited_to_balance, annulled=invoice.annulled,
        status=invoice.status, updated_at=timezone.now())
    record_effects(invoice)


@requires("note_cancel")
@transaction.atomic
def note_cancel(*, note: Note, actor: Any, reason_code: str, reason: str = "") -> Note:
    """Void a B-series note with a DGII 608 reason; its effect on the original is undone
    (credit it gave comes back from the contact's balance, restocked goods go out again).
    An e-CF note cannot be voided (DGII received it): correct it with another note."""
    if reason_code not in CancellationReason.values:
        raise InvalidInput(_("Use a DGII 608 reason code from 01 to 10."), field="reason_code")
    invoice = lock_invoice(note.invoice_id) if note.invoice_id else None
    note = lock_note(note)
    NotePolicy(note, actor).check("cancel")
    if invoice is not None:
        _undo_on_invoice(note, invoice)
    elif note.credited_to_balance:
        credit_balance_change(contact=note.contact_id, amount=-note.credited_to_balance)
    note.status = NoteStatus.CANCELLED
    note.cancel_reason_code, note.cancel_reason = reason_code, (reason or "").strip()
    note.cancelled_at = timezone.now()
    note.save(update_fields=["status", "cancel_reason_code", "cancel_reason", "cancelled_at",
                             "updated_at"])
    if note.lines.filter(restock=True).exists():
        outbox.enqueue("notes.stock", {"note_id": note.pk}, workspace_id=note.workspace_id)
    count_cache.changed(note.workspace_id)
    activity_record(workspace=note.workspace, actor=actor, verb="cancelled", target=note,
                    description=_("Cancelled (608 code %(code)s) %(reason)s")
                    % {"code": reason_code, "reason": note.cancel_reason},
                    data={"reason_code": reason_code})
    return note
