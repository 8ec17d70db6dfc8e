"""The invoice form on a 390 px phone, completed with the keyboard alone: Tab to the first
field, arrows to choose, Enter from field to field (never submitting), Space for a tax,
Enter on "Agregar línea" for a second line (which takes the focus), Tab to "Emitir factura"
and Enter. The series follows the buyer (B01 for one with an RNC)."""

from __future__ import annotations

import datetime

import pytest

from tests.factories import ContactFactory

pytestmark = pytest.mark.browser

FOCUSED = "() => { const el = document.activeElement; return el ? (el.id || el.dataset.testid" \
          " || el.name || el.tagName) : null; }"


def focused(page) -> str:
    return page.evaluate(FOCUSED)


def press_until(page, key: str, wanted, limit: int = 30) -> None:
    """Press `key` (Tab on a text area, where Enter is a new line) until `wanted(focus)`."""
    for _ in range(limit):
        if wanted(focused(page)):
            return
        tag = page.evaluate("() => document.activeElement.tagName")
        page.keyboard.press("Tab" if key == "Enter" and tag == "TEXTAREA" else key)
    raise AssertionError(f"never reached the wanted field; focus on {focused(page)}")


def test_invoice_form_with_the_keyboard_alone_on_a_phone(logged_in_page, staff):
    page = logged_in_page
    page.set_viewport_size({"width": 390, "height": 844})
    _user, workspace = staff
    from invoicing.fiscal.models import DocumentSubtype, Tax

    DocumentSubtype.objects.filter(workspace=workspace, ncf_type="B01").update(
        range_start=1, next_number=1, range_end=500,
        valid_until=datetime.date.today() + datetime.timedelta(days=365))
    ContactFactory(workspace=workspace, name="Ferretería Ochoa SRL", tax_id_type="rnc",
                   tax_id="101850043")
    itbis = Tax.objects.get(workspace=workspace, name="ITBIS 18%")
    exento = Tax.objects.get(workspace=workspace, name="Exento")

    page.goto("/invoices/new/")
    page.wait_for_selector("[data-testid=total]")
    press_until(page, "Tab", lambda f: f == "id_contact", limit=40)
    page.keyboard.press("ArrowDown")  # the one customer
    page.wait_for_function("() => document.querySelector('#id_document_subtype')"
                           ".selectedOptions[0].textContent.includes('B01')")

    press_until(page, "Enter", lambda f: f == "id_lines-0-product")
    assert page.url.endswith("/invoices/new/"), "Enter submitted the form"
    page.keyboard.press("Enter")
    assert focused(page) == "id_lines-0-description"
    page.keyboard.type("Cemento gris 42.5 kg")
    page.keyboard.press("Enter")
    assert focused(page) == "id_lines-0-quantity"
    page.keyboard.press("Control+A")
    page.keyboard.type("10")
    page.keyboard.press("Enter")
    page.keyboard.type("100")
    press_until(page, "Enter", lambda f: f and f.startswith("id_lines-0-taxes_")
                and page.evaluate("() => document.activeElement.value") == str(itbis.pk))
    page.keyboard.press("Space")
    press_until(page, "Enter", lambda f: f == "add-line")
    page.keyboard.press("Enter")
    page.wait_for_selector("#id_lines-1-description")
    page.wait_for_function("() => document.activeElement.id.startsWith('id_lines-1-')")
    press_until(page, "Enter", lambda f: f == "id_lines-1-description")
    page.keyboard.type("Varilla 3/8")
    page.keyboard.press("Enter")
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    page.keyboard.type("250")
    press_until(page, "Enter", lambda f: f and f.startswith("id_lines-1-taxes_")
                and page.evaluate("() => document.activeElement.value") == str(exento.pk))
    page.keyboard.press("Space")  # every line of a fiscal document says its ITBIS
    page.wait_for_function(
        "() => document.querySelector('[data-testid=total]')?.textContent.includes('1,680.00')")
    assert page.evaluate("() => document.scrollingElement.scrollWidth <= innerWidth")

    press_until(page, "Tab", lambda f: f == "issue")
    page.keyboard.press("Enter")
    page.wait_for_url("**/invoices/*/")
    assert page.get_by_test_id("document-number").inner_text() == "B0100000001"
    assert "1,680.00" in page.content()
