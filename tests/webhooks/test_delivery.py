"""Deliveries to a receiver on loopback started by the test: each event arrives (at least
once; the receiver dedupes by `webhook-id`) signed so that the Standard Webhooks reference
library verifies it; a failing receiver gets retries with growing delays, each in the log; a
rolled-back change sends nothing; redelivery sends the same event again."""

from __future__ import annotations

import json
import time

import pytest
from django.core import mail
from django.db import transaction
from standardwebhooks.webhooks import Webhook

from invoicing.core import outbox
from invoicing.core.models import OutboxMessage
from invoicing.invoices import payments, services
from invoicing.quotations import conversion
from invoicing.webhooks import services as webhook_services
from invoicing.webhooks.models import EVENT_TYPES, WebhookDelivery, WebhookEvent
from tests.fakes.webhook_receiver import WebhookReceiver
from tests.invoices.helpers import make_invoice, plain_subtype
from tests.quotations.helpers import make_quotation

pytestmark = pytest.mark.django_db(transaction=True)


def subscribe(workspace, url, events=EVENT_TYPES):
    return webhook_services.webhook_create(workspace=workspace, actor=None, url=url,
                                           events=list(events))


def verified(endpoint, item) -> dict:
    """The body, once the reference library has checked its signature and timestamp."""
    return Webhook(endpoint.secret).verify(item.body, item.headers)


def settle(until, timeout=15.0):
    """Run due outbox messages (the sweep's job) until `until()` holds."""
    deadline = time.monotonic() + timeout
    while not until():
        assert time.monotonic() < deadline, "timed out"
        outbox.drain()
        time.sleep(0.05)


def test_each_event_arrives_signed_and_verifiable(workspace, receiver, owner):
    endpoint = subscribe(workspace, receiver.url)
    invoice = make_invoice(workspace)
    services.invoice_update(invoice=invoice, actor=owner, notes="Entregar en obra")
    services.invoice_update(invoice=invoice, actor=owner, notes="Entregar en obra")  # no change
    first = payments.payment_record(invoice=invoice, actor=owner, amount="100.00")
    payments.payment_record(invoice=invoice, actor=owner, amount=invoice.total_amount - 100)
    other = make_invoice(workspace)
    payments.payment_delete(payment=payments.payment_record(invoice=other, actor=owner,
                                                            amount="5.00"), actor=owner)
    services.invoice_cancel(invoice=other, actor=owner, reason_code="04", reason="Error")
    draft = make_invoice(workspace, draft=True)
    draft = services.invoice_issue(invoice=draft, actor=owner)
    quotation = make_quotation(workspace, status="accepted")
    conversion.quotation_convert(quotation=quotation, actor=owner,
                                 document_subtype_id=plain_subtype(workspace).pk)
    settle(lambda: not WebhookDelivery.objects.filter(status="pending").exists())

    bodies = {event_id: verified(endpoint, item) for event_id, item in receiver.unique().items()}
    types = [body["type"] for body in bodies.values()]
    assert sorted(types) == sorted(
        ["invoice.issued"] * 4 + ["invoice.updated", "payment.created", "payment.created",
                                  "invoice.paid", "payment.created", "payment.deleted",
                                  "invoice.cancelled", "quotation.converted"])
    by_type = {}
    for body in bodies.values():
        by_type.setdefault(body["type"], []).append(body["data"])
    assert by_type["invoice.updated"][0]["notes"] == "Entregar en obra"
    assert by_type["invoice.paid"][0]["status"] == "paid"
    assert by_type["invoice.paid"][0]["object"] == "invoice"
    assert by_type["invoice.cancelled"][0]["cancellation"]["reason_code"] == "04"
    assert {p["id"] for p in by_type["payment.created"]} >= {first.pk}
    assert by_type["payment.deleted"][0]["object"] == "payment"
    converted = by_type["quotation.converted"][0]
    assert converted["object"] == "quotation" and converted["status"] == "invoiced"
    assert converted["invoice_id"] and converted["invoice_number"].startswith("INV-")
    issued = {data["document_number"] for data in by_type["invoice.issued"]}
    from_quotation = next(d for d in by_type["invoice.issued"]
                          if d["id"] == converted["invoice_id"])
    assert from_quotation["quotation_id"] == quotation.pk  # as the API answers it
    assert [d["quotation_id"] for d in by_type["invoice.issued"]].count(None) == 3
    assert draft.document_number in issued and invoice.document_number in issued
    # The body is the object as the API answered it when the event happened.
    assert by_type["invoice.issued"][0]["status"] == "pending_payment"
    item = next(iter(receiver.unique().values()))
    assert item.headers["webhook-id"].startswith("msg_")
    assert item.headers["content-type"] == "application/json"
    assert abs(int(item.headers["webhook-timestamp"]) - time.time()) < 60


def test_a_workspace_without_endpoints_records_nothing(workspace, other_workspace, receiver):
    subscribe(other_workspace, receiver.url)
    make_invoice(workspace)
    assert not OutboxMessage.objects.filter(topic__startswith="webhooks.").exists()
    assert receiver.received == []


def test_only_the_subscribed_events_are_sent(workspace, receiver, owner):
    endpoint = subscribe(workspace, receiver.url, events=["invoice.cancelled"])
    invoice = make_invoice(workspace)
    services.invoice_cancel(invoice=invoice, actor=owner, reason_code="01")
    settle(lambda: len(receiver.received) >= 1)
    assert [verified(endpoint, r)["type"] for r in receiver.received] == ["invoice.cancelled"]


def test_a_change_that_rolls_back_sends_nothing(workspace, receiver, owner):
    subscribe(workspace, receiver.url)
    with pytest.raises(RuntimeError), transaction.atomic():
        make_invoice(workspace)
        raise RuntimeError("the caller's transaction fails after the issue")
    outbox.drain()
    assert receiver.received == []
    assert not WebhookEvent.objects.exists()
    assert not OutboxMessage.objects.filter(topic__startswith="webhooks.").exists()


def test_a_failing_receiver_gets_retries_with_growing_delays_in_the_log(workspace, api):
    with WebhookReceiver([500, 503, 500, 200]) as failing:
        endpoint = subscribe(workspace, failing.url, events=["invoice.issued"])
        make_invoice(workspace)
        delivery = WebhookDelivery.objects.get()
        settle(lambda: WebhookDelivery.objects.get().status == "succeeded")
    assert len(failing.received) == 4
    assert len(failing.unique()) == 1  # one event, delivered at least once
    for item in failing.received:
        verified(endpoint, item)
    # Each retry waited at least its delay, and the delays scheduled grow.
    gaps = [b.at - a.at for a, b in zip(failing.received, failing.received[1:], strict=False)]
    assert gaps[0] >= 0.3 and gaps[1] >= 0.6 and gaps[2] >= 1.2
    scheduled = [round((m.available_at - m.created_at).total_seconds(), 1) for m in
                 OutboxMessage.objects.filter(topic="webhooks.deliver").order_by("id")]
    assert scheduled == [0.0, 0.3, 0.6, 1.2]

    log = api.get(f"/api/v1/webhooks/{endpoint.pk}/deliveries").json()
    assert log["count"] == 1
    row = log["results"][0]
    assert row["id"] == delivery.pk and row["status"] == "succeeded"
    assert row["event_id"] == failing.received[0].headers["webhook-id"]
    assert [a["status_code"] for a in row["attempts"]] == [500, 503, 500, 200]
    assert [a["succeeded"] for a in row["attempts"]] == [False, False, False, True]
    assert all(a["duration_ms"] >= 0 and a["started_at"] for a in row["attempts"])
    assert row["attempts"][0]["response_body"] == "receiver says no"
    assert row["payload"]["type"] == "invoice.issued"


def test_retries_stop_after_the_window_and_a_day_of_failures_disables_the_endpoint(
        workspace, settings):
    settings.WEBHOOKS_RETRY_WINDOW = 2
    settings.WEBHOOKS_DISABLE_AFTER = 0.5
    with WebhookReceiver([500]) as failing:
        endpoint = subscribe(workspace, failing.url, events=["invoice.issued"])
        make_invoice(workspace)
        settle(lambda: WebhookDelivery.objects.get().status == "failed")
    endpoint.refresh_from_db()
    assert 2 <= len(failing.received) <= 5
    assert not endpoint.is_active and endpoint.disabled_reason == "failing"
    assert [m.to for m in mail.outbox] == [[workspace.memberships.get().user.email]]
    assert endpoint.url in mail.outbox[0].body
    # Disabled: later events are not sent to it.
    make_invoice(workspace)
    outbox.drain()
    assert WebhookDelivery.objects.count() == 1


def test_redelivery_sends_the_same_event_again(workspace, receiver, api):
    endpoint = subscribe(workspace, receiver.url, events=["invoice.issued"])
    make_invoice(workspace)
    settle(lambda: len(receiver.received) == 1)
    delivery = WebhookDelivery.objects.get()
    response = api.post(f"/api/v1/webhooks/{endpoint.pk}/deliveries/{delivery.pk}/retry")
    assert response.status_code == 202, response.content
    settle(lambda: len(receiver.received) == 2)
    first, again = receiver.received
    assert first.headers["webhook-id"] == again.headers["webhook-id"]
    assert verified(endpoint, first) == verified(endpoint, again)
    attempts = api.get(f"/api/v1/webhooks/{endpoint.pk}/deliveries").json()[
        "results"][0]["attempts"]
    assert [(a["number"], a["manual"], a["status_code"]) for a in attempts] == [
        (1, False, 200), (2, True, 200)]
    # Another endpoint's delivery id is not found under this endpoint.
    other = subscribe(workspace, receiver.url + "/b", events=["invoice.paid"])
    assert api.post(f"/api/v1/webhooks/{other.pk}/deliveries/{delivery.pk}/retry"
                    ).status_code == 404


def test_a_disabled_endpoint_is_not_redelivered_to(workspace, receiver, api):
    endpoint = subscribe(workspace, receiver.url, events=["invoice.issued"])
    make_invoice(workspace)
    settle(lambda: len(receiver.received) == 1)
    delivery = WebhookDelivery.objects.get()
    api.patch(f"/api/v1/webhooks/{endpoint.pk}", {"is_active": False}, format="json")
    response = api.post(f"/api/v1/webhooks/{endpoint.pk}/deliveries/{delivery.pk}/retry")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "endpoint_disabled"


def test_the_body_is_the_same_bytes_on_every_attempt(workspace):
    with WebhookReceiver([500, 200]) as flaky:
        endpoint = subscribe(workspace, flaky.url, events=["invoice.issued"])
        make_invoice(workspace)
        settle(lambda: len(flaky.received) == 2)
    first, second = flaky.received
    assert first.body == second.body
    assert first.headers["webhook-signature"] != second.headers["webhook-signature"] or \
        first.headers["webhook-timestamp"] == second.headers["webhook-timestamp"]
    body = json.loads(first.body)
    assert set(body) == {"type", "timestamp", "data"}
    verified(endpoint, second)
