from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from invoicing.core.tenancy import WorkspaceQuerySet, WorkspaceScopedModel

from .ncf_types import NCF_TYPE_CHOICES, ncf_type


class TaxKind(models.TextChoices):
    ITBIS = "itbis", _("ITBIS")
    EXEMPT = "exempt", _("Exempt")
    ISC = "isc", _("ISC")
    TIP = "tip", _("Propina legal")
    OTHER = "other", _("Other")


# A line carries at most one of these: its ITBIS treatment.
ITBIS_TREATMENT_KINDS = frozenset({TaxKind.ITBIS, TaxKind.EXEMPT})


class Tax(WorkspaceScopedModel):
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=10, choices=TaxKind.choices)
    rate = models.DecimalField(
        _("rate (%)"), max_digits=6, decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "-rate", "name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(rate__gte=0) & Q(rate__lte=100),
                                   name="tax_rate_0_100"),
            models.CheckConstraint(condition=~Q(kind="exempt") | Q(rate=0),
                                   name="tax_exempt_rate_zero"),
        ]
        verbose_name = _("tax")
        verbose_name_plural = _("taxes")

    def __str__(self) -> str:
        return self.name


class DocumentType(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")
    DEBIT_NOTE = "debit_note", _("Debit note")
    QUOTATION = "quotation", _("Quotation")


class DocumentSubtypeQuerySet(WorkspaceQuerySet):
    def of_type(self, document_type: str) -> DocumentSubtypeQuerySet:
        return self.filter(document_type=document_type)


class DocumentSubtype(WorkspaceScopedModel):
    """A numbering series: a DGII fiscal type (B01, E31…) with its authorised range and
    expiry, or a plain prefix (`INV-0001`).

    `next_number` is the counter the allocator advances under a row lock
    (`fiscal.numbering.allocate_number`); a fiscal range runs from `range_start` to
    `range_end` inclusive and may not be used after `valid_until`. `last_issue_date` is the
    latest issue date the series has numbered, advanced in the same statement: in a fiscal
    series numbers and dates go together, so no document is dated before it.
    """

    name = models.CharField(_("name"), max_length=100)
    document_type = models.CharField(_("document type"), max_length=12,
                                     choices=DocumentType.choices, default=DocumentType.INVOICE)
    ncf_type = models.CharField(_("NCF type"), max_length=3, choices=NCF_TYPE_CHOICES,
                                null=True, blank=True)
    prefix = models.CharField(_("prefix"), max_length=20, blank=True)
    padding = models.PositiveSmallIntegerField(
        _("padding"), default=4, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    range_start = models.PositiveBigIntegerField(_("range start"), null=True, blank=True)
    next_number = models.PositiveBigIntegerField(_("next number"), default=1)
    range_end = models.PositiveBigIntegerField(_("range end"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    last_issue_date = models.DateField(_("last issue date"), null=True, blank=True,
                                       editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DocumentSubtypeQuerySet.as_manager()

    class Meta:
        ordering = ["document_type", "ncf_type", "prefix", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "ncf_type"],
                                    condition=Q(ncf_type__isnull=False),
                                    name="subtype_unique_ncf_type"),
            models.UniqueConstraint(fields=["workspace", "document_type", "prefix"],
                                    condition=Q(ncf_type__isnull=True),
                                    name="subtype_unique_prefix"),
            models.CheckConstraint(condition=Q(next_number__gte=1), name="subtype_next_positive"),
            models.CheckConstraint(
                condition=Q(range_end__isnull=True) | Q(next_number__lte=F("range_end") + 1),
                name="subtype_next_within_range",
            ),
        ]
        verbose_name = _("document subtype")
        verbose_name_plural = _("document subtypes")

    def __str__(self) -> str:
        return f"{self.ncf_type} – {self.name}" if self.ncf_type else self.name

    @property
    def is_fiscal(self) -> bool:
        return bool(self.ncf_type)

    @property
    def ncf_type_info(self):
        return ncf_type(self.ncf_type)

    @property
    def sequence_digits(self) -> int:
        info = self.ncf_type_info
        return info.sequence_digits if info else self.padding

    def format_number(self, sequence: int) -> str:
        """`B0100000001`, `E310000000001`, `INV-0001`."""
        if self.ncf_type:
            return f"{self.ncf_type}{sequence:0{self.sequence_digits}d}"
        return f"{self.prefix}{sequence:0{self.padding}d}"

    @property
    def remaining(self) -> int | None:
        """Numbers left in the authorised range; None where no range limits issuing."""
        if self.range_end is None:
            return 0 if self.is_fiscal else None
        return max(0, self.range_end - self.next_number + 1)


class RangeStatus(models.TextChoices):
    CURRENT = "current", pgettext_lazy("NCF range", "Current")
    NEXT = "next", pgettext_lazy("NCF range", "Next")
    FINISHED = "finished", pgettext_lazy("NCF range", "Used up")
    EXPIRED = "expired", pgettext_lazy("NCF range", "Expired")


class NcfRange(WorkspaceScopedModel):
    """One range DGII authorised for a fiscal series. A series keeps every range it was
    given: a new one is added, never typed over the old one (numbers issued from the old one
    stay judged by it), and takes over when the current one is used up or expires
    (`fiscal.numbering`). The series' own `range_start`/`range_end`/`valid_until` are the
    current range, which the allocator reads and advances in one statement.

    `ended_as` is set when the allocator leaves a range for the next one: `finished` (used
    up) or `expired` (its remaining numbers were never issued)."""

    subtype = models.ForeignKey(DocumentSubtype, on_delete=models.CASCADE,
                                related_name="ranges", verbose_name=_("document type"))
    range_start = models.PositiveBigIntegerField(_("range start"))
    range_end = models.PositiveBigIntegerField(_("range end"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    entered_at = models.DateTimeField(_("entered at"))
    ended_as = models.CharField(_("ended as"), max_length=10, blank=True,
                                choices=[(RangeStatus.FINISHED, RangeStatus.FINISHED.label),
                                         (RangeStatus.EXPIRED, RangeStatus.EXPIRED.label)])

    class Meta:
        ordering = ["subtype", "range_start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["subtype", "range_start"],
                                    name="ncf_range_unique_start"),
            models.CheckConstraint(condition=Q(range_start__gte=1)
                                   & Q(range_end__gte=F("range_start")),
                                   name="ncf_range_ordered"),
        ]
        verbose_name = _("NCF range")
        verbose_name_plural = _("NCF ranges")

    def __str__(self) -> str:
        return f"{self.subtype.format_number(self.range_start)} – " \
               f"{self.subtype.format_number(self.range_end)}"
