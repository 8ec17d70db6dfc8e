"""Sending events: at least once, with growing delays for a day, every attempt logged.

`fan_out` (outbox `webhooks.fan_out`, after the change committed) stores the event's body
once and makes one delivery per active endpoint that subscribes to its type, each with its
own outbox message. `attempt` (outbox `webhooks.deliver`) signs and POSTs it, logs the
attempt, and on failure schedules the next one after `WEBHOOKS_RETRY_DELAYS` (the last delay
repeats) until `WEBHOOKS_RETRY_WINDOW` seconds after the event; the attempt's own row is
written whatever the answer, so the handler never fails (the outbox would roll it back).
An endpoint failing for `WEBHOOKS_DISABLE_AFTER` seconds is disabled and the workspace's
admins get an email.
"""

from __future__ import annotations

import datetime
import json

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from invoicing.core import outbox

from . import signing, transport
from .models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)


def body_bytes(event: dict) -> bytes:
    """The body as sent: `{type, timestamp, data}` (the id travels as `webhook-id`)."""
    return json.dumps({"type": event["type"], "timestamp": event["timestamp"],
                       "data": event["data"]}, ensure_ascii=False,
                      separators=(",", ":")).encode()


def _schedule(delivery_id: int, workspace_id: int, delay: float) -> None:
    message = outbox.enqueue("webhooks.deliver", {"delivery_id": delivery_id},
                             workspace_id=workspace_id, delay=delay)
    if delay <= settings.OUTBOX_COUNTDOWN_MAX and not _eager():
        # A short delay goes to the broker with a countdown; the sweep is the safety net.
        transaction.on_commit(lambda: outbox.publish(message.pk, countdown=delay))


def _eager() -> bool:
    from invoicing.celery import app

    return bool(app.conf.task_always_eager)


def fan_out(event: dict, workspace_id: int) -> int:
    """Store the event and queue a delivery to each subscribed endpoint (once per event)."""
    stored, created = WebhookEvent.objects.get_or_create(
        event_id=event["id"], defaults={"workspace_id": workspace_id, "type": event["type"],
                                        "body": body_bytes(event).decode()})
    if not created:
        return 0
    endpoints = [endpoint for endpoint in
                 WebhookEndpoint.objects.filter(workspace_id=workspace_id, is_active=True)
                 if event["type"] in (endpoint.events or ())]
    now = timezone.now()
    deliveries = WebhookDelivery.objects.bulk_create([
        WebhookDelivery(workspace_id=workspace_id, endpoint=endpoint, event=stored,
                        next_attempt_at=now) for endpoint in endpoints])
    for delivery in deliveries:
        outbox.enqueue("webhooks.deliver", {"delivery_id": delivery.pk},
                       workspace_id=workspace_id)
    return len(deliveries)


def _next_delay(attempts: int, started: datetime.datetime,
                now: datetime.datetime) -> float | None:
    """Seconds until the next automatic attempt after `attempts` failures, or None once
    the retry window is over."""
    delays = settings.WEBHOOKS_RETRY_DELAYS
    delay = float(delays[min(attempts - 1, len(delays) - 1)])
    deadline = started + datetime.timedelta(seconds=settings.WEBHOOKS_RETRY_WINDOW)
    if now >= deadline:
        return None
    return min(delay, (deadline - now).total_seconds())


def attempt(delivery_id: int, *, manual: bool = False) -> WebhookAttempt | None:
    """One attempt of a delivery (the outbox holds its message while this runs)."""
    delivery = (WebhookDelivery.objects.select_for_update(of=("self",))
                .select_related("endpoint", "event").filter(pk=delivery_id).first())
    if delivery is None:  # its endpoint was deleted
        return None
    endpoint, event = delivery.endpoint, delivery.event
    if not manual and delivery.status != DeliveryStatus.PENDING:
        return None  # already delivered or given up
    if not manual and not endpoint.is_active:  # disabled meanwhile: no more automatic tries
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        delivery.save(update_fields=["status", "next_attempt_at", "updated_at"])
        return None
    body = event.body.encode()
    headers = signing.headers(signing.decrypt(endpoint.secret_encrypted), event.event_id, body)
    started = timezone.now()
    answer = transport.post(endpoint.url, body, headers)
    delivery.attempt_count += 1
    logged = WebhookAttempt.objects.create(
        delivery=delivery, number=delivery.attempt_count, manual=manual, started_at=started,
        duration_ms=answer.duration_ms, status_code=answer.status_code,
        succeeded=answer.succeeded, error=answer.error[:500], response_body=answer.body)
    now = timezone.now()
    if answer.succeeded:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.SUCCEEDED, None
        if endpoint.failing_since is not None:
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=None)
    else:
        if manual:
            if delivery.status != DeliveryStatus.PENDING:  # no automatic attempt queued
                delivery.status = DeliveryStatus.FAILED
        else:
            delay = _next_delay(delivery.attempt_count, delivery.created_at, now)
            if delay is None:
                delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
            else:
                delivery.next_attempt_at = now + datetime.timedelta(seconds=delay)
                _schedule(delivery.pk, delivery.workspace_id, delay)
        _note_failure(endpoint, now)
    delivery.save(update_fields=["status", "attempt_count", "next_attempt_at", "updated_at"])
    return logged


def _note_failure(endpoint: WebhookEndpoint, now: datetime.datetime) -> None:
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    if endpoint.failing_since is None:
        endpoint.failing_since = now
        endpoint.save(update_fields=["failing_since"])
        return
    limit = datetime.timedelta(seconds=settings.WEBHOOKS_DISABLE_AFTER)
    if endpoint.is_active and now - endpoint.failing_since >= limit:
        endpoint.is_active = False
        endpoint.disabled_reason = "failing"
        endpoint.save(update_fields=["is_active", "disabled_reason", "updated_at"])
        outbox.enqueue("webhooks.disabled_mail", {"endpoint_id": endpoint.pk},
                       workspace_id=endpoint.workspace_id)


def prune_log() -> int:
    """Events older than `WEBHOOKS_LOG_DAYS` go, with their deliveries and attempts — but
    not one still being retried."""
    cutoff = timezone.now() - datetime.timedelta(days=settings.WEBHOOKS_LOG_DAYS)
    old = (WebhookEvent.objects.filter(created_at__lt=cutoff)
           .exclude(deliveries__status=DeliveryStatus.PENDING))
    deleted, _by_model = old.delete()
    return deleted
