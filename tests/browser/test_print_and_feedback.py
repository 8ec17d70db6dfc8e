"""Print styles and progress feedback, in chromium.

Printed, the detail pages of an invoice, a quotation, a note and a contact show the document
(its number, parties, lines and totals) and none of the screen's chrome: no navigation,
buttons, forms or activity log, and nothing wider than the paper. A PDF of each print lands
in test-artifacts/print/.

Issuing, paying, cancelling and converting show progress: once pressed, the form's buttons
are disabled and the pressed one says what it is doing ("Emitiendo…"), from static/js/app.js
under the Content-Security-Policy (the page fixture fails on any violation)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_every_page import OVERFLOW

pytestmark = pytest.mark.browser

HIDDEN_WHEN_PRINTED = [".topbar", ".actions", ".crumbs", "form", "button", ".activity"]
# A4 less the 1.5 cm margins, in CSS pixels.
PAPER_WIDTH = 680

STATE = """(selectors) => {
  const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility
    !== "hidden";
  const visible = selectors.filter((s) => [...document.querySelectorAll(s)].some(shown));
  return {visible: visible, width: document.scrollingElement.scrollWidth,
          window: window.innerWidth, text: document.body.innerText};
}"""


def _documents(workspace, user):
    from invoicing.invoices import payments
    from invoicing.quotations import services as quotations
    from tests.invoices.helpers import customer, make_invoice, tax
    from tests.notes.makers import make_credit_note

    buyer = customer(workspace, name="Hotel Playa Dorada Resort")
    items = [{"description": f"Habitación doble, noche {n}", "quantity": "2",
              "unit_price": "4500.00", "tax_ids": [tax(workspace, "ITBIS 18%").pk]}
             for n in range(1, 8)]
    invoice = make_invoice(workspace, actor=user, contact=buyer, items=items,
                           notes="Reserva 4471. Pago por transferencia.")
    payments.payment_record(invoice=invoice, actor=user, amount=Decimal("10000.00"))
    quotation = quotations.quotation_create(workspace=workspace, actor=user,
                                            contact_id=buyer.pk, items=items)
    note = make_credit_note(workspace)
    return {"invoice": (f"/invoices/{invoice.pk}/", invoice.document_number),
            "quotation": (f"/quotations/{quotation.pk}/", quotation.document_number),
            "note": (f"/notes/{note.pk}/", note.document_number),
            "contact": (f"/contacts/{buyer.pk}/", buyer.name)}


def test_detail_pages_print_the_document_without_the_screen_chrome(logged_in_page, staff):
    page = logged_in_page
    user, workspace = staff
    folder = ARTIFACTS / "print"
    folder.mkdir(parents=True, exist_ok=True)
    for name, (url, title) in _documents(workspace, user).items():
        page.goto(url)
        screen = page.evaluate(STATE, HIDDEN_WHEN_PRINTED)
        assert ".topbar" in screen["visible"] and ".actions" in screen["visible"], name
        page.emulate_media(media="print")
        page.set_viewport_size({"width": PAPER_WIDTH, "height": 960})
        printed = page.evaluate(STATE, HIDDEN_WHEN_PRINTED)
        assert printed["visible"] == [], (name, printed["visible"])
        assert printed["width"] <= printed["window"], (name, page.evaluate(OVERFLOW))
        assert title in printed["text"], name
        if name in ("invoice", "quotation", "note"):
            assert page.locator("[data-testid=total]").first.is_visible(), name
            assert "Habitación doble, noche 7" in printed["text"] or name == "note"
        if name == "invoice":
            assert "Hotel Playa Dorada Resort" in printed["text"]
            assert "Cerrar sesión" not in printed["text"]
        page.pdf(path=str(folder / f"{name}.pdf"), format="A4")
        page.emulate_media(media="screen")
        page.set_viewport_size({"width": 1280, "height": 900})


HOLD_SUBMIT = """() => {
  // Registered on window, so static/js/app.js (on document) has already run: the form
  // stays on the page to be looked at instead of leaving it.
  window.addEventListener("submit", (event) => event.preventDefault(), {once: true});
}"""
BUTTON = """(selector) => { const b = document.querySelector(selector);
  return {text: b.textContent.trim(), disabled: b.disabled,
          busy: b.classList.contains("is-busy")}; }"""


def _pressed(page, selector: str) -> dict:
    page.evaluate(HOLD_SUBMIT)
    page.click(selector)
    page.wait_for_function(f"() => document.querySelector('{selector}').disabled")
    return page.evaluate(BUTTON, selector)


def test_issuing_paying_cancelling_and_converting_show_progress(logged_in_page, staff):
    from invoicing.quotations import services as quotations
    from tests.invoices.helpers import customer, make_invoice

    page = logged_in_page
    user, workspace = staff
    page.on("dialog", lambda dialog: dialog.accept())  # "Cancel this invoice?"
    draft = make_invoice(workspace, actor=user, draft=True)
    page.goto(f"/invoices/{draft.pk}/")
    assert _pressed(page, "[data-testid=issue]") == {"text": "Emitiendo…", "disabled": True,
                                                      "busy": True}
    # Back from another page (or the held submit released): the button is usable again.
    page.goto(f"/invoices/{draft.pk}/")
    page.click("[data-testid=issue]")
    page.wait_for_selector("text=Factura emitida")
    assert page.locator("[data-testid=status]").inner_text() != "Borrador"

    issued = make_invoice(workspace, actor=user)
    page.goto(f"/invoices/{issued.pk}/")
    assert _pressed(page, "[data-testid=record-payment]")["text"] == "Registrando el pago…"
    page.goto(f"/invoices/{issued.pk}/")
    page.click("details:has(select[name=reason_code]) > summary")  # the cancel form is folded
    page.select_option("select[name=reason_code]", "04")
    assert _pressed(page, "[data-testid=cancel-invoice]")["text"] == "Anulando…"

    accepted = quotations.quotation_create(
        workspace=workspace, actor=user, contact_id=customer(workspace).pk,
        items=[{"description": "Instalación", "quantity": "1", "unit_price": "500"}])
    quotations.quotation_send(quotation=accepted, actor=user)
    quotations.quotation_accept(quotation=accepted, actor=user)
    page.goto(f"/quotations/{accepted.pk}/")
    assert _pressed(page, "[data-testid=convert]")["text"] == "Convirtiendo…"
