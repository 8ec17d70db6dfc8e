"""Through a real Celery worker on Redis and PostgreSQL: the event goes out after the commit,
a failing receiver is retried through the broker's countdowns (no sweep needed) with growing
delays, and the receiver ends up with the event once after deduplication."""

from __future__ import annotations

import pytest
from standardwebhooks.webhooks import Webhook

from invoicing.webhooks import services
from invoicing.webhooks.models import WebhookDelivery
from tests.fakes.webhook_receiver import WebhookReceiver
from tests.integration.test_celery_worker import wait_for, worker  # noqa: F401
from tests.invoices.helpers import make_invoice

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_worker_delivers_and_retries_through_the_broker(workspace, worker,  # noqa: F811
                                                           settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True  # the receiver runs on loopback
    settings.WEBHOOKS_RETRY_DELAYS = [0.3, 0.6, 1.2]
    with WebhookReceiver([503, 500, 204]) as receiver:
        endpoint = services.webhook_create(workspace=workspace, actor=None, url=receiver.url,
                                           events=["invoice.issued"])
        invoice = make_invoice(workspace)
        assert wait_for(lambda: WebhookDelivery.objects.filter(status="succeeded").exists(),
                        timeout=30)
    assert len(receiver.received) == 3
    (only,) = receiver.unique().values()
    body = Webhook(endpoint.secret).verify(only.body, only.headers)
    assert body["data"]["id"] == invoice.pk
    first, second, third = (item.at for item in receiver.received)
    assert second - first >= 0.3 and third - second >= 0.6
