"""Issue an invoice, credit two of its three lines with restock, see the balance, the stock
and the note's PDF; then record a payment with a 30% ITBIS withholding."""

import pytest

from tests.notes.helpers import b01_invoice

pytestmark = pytest.mark.browser


def test_credit_two_lines_with_restock_then_pay_with_a_withholding(logged_in_page, staff):
    page = logged_in_page
    _user, workspace = staff
    from invoicing.products.models import Product
    from tests.invoices.helpers import product

    rice = product(workspace, sku="ARZ", name="Arroz 5 lb", price="1000.00",
                   tracks_inventory=True)
    oil = product(workspace, sku="ACE", name="Aceite 1 L", price="250.00",
                  tracks_inventory=True)
    service = product(workspace, sku="INS", name="Instalación", price="200.00")
    draft = b01_invoice(workspace, draft=True, items=[
        {"product_id": rice.pk, "quantity": "1"}, {"product_id": oil.pk, "quantity": "2"},
        {"product_id": service.pk, "quantity": "1"}])

    page.goto(f"/invoices/{draft.pk}/")
    page.click("form[action$='/issue/'] button[type=submit]")
    page.wait_for_load_state()
    assert page.get_by_test_id("document-number").inner_text() == "B0100000001"
    assert "2,006.00" in page.get_by_test_id("amount-due").inner_text()
    assert [Product.objects.get(pk=p.pk).stock_quantity for p in (rice, oil)] == [-1, -2]

    page.get_by_test_id("new-credit-note").click()
    page.wait_for_url("**/notes/credit/new/*/")
    assert "2,006.00" in page.get_by_test_id("left-to-credit").inner_text()
    lines = {line.product_id: line.pk for line in draft.lines.all()}
    page.fill(f"input[name=qty-{lines[rice.pk]}]", "1")
    page.check(f"input[name=restock-{lines[rice.pk]}]")
    page.fill(f"input[name=qty-{lines[oil.pk]}]", "2")
    page.check(f"input[name=restock-{lines[oil.pk]}]")
    page.fill("#id_reason", "Devolución de mercancía")
    page.get_by_test_id("issue-note").click()
    page.wait_for_url("**/notes/*/")
    assert page.get_by_test_id("document-number").inner_text() == "B0400000001"
    assert page.get_by_test_id("note-line").count() == 2
    assert "1,770.00" in page.get_by_test_id("total").inner_text()
    pdf = page.request.get(page.get_by_test_id("note-pdf").get_attribute("href"))
    assert pdf.status == 200 and pdf.body()[:5] == b"%PDF-"

    page.get_by_test_id("modified-ncf").locator("a").click()
    page.wait_for_url(f"**/invoices/{draft.pk}/")
    assert "236.00" in page.get_by_test_id("amount-due").inner_text()
    assert "1,770.00" in page.get_by_test_id("credited").inner_text()
    assert page.get_by_test_id("invoice-note").count() == 1
    assert [Product.objects.get(pk=p.pk).stock_quantity for p in (rice, oil)] == [0, 0]
    page.goto(f"/products/{rice.pk}/")
    assert page.get_by_test_id("stock-quantity").inner_text().strip() == "0"

    # ITBIS of the invoice 306.00, 30% withheld = 91.80; the rest, 144.20, by transfer.
    page.goto(f"/invoices/{draft.pk}/")
    page.fill("#id_amount", "144.20")
    page.select_option("#id_method", "bank_transfer")
    page.select_option("#id_itbis_withheld", "30")
    page.click("#payment-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=status] .badge-paid").count() == 1
    assert "0.00" in page.get_by_test_id("amount-due").inner_text()
    assert "91.80" in page.get_by_test_id("withholding").inner_text()
