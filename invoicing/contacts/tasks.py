"""Celery adapters for contacts. `contacts.rnc_refresh` runs weekly from beat when the
deployment sets `DGII_RNC_URL` (settings.CELERY_BEAT_SCHEDULE). It is an upsert of the whole
registry in one transaction, so a repeated run only writes the same rows again."""

from __future__ import annotations

import requests
from celery import shared_task


@shared_task(name="contacts.rnc_refresh", acks_late=True, reject_on_worker_lost=True,
             ignore_result=True, autoretry_for=(requests.RequestException,),
             retry_backoff=900, max_retries=3)
def rnc_refresh(url: str | None = None) -> dict | None:
    from django.conf import settings

    from .services import rnc_registry_refresh

    url = url or settings.DGII_RNC_URL
    if not url:
        return None
    return rnc_registry_refresh(url=url).counts
