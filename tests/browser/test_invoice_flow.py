"""Create an invoice with two lines watching the totals change live, issue it, record a
partial payment, download the PDF."""

import pytest

from tests.factories import ContactFactory

pytestmark = pytest.mark.browser


def wait_for_total(page, text):
    # A function, not a string: the page's CSP refuses evaluating strings (no unsafe-eval).
    page.wait_for_function(
        # The box is replaced on every recalculation: between two swaps it may be absent.
        "text => document.querySelector('[data-testid=total]')?.textContent.includes(text)",
        arg=text)


def test_invoice_from_form_to_pdf(logged_in_page, staff):
    page = logged_in_page
    _user, workspace = staff
    contact = ContactFactory(workspace=workspace, name="Ferretería Ochoa SRL")
    from invoicing.fiscal.models import DocumentSubtype, Tax

    plain = DocumentSubtype.objects.get(workspace=workspace, prefix="INV-")
    itbis = Tax.objects.get(workspace=workspace, name="ITBIS 18%")

    page.goto("/invoices/new/")
    page.select_option("#id_contact", str(contact.pk))
    page.select_option("#id_document_subtype", str(plain.pk))
    total = page.get_by_test_id("total")

    page.fill("#id_lines-0-description", "Cemento gris 42.5 kg")
    page.fill("#id_lines-0-quantity", "10")
    page.fill("#id_lines-0-unit_price", "100")
    page.check(f"input[name=lines-0-taxes][value='{itbis.pk}']")
    wait_for_total(page, "1,180.00")
    assert "1,180.00" in total.inner_text()

    page.click("#add-line")
    # The new row has settled once it takes the focus (the editor focuses an added line).
    page.wait_for_function("() => document.activeElement?.closest('#line-1') != null")
    page.fill("#id_lines-1-description", "Varilla 3/8")
    page.fill("#id_lines-1-quantity", "2")
    page.fill("#id_lines-1-unit_price", "250")
    wait_for_total(page, "1,680.00")
    assert "1,680.00" in total.inner_text()

    page.get_by_test_id("issue").click()
    page.wait_for_url("**/invoices/*/")
    assert page.get_by_test_id("document-number").inner_text() == "INV-0001"
    assert page.locator("[data-testid=status] .badge-pending_payment").count() == 1

    page.fill("#id_amount", "500")
    page.select_option("#id_method", "bank_transfer")
    page.click("#payment-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=status] .badge-partially_paid").count() == 1
    assert "1,180.00" in page.get_by_test_id("amount-due").inner_text()

    with page.expect_download() as download_info:
        page.get_by_test_id("download-pdf").click()
    download = download_info.value
    assert download.suggested_filename == "INV-0001.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
