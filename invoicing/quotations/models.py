from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from invoicing.core.tenancy import WorkspaceQuerySet
from invoicing.documents.models import AbstractDocumentLine, AbstractDocumentTotals
from invoicing.invoices.models import Salesman


class QuotationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    EXPIRED = "expired", _("Expired")
    INVOICED = "invoiced", _("Invoiced")


# Open offers: still editable, and they lapse (become expired) once past `valid_until`.
EDITABLE_STATUSES = (QuotationStatus.DRAFT, QuotationStatus.SENT)
OPEN_STATUSES = EDITABLE_STATUSES
# Converting into an invoice is allowed from these (the customer's yes may come straight
# from a draft or a sent offer); rejected, expired and invoiced ones refuse it.
CONVERTIBLE_STATUSES = (QuotationStatus.DRAFT, QuotationStatus.SENT, QuotationStatus.ACCEPTED)


class QuotationQuerySet(WorkspaceQuerySet):
    def open(self) -> QuotationQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def due_to_expire(self, today: datetime.date) -> QuotationQuerySet:
        """Open quotations whose validity ended before `today`."""
        return self.open().filter(valid_until__lt=today)


class Quotation(AbstractDocumentTotals):
    """A priced offer, numbered from a quotation subtype (`COT-0001`) when created, and
    converted at most once into an issued invoice (`invoice`)."""

    status = models.CharField(_("status"), max_length=10, choices=QuotationStatus.choices,
                              default=QuotationStatus.DRAFT)
    valid_until = models.DateField(_("valid until"))
    salesmen = models.ManyToManyField(Salesman, blank=True, related_name="quotations",
                                      verbose_name=_("salesmen"))
    invoice = models.OneToOneField("invoices.Invoice", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="quotation",
                                   verbose_name=_("invoice"))

    objects = QuotationQuerySet.as_manager()

    class Meta:
        ordering = ["-issue_date", "-id"]
        constraints = [
            # Converted exactly when it points at its invoice (the service sets both at once).
            models.CheckConstraint(
                condition=(Q(status="invoiced") & Q(invoice__isnull=False))
                | (~Q(status="invoiced") & Q(invoice__isnull=True)),
                name="quotation_invoiced_has_invoice"),
            models.UniqueConstraint(fields=["workspace", "document_number"],
                                    condition=Q(document_number__isnull=False),
                                    name="quotation_unique_number"),
            models.CheckConstraint(condition=Q(valid_until__gte=F("issue_date")),
                                   name="quotation_valid_after_issue"),
            # Exact on PostgreSQL (every figure has 2 decimals, so the difference is a
            # whole number of cents); the half-cent margin absorbs SQLite's float arithmetic.
            models.CheckConstraint(
                condition=Q(total_amount__gt=F("subtotal_amount") - F("discount_amount")
                            + F("tax_amount") - Decimal("0.005"))
                & Q(total_amount__lt=F("subtotal_amount") - F("discount_amount")
                    + F("tax_amount") + Decimal("0.005")),
                name="quotation_total_adds_up"),
        ]
        indexes = [
            models.Index(fields=["workspace", "-issue_date", "-id"], name="quotation_ws_issue"),
            models.Index(fields=["workspace", "status", "valid_until"],
                         name="quotation_ws_status"),
            models.Index(fields=["workspace", "contact", "-issue_date"],
                         name="quotation_ws_contact"),
        ]
        verbose_name = _("quotation")
        verbose_name_plural = _("quotations")

    def __str__(self) -> str:
        return self.document_number or f"#{self.pk}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_convertible(self) -> bool:
        return self.status in CONVERTIBLE_STATUSES

    def has_lapsed(self, today: datetime.date | None = None) -> bool:
        """An open offer past its validity, whether or not the periodic task has marked it."""
        return (self.status in OPEN_STATUSES
                and self.valid_until < (today or timezone.localdate()))


class QuotationLine(AbstractDocumentLine):
    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE,
                                  related_name="+", editable=False)
    quotation = models.ForeignKey(Quotation, on_delete=models.CASCADE, related_name="lines")

    class Meta(AbstractDocumentLine.Meta):
        indexes = [models.Index(fields=["quotation", "position"], name="quotation_line_order")]
        verbose_name = _("quotation line")
        verbose_name_plural = _("quotation lines")

    def __str__(self) -> str:
        return self.description
