"""Issue 12: B11/E41, B13/E43 and B17/E47 are documents a business issues for its own
purchases (DOMAIN.md): never offered as sales series, while their types stay known for
validating NCFs (and for a later purchases module)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from stdnum.do import ncf as stdnum_ncf

from invoicing.fiscal.forms import SubtypeForm
from invoicing.fiscal.models import DocumentSubtype, Tax
from invoicing.fiscal.ncf_types import NCF_TYPES, PURCHASE_NCF_TYPES
from invoicing.fiscal.validation import validate_ncf
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

PURCHASE = ["B11", "E41", "B13", "E43", "B17", "E47"]


def test_the_purchase_types_are_known_but_not_sales():
    assert set(PURCHASE) == PURCHASE_NCF_TYPES
    for code in PURCHASE:
        assert code in NCF_TYPES and not NCF_TYPES[code].is_sales
    assert all(NCF_TYPES[code].is_sales for code in NCF_TYPES if code not in PURCHASE)


@pytest.mark.parametrize("code", PURCHASE)
def test_a_purchase_series_cannot_be_created(api, workspace, code):
    response = api.post("/api/v1/document-subtypes",
                        {"name": "Compras", "ncf_type": code, "document_type": "invoice"},
                        format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert "ncf_type" in error["fields"]
    assert not DocumentSubtype.objects.filter(workspace=workspace, ncf_type=code).exists()


def test_a_sales_series_cannot_become_a_purchase_one(api, workspace):
    b15 = DocumentSubtype.objects.get(workspace=workspace, ncf_type="B15")
    response = api.patch(f"/api/v1/document-subtypes/{b15.pk}", {"ncf_type": "B13"},
                         format="json")
    assert response.status_code == 400
    assert "ncf_type" in response.json()["error"]["fields"]


def test_the_settings_form_does_not_offer_them():
    offered = {value for value, _label in SubtypeForm().fields["ncf_type"].choices}
    assert not offered & set(PURCHASE)
    assert {"B01", "B02", "E31", "E32", "B16", "E46"} <= offered


def test_an_older_purchase_series_does_not_number_an_invoice(api, logged_in_client, workspace):
    """A workspace that made a B11 series before this rule keeps it (its type stays for
    validation), but no invoice is issued with it and the invoice form does not offer it."""
    b11 = DocumentSubtype.objects.create(workspace=workspace, name="Compras informales",
                                         document_type="invoice", ncf_type="B11", padding=8,
                                         range_start=1, next_number=1, range_end=100)
    itbis = Tax.objects.get(workspace=workspace, name="ITBIS 18%")
    response = api.post("/api/v1/invoices", {
        "contact_id": ContactFactory(workspace=workspace, tax_id="131246796").pk,
        "document_subtype_id": b11.pk,
        "items": [{"description": "Madera", "quantity": "1", "unit_price": "100.00",
                   "tax_ids": [itbis.pk]}]}, format="json")
    assert response.status_code == 400, response.content
    assert "document_subtype_id" in response.json()["error"]["fields"]
    assert DocumentSubtype.objects.get(pk=b11.pk).next_number == 1
    html = logged_in_client.get(reverse("invoices:new")).content.decode()
    assert f'value="{b11.pk}"' not in html
    # Its NCFs are still understood (a B11 number is of type B11, not malformed).
    assert validate_ncf(workspace=workspace, ncf="B1100000001", subtype=b11).valid
    stdnum_ncf.validate("B1100000001")
