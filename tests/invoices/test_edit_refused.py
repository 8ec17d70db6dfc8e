"""An edit that cannot be saved says so: a form opened while the invoice was a draft, posted
after it was issued or paid, is refused with a message naming why, and nothing of it is
saved (it used to save the notes and drop the lines under "Factura … guardada")."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from invoicing.invoices import payments
from invoicing.invoices.models import Invoice
from tests.invoices.helpers import customer, fiscal_subtype, make_invoice
from tests.invoices.test_pages import form_data

pytestmark = pytest.mark.django_db


def _stale_form(workspace, invoice, lines, **header):
    """What the edit page of the draft posted: every header field and the lines."""
    return form_data(workspace, invoice.contact, lines, action="save",
                     document_subtype=str(invoice.document_subtype_id),
                     issue_date=invoice.issue_date.isoformat(), **header)


def test_line_edits_on_a_paid_invoice_are_refused_with_a_message(logged_in_client, workspace,
                                                                 owner):
    invoice = make_invoice(workspace, subtype=fiscal_subtype(workspace))
    payments.payment_record(invoice=invoice, actor=owner, amount=invoice.total_amount)
    data = _stale_form(workspace, invoice, [
        {"description": "Consultoría", "quantity": "3", "unit_price": "1000.00",
         "discount_type": "amount"}], notes="Entregado")
    with translation.override("es"):
        response = logged_in_client.post(reverse("invoices:edit", args=[invoice.pk]), data,
                                         HTTP_ACCEPT_LANGUAGE="es")
    html = response.content.decode()
    assert response.status_code == 400
    assert "no se pueden cambiar" in html and "no se guardó nada" in html.lower()
    assert "guardada" not in html
    fresh = Invoice.objects.get(pk=invoice.pk)
    assert (fresh.notes, fresh.total_amount) == (invoice.notes, invoice.total_amount)
    assert fresh.lines.get().quantity == Decimal("1")


def test_a_changed_customer_on_an_issued_invoice_is_refused_on_its_field(logged_in_client,
                                                                         workspace):
    invoice = make_invoice(workspace, subtype=fiscal_subtype(workspace))
    data = {"action": "save", "notes": "Entregado", "contact": customer(workspace).pk}
    response = logged_in_client.post(reverse("invoices:edit", args=[invoice.pk]), data)
    assert response.status_code == 400
    assert "No se guardó nada" in response.content.decode()
    assert Invoice.objects.get(pk=invoice.pk).notes == invoice.notes


def test_the_lines_sent_back_unchanged_save_the_rest(logged_in_client, workspace, owner):
    invoice = make_invoice(workspace, subtype=fiscal_subtype(workspace))
    line = invoice.lines.get()
    data = _stale_form(workspace, invoice, [
        {"description": line.description, "quantity": "1", "unit_price": "1000.00",
         "discount": "0", "discount_type": "amount",
         "taxes": [str(t) for t in line.tax_ids]}], notes="Entregado")
    response = logged_in_client.post(reverse("invoices:edit", args=[invoice.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Invoice.objects.get(pk=invoice.pk).notes == "Entregado"
