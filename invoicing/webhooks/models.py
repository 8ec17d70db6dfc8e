"""Webhook endpoints, the events they are sent, and every attempt (API.md "Webhooks")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EVENT_TYPES = (
    "invoice.issued", "invoice.updated", "invoice.paid", "invoice.cancelled",
    "payment.created", "payment.deleted", "credit_note.issued", "debit_note.issued",
    "ecf.accepted", "ecf.rejected", "quotation.converted",
)


class WebhookEndpoint(models.Model):
    """A URL of an integrator's that receives the workspace's events. Its signing secret is
    stored encrypted (`secrets.py`) and shown once, at creation."""

    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE,
                                  related_name="webhook_endpoints", editable=False)
    url = models.CharField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list)
    secret_encrypted = models.TextField(editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    # Set on the first failed attempt after a success; a day of failures disables it.
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    disabled_reason = models.CharField(_("disabled because"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["workspace", "is_active"], name="webhook_endpoint_ws")]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url


class WebhookEvent(models.Model):
    """One event as it is delivered: `body` is the exact bytes every attempt signs and sends,
    so a retry sends the object as it was when the event happened."""

    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE,
                                  related_name="+", editable=False)
    event_id = models.CharField(_("event id"), max_length=40, unique=True)
    type = models.CharField(_("type"), max_length=40)
    body = models.TextField(_("body"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    """One event for one endpoint: attempted until a 2xx answer or for the retry window."""

    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE,
                                  related_name="+", editable=False)
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE,
                                 related_name="deliveries")
    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(_("status"), max_length=12, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempt_count = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["endpoint", "event"],
                                               name="webhook_delivery_once")]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint}"


class WebhookAttempt(models.Model):
    """One POST (or one refusal to make it): kept for the delivery log."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE,
                                 related_name="attempts")
    number = models.PositiveIntegerField(_("number"))
    manual = models.BooleanField(_("redelivered by hand"), default=False)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    status_code = models.PositiveSmallIntegerField(_("answer code"), null=True, blank=True)
    succeeded = models.BooleanField(_("succeeded"), default=False)
    error = models.CharField(_("error"), max_length=500, blank=True)
    response_body = models.TextField(_("answer (start)"), blank=True)

    class Meta:
        ordering = ["number", "id"]
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")

    def __str__(self) -> str:
        return f"#{self.number} {self.status_code or self.error}"
