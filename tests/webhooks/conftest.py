from __future__ import annotations

import pytest

from tests.fakes.webhook_receiver import WebhookReceiver


@pytest.fixture(autouse=True)
def _loopback_receivers_allowed(settings):
    """The receivers of these tests run on loopback: the deployment switch that allows
    private addresses is on here (the SSRF tests turn it off)."""
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.WEBHOOKS_RETRY_DELAYS = [0.3, 0.6, 1.2]
    settings.WEBHOOKS_RETRY_WINDOW = 60
    settings.WEBHOOKS_TIMEOUT = 3


@pytest.fixture
def receiver():
    with WebhookReceiver() as running:
        yield running
