"""POST /invoices/validate-ncf, mounted on the invoices API (logic in invoicing.fiscal)."""

import pytest

from tests.invoices.helpers import fiscal_subtype, make_invoice

pytestmark = pytest.mark.django_db
URL = "/api/v1/invoices/validate-ncf"


def test_valid_and_duplicate(api, workspace):
    subtype = fiscal_subtype(workspace, "B01", start=1, end=100)
    response = api.post(URL, {"ncf": "b01-0000-0050", "document_subtype_id": subtype.pk},
                        format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body == {"valid": True, "ncf": "B0100000050", "errors": []}
    make_invoice(workspace, subtype=subtype)
    used = api.post(URL, {"ncf": "B0100000001", "document_subtype_id": subtype.pk},
                    format="json").json()
    assert used["valid"] is False
    assert [e["code"] for e in used["errors"]] == ["duplicate"]


def test_codes(api, workspace):
    subtype = fiscal_subtype(workspace, "B01", start=1, end=100)
    def codes(ncf):
        body = api.post(URL, {"ncf": ncf, "document_subtype_id": subtype.pk},
                        format="json").json()
        return {e["code"] for e in body["errors"]}

    assert "invalid_format" in codes("X123")
    assert "type_mismatch" in codes("B0200000001")
    assert "out_of_range" in codes("B0100000101")


def test_foreign_subtype_is_400(api, other_workspace):
    subtype = fiscal_subtype(other_workspace, "B01")
    response = api.post(URL, {"ncf": "B0100000001", "document_subtype_id": subtype.pk},
                        format="json")
    assert response.status_code == 400
    assert "document_subtype_id" in response.json()["error"]["fields"]
