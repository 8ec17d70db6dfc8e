"""Credit and debit notes (DOMAIN.md "Credit and debit notes"): fiscal documents of their
own series (B04/E34 credit, B03/E33 debit) that correct an issued document, which is never
edited after issue.

A note is issued at once and never changes afterwards; a B-series note may be voided
(cancelled with a DGII 608 reason), which undoes its effect on the original.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from invoicing.core.errors import Conflict
from invoicing.core.tenancy import WorkspaceQuerySet
from invoicing.documents.models import (
    AbstractDocumentLine,
    AbstractDocumentTotals,
    AbstractFiscalParties,
    money_field,
)


class NoteKind(models.TextChoices):
    CREDIT = "credit_note", _("Credit note")
    DEBIT = "debit_note", _("Debit note")


class ModificationCode(models.IntegerChoices):
    """DGII's codes for notes (codes 4 and 5 are not note codes)."""

    ANNULS = 1, _("1 – Anula el documento")
    CORRECTS_TEXT = 2, _("2 – Corrige texto")
    CORRECTS_AMOUNTS = 3, _("3 – Corrige montos")


class NoteStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    CANCELLED = "cancelled", _("Cancelled")


REASON_MAX = 90  # DGII's RazonModificacion


class NoteQuerySet(WorkspaceQuerySet):
    def issued(self) -> NoteQuerySet:
        return self.filter(status=NoteStatus.ISSUED)

    def credits(self) -> NoteQuerySet:
        return self.filter(document_type=NoteKind.CREDIT)

    def debits(self) -> NoteQuerySet:
        return self.filter(document_type=NoteKind.DEBIT)


class Note(AbstractDocumentTotals, AbstractFiscalParties):
    """A credit or debit note. It names the document it modifies by NCF and date (an invoice
    of this workspace, `invoice`, or one kept outside the system, `invoice` null), carries
    a DGII modification code and reason, and freezes buyer and issuer like an invoice.
    Never erased: `delete()` refuses."""

    document_type = models.CharField(_("kind"), max_length=12, choices=NoteKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=NoteStatus.choices,
                              default=NoteStatus.ISSUED)
    invoice = models.ForeignKey("invoices.Invoice", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="fiscal_notes",
                                verbose_name=_("modified invoice"))
    modified_ncf = models.CharField(_("modified NCF"), max_length=19)
    modified_issue_date = models.DateField(_("modified document's date"))
    modification_code = models.PositiveSmallIntegerField(
        _("modification code"), choices=ModificationCode.choices,
        default=ModificationCode.CORRECTS_AMOUNTS)
    reason = models.CharField(_("reason"), max_length=REASON_MAX, blank=True)
    # E34's IndicadorNotaCredito: issued more than 30 calendar days after the original, so
    # its ITBIS is not deductible (Reglamento 293-11).
    over_30_days = models.BooleanField(_("over 30 days"), default=False)
    sequence_number = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    ncf_valid_until = models.DateField(_("NCF valid until"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    # The part of a credit beyond what was unpaid, in the note's currency: it went to the
    # contact's credit balance (and comes back from it if the note is voided).
    credited_to_balance = money_field(_("credited to the customer's balance"))


    objects = NoteQuerySet.as_manager()

    class Meta:
        ordering = ["-issue_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "document_number"],
                                    condition=Q(document_number__isnull=False),
                                    name="note_unique_number"),
            models.CheckConstraint(condition=Q(modification_code__in=(1, 2, 3)),
                                   name="note_modification_code"),
            models.CheckConstraint(condition=~Q(document_type="debit_note")
                                   | ~Q(modification_code=1), name="note_debit_not_code_1"),
            models.CheckConstraint(
                condition=Q(total_amount__gt=F("subtotal_amount") - F("discount_amount")
                            + F("tax_amount") - Decimal("0.005"))
                & Q(total_amount__lt=F("subtotal_amount") - F("discount_amount")
                    + F("tax_amount") + Decimal("0.005")),
                name="note_total_adds_up"),
            models.CheckConstraint(condition=Q(total_amount__gte=0)
                                   & Q(credited_to_balance__gte=0)
                                   & Q(credited_to_balance__lte=F("total_amount")),
                                   name="note_amounts_not_negative"),
        ]
        indexes = [
            models.Index(fields=["workspace", "-issue_date", "-id"], name="note_ws_issue"),
            models.Index(fields=["workspace", "document_type", "-issue_date"],
                         name="note_ws_kind"),
            models.Index(fields=["invoice", "document_type"], name="note_invoice_kind"),
        ]
        verbose_name = _("note")
        verbose_name_plural = _("notes")

    def __str__(self) -> str:
        return self.document_number or self.get_document_type_display()

    @property
    def is_credit(self) -> bool:
        return self.document_type == NoteKind.CREDIT

    @property
    def is_cancelled(self) -> bool:
        return self.status == NoteStatus.CANCELLED

    @property
    def ecf_document_kind(self) -> str:
        """How the e-CF app files this note's signed XML ("credit_note", "debit_note")."""
        return self.document_type

    @property
    def buyer_display_name(self) -> str:
        return self.buyer_name or self.contact.name

    def delete(self, *args, **kwargs):
        raise Conflict(_("%(number)s is an issued fiscal document and is never erased; cancel "
                         "it instead.") % {"number": self.document_number},
                       code="note_not_deletable")


class NoteLine(AbstractDocumentLine):
    """A line of a note. `invoice_line` is the line of the original it corrects (or null,
    a free line); `debit_line` the debit-note line a credit corrects. `restock`: the goods
    came back, so stock returns once."""

    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE,
                                  related_name="+", editable=False)
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="lines")
    invoice_line = models.ForeignKey("invoices.InvoiceLine", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="note_lines")
    debit_line = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="credit_lines")
    restock = models.BooleanField(_("restock"), default=False)

    class Meta(AbstractDocumentLine.Meta):
        indexes = [models.Index(fields=["note", "position"], name="note_line_order")]
        constraints = [models.CheckConstraint(
            condition=Q(restock=False) | Q(invoice_line__isnull=False),
            name="note_line_restock_has_line")]
        verbose_name = _("note line")
        verbose_name_plural = _("note lines")

    def __str__(self) -> str:
        return self.description
