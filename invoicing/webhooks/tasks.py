"""Outbox handlers of the webhooks app (registered when the app is ready)."""

from __future__ import annotations

from celery import shared_task
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from invoicing.core import outbox

from . import delivery


@outbox.handler("webhooks.fan_out")
def _fan_out(message) -> None:
    delivery.fan_out(message.payload, message.workspace_id)


@outbox.handler("webhooks.deliver", max_attempts=3)
def _deliver(message) -> None:
    delivery.attempt(message.payload["delivery_id"],
                     manual=bool(message.payload.get("manual")))


@outbox.handler("webhooks.disabled_mail")
def _disabled_mail(message) -> None:
    """Tell the workspace's admins that an endpoint was disabled after a day of failures."""
    from workspaces.models import Membership
    from workspaces.roles import Role

    from .models import WebhookEndpoint

    endpoint = (WebhookEndpoint.objects.select_related("workspace")
                .filter(pk=message.payload["endpoint_id"]).first())
    if endpoint is None:
        return
    emails = sorted(set(Membership.objects.active().filter(
        workspace_id=endpoint.workspace_id, role__in=(Role.ADMIN, Role.OWNER))
        .exclude(user__email="").values_list("user__email", flat=True)))
    if not emails:
        return
    with translation.override("es"):
        subject = _("Webhook disabled: %(url)s") % {"url": endpoint.url[:80]}
        body = _("The webhook endpoint %(url)s of %(workspace)s failed every delivery for a "
                 "day, so it was disabled. Fix the receiver, then enable it again under "
                 "Settings → Webhooks; failed deliveries can be sent again from its log.") \
            % {"url": endpoint.url, "workspace": endpoint.workspace.name}
    send_mail(subject, body, None, emails)


@shared_task(name="webhooks.prune", acks_late=True, ignore_result=True)
def prune() -> int:
    """Forget events (their deliveries and attempts with them) older than the log's span."""
    return delivery.prune_log()
