"""Issue 3 in a real browser: a contact with an invalid RNC shows the error at the field and
is not saved; corrected, it saves. A product gets a stock adjustment on its page, which then
shows the new stock and the ledger line."""

import re

import pytest

from invoicing.contacts.models import Contact
from invoicing.products.models import Product, StockMovement

pytestmark = pytest.mark.browser


def test_contact_rnc_error_then_product_stock_adjustment(logged_in_page, staff):
    page = logged_in_page
    _user, workspace = staff

    # A contact with an invalid RNC: the error is next to the field and nothing is saved.
    page.goto("/contacts/")
    page.click("a.button.primary[href='/contacts/new/']")
    page.fill("input[name=name]", "Constructora Bisonó SRL")
    page.select_option("select[name=tax_id_type]", "rnc")
    page.fill("input[name=tax_id]", "1-31-24679-7")
    page.fill("input[name=email]", "compras@bisono.com.do")  # leaving the field checks it live
    live = page.get_by_test_id("tax-id-error")
    live.wait_for()
    assert live.inner_text().strip()
    with page.expect_navigation():
        page.click("form.card button[type=submit].primary")
    error = page.locator("#id_tax_id-error")
    assert error.is_visible()
    field = page.locator(".field.has-error", has=page.locator("input[name=tax_id]"))
    assert field.count() == 1 and field.locator("#id_tax_id-error").count() == 1
    assert not Contact.objects.filter(workspace=workspace).exists()

    # Corrected, it saves; the detail shows the RNC formatted, stored as digits.
    page.fill("input[name=tax_id]", "131246796")
    page.click("form.card button[type=submit].primary")
    page.wait_for_url(re.compile(r"/contacts/\d+/$"))
    assert page.get_by_test_id("tax-id").inner_text().strip() == "1-31-24679-6"
    contact = Contact.objects.get(workspace=workspace)
    assert contact.tax_id == "131246796"

    # A product that tracks inventory, then a stock adjustment on its page.
    page.goto("/products/new/")
    page.fill("input[name=sku]", "FER-CEM-42")
    page.fill("input[name=name]", "Cemento gris 42.5 kg")
    page.fill("input[name=unit_price]", "495.00")
    page.fill("input[name=unit]", "funda")
    page.get_by_label("ITBIS 18%").check()
    page.check("input[name=tracks_inventory]")
    page.click("form.card button[type=submit].primary")
    page.wait_for_url(re.compile(r"/products/\d+/$"))
    assert page.get_by_test_id("stock-quantity").inner_text().strip() == "0"

    page.select_option("#movement-form select[name=kind]", "adjustment")
    page.fill("#movement-form input[name=quantity]", "12")
    page.fill("#movement-form input[name=note]", "Conteo físico inicial")
    with page.expect_navigation():
        page.click("#movement-form button[type=submit]")

    assert page.get_by_test_id("stock-quantity").inner_text().strip() == "12"
    ledger = page.get_by_test_id("ledger")
    row = ledger.locator("tbody tr", has_text="Conteo físico inicial")
    assert row.count() == 1
    assert "+12" in row.inner_text()
    product = Product.objects.get(workspace=workspace, sku="FER-CEM-42")
    assert product.stock_quantity == 12
    assert StockMovement.objects.filter(product=product, kind="adjustment").count() == 1

    # The list shows the new stock, not highlighted.
    page.goto("/products/")
    list_row = page.locator("tr[data-sku='FER-CEM-42']")
    assert list_row.get_by_test_id("stock").inner_text().strip() == "12"
    assert "row-bad" not in (list_row.get_attribute("class") or "")
