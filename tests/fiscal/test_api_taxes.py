"""`/api/v1/taxes` (API.md "Taxes, currencies, salesmen, document subtypes")."""

from __future__ import annotations

from decimal import Decimal

import pytest

from invoicing.fiscal.models import Tax
from tests.factories import (
    InvoiceLineFactory,
    ProductFactory,
    QuotationLineFactory,
    TaxFactory,
)
from tests.fiscal.helpers import session_client
from workspaces.models import Activity
from workspaces.roles import Role

URL = "/api/v1/taxes"

pytestmark = pytest.mark.django_db


def detail(tax) -> str:
    return f"{URL}/{tax.pk}"


def copy_of(tax: Tax, amount: str = "18.00") -> dict:
    return {"id": tax.pk, "name": tax.name, "kind": tax.kind, "rate": str(tax.rate),
            "amount": amount}


class TestRead:
    def test_list_has_the_defaults_with_the_fields_of_api_md(self, api):
        response = api.get(URL)
        assert response.status_code == 200
        rows = response.json()["results"]
        assert {row["name"] for row in rows} == {"ITBIS 18%", "ITBIS 16%", "ITBIS 0%",
                                                 "Exento", "Propina legal 10%"}
        zero = next(row for row in rows if row["name"] == "ITBIS 0%")
        assert (zero["kind"], zero["rate"]) == ("itbis", "0.00")
        itbis = next(row for row in rows if row["name"] == "ITBIS 18%")
        assert set(itbis) == {"id", "name", "kind", "rate", "is_active"}
        assert itbis["kind"] == "itbis" and itbis["rate"] == "18.00"
        assert itbis["is_active"] is True

    @pytest.mark.parametrize("query,expected", [
        ({"kind": "itbis"}, {"ITBIS 18%", "ITBIS 16%", "ITBIS 0%"}),
        ({"filter[kind]": "exempt"}, {"Exento"}),
        ({"kind": "tip"}, {"Propina legal 10%"}),
        ({"is_active": "false"}, {"Viejo"}),
        ({"filter[is_active]": "true", "kind": "isc"}, set()),
        ({"q": "itbis 1"}, {"ITBIS 18%", "ITBIS 16%"}),
    ])
    def test_filters(self, api, workspace, query, expected):
        TaxFactory(workspace=workspace, name="Viejo", kind="other", rate=Decimal("5"),
                   is_active=False)
        response = api.get(URL, query)
        assert response.status_code == 200, response.content
        assert {row["name"] for row in response.json()["results"]} == expected

    @pytest.mark.parametrize("query", [{"kind": "vat"}, {"is_active": "maybe"},
                                       {"sort": "colour"}])
    def test_bad_filter_or_sort_is_400(self, api, query):
        response = api.get(URL, query)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "validation_error"

    def test_sort_by_rate_both_ways(self, api):
        ascending = [row["rate"] for row in api.get(URL, {"sort": "rate"}).json()["results"]]
        assert ascending == ["0.00", "0.00", "10.00", "16.00", "18.00"]
        descending = [row["rate"] for row in api.get(URL, {"sort": "-rate"}).json()["results"]]
        assert descending == ascending[::-1]

    def test_default_sort_is_by_name(self, api):
        names = [row["name"] for row in api.get(URL).json()["results"]]
        assert names == sorted(names)

    def test_viewer_may_read_but_not_write(self, workspace):
        viewer = session_client(workspace, Role.VIEWER)
        assert viewer.get(URL).status_code == 200
        response = viewer.post(URL, {"name": "ISC", "kind": "isc", "rate": "10"},
                               content_type="application/json")
        assert response.status_code == 403

    def test_list_costs_the_same_queries_for_1_and_30_rows(self, api, workspace,
                                                           django_assert_num_queries):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        Tax.objects.filter(workspace=workspace).exclude(name="Exento").delete()
        api.get(URL)  # warm-up: the key's first use writes last_used_at
        with CaptureQueriesContext(connection) as one:
            assert api.get(URL, {"per_page": 100}).json()["count"] == 1
        for n in range(29):
            TaxFactory(workspace=workspace, name=f"ISC {n}", kind="isc", rate=Decimal(n))
        with CaptureQueriesContext(connection) as thirty:
            assert api.get(URL, {"per_page": 100}).json()["count"] == 30
        assert len(one) == len(thirty)


class TestWrite:
    def test_accountant_creates_a_tax(self, workspace):
        accountant = session_client(workspace, Role.ACCOUNTANT)
        response = accountant.post(URL, {"name": "ISC telecom", "kind": "isc", "rate": 10},
                                   content_type="application/json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["rate"] == "10.00" and body["kind"] == "isc" and body["is_active"] is True
        tax = Tax.objects.get(pk=body["id"])
        assert tax.workspace == workspace
        assert Activity.objects.filter(target_type="fiscal.tax", target_id=tax.pk,
                                       verb="created").exists()

    def test_seller_may_not_write(self, workspace):
        seller = session_client(workspace, Role.SELLER)
        response = seller.post(URL, {"name": "ISC", "kind": "isc", "rate": "10"},
                               content_type="application/json")
        assert response.status_code == 403
        tax = Tax.objects.get(workspace=workspace, name="Exento")
        assert seller.delete(detail(tax)).status_code == 403
        assert seller.patch(detail(tax), {"name": "x"},
                            content_type="application/json").status_code == 403
        assert Tax.objects.get(pk=tax.pk).name == "Exento"

    @pytest.mark.parametrize("body,field", [
        ({"kind": "isc", "rate": "10"}, "name"),
        ({"name": "X", "kind": "vat", "rate": "10"}, "kind"),
        ({"name": "X", "kind": "isc", "rate": "101"}, "rate"),
        ({"name": "X", "kind": "isc", "rate": "-1"}, "rate"),
        ({"name": "X", "kind": "isc", "rate": "1.005"}, "rate"),
        ({"name": "X", "kind": "isc", "rate": "abc"}, "rate"),
        ({"name": "X", "kind": "exempt", "rate": "18"}, "rate"),
        ({"name": "itbis 18%", "kind": "itbis", "rate": "18"}, "name"),
    ])
    def test_bad_input_is_400_naming_the_field(self, api, body, field):
        before = Tax.objects.count()
        response = api.post(URL, body, format="json")
        assert response.status_code == 400, response.content
        assert field in response.json()["error"]["fields"]
        assert Tax.objects.count() == before

    def test_patch_changes_only_what_is_sent(self, api, workspace):
        tax = Tax.objects.get(workspace=workspace, name="ITBIS 16%")
        response = api.patch(detail(tax), {"rate": "18"}, format="json")  # 18/16/0 only
        assert response.status_code == 200, response.content
        assert response.json() == {"id": tax.pk, "name": "ITBIS 16%", "kind": "itbis",
                                   "rate": "18.00", "is_active": True}

    def test_put_replaces(self, api, workspace):
        tax = Tax.objects.get(workspace=workspace, name="Propina legal 10%")
        response = api.put(detail(tax), {"name": "Propina", "kind": "tip", "rate": "10",
                                         "is_active": False}, format="json")
        assert response.status_code == 200, response.content
        tax.refresh_from_db()
        assert (tax.name, tax.is_active) == ("Propina", False)

    def test_unused_tax_is_deleted(self, api, workspace):
        tax = TaxFactory(workspace=workspace, name="ISC", kind="isc", rate=Decimal("10"))
        assert api.delete(detail(tax)).status_code == 204
        assert not Tax.objects.filter(pk=tax.pk).exists()

    def test_tax_of_a_product_is_kept_409(self, api, workspace):
        tax = Tax.objects.get(workspace=workspace, name="ITBIS 18%")
        ProductFactory(workspace=workspace).taxes.add(tax)
        response = api.delete(detail(tax))
        assert response.status_code == 409
        assert "desactív" in response.json()["error"]["message"]  # "deactivate it instead"
        assert Tax.objects.filter(pk=tax.pk).exists()

    @pytest.mark.parametrize("line_factory", [InvoiceLineFactory, QuotationLineFactory])
    def test_tax_copied_on_a_document_line_is_kept_409(self, api, workspace, line_factory):
        tax = TaxFactory(workspace=workspace, name="ISC alcohol", kind="isc",
                         rate=Decimal("10"))
        other = Tax.objects.get(workspace=workspace, name="ITBIS 18%")
        parent = "invoice" if line_factory is InvoiceLineFactory else "quotation"
        factory = line_factory._meta.declarations[parent].get_factory()
        line_factory(**{parent: factory(workspace=workspace)},
                     taxes=[copy_of(other), copy_of(tax, "10.00")])
        response = api.delete(detail(tax))
        assert response.status_code == 409, response.content
        assert response.json()["error"]["code"] == "tax_in_use"
        # Deactivating is the way out.
        assert api.patch(detail(tax), {"is_active": False}, format="json").status_code == 200
        assert Tax.objects.get(pk=tax.pk).is_active is False

    def test_a_copy_in_another_workspace_does_not_count(self, api, workspace,
                                                        other_workspace):
        tax = TaxFactory(workspace=workspace, name="ISC", kind="isc", rate=Decimal("10"))
        InvoiceLineFactory(invoice__workspace=other_workspace, taxes=[copy_of(tax)])
        assert api.delete(detail(tax)).status_code == 204

    def test_changing_the_rate_leaves_existing_documents_alone(self, api, workspace):
        tax = Tax.objects.get(workspace=workspace, name="ITBIS 18%")
        line = InvoiceLineFactory(invoice__workspace=workspace, taxes=[copy_of(tax)],
                                  tax_amount=Decimal("18.00"), total=Decimal("118.00"),
                                  subtotal=Decimal("100.00"))
        response = api.patch(detail(tax), {"rate": "16"}, format="json")  # 18/16/0 only
        assert response.status_code == 200
        line.refresh_from_db()
        assert line.taxes == [copy_of(tax)] and line.taxes[0]["rate"] == "18.00"
        assert line.tax_amount == Decimal("18.00")
        assert Tax.objects.get(pk=tax.pk).rate == Decimal("16.00")

    def test_kind_of_a_used_tax_does_not_change(self, api, workspace):
        tax = Tax.objects.get(workspace=workspace, name="Propina legal 10%")
        ProductFactory(workspace=workspace).taxes.add(tax)
        response = api.patch(detail(tax), {"kind": "itbis"}, format="json")
        assert response.status_code == 409
        assert "kind" in response.json()["error"]["fields"]
        assert Tax.objects.get(pk=tax.pk).kind == "tip"

    def test_kind_of_an_unused_tax_may_change(self, api, workspace):
        tax = TaxFactory(workspace=workspace, name="Otro", kind="other", rate=Decimal("3"))
        response = api.patch(detail(tax), {"kind": "isc"}, format="json")
        assert response.status_code == 200
        assert response.json()["kind"] == "isc"
