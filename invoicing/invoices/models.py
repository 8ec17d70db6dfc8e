from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from invoicing.core.errors import Conflict
from invoicing.core.tenancy import WorkspaceQuerySet, WorkspaceScopedModel
from invoicing.documents.models import (  # noqa: F401 - re-exported names of the domain
    ZERO,
    AbstractDocumentLine,
    AbstractDocumentTotals,
    AbstractFiscalParties,
    CancellationReason,
    DiscountType,
    money_field,
)


class Salesman(WorkspaceScopedModel):
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("email"), blank=True)
    commission_rate = models.DecimalField(
        _("commission (%)"), max_digits=5, decimal_places=2, default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="salesman_profiles",
                             verbose_name=_("user"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("salesman")
        verbose_name_plural = _("salesmen")

    def __str__(self) -> str:
        return self.name


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING_PAYMENT = "pending_payment", _("Pending payment")
    PARTIALLY_PAID = "partially_paid", _("Partially paid")
    PAID = "paid", pgettext_lazy("invoice status", "Paid")
    CREDITED = "credited", _("Credited")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (InvoiceStatus.PENDING_PAYMENT, InvoiceStatus.PARTIALLY_PAID)
ISSUED_STATUSES = (*OPEN_STATUSES, InvoiceStatus.PAID, InvoiceStatus.CREDITED)


class InvoiceQuerySet(WorkspaceQuerySet):
    def issued(self) -> InvoiceQuerySet:
        return self.filter(status__in=ISSUED_STATUSES)

    def overdue(self, today=None) -> InvoiceQuerySet:
        """Issued, unpaid and past due: derived, never stored as a status."""
        return self.filter(status__in=OPEN_STATUSES,
                           due_date__lt=today or timezone.localdate())

    def not_overdue(self, today=None) -> InvoiceQuerySet:
        return self.exclude(status__in=OPEN_STATUSES,
                            due_date__lt=today or timezone.localdate())


class Invoice(AbstractDocumentTotals, AbstractFiscalParties):
    """A sales invoice; once issued, a fiscal document.

    Issued invoices are legally required not to change: at issue they freeze the buyer's
    and issuer's identity, each line's description and tax rates, and the exchange rate.
    They are never erased — only cancelled (voided, reported in DGII's 608) — and
    `delete()` refuses them at the model level whatever path calls it.
    """

    status = models.CharField(_("status"), max_length=16, choices=InvoiceStatus.choices,
                              default=InvoiceStatus.DRAFT)
    sequence_number = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    ncf_valid_until = models.DateField(_("NCF valid until"), null=True, blank=True)
    due_date = models.DateField(_("due date"), default=timezone.localdate)
    amount_paid = money_field(_("amount paid"))
    # What its issued notes did (API.md "Status follows money"), kept by the notes' services
    # under this row's lock: `credited_to_balance` is the part of the credits beyond what was
    # unpaid, which went to the contact's credit balance. `annulled`: a code-1 credit note
    # annulled it, and nothing more can be issued against it.
    credited_amount = money_field(_("credited"))
    debited_amount = money_field(_("debited"))
    credited_to_balance = money_field(_("credited to the customer's balance"))
    annulled = models.BooleanField(_("annulled"), default=False)
    salesmen = models.ManyToManyField(Salesman, blank=True, related_name="invoices",
                                      verbose_name=_("salesmen"))
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)


    # Stock follows the lines in a background task: every change of the lines (or a cancel)
    # bumps `stock_revision`; the task brings the ledger in line and records the revision it
    # reached in `stock_synced_revision` (compare-and-set), so a lost or repeated message
    # costs nothing.
    stock_revision = models.PositiveIntegerField(default=0, editable=False)
    stock_synced_revision = models.PositiveIntegerField(default=0, editable=False)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        ordering = ["-issue_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "document_number"],
                                    condition=Q(document_number__isnull=False),
                                    name="invoice_unique_number"),
            models.CheckConstraint(condition=Q(due_date__gte=F("issue_date")),
                                   name="invoice_due_after_issue"),
            # Exact on PostgreSQL (every figure has 2 decimals, so the difference is a
            # whole number of cents); the half-cent margin absorbs SQLite's float arithmetic.
            models.CheckConstraint(
                condition=Q(total_amount__gt=F("subtotal_amount") - F("discount_amount")
                            + F("tax_amount") - Decimal("0.005"))
                & Q(total_amount__lt=F("subtotal_amount") - F("discount_amount")
                    + F("tax_amount") + Decimal("0.005")),
                name="invoice_total_adds_up"),
            # What is paid may exceed the invoice's own total by its debit notes.
            models.CheckConstraint(condition=Q(amount_paid__gte=0)
                                   & Q(amount_paid__lte=F("total_amount")
                                       + F("debited_amount")),
                                   name="invoice_paid_within_total"),
            # A credit never exceeds what is left (DOMAIN.md), and nothing is due below 0.
            models.CheckConstraint(
                condition=Q(credited_amount__gte=0) & Q(debited_amount__gte=0)
                & Q(credited_to_balance__gte=0)
                & Q(credited_amount__lte=F("total_amount") + F("debited_amount")),
                name="invoice_credit_within_total"),
            models.CheckConstraint(
                condition=Q(status="cancelled")
                | Q(total_amount__gte=F("amount_paid") + F("credited_amount")
                    - F("debited_amount") - F("credited_to_balance")),
                name="invoice_due_not_negative"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(document_number__isnull=False),
                name="invoice_issued_has_number"),
        ]
        indexes = [
            models.Index(fields=["workspace", "-issue_date", "-id"], name="invoice_ws_issue"),
            models.Index(fields=["workspace", "status", "-issue_date"], name="invoice_ws_status"),
            models.Index(fields=["workspace", "contact", "-issue_date"],
                         name="invoice_ws_contact"),
            models.Index(fields=["workspace", "document_subtype", "-issue_date"],
                         name="invoice_ws_subtype"),
            models.Index(fields=["workspace", "due_date"], name="invoice_ws_due"),
            models.Index(fields=["workspace", "total_amount"], name="invoice_ws_total"),
            models.Index(fields=["workspace", "created_at"], name="invoice_ws_created"),
            models.Index(fields=["workspace", "status", "due_date"], name="invoice_ws_overdue"),
            # The reports' months (sales by month, the dashboard's 12-month chart and top
            # customers, the DGII page's months) read a span of issue dates and sum these
            # columns: an index-only range scan instead of a scan of the whole table once a
            # span holds a good part of the workspace's invoices (make bench, issue 16).
            models.Index(fields=["workspace", "issue_date"], name="invoice_ws_issue_sums",
                         include=["id", "status", "cancelled_at", "exchange_rate",
                                  "subtotal_amount", "discount_amount", "tax_amount",
                                  "total_amount", "contact", "document_subtype"]),
            models.Index(fields=["stock_revision"], name="invoice_stock_pending",
                         condition=Q(stock_revision__gt=F("stock_synced_revision"))),
        ]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")

    def __str__(self) -> str:
        if self.document_number:
            return self.document_number
        # A draft has no number: people know it by its customer and date.
        return _("Draft for %(customer)s, %(date)s") % {
            "customer": self.contact.name if self.contact_id else "—",
            "date": self.issue_date.strftime("%d/%m/%Y") if self.issue_date else ""}

    @property
    def amount_due(self) -> Decimal:
        """total + debits − credits − paid + what went to the customer's credit (API.md)."""
        if self.status == InvoiceStatus.CANCELLED:
            return ZERO
        return max(ZERO, self.total_amount + self.debited_amount - self.credited_amount
                   - self.amount_paid + self.credited_to_balance)

    @property
    def amount_left_to_credit(self) -> Decimal:
        """What a credit note may still credit: total + debits − credits."""
        return self.total_amount + self.debited_amount - self.credited_amount

    @property
    def buyer_display_name(self) -> str:
        """The buyer as the document says: frozen at issue, the live contact on a draft."""
        if self.status != InvoiceStatus.DRAFT and self.buyer_name:
            return self.buyer_name
        return self.contact.name

    @property
    def is_draft(self) -> bool:
        return self.status == InvoiceStatus.DRAFT

    @property
    def is_issued(self) -> bool:
        return self.status in ISSUED_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.status in OPEN_STATUSES and self.due_date < timezone.localdate()

    def delete(self, *args, **kwargs):
        if self.status != InvoiceStatus.DRAFT:
            raise Conflict(
                _("%(number)s is an issued fiscal document and is never erased; cancel it "
                  "instead.") % {"number": self.document_number},
                code="invoice_not_deletable",
            )
        return super().delete(*args, **kwargs)


class InvoiceLine(AbstractDocumentLine):
    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE,
                                  related_name="+", editable=False)
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")

    class Meta(AbstractDocumentLine.Meta):
        indexes = [models.Index(fields=["invoice", "position"], name="invoice_line_order")]
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")

    def __str__(self) -> str:
        return self.description


class PaymentMethod(models.TextChoices):
    """Each maps to a payment-form column of DGII report 607."""

    CASH = "cash", _("Cash")
    CHECK = "check", _("Check")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    CARD = "card", _("Card")
    MOBILE_PAYMENT = "mobile_payment", _("Mobile payment")
    CREDIT_BALANCE = "credit_balance", _("Customer credit")
    OTHER = "other", _("Other")


class WithholdingKind(models.TextChoices):
    ITBIS = "itbis", _("ITBIS withheld")
    ISR = "isr", _("ISR withheld")


class Payment(WorkspaceScopedModel):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    date = models.DateField(_("date"), default=timezone.localdate)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    # What the buyer withheld and pays to DGII itself: counts as paid (API.md "Withholdings").
    withheld_amount = money_field(_("withheld"))
    method = models.CharField(_("method"), max_length=16, choices=PaymentMethod.choices,
                              default=PaymentMethod.CASH)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WorkspaceQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [models.CheckConstraint(
            condition=Q(withheld_amount__gte=0)
            & (Q(amount__gt=0) | Q(amount=0, withheld_amount__gt=0)),
            name="payment_amount_positive")]
        indexes = [
            models.Index(fields=["invoice", "date"], name="payment_invoice_date"),
            models.Index(fields=["workspace", "-date", "-id"], name="payment_ws_date"),
            models.Index(fields=["workspace", "method"], name="payment_ws_method"),
        ]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self) -> str:
        return f"{self.amount} ({self.get_method_display()})"

    @property
    def settled_amount(self) -> Decimal:
        return self.amount + self.withheld_amount


class Withholding(WorkspaceScopedModel):
    """Part of a payment the buyer withheld (ITBIS 30%/100%, ISR 2%/10%; DOMAIN.md)."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="withholdings")
    kind = models.CharField(_("kind"), max_length=8, choices=WithholdingKind.choices)
    rate = models.DecimalField(_("rate (%)"), max_digits=6, decimal_places=2, null=True,
                               blank=True)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0),
                                              name="withholding_amount_positive")]
        verbose_name = _("withholding")
        verbose_name_plural = _("withholdings")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class Refund(WorkspaceScopedModel):
    """Customer credit paid back to the customer (API.md "Customer credit")."""

    contact = models.ForeignKey("contacts.Contact", on_delete=models.PROTECT,
                                related_name="refunds")
    date = models.DateField(_("date"), default=timezone.localdate)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    method = models.CharField(_("method"), max_length=16, choices=PaymentMethod.choices,
                              default=PaymentMethod.CASH)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WorkspaceQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0),
                                              name="refund_amount_positive")]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")

    def __str__(self) -> str:
        return f"{self.amount} ({self.get_method_display()})"
