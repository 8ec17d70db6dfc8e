"""Each integration test starts with an empty queue and leaves one: the sweeps these tests run
publish pending messages again on purpose (at least once), and duplicates left in the broker
would keep the next test's worker busy with messages of a database that no longer exists."""

from __future__ import annotations

import pytest
from django.conf import settings

from invoicing.celery import app as celery_app


def _purge_own_queue() -> None:
    if not settings.REDIS_URL:
        return
    with celery_app.connection_for_write() as connection:
        connection.default_channel.queue_purge(celery_app.conf.task_default_queue)


@pytest.fixture(autouse=True)
def _empty_queue():
    _purge_own_queue()
    yield
    _purge_own_queue()
