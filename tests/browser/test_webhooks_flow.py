"""Settings → Webhooks in a real browser: an admin adds an endpoint for a receiver on
loopback, copies the secret shown once, an invoice is issued, and the endpoint's delivery log
shows the attempt; "Send again" redelivers the same event, which the receiver verifies."""

import pytest
from standardwebhooks.webhooks import Webhook

from tests.fakes.webhook_receiver import WebhookReceiver
from tests.invoices.helpers import make_invoice

pytestmark = pytest.mark.browser


def test_an_admin_adds_an_endpoint_and_reads_its_log(logged_in_page, staff, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True  # the receiver runs on loopback
    page = logged_in_page
    _user, workspace = staff
    with WebhookReceiver() as receiver:
        page.goto("/settings/")
        page.get_by_role("link", name="Webhooks").click()
        page.fill("input[name=url]", receiver.url)
        page.fill("input[name=description]", "ERP")
        for box in page.locator("input[name=events]").all():
            if box.get_attribute("value") != "invoice.issued":
                box.uncheck()
        page.locator("form.form button[type=submit]").click()
        secret = page.get_by_test_id("new-webhook-secret").inner_text()
        assert secret.startswith("whsec_")

        invoice = make_invoice(workspace)
        page.get_by_role("link", name=receiver.url).click()
        log = page.locator("#delivery-log")
        assert "invoice.issued" in log.inner_text() and "200" in log.inner_text()
        page.get_by_test_id("redeliver").click()  # "Reenviar"
        page.locator("#delivery-log").wait_for()
        assert page.locator(".attempts li").count() == 2
    assert len(receiver.received) == 2 and len(receiver.unique()) == 1
    for item in receiver.received:
        assert Webhook(secret).verify(item.body, item.headers)["data"]["id"] == invoice.pk
