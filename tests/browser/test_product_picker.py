"""The product picker on an invoice line searches as one types, by name or SKU, ignoring
accents and case; Enter takes the first match and the line fills from the product (price,
taxes) with the focus on its quantity."""

import pytest

from tests.factories import ProductFactory

pytestmark = pytest.mark.browser


def test_typing_finds_the_product_and_enter_takes_it(logged_in_page, staff):
    page = logged_in_page
    _user, workspace = staff
    from invoicing.fiscal.models import Tax

    cafe = ProductFactory(workspace=workspace, sku="CAF-500", name="Café molido 500 g",
                          unit_price="245.00")
    cafe.taxes.set([Tax.objects.get(workspace=workspace, name="ITBIS 18%")])
    for n in range(30):
        ProductFactory(workspace=workspace, name=f"Artículo {n:02d}")

    page.goto("/invoices/new/")
    search = page.locator("#id_lines-0-product_search")
    search.fill("CAFE")
    visible = page.evaluate("() => Array.from(document.querySelectorAll("
                            "'#id_lines-0-product option')).filter(o => o.value && !o.hidden)"
                            ".map(o => o.textContent.trim())")
    assert visible == ["CAF-500 · Café molido 500 g"]
    search.fill("caf-5")
    search.press("Enter")
    page.wait_for_function("() => document.querySelector('#id_lines-0-unit_price')?.value"
                           " === '245.00'")
    page.wait_for_function("() => document.activeElement?.id === 'id_lines-0-quantity'")
    assert page.url.endswith("/invoices/new/")  # Enter chose; it did not submit
    assert page.locator("#id_lines-0-description").input_value() == "Café molido 500 g"
    # The refilled row has its own search box again.
    assert page.locator("#id_lines-0-product_search").count() == 1
