"""Invoice pages: they render with a bounded number of queries, and every action goes
through the services."""

import pytest
from django.urls import reverse

from invoicing.invoices.models import Invoice, InvoiceStatus
from tests.conftest import make_member
from tests.invoices.helpers import (
    customer,
    fiscal_subtype,
    make_invoice,
    plain_subtype,
    product,
    tax,
)
from workspaces.roles import Role

pytestmark = pytest.mark.django_db


def form_data(workspace, contact, lines, action="issue", **header):
    data = {
        "contact": contact.pk, "document_subtype": plain_subtype(workspace).pk,
        "issue_date": "2026-05-04", "currency": workspace_currency(workspace),
        "payment_term": "", "notes": "", "action": action,
        "lines-TOTAL_FORMS": str(len(lines)), "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "500",
    }
    data.update(header)
    for index, line in enumerate(lines):
        for key, value in line.items():
            data[f"lines-{index}-{key}"] = value
    return data


def workspace_currency(workspace):
    from workspaces.models import Currency

    return Currency.objects.get(workspace=workspace, is_default=True).pk


def test_list_renders_with_constant_queries(logged_in_client, workspace,
                                            django_assert_max_num_queries):
    make_invoice(workspace)
    with django_assert_max_num_queries(12):
        response = logged_in_client.get(reverse("invoices:list"))
    assert response.status_code == 200
    for _ in range(10):
        make_invoice(workspace)
    with django_assert_max_num_queries(12):
        response = logged_in_client.get(reverse("invoices:list") + "?sort=-total_amount")
    assert response.content.decode().count("INV-00") == 11


def test_list_filters_and_totals_row(logged_in_client, workspace):
    alfa = customer(workspace, name="Alfa Comercial")
    make_invoice(workspace, contact=alfa)
    make_invoice(workspace, draft=True)
    html = logged_in_client.get(reverse("invoices:list"), {"q": "Alfa"}).content.decode()
    assert "Alfa Comercial" in html and "RD$1,180.00" in html
    html = logged_in_client.get(reverse("invoices:list"), {"status": "draft"}).content.decode()
    assert "INV-0001" not in html and "RD$0.00" in html


def test_new_invoice_page_issues_through_the_service(logged_in_client, workspace):
    contact = customer(workspace)
    assert logged_in_client.get(reverse("invoices:new")).status_code == 200
    response = logged_in_client.post(reverse("invoices:new"), form_data(workspace, contact, [
        {"description": "Mantenimiento", "quantity": "1", "unit_price": "2000",
         "taxes": str(tax(workspace, "ITBIS 18%").pk), "discount_type": "amount"}]))
    invoice = Invoice.objects.get()
    assert response.status_code == 302 and response.url == reverse("invoices:detail",
                                                                   args=[invoice.pk])
    assert invoice.document_number == "INV-0001" and str(invoice.total_amount) == "2360.00"


def test_form_shows_line_errors_and_saves_nothing(logged_in_client, workspace):
    contact = customer(workspace)
    response = logged_in_client.post(reverse("invoices:new"), form_data(workspace, contact, [
        {"description": "ok", "quantity": "1", "unit_price": "10", "discount_type": "amount"},
        {"description": "bad", "quantity": "1", "unit_price": "10", "discount": "20",
         "discount_type": "amount"}]))
    assert response.status_code == 400
    assert "larger than the line" in response.content.decode() or \
        "mayor" in response.content.decode()
    assert not Invoice.objects.exists()


def test_save_as_draft(logged_in_client, workspace):
    contact = customer(workspace)
    logged_in_client.post(reverse("invoices:new"), form_data(workspace, contact, [
        {"description": "x", "quantity": "1", "unit_price": "10", "discount_type": "amount"}],
        action="draft"))
    assert Invoice.objects.get().status == InvoiceStatus.DRAFT


def test_preview_computes_totals_on_the_server(logged_in_client, workspace):
    contact = customer(workspace)
    data = form_data(workspace, contact, [
        {"description": "a", "quantity": "3", "unit_price": "33.33",
         "taxes": str(tax(workspace, "ITBIS 18%").pk), "discount_type": "amount"}])
    html = logged_in_client.post(reverse("documents:preview"), data).content.decode()
    assert "RD$117.99" in html  # 99.99 + 18.00
    assert 'id="line-total-0"' in html


def test_product_fills_the_line(logged_in_client, workspace):
    item = product(workspace, name="Café Santo Domingo 1 lb", price="395.00",
                   taxes=("ITBIS 18%",))
    html = logged_in_client.get(reverse("documents:line_row"),
                                {"index": 2, "lines-2-product": item.pk}).content.decode()
    assert 'value="Café Santo Domingo 1 lb"' in html and 'value="395.00"' in html
    assert f'value="{tax(workspace, "ITBIS 18%").pk}" checked' in html or "checked" in html


def test_detail_payment_and_cancel(logged_in_client, workspace, django_assert_max_num_queries):
    invoice = make_invoice(workspace)
    # 16 for the invoice itself, +1 its notes, +2 the panels apps add (e-CF, sending).
    with django_assert_max_num_queries(19):
        assert logged_in_client.get(reverse("invoices:detail", args=[invoice.pk])) \
            .status_code == 200
    logged_in_client.post(reverse("invoices:payment_add", args=[invoice.pk]),
                          {"amount": "180.00", "date": "2026-05-05", "method": "cash"})
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PARTIALLY_PAID
    # Payments exist, so the cancel is refused with a message, and nothing changes.
    logged_in_client.post(reverse("invoices:cancel", args=[invoice.pk]), {"reason_code": "04"})
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PARTIALLY_PAID
    other = make_invoice(workspace)
    logged_in_client.post(reverse("invoices:cancel", args=[other.pk]), {"reason_code": "04"})
    other.refresh_from_db()
    assert other.status == InvoiceStatus.CANCELLED


def test_viewer_reads_but_cannot_create(client, workspace):
    viewer = make_member(workspace, Role.VIEWER)
    client.force_login(viewer)
    assert client.get(reverse("invoices:list")).status_code == 200
    assert client.get(reverse("invoices:new")).status_code == 403


def test_other_workspace_invoice_is_404(logged_in_client, other_workspace):
    foreign = make_invoice(other_workspace)
    assert logged_in_client.get(reverse("invoices:detail", args=[foreign.pk])).status_code \
        == 404


def test_edit_an_issued_invoice_changes_only_its_terms_and_shows_the_rest_as_text(
        logged_in_client, workspace):
    invoice = make_invoice(workspace, subtype=fiscal_subtype(workspace))
    page = logged_in_client.get(reverse("invoices:edit", args=[invoice.pk])).content.decode()
    assert 'data-testid="frozen-contact"' in page and 'data-testid="frozen-lines"' in page
    assert 'name="contact"' not in page and 'name="lines-0-quantity"' not in page
    # What the page posts: the fields it shows as inputs (the rest is text, not posted).
    data = {"action": "save", "notes": "Entregado", "payment_term": "",
            "due_date": invoice.due_date.isoformat()}
    response = logged_in_client.post(reverse("invoices:edit", args=[invoice.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    fresh = Invoice.objects.get(pk=invoice.pk)
    assert fresh.notes == "Entregado"
    assert (fresh.document_number, fresh.contact_id, fresh.total_amount) == (
        invoice.document_number, invoice.contact_id, invoice.total_amount)


def test_a_cancelled_invoice_is_not_editable(logged_in_client, workspace, owner):
    from invoicing.invoices.services import invoice_cancel

    invoice = invoice_cancel(invoice=make_invoice(workspace), actor=owner, reason_code="04")
    response = logged_in_client.get(reverse("invoices:edit", args=[invoice.pk]))
    assert response.status_code == 302


def test_the_list_shows_the_buyer_an_invoice_was_issued_to(logged_in_client, workspace, owner):
    from invoicing.contacts.services import contact_update

    contact = customer(workspace, name="Ferretería Ozama")
    make_invoice(workspace, contact=contact)
    draft = make_invoice(workspace, contact=contact, draft=True)
    contact_update(contact=contact, actor=owner, name="Ozama Renombrada SRL")
    html = logged_in_client.get(reverse("invoices:list")).content.decode()
    assert "Ferretería Ozama</td>" in html  # the issued invoice keeps its frozen buyer
    assert "Ozama Renombrada SRL</td>" in html  # the draft shows the contact as it is now
    assert draft.pk


def test_a_new_invoice_starts_on_the_fiscal_series_that_suits_the_buyer(logged_in_client,
                                                                       workspace):
    b01, b02 = fiscal_subtype(workspace, "B01"), fiscal_subtype(workspace, "B02")
    with_rnc = customer(workspace, tax_id_type="rnc", tax_id="131246796")
    without = customer(workspace, tax_id_type="none", tax_id="")
    supplier = customer(workspace, name="Proveedor Solamente", kind="supplier")
    page = logged_in_client.get(reverse("invoices:new")).content.decode()
    assert f'data-with-id="{b01.pk}"' in page and f'data-without-id="{b02.pk}"' in page
    assert f'<option value="{b02.pk}" selected>' in page  # no customer yet: consumo
    assert "Proveedor Solamente" not in page  # suppliers are not offered as buyers
    assert f'value="{with_rnc.pk}" data-fiscal-id="1"' in page
    assert f'value="{without.pk}" data-fiscal-id="0"' in page
    assert supplier.pk
    # The non-fiscal series is still offered, just not preselected.
    assert f'<option value="{plain_subtype(workspace).pk}">' in page


def test_the_cancel_form_makes_the_user_choose_the_608_reason(logged_in_client, workspace):
    invoice = make_invoice(workspace)
    html = logged_in_client.get(reverse("invoices:detail", args=[invoice.pk])).content.decode()
    assert '<option value="" selected>' in html
    response = logged_in_client.post(reverse("invoices:cancel", args=[invoice.pk]),
                                     {"reason_code": ""})
    assert response.status_code == 302
    assert Invoice.objects.get(pk=invoice.pk).status != InvoiceStatus.CANCELLED


def test_drafts_are_named_by_customer_and_date(logged_in_client, workspace):
    draft = make_invoice(workspace, draft=True, contact=customer(workspace, name="Colmado Ana"))
    html = logged_in_client.get(reverse("invoices:list")).content.decode()
    assert f"Colmado Ana, {draft.issue_date:%d/%m/%Y}" in html


def test_quantities_show_as_typed(logged_in_client, workspace):
    invoice = make_invoice(workspace, draft=True, items=[
        {"description": "Cajas", "quantity": "10", "unit_price": "5.00",
         "tax_ids": [tax(workspace, "ITBIS 18%").pk]}])
    edit = logged_in_client.get(reverse("invoices:edit", args=[invoice.pk])).content.decode()
    assert 'value="10"' in edit and "1E+1" not in edit
    detail = logged_in_client.get(reverse("invoices:detail", args=[invoice.pk])).content.decode()
    assert "1E+1" not in detail


def test_the_form_marks_buyers_dgii_lists_as_not_active(logged_in_client, workspace):
    from invoicing.contacts.models import RncRegistryEntry

    RncRegistryEntry.objects.create(tax_id="101850043", name="COMERCIAL SUSPENDIDA SRL",
                                    status="SUSPENDIDO")
    suspended = customer(workspace, tax_id_type="rnc", tax_id="101850043")
    page = logged_in_client.get(reverse("invoices:new")).content.decode()
    assert f'value="{suspended.pk}" data-fiscal-id="1" data-registry-status="SUSPENDIDO"' in page
    assert "data-registry-warning=" in page
