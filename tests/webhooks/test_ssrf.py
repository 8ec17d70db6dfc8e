"""Deliveries never reach what an attacker could aim them at: only http(s); no loopback or
private address unless the deployment allows it; never link-local (cloud metadata),
multicast or unspecified addresses; no redirects followed; the address that was checked is
the one connected to."""

from __future__ import annotations

import pytest

from invoicing.webhooks import services, transport
from invoicing.webhooks.models import WebhookAttempt, WebhookDelivery
from tests.fakes.webhook_receiver import WebhookReceiver
from tests.invoices.helpers import make_invoice

REFUSED_URLS = [
    "http://127.0.0.1:8000/hooks", "http://localhost/hooks", "http://app.localhost/x",
    "http://[::1]/hooks", "http://10.0.0.7/hooks", "http://172.16.5.4/hooks",
    "http://192.168.1.10/hooks", "http://100.64.0.1/hooks", "http://[fd00::1]/hooks",
    "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/hooks",
    "http://0.0.0.0/hooks", "http://224.0.0.1/hooks", "http://[::ffff:127.0.0.1]/hooks",
    "ftp://files.example.com/hooks", "file:///etc/passwd", "gopher://example.com/",
    "https://user:secret@example.com/hooks", "http:///nohost",
]


@pytest.fixture
def private_refused(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_endpoints_on_loopback_private_link_local_or_odd_schemes_are_400(url, api,
                                                                         private_refused):
    response = api.post("/api/v1/webhooks", {"url": url, "events": ["invoice.issued"]},
                        format="json")
    assert response.status_code == 400, (url, response.content)
    assert "url" in response.json()["error"]["fields"]


def test_public_urls_are_accepted(api, private_refused):
    response = api.post("/api/v1/webhooks", {"url": "https://erp.example.com/hooks?src=fact",
                                             "events": ["invoice.issued"]}, format="json")
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("address", ["169.254.169.254", "fe80::1", "0.0.0.0", "224.0.0.1",
                                     "::", "240.0.0.1"])
def test_link_local_and_non_unicast_addresses_are_refused_even_when_private_is_allowed(
        address):
    assert transport.address_refusal(address, allow_private=True)


@pytest.mark.parametrize("address, allowed", [
    ("127.0.0.1", False), ("10.1.2.3", False), ("192.168.0.1", False), ("172.31.0.1", False),
    ("100.100.0.1", False), ("fc00::5", False), ("::ffff:10.0.0.1", False), ("::1", False),
    ("93.184.215.14", True), ("2606:4700::1111", True), ("8.8.8.8", True),
])
def test_address_rules(address, allowed):
    assert (transport.address_refusal(address, allow_private=False) is None) is allowed


def test_a_name_is_refused_by_the_address_it_resolves_to(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    with pytest.raises(transport.Refused, match="loopback"):
        transport.resolve("localhost", 80)


@pytest.mark.django_db(transaction=True)
def test_a_delivery_to_an_address_that_became_refused_is_not_sent(workspace, settings):
    with WebhookReceiver() as receiver:
        services.webhook_create(workspace=workspace, actor=None, url=receiver.url,
                                events=["invoice.issued"])
        settings.WEBHOOKS_ALLOW_PRIVATE = False  # the deployment no longer allows it
        make_invoice(workspace)
    assert receiver.received == []
    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code is None and not attempt.succeeded
    assert "loopback" in attempt.error
    assert WebhookDelivery.objects.get().status == "pending"  # retried later, refused again


@pytest.mark.django_db(transaction=True)
def test_redirects_are_not_followed(workspace):
    with WebhookReceiver() as target, \
            WebhookReceiver(redirect_to=target.url) as redirecting:
        services.webhook_create(workspace=workspace, actor=None, url=redirecting.url,
                                events=["invoice.issued"])
        make_invoice(workspace)
        assert len(redirecting.received) == 1
    assert target.received == []
    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code == 302 and not attempt.succeeded
    assert target.url in attempt.error


@pytest.mark.django_db(transaction=True)
def test_the_checked_address_is_connected_to_with_the_name_as_host(workspace):
    with WebhookReceiver() as receiver:
        url = f"http://localhost:{receiver.port}/hooks"
        services.webhook_create(workspace=workspace, actor=None, url=url,
                                events=["invoice.issued"])
        make_invoice(workspace)
    (item,) = receiver.received
    assert item.peer == "127.0.0.1"
    assert item.headers["host"] == f"localhost:{receiver.port}"
    assert item.path == "/hooks"


@pytest.mark.django_db(transaction=True)
def test_a_receiver_that_does_not_answer_in_time_is_a_failed_attempt(workspace, settings):
    settings.WEBHOOKS_TIMEOUT = 1
    with WebhookReceiver(delay=2.5) as slow:
        services.webhook_create(workspace=workspace, actor=None, url=slow.url,
                                events=["invoice.issued"])
        make_invoice(workspace)
    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code is None and not attempt.succeeded
    assert "timed out" in attempt.error.lower() or "timeout" in attempt.error.lower()
    assert attempt.duration_ms < 2400
