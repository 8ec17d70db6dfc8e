"""Reaching customers: emails of documents, customer links, payment reminders and recurring
invoices. Exactly-once comes from the unique constraints here (one live link per document,
one reminder per invoice and day offset, one invoice per template period)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from invoicing.core.tenancy import WorkspaceQuerySet, WorkspaceScopedModel


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    QUOTATION = "quotation", _("Quotation")
    CREDIT_NOTE = "credit_note", _("Credit note")
    DEBIT_NOTE = "debit_note", _("Debit note")


class Language(models.TextChoices):
    SPANISH = "es", _("Spanish")
    ENGLISH = "en", _("English")


DEFAULT_REMINDER_DAYS = [-3, 0, 7, 30]


class OutreachSettings(WorkspaceScopedModel):
    """A workspace's choices for what goes to its customers. No row means the defaults."""

    language = models.CharField(_("email language"), max_length=2, choices=Language.choices,
                                default=Language.SPANISH)
    email_message = models.TextField(_("email message"), blank=True)
    link_lifetime_days = models.PositiveIntegerField(_("customer link lifetime (days)"),
                                                     null=True, blank=True)
    reminders_enabled = models.BooleanField(_("send payment reminders"), default=False)
    reminder_days = models.JSONField(_("reminder days"), default=list, blank=True)
    reminder_message = models.TextField(_("reminder message"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkspaceQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace"],
                                               name="outreach_settings_one_per_workspace")]
        verbose_name = _("customer outreach settings")
        verbose_name_plural = _("customer outreach settings")

    def __str__(self) -> str:
        return str(self.workspace_id)

    @property
    def days(self) -> list[int]:
        return sorted(set(self.reminder_days)) if self.reminder_days else DEFAULT_REMINDER_DAYS


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class DeliveryPurpose(models.TextChoices):
    SEND = "send", _("Sent by hand")
    REMINDER = "reminder", _("Payment reminder")
    RECURRING = "recurring", _("Recurring invoice")


class EmailDelivery(WorkspaceScopedModel):
    """One email of one document, sent by the outbox handler `outreach.email`."""

    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    document_id = models.PositiveBigIntegerField()
    purpose = models.CharField(max_length=16, choices=DeliveryPurpose.choices,
                               default=DeliveryPurpose.SEND)
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=300)
    message = models.TextField(blank=True)
    language = models.CharField(max_length=2, default=Language.SPANISH)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.QUEUED)
    link_url = models.CharField(max_length=500, blank=True)  # the customer link it carries
    attachments = models.JSONField(default=list, blank=True)  # file names, once sent
    last_error = models.TextField(blank=True)
    outbox_message = models.ForeignKey("core.OutboxMessage", null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = WorkspaceQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "kind", "document_id", "-created_at"],
                                name="delivery_document")]
        verbose_name = _("email delivery")
        verbose_name_plural = _("email deliveries")

    def __str__(self) -> str:
        return f"{self.kind} {self.document_id} → {', '.join(self.to)}"


class ShareLinkQuerySet(WorkspaceQuerySet):
    def live(self, now=None) -> ShareLinkQuerySet:
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now))


class ShareLink(WorkspaceScopedModel):
    """A customer link: `/p/<token>/` shows one document without a login. The token is 256
    random bits; one live (unrevoked) link per document."""

    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    document_id = models.PositiveBigIntegerField()
    token = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    first_viewed_at = models.DateTimeField(null=True, blank=True)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["kind", "document_id"], condition=Q(revoked_at__isnull=True),
            name="share_link_one_live_per_document")]
        indexes = [models.Index(fields=["workspace", "kind", "document_id"],
                                name="share_link_document")]
        verbose_name = _("customer link")
        verbose_name_plural = _("customer links")

    def __str__(self) -> str:
        return f"{self.kind} {self.document_id}"


class ReminderSent(WorkspaceScopedModel):
    """The claim of one reminder: an invoice is reminded at most once per day offset (before
    the due date when negative), whatever number of schedulers run."""

    invoice = models.ForeignKey("invoices.Invoice", on_delete=models.CASCADE,
                                related_name="reminders")
    offset_days = models.IntegerField()
    due_date = models.DateField()
    delivery = models.ForeignKey(EmailDelivery, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = WorkspaceQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["invoice", "offset_days"],
                                               name="reminder_once_per_offset")]
        verbose_name = _("payment reminder")
        verbose_name_plural = _("payment reminders")


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    YEARLY = "yearly", _("Yearly")


class RecurringMode(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")


class RecurringInvoice(WorkspaceScopedModel):
    """A template that bills a customer every period. `periods_done` counts the periods
    invoiced; the next date is computed from the start (so a 31st stays the month's end)."""

    contact = models.ForeignKey("contacts.Contact", on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("customer"))
    document_subtype = models.ForeignKey("fiscal.DocumentSubtype", on_delete=models.PROTECT,
                                         related_name="+", verbose_name=_("series"))
    currency = models.ForeignKey("workspaces.Currency", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    items = models.JSONField(default=list)
    payment_term = models.CharField(_("payment terms"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices,
                                 default=Frequency.MONTHLY)
    interval = models.PositiveIntegerField(_("every"), default=1)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    next_date = models.DateField(_("next run"))
    periods_done = models.PositiveIntegerField(default=0)
    mode = models.CharField(_("create as"), max_length=10, choices=RecurringMode.choices,
                            default=RecurringMode.ISSUED)
    send = models.BooleanField(_("email it to the customer"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkspaceQuerySet.as_manager()

    class Meta:
        ordering = ["next_date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(interval__gte=1), name="recurring_interval_min"),
            models.CheckConstraint(condition=Q(end_date__isnull=True)
                                   | Q(end_date__gte=models.F("start_date")),
                                   name="recurring_end_after_start"),
        ]
        indexes = [models.Index(fields=["is_active", "next_date"], name="recurring_due")]
        verbose_name = _("recurring invoice")
        verbose_name_plural = _("recurring invoices")

    def __str__(self) -> str:
        return f"{self.contact} · {self.get_frequency_display()}"


class RecurringRun(WorkspaceScopedModel):
    """One period of a template, invoiced once: the unique (template, period) is the claim."""

    template = models.ForeignKey(RecurringInvoice, on_delete=models.CASCADE,
                                 related_name="runs")
    period = models.PositiveIntegerField()
    period_date = models.DateField()
    invoice = models.ForeignKey("invoices.Invoice", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = WorkspaceQuerySet.as_manager()

    class Meta:
        ordering = ["template", "period"]
        constraints = [models.UniqueConstraint(fields=["template", "period"],
                                               name="recurring_run_once_per_period")]
        verbose_name = _("recurring run")
        verbose_name_plural = _("recurring runs")
