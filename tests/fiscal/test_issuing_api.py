"""The numbering contract seen through `POST /api/v1/invoices` (API.md): fiscal numbers in
order, and 409 with a message saying what to do past the range end or expiry."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from invoicing.fiscal.models import DocumentSubtype, Tax
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/invoices"


def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def b01(workspace) -> DocumentSubtype:
    subtype = DocumentSubtype.objects.get(workspace=workspace, ncf_type="B01")
    DocumentSubtype.objects.filter(pk=subtype.pk).update(
        range_start=1, range_end=2, valid_until=today() + datetime.timedelta(days=60))
    subtype.refresh_from_db()
    return subtype


def issue(api, workspace, subtype, **extra):
    return api.post(URL, {
        "contact_id": ContactFactory(workspace=workspace, tax_id="131246796").pk,
        "document_subtype_id": subtype.pk,
        "items": [{"description": "Consultoría", "quantity": "1", "unit_price": "1000.00",
                   "tax_ids": [Tax.objects.get(workspace=workspace, name="ITBIS 18%").pk]}],
        **extra,
    }, format="json", HTTP_ACCEPT_LANGUAGE="en")


def test_issuing_takes_the_next_ncf_with_its_expiry(api, workspace, b01):
    first = issue(api, workspace, b01)
    assert first.status_code == 201, first.content
    assert first.json()["document_number"] == "B0100000001"
    assert first.json()["ncf_valid_until"] == b01.valid_until.isoformat()
    assert issue(api, workspace, b01).json()["document_number"] == "B0100000002"


def test_past_the_range_end_is_409_saying_what_to_do(api, workspace, b01):
    assert issue(api, workspace, b01).status_code == 201
    assert issue(api, workspace, b01).status_code == 201
    response = issue(api, workspace, b01)
    assert response.status_code == 409, response.content
    error = response.json()["error"]
    assert error["code"] == "ncf_range_exhausted"
    assert "B0100000002" in error["message"] and "new range" in error["message"]
    assert DocumentSubtype.objects.get(pk=b01.pk).next_number == 3


def test_past_the_expiry_is_409_saying_what_to_do(api, workspace, b01):
    DocumentSubtype.objects.filter(pk=b01.pk).update(
        valid_until=today() - datetime.timedelta(days=1))
    response = issue(api, workspace, b01)
    assert response.status_code == 409, response.content
    error = response.json()["error"]
    assert error["code"] == "ncf_range_expired"
    assert "expired" in error["message"] and "new range DGII authorised" in error["message"]
    assert DocumentSubtype.objects.get(pk=b01.pk).next_number == 1  # nothing taken


def test_a_series_without_range_is_409(api, workspace):
    b02 = DocumentSubtype.objects.get(workspace=workspace, ncf_type="B02")
    response = issue(api, workspace, b02)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "ncf_range_missing"


def test_a_refused_issue_leaves_no_gap(api, workspace, b01):
    DocumentSubtype.objects.filter(pk=b01.pk).update(
        valid_until=today() - datetime.timedelta(days=1))
    assert issue(api, workspace, b01).status_code == 409
    DocumentSubtype.objects.filter(pk=b01.pk).update(
        valid_until=today() + datetime.timedelta(days=1))
    assert issue(api, workspace, b01).json()["document_number"] == "B0100000001"
