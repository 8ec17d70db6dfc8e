import pytest

from tests.invoices.helpers import customer, plain_subtype, tax

pytestmark = pytest.mark.django_db


def test_create_and_read(api, workspace):
    contact = customer(workspace)
    body = {
        "contact_id": contact.pk,
        "document_subtype_id": plain_subtype(workspace).pk,
        "items": [{"description": "Servicio de diseño", "quantity": "2", "unit_price": "500",
                   "tax_ids": [tax(workspace, "ITBIS 18%").pk]}],
    }
    response = api.post("/api/v1/invoices", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["document_number"] == "INV-0001"
    assert data["total_amount"] == "1180.00"
    assert data["status"] == "pending_payment"
    detail = api.get(f"/api/v1/invoices/{data['id']}").json()
    assert detail == data
    listing = api.get("/api/v1/invoices").json()
    assert listing["count"] == 1
