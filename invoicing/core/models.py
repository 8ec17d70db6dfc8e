from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """A side effect (stock, PDF, e-CF sending, email, webhook) recorded in the transaction of
    the change that causes it, so a committed change always gets its effect and a rolled-back
    one never does. `invoicing.core.outbox` publishes it after commit and sweeps up what is
    still pending; handlers make the effect exactly once by database keys."""

    workspace = models.ForeignKey("workspaces.Workspace", null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="+")
    topic = models.CharField(_("topic"), max_length=60)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Not before this moment (a retry's back-off).
    available_at = models.DateTimeField(_("available from"), default=timezone.now)
    # Last handed to the broker; null once a publish failed, so the next sweep takes it.
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    failed_at = models.DateTimeField(_("given up"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["available_at", "id"], name="outbox_pending",
                         condition=Q(done_at__isnull=True, failed_at__isnull=True)),
            models.Index(fields=["topic", "created_at"], name="outbox_topic"),
        ]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox")

    def __str__(self) -> str:
        return f"{self.topic} #{self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.done_at is None and self.failed_at is None
