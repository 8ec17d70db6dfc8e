"""Issue 17 "Done when": a browser sends an invoice, the customer opens the link from the
email in a fresh browser context (no login), and the invoice page then says "Visto por el
cliente"."""

from __future__ import annotations

import re
import time

import pytest

from tests.browser.conftest import is_csp_violation
from tests.factories import ContactFactory
from tests.fakes.smtp import smtp_server  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def _wait_for(condition, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_send_open_as_the_customer_and_see_it_viewed(logged_in_page, staff, browser,
                                                     live_server, smtp_server):  # noqa: F811
    page = logged_in_page
    _user, workspace = staff
    from tests.invoices.helpers import make_invoice

    contact = ContactFactory(workspace=workspace, name="Ferretería Ochoa SRL",
                             email="compras@ochoa.do")
    invoice = make_invoice(workspace, contact=contact)

    page.goto(f"/invoices/{invoice.pk}/")
    assert page.locator("#id_to").input_value() == "compras@ochoa.do"
    page.fill("#id_cc", "contabilidad@ochoa.do")
    page.fill("#id_message", "Gracias por su compra.")
    page.get_by_test_id("send-button").click()
    page.wait_for_load_state()
    assert _wait_for(lambda: smtp_server.received), "the email never reached the SMTP server"
    received = smtp_server.received[0]
    assert sorted(received.recipients) == ["compras@ochoa.do", "contabilidad@ochoa.do"]
    body = received.message.get_body(("plain",)).get_content()
    link = re.search(r"https?://\S+/p/[A-Za-z0-9_-]+/", body).group(0)

    page.reload()
    assert page.get_by_test_id("not-viewed").count() == 1
    assert page.locator("[data-testid=delivery-sent]").count() == 1

    customer = browser.new_context(locale="es-DO")  # no cookies, no session
    violations = []
    try:
        visit = customer.new_page()
        visit.on("console", lambda m: is_csp_violation(m.text) and violations.append(m.text))
        visit.goto(link)
        assert visit.get_by_test_id("document-number").inner_text() == invoice.document_number
        assert "Ferretería Ochoa SRL" in visit.get_by_test_id("buyer").inner_text()
        assert visit.locator("nav.mainnav").count() == 0
        with visit.expect_download() as download:
            visit.get_by_test_id("public-download").click()
        assert download.value.suggested_filename == f"{invoice.document_number}.pdf"
    finally:
        customer.close()
    assert not violations, violations

    page.reload()
    viewed = page.get_by_test_id("viewed-by-customer")
    assert "visto por el cliente" in viewed.inner_text().lower()
