"""The customer on an invoice links to that contact's page (not the contacts list), and the
contact page it leads to names the invoice."""

import pytest
from django.urls import reverse

from tests.invoices.helpers import customer, make_invoice

pytestmark = pytest.mark.django_db


def test_the_customer_link_goes_to_that_contact(logged_in_client, workspace):
    buyer = customer(workspace, name="Colmado La Esquina")
    invoice = make_invoice(workspace, contact=buyer)
    html = logged_in_client.get(reverse("invoices:detail", args=[invoice.pk])).content.decode()
    link = reverse("contacts:detail", args=[buyer.pk])
    assert f'href="{link}" data-testid="customer-link"' in html
    page = logged_in_client.get(link)
    assert page.status_code == 200
    assert "Colmado La Esquina" in page.content.decode()


def test_the_quotations_customer_links_to_that_contact_too(logged_in_client, workspace, owner):
    from invoicing.quotations import services as quotations
    from tests.invoices.helpers import tax

    buyer = customer(workspace, name="Hotel Playa Dorada Resort")
    quotation = quotations.quotation_create(
        workspace=workspace, actor=owner, contact_id=buyer.pk,
        items=[{"description": "Salón", "quantity": "1", "unit_price": "100",
                "tax_ids": [tax(workspace, "ITBIS 18%").pk]}])
    html = logged_in_client.get(reverse("quotations:detail", args=[quotation.pk])).content
    link = reverse("contacts:detail", args=[buyer.pk])
    assert f'href="{link}" data-testid="customer-link"' in html.decode()
