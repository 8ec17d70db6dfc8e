"""Withholdings on payments, customer credit and refunds (API.md "Withholdings", "Customer
credit")."""

from __future__ import annotations

import pytest

from invoicing.invoices.payments import payment_record
from tests.conftest import api_client_for
from tests.invoices.helpers import customer, make_invoice, tax
from tests.notes.helpers import b01_invoice, credit
from workspaces.roles import Role

pytestmark = pytest.mark.django_db
PAYMENTS = "/api/v1/payments"


def invoice_of(workspace, contact=None):
    """1,000.00 + ITBIS 180.00 = 1,180.00."""
    return make_invoice(workspace, contact=contact, items=[
        {"description": "Consultoría", "quantity": "1", "unit_price": "1000.00",
         "tax_ids": [tax(workspace, "ITBIS 18%").pk]}])


def test_a_30_percent_itbis_withholding_counts_as_paid(api, workspace):
    invoice = invoice_of(workspace)
    response = api.post(PAYMENTS, {"invoice_id": invoice.pk, "amount": "1126.00",
                                   "method": "bank_transfer",
                                   "withholdings": [{"kind": "itbis", "rate": "30"}]},
                        format="json")
    assert response.status_code == 201, response.content
    payment = response.json()
    assert payment["withholdings"] == [{"kind": "itbis", "rate": "30.00", "amount": "54.00"}]
    detail = api.get(f"/api/v1/invoices/{invoice.pk}").json()
    assert detail["amount_paid"] == "1180.00" and detail["status"] == "paid"
    assert api.get(f"{PAYMENTS}/{payment['id']}").json()["withholdings"] == \
        payment["withholdings"]


def test_isr_and_a_payment_that_is_only_a_withholding(api, workspace):
    invoice = invoice_of(workspace)
    response = api.post(PAYMENTS, {"invoice_id": invoice.pk, "amount": "0",
                                   "withholdings": [{"kind": "isr", "rate": "10"},
                                                    {"kind": "itbis", "amount": "180.00"}]},
                        format="json")
    assert response.status_code == 201, response.content
    assert [w["amount"] for w in response.json()["withholdings"]] == ["100.00", "180.00"]
    detail = api.get(f"/api/v1/invoices/{invoice.pk}").json()
    assert detail["amount_paid"] == "280.00" and detail["amount_due"] == "900.00"


def test_withholdings_beyond_their_base_are_400(api, workspace):
    invoice = invoice_of(workspace)
    response = api.post(PAYMENTS, {"invoice_id": invoice.pk, "amount": "10",
                                   "withholdings": [{"kind": "itbis", "amount": "180.01"}]},
                        format="json")
    assert response.status_code == 400
    assert "withholdings.0.amount" in response.json()["error"]["fields"]
    api.post(PAYMENTS, {"invoice_id": invoice.pk, "amount": "10",
                        "withholdings": [{"kind": "itbis", "rate": "100"}]}, format="json")
    response = api.post(PAYMENTS, {"invoice_id": invoice.pk, "amount": "10",
                                   "withholdings": [{"kind": "itbis", "amount": "0.01"}]},
                        format="json")
    assert response.status_code == 400
    for bad in ({"kind": "itbis", "rate": "18"}, {"kind": "isr", "rate": "30"},
                {"kind": "iva", "rate": "30"}, {"kind": "isr"}):
        response = api.post(PAYMENTS, {"invoice_id": invoice.pk, "amount": "10",
                                       "withholdings": [bad]}, format="json")
        assert response.status_code == 400, bad
    response = api.post(PAYMENTS, {"invoice_id": invoice.pk, "amount": "0"}, format="json")
    assert response.status_code == 400


def test_withholdings_and_amount_together_stay_within_the_balance(api, workspace):
    invoice = invoice_of(workspace)
    response = api.post(PAYMENTS, {"invoice_id": invoice.pk, "amount": "1180.00",
                                   "withholdings": [{"kind": "itbis", "rate": "30"}]},
                        format="json")
    assert response.status_code == 400 and "amount" in response.json()["error"]["fields"]


def test_customer_credit_from_a_note_spent_and_refunded(api, workspace):
    invoice = b01_invoice(workspace)
    payment_record(invoice=invoice, actor=None, amount="1180.00")
    credit(workspace, invoice, full=True)
    contact_url = f"/api/v1/contacts/{invoice.contact_id}"
    assert api.get(contact_url).json()["credit_balance"] == "1180.00"
    other = invoice_of(workspace, contact=invoice.contact)
    over = api.post(PAYMENTS, {"invoice_id": other.pk, "amount": "1180.00",
                               "method": "credit_balance"}, format="json")
    assert over.status_code == 201, over.content
    assert api.get(contact_url).json()["credit_balance"] == "0.00"
    third = invoice_of(workspace, contact=invoice.contact)
    response = api.post(PAYMENTS, {"invoice_id": third.pk, "amount": "1.00",
                                   "method": "credit_balance"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "credit_balance_insufficient"
    assert api.delete(f"{PAYMENTS}/{over.json()['id']}").status_code == 204
    assert api.get(contact_url).json()["credit_balance"] == "1180.00"

    refunds = f"{contact_url}/refunds"
    response = api.post(refunds, {"amount": "1180.01", "method": "cash"}, format="json")
    assert response.status_code == 400
    response = api.post(refunds, {"amount": "180.00", "method": "bank_transfer",
                                  "reference": "TRF-9", "date": "2026-12-01"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["amount"] == "180.00"
    assert api.get(contact_url).json()["credit_balance"] == "1000.00"
    listed = api.get(refunds).json()
    assert [r["reference"] for r in listed["results"]] == ["TRF-9"]
    response = api.post(refunds, {"amount": "1.00", "method": "credit_balance"}, format="json")
    assert response.status_code == 400


def test_refunds_need_the_accountant_role(workspace):
    contact = customer(workspace)
    seller = api_client_for(workspace, role=Role.SELLER)
    url = f"/api/v1/contacts/{contact.pk}/refunds"
    assert seller.get(url).status_code == 200
    response = seller.post(url, {"amount": "1.00"}, format="json")
    assert response.status_code == 403
