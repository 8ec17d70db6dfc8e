"""/api/v1/payments: status follows the money."""

from decimal import Decimal

import pytest

from invoicing.invoices.models import Invoice
from tests.invoices.helpers import make_invoice

pytestmark = pytest.mark.django_db
URL = "/api/v1/payments"


@pytest.fixture
def invoice(workspace):
    return make_invoice(workspace)  # total 1180.00


def pay(api, invoice, amount, **extra):
    return api.post(URL, {"invoice_id": invoice.pk, "amount": amount, **extra}, format="json")


def test_partial_then_full_payment(api, invoice):
    first = pay(api, invoice, "180.00", method="bank_transfer", reference="TRF-1")
    assert first.status_code == 201, first.content
    data = first.json()
    assert set(data) == {"id", "invoice_id", "date", "amount", "method", "reference", "notes",
                         "withholdings", "created_at"}
    assert data["amount"] == "180.00" and data["method"] == "bank_transfer"
    detail = api.get(f"/api/v1/invoices/{invoice.pk}").json()
    assert detail["status"] == "partially_paid"
    assert (detail["amount_paid"], detail["amount_due"]) == ("180.00", "1000.00")
    assert detail["payments"][0]["reference"] == "TRF-1"
    assert pay(api, invoice, 1000).status_code == 201
    assert api.get(f"/api/v1/invoices/{invoice.pk}").json()["status"] == "paid"


def test_overpayment_is_400_with_the_balance(api, invoice):
    response = pay(api, invoice, "1180.01")
    assert response.status_code == 400
    assert "RD$1,180.00" in response.json()["error"]["message"]
    assert "amount" in response.json()["error"]["fields"]


@pytest.mark.parametrize("amount", ["0", "-5", "abc", "1.001"])
def test_bad_amounts(api, invoice, amount):
    response = pay(api, invoice, amount)
    assert response.status_code == 400
    assert "amount" in response.json()["error"]["fields"]


def test_payment_on_a_draft_or_cancelled_invoice_is_refused(api, workspace):
    from invoicing.invoices.services import invoice_cancel

    draft = make_invoice(workspace, draft=True)
    assert pay(api, draft, "1.00").status_code == 409
    cancelled = make_invoice(workspace)
    invoice_cancel(invoice=cancelled, actor=None, reason_code="01")
    assert pay(api, cancelled, "1.00").status_code == 409


def test_unknown_method_and_foreign_invoice(api, invoice, other_workspace):
    assert "method" in pay(api, invoice, "1", method="bitcoin").json()["error"]["fields"]
    foreign = make_invoice(other_workspace)
    assert "invoice_id" in pay(api, foreign, "1").json()["error"]["fields"]


def test_delete_payment_and_status_follows(api, invoice):
    payment = pay(api, invoice, "1180.00").json()
    assert Invoice.objects.get(pk=invoice.pk).status == "paid"
    assert api.delete(f"{URL}/{payment['id']}").status_code == 204
    invoice.refresh_from_db()
    assert invoice.status == "pending_payment" and invoice.amount_paid == Decimal("0.00")


def test_filters(api, workspace, invoice):
    other = make_invoice(workspace)
    a = pay(api, invoice, "10", date="2026-01-05", method="cash").json()
    b = pay(api, other, "20", date="2026-02-05", method="card").json()

    def ids(**params):
        return [row["id"] for row in api.get(URL, params).json()["results"]]

    assert ids(invoice_id=invoice.pk) == [a["id"]]
    assert ids(method="card") == [b["id"]]
    assert ids(date_from="2026-02-01") == [b["id"]]
    assert ids(date_to="2026-01-31") == [a["id"]]
    assert api.get(URL, {"method": "gold"}).status_code == 400


def test_list_is_constant(api, workspace, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    invoice = make_invoice(workspace)
    pay(api, invoice, "1")
    with CaptureQueriesContext(connection) as one:
        api.get(URL)
    for _ in range(29):
        pay(api, invoice, "1")
    with CaptureQueriesContext(connection) as thirty:
        assert api.get(URL, {"per_page": 30}).json()["count"] == 30
    assert len(one) == len(thirty)
