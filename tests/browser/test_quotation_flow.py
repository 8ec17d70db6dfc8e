"""Create a quotation in the form (the invoice line editor, totals live from the server),
mark it sent and accepted, convert it into an invoice and land on the new invoice."""

import pytest

from tests.factories import ContactFactory

pytestmark = pytest.mark.browser


def wait_for_total(page, text):
    page.wait_for_function(
        # The box is replaced on every recalculation: between two swaps it may be absent.
        "text => document.querySelector('[data-testid=total]')?.textContent.includes(text)",
        arg=text)


def test_quotation_from_form_to_invoice(logged_in_page, staff):
    from invoicing.fiscal.models import DocumentSubtype, Tax
    from invoicing.invoices.models import Invoice
    from invoicing.quotations.models import Quotation

    page = logged_in_page
    _user, workspace = staff
    contact = ContactFactory(workspace=workspace, name="Constructora Bávaro SRL")
    plain = DocumentSubtype.objects.get(workspace=workspace, prefix="INV-")
    itbis = Tax.objects.get(workspace=workspace, name="ITBIS 18%")

    page.goto("/quotations/new/")
    page.select_option("#id_contact", str(contact.pk))
    page.fill("#id_lines-0-description", "Block de 6 pulgadas")
    page.fill("#id_lines-0-quantity", "100")
    page.fill("#id_lines-0-unit_price", "35")
    page.check(f"input[name=lines-0-taxes][value='{itbis.pk}']")
    wait_for_total(page, "4,130.00")  # 3,500 + 630 ITBIS

    page.click("#add-line")
    # The new row has settled once it takes the focus (the editor focuses an added line);
    # a user types from there, not in the instant between its insertion and its settling.
    page.wait_for_function("() => document.activeElement?.closest('#line-1') != null")
    page.fill("#id_lines-1-description", "Transporte")
    page.fill("#id_lines-1-quantity", "1")
    page.fill("#id_lines-1-unit_price", "1200")
    page.fill("#id_lines-1-discount", "10")
    page.select_option("#id_lines-1-discount_type", "percentage")
    wait_for_total(page, "5,210.00")  # + 1,200 − 120

    page.get_by_test_id("save-quotation").click()
    page.wait_for_url("**/quotations/*/")
    assert page.get_by_test_id("document-number").inner_text() == "COT-0001"
    assert page.locator("[data-testid=status] .badge-draft").count() == 1

    # "Enviar" leads to the send form (to prefilled from the contact): it emails the
    # quotation and a draft becomes sent.
    page.get_by_test_id("send").click()
    page.fill("#id_to", "compras@cliente.do")
    page.get_by_test_id("send-button").click()
    page.wait_for_selector("[data-testid=status] .badge-sent")
    page.get_by_test_id("accept").click()
    page.wait_for_selector("[data-testid=status] .badge-accepted")

    page.select_option("#convert-form select[name=document_subtype]", str(plain.pk))
    page.get_by_test_id("convert").click()
    page.wait_for_url("**/invoices/*/")

    invoice = Invoice.objects.get(workspace=workspace)
    assert page.url.endswith(f"/invoices/{invoice.pk}/")
    assert page.get_by_test_id("document-number").inner_text() == "INV-0001"
    assert page.locator("[data-testid=status] .badge-pending_payment").count() == 1
    assert "5,210.00" in page.get_by_test_id("total").inner_text()
    quotation = Quotation.objects.get(workspace=workspace)
    assert quotation.status == "invoiced" and quotation.invoice_id == invoice.pk
    assert invoice.total_amount == quotation.total_amount

    # Back on the quotation: it names its invoice and offers no second conversion.
    page.goto(f"/quotations/{quotation.pk}/")
    assert page.get_by_test_id("converted").count() == 1
    assert page.get_by_test_id("convert").count() == 0
