"""The contact page shows the customer's documents, what it owes and its credit; a tax ID
another contact already has is warned about (as the user types it, and once saved)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from invoicing.contacts.models import Contact
from invoicing.invoices import payments
from invoicing.quotations import services as quotation_services
from tests.factories import ContactFactory
from tests.invoices.helpers import customer, make_invoice, tax

pytestmark = pytest.mark.django_db


def test_the_contact_page_shows_its_invoices_balance_overdue_and_quotations(
        logged_in_client, workspace, owner, django_assert_max_num_queries):
    buyer = customer(workspace, name="Hotel Playa Dorada")
    today = timezone.localdate()
    late = make_invoice(workspace, contact=buyer, issue_date=today - datetime.timedelta(60),
                        due_date=today - datetime.timedelta(30))  # RD$1,180.00, overdue
    paid = make_invoice(workspace, contact=buyer)
    payments.payment_record(invoice=paid, actor=owner, amount=paid.total_amount)
    half = make_invoice(workspace, contact=buyer)
    payments.payment_record(invoice=half, actor=owner, amount=Decimal("500.00"))
    someone_else = make_invoice(workspace)
    quotation = quotation_services.quotation_create(
        workspace=workspace, actor=owner, contact_id=buyer.pk,
        items=[{"description": "Salón", "quantity": "1", "unit_price": "100",
                "tax_ids": [tax(workspace, "ITBIS 18%").pk]}])
    url = reverse("contacts:detail", args=[buyer.pk])
    with django_assert_max_num_queries(13):
        html = logged_in_client.get(url).content.decode()
    assert 'data-testid="contact-invoices"' in html
    for invoice in (late, paid, half):
        assert reverse("invoices:detail", args=[invoice.pk]) in html
    assert reverse("invoices:detail", args=[someone_else.pk]) not in html
    # Owed: 1,180.00 (late) + 680.00 (half paid); overdue: the late one.
    assert 'data-testid="contact-balance">RD$1,860.00' in html
    assert 'data-testid="contact-overdue">RD$1,180.00' in html
    assert reverse("quotations:detail", args=[quotation.pk]) in html
    assert 'data-testid="credit-balance">RD$0.00' in html
    for _ in range(5):
        make_invoice(workspace, contact=buyer)
    with django_assert_max_num_queries(13):
        logged_in_client.get(url)


def test_a_tax_id_another_contact_has_is_warned_as_typed_and_when_saved(logged_in_client,
                                                                        workspace):
    first = ContactFactory(workspace=workspace, name="Constructora Bisonó SRL",
                           tax_id_type="rnc", tax_id="131246796")
    check = logged_in_client.post(reverse("contacts:check_tax_id"),
                                  {"tax_id_type": "rnc", "tax_id": "1-31-24679-6"},
                                  HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="tax-id-shared"' in check and "Constructora Bisonó SRL" in check
    # Its own page's check does not warn about itself.
    own = logged_in_client.post(reverse("contacts:check_tax_id"),
                                {"tax_id_type": "rnc", "tax_id": "131246796",
                                 "contact_pk": str(first.pk)}, HTTP_HX_REQUEST="true")
    assert 'data-testid="tax-id-shared"' not in own.content.decode()
    response = logged_in_client.post(reverse("contacts:new"), {
        "name": "Bisonó Construcciones", "kind": "customer", "tax_id_type": "rnc",
        "tax_id": "131246796", "email": "", "phone": "", "address": "",
        "payment_terms_days": "", "notes": ""}, follow=True)
    html = response.content.decode()
    assert Contact.objects.filter(workspace=workspace, tax_id="131246796").count() == 2
    assert "msg-warning" in html and "Constructora Bisonó SRL" in html
    alone = logged_in_client.post(reverse("contacts:new"), {
        "name": "Farmacia Los Hidalgos", "kind": "customer", "tax_id_type": "rnc",
        "tax_id": "101850043", "email": "", "phone": "", "address": "",
        "payment_terms_days": "", "notes": ""}, follow=True)
    assert "msg-warning" not in alone.content.decode()
