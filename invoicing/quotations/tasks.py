"""Celery adapters for quotations. `quotations.expire_due` runs hourly from beat
(settings.CELERY_BEAT_SCHEDULE); each quotation is expired under its own row lock with a
compare-and-set, so a repeated or overlapping run changes nothing twice."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="quotations.expire_due", acks_late=True, reject_on_worker_lost=True,
             ignore_result=True)
def expire_due() -> int:
    from .services import quotations_expire_due

    return quotations_expire_due()
