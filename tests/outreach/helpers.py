"""Building blocks for outreach tests."""

from __future__ import annotations

from invoicing.core import outbox
from invoicing.core.models import OutboxMessage
from invoicing.outreach.models import EmailDelivery


def run_outbox() -> int:
    """Run every due outbox message here (what the worker does after commit)."""
    return outbox.drain()


def email_messages(delivery: EmailDelivery) -> OutboxMessage:
    return OutboxMessage.objects.get(pk=delivery.outbox_message_id)
