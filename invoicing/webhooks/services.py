"""Every write to webhook endpoints (admin and up, `webhook_manage`), and the event sink the
services of other apps reach through `invoicing.core.events`.

Events are recorded as one outbox row in the transaction of the change (`record_event`);
after commit `delivery.fan_out` makes the event and one delivery per subscribed endpoint,
and `delivery.attempt` sends each (see delivery.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from invoicing.core import outbox
from invoicing.core.errors import Conflict, InvalidInput
from workspaces.authorization import requires
from workspaces.models import Workspace
from workspaces.services import activity_record

from . import signing, transport
from .models import EVENT_TYPES, WebhookDelivery, WebhookEndpoint

MAX_ENDPOINTS = 20


# --- The sink (core.events) -----------------------------------------------------------------


def wanted_types(workspace_id: int, types: Iterable[str]) -> set[str]:
    """Which of `types` an active endpoint of the workspace subscribes to (one read)."""
    types = set(types)
    found: set[str] = set()
    for events in (WebhookEndpoint.objects.filter(workspace_id=workspace_id, is_active=True)
                   .values_list("events", flat=True)):
        found |= types & set(events or ())
    return found


def record_event(workspace_id: int, event: dict) -> None:
    """The event, in the change's transaction: one outbox row, no read."""
    outbox.enqueue("webhooks.fan_out", event, workspace_id=workspace_id)


# --- Endpoints ------------------------------------------------------------------------------


def _clean_url(url: Any) -> str:
    url = (url or "").strip() if isinstance(url, str) else ""
    if not url:
        raise InvalidInput(_("Enter the URL that receives the events."), field="url")
    if len(url) > 500:
        raise InvalidInput(_("Use at most 500 characters."), field="url")
    try:
        transport.check_url(url)
    except transport.Refused as refused:
        raise InvalidInput(str(refused), field="url") from None
    return url


def _clean_events(events: Any) -> list[str]:
    if not isinstance(events, list | tuple) or not events:
        raise InvalidInput(_("Choose at least one event."), field="events")
    unknown = sorted({str(e) for e in events} - set(EVENT_TYPES))
    if unknown:
        raise InvalidInput(_("Unknown events: %(events)s. Known: %(known)s.")
                           % {"events": ", ".join(unknown), "known": ", ".join(EVENT_TYPES)},
                           field="events")
    return [e for e in EVENT_TYPES if e in set(events)]


@requires("webhook_manage")
@transaction.atomic
def webhook_create(*, workspace: Workspace, actor: Any, url: str, events: list[str],
                   description: str = "", is_active: bool = True) -> WebhookEndpoint:
    """A new endpoint with a fresh secret; `endpoint.secret` holds it in clear, this once."""
    url, events = _clean_url(url), _clean_events(events)
    if WebhookEndpoint.objects.filter(workspace=workspace).count() >= MAX_ENDPOINTS:
        raise Conflict(_("A workspace has at most %(n)s webhook endpoints.")
                       % {"n": MAX_ENDPOINTS}, code="too_many_endpoints")
    secret = signing.new_secret()
    endpoint = WebhookEndpoint.objects.create(
        workspace=workspace, url=url, events=events, description=(description or "")[:200],
        is_active=bool(is_active), secret_encrypted=signing.encrypt(secret),
        created_by=actor if getattr(actor, "pk", None) else None)
    endpoint.secret = secret
    activity_record(workspace=workspace, actor=actor, verb="webhook_created", target=endpoint,
                    description=_("Webhook endpoint %(url)s") % {"url": url},
                    data={"events": events})
    return endpoint


@requires("webhook_manage")
@transaction.atomic
def webhook_update(*, endpoint: WebhookEndpoint, actor: Any, **changes: Any) -> WebhookEndpoint:
    """Change the URL, events, description or is_active; re-enabling clears the failures."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    if "url" in changes:
        endpoint.url = _clean_url(changes["url"])
    if "events" in changes:
        endpoint.events = _clean_events(changes["events"])
    if "description" in changes:
        endpoint.description = (changes["description"] or "")[:200]
    if "is_active" in changes:
        active = bool(changes["is_active"])
        if active and not endpoint.is_active:
            endpoint.failing_since, endpoint.disabled_reason = None, ""
        endpoint.is_active = active
    endpoint.save()
    activity_record(workspace=endpoint.workspace, actor=actor, verb="webhook_updated",
                    target=endpoint, description=_("Webhook endpoint %(url)s")
                    % {"url": endpoint.url}, data={"fields": sorted(changes)})
    return endpoint


@requires("webhook_manage")
@transaction.atomic
def webhook_delete(*, endpoint: WebhookEndpoint, actor: Any) -> None:
    activity_record(workspace=endpoint.workspace, actor=actor, verb="webhook_deleted",
                    target=endpoint, description=_("Webhook endpoint %(url)s")
                    % {"url": endpoint.url})
    endpoint.delete()


@requires("webhook_manage")
@transaction.atomic
def webhook_delivery_retry(*, delivery: WebhookDelivery, actor: Any) -> WebhookDelivery:
    """Send a delivery again now (same `webhook-id`, a fresh timestamp and signature),
    whatever became of it; the attempt joins its log. 409 while its endpoint is disabled."""
    delivery = (WebhookDelivery.objects.select_for_update(of=("self",))
                .select_related("endpoint__workspace", "event").get(pk=delivery.pk))
    if not delivery.endpoint.is_active:
        raise Conflict(_("This endpoint is disabled: enable it to redeliver."),
                       code="endpoint_disabled")
    outbox.enqueue("webhooks.deliver", {"delivery_id": delivery.pk, "manual": True},
                   workspace_id=delivery.workspace_id)
    activity_record(workspace=delivery.endpoint.workspace, actor=actor,
                    verb="webhook_redelivered", target=delivery.endpoint,
                    description=_("Redelivery of %(event)s") % {"event": delivery.event.event_id},
                    data={"delivery_id": delivery.pk})
    return delivery
