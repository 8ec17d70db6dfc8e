"""NCF validation (`validate_ncf`, `POST /invoices/validate-ncf`): every code, B and E."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from invoicing.core.errors import NotFound
from invoicing.fiscal.models import DocumentSubtype
from invoicing.fiscal.validation import normalise_ncf, validate_ncf
from tests.factories import InvoiceFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/invoices/validate-ncf"


def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def b01(workspace) -> DocumentSubtype:
    subtype = DocumentSubtype.objects.get(workspace=workspace, ncf_type="B01")
    DocumentSubtype.objects.filter(pk=subtype.pk).update(
        range_start=1, range_end=500, valid_until=today() + datetime.timedelta(days=200))
    subtype.refresh_from_db()
    return subtype


@pytest.fixture
def e31(workspace) -> DocumentSubtype:
    subtype = DocumentSubtype.objects.get(workspace=workspace, ncf_type="E31")  # a default
    DocumentSubtype.objects.filter(pk=subtype.pk).update(
        range_start=101, next_number=101, range_end=1100,
        valid_until=today() + datetime.timedelta(days=200))
    subtype.refresh_from_db()
    return subtype


@pytest.fixture(params=["B", "E"])
def case(request, b01, e31):
    """(subtype, a valid NCF of it, one past its range, an NCF of another type)."""
    if request.param == "B":
        return b01, "B0100000001", "B0100000501", "B0200000001"
    return e31, "E310000000101", "E310000001101", "E320000000101"


def codes(result) -> list[str]:
    return [error["code"] for error in result.errors]


def check(workspace, subtype, ncf, **kwargs):
    return validate_ncf(workspace=workspace, ncf=ncf, subtype=subtype, **kwargs)


class TestService:
    def test_a_good_ncf_is_valid(self, workspace, case):
        subtype, good, _past, _other = case
        result = check(workspace, subtype, good)
        assert (result.valid, result.ncf_normalised, result.errors) == (True, good, [])

    @pytest.mark.parametrize("raw,expected", [
        (" b01-0000-0001 ", "B0100000001"),
        ("B01 0000 0001", "B0100000001"),
        ("e31-000000-0101", "E310000000101"),
        ("\tB0100000001\n", "B0100000001"),
    ])
    def test_input_is_normalised(self, workspace, b01, e31, raw, expected):
        assert normalise_ncf(raw) == expected
        result = check(workspace, e31 if expected[0] == "E" else b01, raw)
        assert result.valid and result.ncf_normalised == expected

    @pytest.mark.parametrize("ncf", [
        "", "B01", "B010000000", "B01000000011", "X0100000001", "B0500000001", "B01ABCDEFGH",
        "E3100000001", "E31000000000101", "E420000000001", "E010000000001", "B3100000001",
    ])
    def test_invalid_format(self, workspace, b01, ncf):
        result = check(workspace, b01, ncf)
        assert not result.valid
        assert codes(result) == ["invalid_format"]

    def test_type_mismatch(self, workspace, case):
        subtype, _good, _past, other_type = case
        result = check(workspace, subtype, other_type)
        assert codes(result) == ["type_mismatch"]
        assert subtype.ncf_type in result.errors[0]["message"]

    def test_b_ncf_on_an_e_series_is_a_type_mismatch(self, workspace, e31):
        assert codes(check(workspace, e31, "B0100000101")) == ["type_mismatch"]

    def test_pre_2018_format_is_a_type_mismatch(self, workspace, b01):
        assert codes(check(workspace, b01, "A020010210100000005")) == ["type_mismatch"]

    def test_plain_series_is_a_type_mismatch(self, workspace):
        inv = DocumentSubtype.objects.get(workspace=workspace, prefix="INV-")
        assert codes(check(workspace, inv, "B0100000001")) == ["type_mismatch"]

    def test_out_of_range(self, workspace, case):
        subtype, _good, past_end, _other = case
        result = check(workspace, subtype, past_end)
        assert codes(result) == ["out_of_range"]
        assert subtype.format_number(subtype.range_end) in result.errors[0]["message"]

    def test_before_the_range_start_is_out_of_range(self, workspace, e31):
        assert codes(check(workspace, e31, "E310000000100")) == ["out_of_range"]
        assert codes(check(workspace, e31, "E310000000000")) == ["out_of_range"]

    def test_range_bounds_are_inclusive(self, workspace, b01):
        assert check(workspace, b01, "B0100000500").valid

    def test_series_without_a_range_is_out_of_range(self, workspace):
        b02 = DocumentSubtype.objects.get(workspace=workspace, ncf_type="B02")
        assert codes(check(workspace, b02, "B0200000001")) == ["out_of_range"]

    def test_expired(self, workspace, case):
        subtype, good, _past, _other = case
        DocumentSubtype.objects.filter(pk=subtype.pk).update(
            valid_until=today() - datetime.timedelta(days=1))
        subtype.refresh_from_db()
        result = check(workspace, subtype, good)
        assert codes(result) == ["expired"]
        # On its last day it is still valid.
        assert check(workspace, subtype, good, on_date=subtype.valid_until).valid

    def test_duplicate(self, workspace, case):
        subtype, good, _past, _other = case
        invoice = InvoiceFactory(workspace=workspace, document_subtype=subtype,
                                 document_number=good, status="pending_payment")
        assert codes(check(workspace, subtype, good)) == ["duplicate"]
        # An invoice checking its own number is not its own duplicate.
        assert check(workspace, subtype, good, exclude_invoice_id=invoice.pk).valid

    def test_a_cancelled_invoice_keeps_its_ncf_taken(self, workspace, b01):
        InvoiceFactory(workspace=workspace, document_subtype=b01, status="cancelled",
                       document_number="B0100000003")
        assert codes(check(workspace, b01, "B0100000003")) == ["duplicate"]

    def test_another_workspaces_invoice_is_no_duplicate(self, workspace, other_workspace,
                                                        b01):
        InvoiceFactory(workspace=other_workspace, document_number="B0100000001",
                       status="pending_payment",
                       document_subtype=DocumentSubtype.objects.get(
                           workspace=other_workspace, ncf_type="B01"))
        assert check(workspace, b01, "B0100000001").valid

    def test_every_problem_is_listed(self, workspace, case):
        subtype, _good, past_end, _other = case
        DocumentSubtype.objects.filter(pk=subtype.pk).update(
            valid_until=today() - datetime.timedelta(days=1))
        subtype.refresh_from_db()
        InvoiceFactory(workspace=workspace, document_subtype=subtype,
                       document_number=past_end, status="pending_payment")
        assert codes(check(workspace, subtype, past_end)) == [
            "out_of_range", "expired", "duplicate"]

    def test_subtype_of_another_workspace_is_not_found(self, workspace, other_workspace):
        foreign = DocumentSubtype.objects.get(workspace=other_workspace, ncf_type="B01")
        with pytest.raises(NotFound):
            check(workspace, foreign, "B0100000001")


class TestEndpoint:
    def test_answers_with_the_shape_of_api_md(self, api, b01):
        response = api.post(URL, {"ncf": "b01-00000001", "document_subtype_id": b01.pk},
                            format="json")
        assert response.status_code == 200, response.content
        assert response.json() == {"valid": True, "ncf": "B0100000001", "errors": []}

    def test_problems_are_200_with_codes(self, api, b01):
        response = api.post(URL, {"ncf": "B0200000001", "document_subtype_id": b01.pk},
                            format="json")
        assert response.status_code == 200
        body = response.json()
        assert body["valid"] is False
        assert [e["code"] for e in body["errors"]] == ["type_mismatch"]
        assert body["errors"][0]["message"]

    def test_subtype_of_another_workspace_is_400(self, api, other_workspace):
        foreign = DocumentSubtype.objects.get(workspace=other_workspace, ncf_type="B01")
        response = api.post(URL, {"ncf": "B0100000001", "document_subtype_id": foreign.pk},
                            format="json")
        assert response.status_code == 400
        assert "document_subtype_id" in response.json()["error"]["fields"]

    def test_missing_fields_are_400(self, api):
        response = api.post(URL, {}, format="json")
        assert response.status_code == 400
        assert set(response.json()["error"]["fields"]) == {"ncf", "document_subtype_id"}
