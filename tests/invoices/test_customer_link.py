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
