"""Driving the e-CF sender in-process against the fake DGII (the outbox drained by hand)."""

from __future__ import annotations

import time

from invoicing.core import outbox
from invoicing.core.models import OutboxMessage
from invoicing.ecf.models import EcfRecord

TOPICS = {"ecf.send", "ecf.poll", "ecf.resume", "ecf.void", "ecf.void_range"}


def settle(timeout: float = 20.0) -> None:
    """Run the e-CF messages (and the ones they queue) until none is left pending."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        outbox.drain(topics=TOPICS)
        if not OutboxMessage.objects.filter(topic__in=TOPICS, done_at__isnull=True,
                                            failed_at__isnull=True).exists():
            return
        time.sleep(0.05)
    raise AssertionError("e-CF messages still pending: " + repr(list(
        OutboxMessage.objects.filter(topic__in=TOPICS, done_at__isnull=True)
        .values("topic", "attempts", "last_error"))))


def record_of(invoice_id: int) -> EcfRecord:
    return EcfRecord.objects.get(document_kind="invoice", document_id=invoice_id)
