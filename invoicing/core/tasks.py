"""Celery adapters of the outbox: deliver one message, sweep up what is pending."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="outbox.deliver", acks_late=True, reject_on_worker_lost=True,
             ignore_result=True)
def deliver(message_id: int) -> bool:
    from .outbox import process

    return process(message_id)


@shared_task(name="outbox.sweep", acks_late=True, ignore_result=True)
def sweep() -> int:
    from .outbox import sweep as run_sweep

    return run_sweep()
