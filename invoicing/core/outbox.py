"""The transactional outbox: one mechanism for every side effect.

A service calls `enqueue(topic, payload)` inside its transaction; the row commits (or rolls
back) with the change. After commit the row is published to Celery (`outbox.deliver`), and a
periodic `sweep` republishes whatever is still pending, so a lost message, a broker outage or
a worker killed mid-task costs a delay, never an effect. A committed write never fails
because the broker is down: publishing errors are logged and left to the sweep.

Handlers are registered per topic by the app that owns the effect (`@handler("stock.sync")`
in its `tasks.py`, imported by its AppConfig). `process` runs a handler in the transaction
that marks the message done, holding the message row (`SELECT … FOR UPDATE SKIP LOCKED`):
two deliveries of one message never run it at the same time, and a handler whose effect is
only database rows happens exactly once. Effects outside the database (an email, an HTTP
call) are at least once; their handlers dedupe by their own keys where the receiver allows.
A handler asks for a later attempt by raising `RetryLater`; any other exception is retried
with a growing delay up to its `max_attempts`, then the message is given up (`failed_at`)
and its `on_give_up` hook runs.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage

log = logging.getLogger(__name__)


class RetryLater(Exception):
    """Raised by a handler: not done yet, try again after `delay` seconds."""

    def __init__(self, delay: float, reason: str = ""):
        super().__init__(reason or f"retry in {delay}s")
        self.delay = delay
        self.reason = reason


@dataclass(frozen=True)
class Handler:
    topic: str
    run: Callable[[OutboxMessage], Any]
    max_attempts: int
    on_give_up: Callable[[OutboxMessage], Any] | None


HANDLERS: dict[str, Handler] = {}


def handler(topic: str, *, max_attempts: int = 8,
            on_give_up: Callable[[OutboxMessage], Any] | None = None):
    """Register the function that performs `topic`'s effect for one message."""
    def register(function: Callable[[OutboxMessage], Any]):
        HANDLERS[topic] = Handler(topic, function, max_attempts, on_give_up)
        return function
    return register


def enqueue(topic: str, payload: dict | None = None, *, workspace_id: int | None = None,
            delay: float = 0) -> OutboxMessage:
    """Record a side effect in the caller's transaction; it is published once that commits."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox.enqueue must run inside the transaction of the change")
    now = timezone.now()
    message = OutboxMessage.objects.create(
        workspace_id=workspace_id, topic=topic, payload=payload or {},
        available_at=now + datetime.timedelta(seconds=delay), published_at=now)
    if not delay:
        message_id = message.pk
        transaction.on_commit(lambda: publish(message_id))
    return message


def publish(message_id: int, *, countdown: float | None = None) -> bool:
    """Hand one message to the broker (in eager mode: run it now). Never raises."""
    from .tasks import deliver

    try:
        deliver.apply_async((message_id,), countdown=countdown, retry=False)
        return True
    except Exception:  # the broker is down: the sweep publishes it once it is back
        log.warning("outbox: could not publish message %s; the sweep will", message_id,
                    exc_info=True)
        try:
            OutboxMessage.objects.filter(pk=message_id).update(published_at=None)
        except Exception:
            log.warning("outbox: could not mark message %s unpublished", message_id,
                        exc_info=True)
        return False


def _backoff(attempts: int) -> float:
    base = settings.OUTBOX_RETRY_BASE_SECONDS
    return min(base * 2 ** max(attempts - 1, 0), settings.OUTBOX_RETRY_MAX_SECONDS)


def process(message_id: int) -> bool:
    """Run one message's handler if it is due and nobody else is running it. True once done."""
    now = timezone.now()
    retry_in: float | None = None
    with transaction.atomic():
        message = (OutboxMessage.objects.select_for_update(skip_locked=True)
                   .filter(pk=message_id, done_at__isnull=True, failed_at__isnull=True,
                           available_at__lte=now).first())
        if message is None:
            return False
        registered = HANDLERS.get(message.topic)
        message.attempts += 1
        try:
            if registered is None:
                raise LookupError(f"no outbox handler for {message.topic!r}")
            with transaction.atomic():  # the handler's writes roll back alone on failure
                registered.run(message)
        except RetryLater as later:
            retry_in = later.delay
            message.available_at = now + datetime.timedelta(seconds=later.delay)
            message.published_at = None
            message.last_error = later.reason[:2000]
            message.save(update_fields=["attempts", "available_at", "published_at",
                                        "last_error"])
        except Exception as exc:
            log.warning("outbox: %s #%s failed (attempt %s)", message.topic, message.pk,
                        message.attempts, exc_info=True)
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            limit = registered.max_attempts if registered else 1
            if message.attempts >= limit:
                message.failed_at = now
                if registered and registered.on_give_up:
                    try:
                        with transaction.atomic():
                            registered.on_give_up(message)
                    except Exception:
                        log.exception("outbox: give-up hook of %s #%s failed",
                                      message.topic, message.pk)
            else:
                retry_in = _backoff(message.attempts)
                message.available_at = now + datetime.timedelta(seconds=retry_in)
                message.published_at = None
            message.save(update_fields=["attempts", "available_at", "published_at",
                                        "last_error", "failed_at"])
        else:
            message.done_at = timezone.now()
            message.last_error = ""
            message.save(update_fields=["attempts", "done_at", "last_error"])
            return True
    if retry_in is not None and not _eager() and retry_in <= settings.OUTBOX_COUNTDOWN_MAX:
        # Short back-offs go to the broker with a countdown; the sweep is the safety net.
        publish(message_id, countdown=retry_in)
    return False


def _eager() -> bool:
    from invoicing.celery import app

    return bool(app.conf.task_always_eager)


def due_messages(limit: int = 500) -> list[int]:
    """Pending messages that are due and not handed to the broker recently."""
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=settings.OUTBOX_REPUBLISH_AFTER_SECONDS)
    from django.db.models import Q

    return list(OutboxMessage.objects.filter(
        done_at__isnull=True, failed_at__isnull=True, available_at__lte=now)
        .filter(Q(published_at__isnull=True) | Q(published_at__lte=stale))
        .order_by("available_at", "id").values_list("pk", flat=True)[:limit])


def sweep(limit: int = 500) -> int:
    """Republish what is due (periodic, in beat). Returns how many were handed over."""
    ids = due_messages(limit)
    if not ids:
        return 0
    OutboxMessage.objects.filter(pk__in=ids).update(published_at=timezone.now())
    return sum(publish(pk) for pk in ids)


def drain(*, topics: set[str] | None = None, limit: int = 10_000) -> int:
    """Run every due message in this process, oldest first (operators, tests, `make run`)."""
    done = 0
    for _round in range(limit):
        queryset = OutboxMessage.objects.filter(done_at__isnull=True, failed_at__isnull=True,
                                                available_at__lte=timezone.now())
        if topics:
            queryset = queryset.filter(topic__in=topics)
        ids = list(queryset.order_by("available_at", "id").values_list("pk", flat=True)[:200])
        if not ids:
            break
        progressed = False
        for pk in ids:
            if process(pk):
                done += 1
                progressed = True
        if not progressed:
            break
    return done
