"""The note pages: the form from an issued invoice, the detail, the list, voiding, the PDF, and
the payment form's withholdings."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from invoicing.invoices.models import Invoice
from invoicing.notes.models import Note
from tests.conftest import make_member
from tests.notes.helpers import D, amount_line, b01_invoice, credit, three_line_invoice
from workspaces.roles import Role

pytestmark = pytest.mark.django_db


def test_the_invoice_page_offers_notes_and_lists_them(logged_in_client, workspace):
    invoice = b01_invoice(workspace)
    page = logged_in_client.get(f"/invoices/{invoice.pk}/").content.decode()
    assert f"/notes/credit/new/{invoice.pk}/" in page and f"/notes/debit/new/{invoice.pk}/" in page
    note = credit(workspace, invoice, items=[amount_line("100.00", workspace)])
    page = logged_in_client.get(f"/invoices/{invoice.pk}/").content.decode()
    assert note.document_number in page and "RD$1,062.00" in page


def test_a_seller_is_not_offered_notes(client, workspace):
    invoice = b01_invoice(workspace)
    seller = make_member(workspace, Role.SELLER)
    client.force_login(seller)
    page = client.get(f"/invoices/{invoice.pk}/").content.decode()
    assert "/notes/credit/new/" not in page
    assert client.get(f"/notes/credit/new/{invoice.pk}/").status_code == 403


def test_crediting_two_lines_with_restock_from_the_form(logged_in_client, workspace,
                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invoice, (rice, oil, _service) = three_line_invoice(workspace)
    lines = {line.product_id: line for line in invoice.written_lines}
    url = f"/notes/credit/new/{invoice.pk}/"
    form = logged_in_client.get(url)
    assert form.status_code == 200 and "RD$2,006.00" in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in_client.post(url, {
            "modification_code": "3", "reason": "Devolución", "issue_date": str(invoice.issue_date),
            f"qty-{lines[rice.pk].pk}": "1", f"restock-{lines[rice.pk].pk}": "on",
            f"qty-{lines[oil.pk].pk}": "2", f"restock-{lines[oil.pk].pk}": "on",
            "free-0-quantity": "1", "free-1-quantity": "1", "free-2-quantity": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    note = Note.objects.get()
    assert response["Location"] == f"/notes/{note.pk}/"
    assert note.total_amount == D("1770.00")
    assert Invoice.objects.get(pk=invoice.pk).amount_due == D("236.00")
    rice.refresh_from_db()
    oil.refresh_from_db()
    assert (rice.stock_quantity, oil.stock_quantity) == (0, 0)
    detail = logged_in_client.get(response["Location"]).content.decode()
    assert "B0400000001" in detail and invoice.document_number in detail
    pdf = logged_in_client.get(f"/notes/{note.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_form_shows_the_services_refusal(logged_in_client, workspace):
    invoice, (_rice, oil, _service) = three_line_invoice(workspace)
    line = next(li for li in invoice.written_lines if li.product_id == oil.pk)
    response = logged_in_client.post(f"/notes/credit/new/{invoice.pk}/", {
        "modification_code": "3", "issue_date": str(invoice.issue_date),
        f"qty-{line.pk}": "5", f"restock-{line.pk}": "on"})
    assert response.status_code == 200
    assert "5" in response.content.decode() and not Note.objects.exists()


def test_a_debit_note_from_free_lines_and_voiding_it(logged_in_client, workspace):
    invoice = b01_invoice(workspace)
    response = logged_in_client.post(f"/notes/debit/new/{invoice.pk}/", {
        "modification_code": "3", "reason": "Flete", "issue_date": str(invoice.issue_date),
        "free-0-description": "Flete", "free-0-quantity": "1", "free-0-unit_price": "100.00",
        "free-0-tax": str(amount_line("1", workspace)["tax_ids"][0])})
    assert response.status_code == 302
    note = Note.objects.get()
    assert note.document_number == "B0300000001" and note.total_amount == D("118.00")
    response = logged_in_client.post(f"/notes/{note.pk}/cancel/", {"reason_code": "04"})
    assert response.status_code == 302
    assert Note.objects.get().status == "cancelled"
    assert Invoice.objects.get(pk=invoice.pk).debited_amount == 0


def test_the_list_costs_the_same_queries_whatever_its_size(logged_in_client, workspace):
    invoice = b01_invoice(workspace)
    credit(workspace, invoice, items=[amount_line("1.00", workspace)])
    logged_in_client.get("/notes/")  # warm-up: the first request also loads the session
    with CaptureQueriesContext(connection) as few:
        assert logged_in_client.get("/notes/").status_code == 200
    for _ in range(4):
        credit(workspace, invoice, items=[amount_line("1.00", workspace)])
    with CaptureQueriesContext(connection) as more:
        page = logged_in_client.get("/notes/")
    assert len(more) == len(few), "\n".join(q["sql"][:120] for q in more.captured_queries)
    assert page.content.decode().count("B04000000") == 5


def test_a_payment_with_a_30_percent_itbis_withholding(logged_in_client, workspace):
    invoice = b01_invoice(workspace)  # ITBIS 180.00
    response = logged_in_client.post(f"/invoices/{invoice.pk}/payments/", {
        "amount": "1126.00", "date": str(invoice.issue_date), "method": "bank_transfer",
        "itbis_withheld": "30", "isr_withheld": ""})
    assert response.status_code == 302
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert invoice.amount_paid == D("1180.00") and invoice.status == "paid"
    page = logged_in_client.get(f"/invoices/{invoice.pk}/").content.decode()
    assert "RD$54.00" in page


def test_the_contact_page_shows_customer_credit(logged_in_client, workspace):
    from invoicing.invoices.payments import payment_record

    invoice = b01_invoice(workspace)
    payment_record(invoice=invoice, actor=None, amount="1180.00")
    credit(workspace, invoice, full=True)
    page = logged_in_client.get(f"/contacts/{invoice.contact_id}/").content.decode()
    assert "RD$1,180.00" in page
