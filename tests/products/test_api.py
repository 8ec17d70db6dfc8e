"""`/api/v1/products` and `/api/v1/stock-movements` against API.md."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from invoicing.fiscal.models import Tax
from invoicing.products.models import Product, StockMovement
from invoicing.products.stock import stock_movement_record
from tests.factories import (
    InvoiceFactory,
    InvoiceLineFactory,
    ProductFactory,
    QuotationLineFactory,
    TaxFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/products"
MOVES = "/api/v1/stock-movements"
FIELDS = {"id", "sku", "name", "description", "unit_price", "cost", "unit",
          "tracks_inventory", "stock_quantity", "tax_ids", "is_active"}
MOVE_FIELDS = {"id", "product_id", "quantity", "kind", "invoice_id", "note", "created_at"}


def error_fields(response, status=400):
    assert response.status_code == status, response.content
    return response.json()["error"].get("fields", {})


def tax(workspace, name) -> Tax:
    return Tax.objects.get(workspace=workspace, name=name)


class TestProducts:
    def test_create_full_object(self, api, workspace):
        itbis = tax(workspace, "ITBIS 18%")
        response = api.post(URL, {
            "sku": "FER-CEM-42", "name": "Cemento gris 42.5 kg", "description": "Funda",
            "unit_price": 495, "cost": "410.5", "unit": "funda", "tax_ids": [itbis.pk],
            "tracks_inventory": True,
        }, format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert set(body) == FIELDS
        assert body["unit_price"] == "495.00" and body["cost"] == "410.50"
        assert body["stock_quantity"] == "0.0000"
        assert body["tax_ids"] == [itbis.pk]
        assert body["tracks_inventory"] is True and body["is_active"] is True

    def test_defaults(self, api):
        body = api.post(URL, {"sku": "S1", "name": "Servicio"}, format="json").json()
        assert (body["unit_price"], body["cost"], body["unit"], body["tax_ids"],
                body["tracks_inventory"]) == ("0.00", "0.00", "unidad", [], False)

    def test_stock_quantity_is_read_only(self, api, workspace):
        body = api.post(URL, {"sku": "S1", "name": "X", "stock_quantity": "99"},
                        format="json").json()
        assert body["stock_quantity"] == "0.0000"
        response = api.patch(f"{URL}/{body['id']}", {"stock_quantity": "5"}, format="json")
        assert response.json()["stock_quantity"] == "0.0000"

    def test_duplicate_sku_is_400_on_sku(self, api, workspace, other_workspace):
        ProductFactory(workspace=workspace, sku="DUP-1")
        ProductFactory(workspace=other_workspace, sku="DUP-2")
        assert "sku" in error_fields(api.post(URL, {"sku": "DUP-1", "name": "X"},
                                              format="json"))
        # Unique per workspace: another workspace's SKU is free here.
        assert api.post(URL, {"sku": "DUP-2", "name": "X"}, format="json").status_code == 201
        other = ProductFactory(workspace=workspace, sku="OTHER")
        assert "sku" in error_fields(api.patch(f"{URL}/{other.pk}", {"sku": "DUP-1"},
                                               format="json"))

    def test_two_itbis_treatments_are_400_on_tax_ids(self, api, workspace):
        ids = [tax(workspace, "ITBIS 18%").pk, tax(workspace, "Exento").pk]
        assert "tax_ids" in error_fields(api.post(URL, {"sku": "S", "name": "X",
                                                        "tax_ids": ids}, format="json"))
        assert not Product.objects.exists()

    def test_itbis_and_tip_together_are_fine(self, api, workspace):
        ids = [tax(workspace, "ITBIS 18%").pk, tax(workspace, "Propina legal 10%").pk]
        body = api.post(URL, {"sku": "RES-1", "name": "Bandera", "tax_ids": ids},
                        format="json").json()
        assert body["tax_ids"] == sorted(ids)

    def test_foreign_or_inactive_tax_is_400(self, api, workspace, other_workspace):
        foreign = tax(other_workspace, "ITBIS 18%")
        assert "tax_ids" in error_fields(api.post(URL, {"sku": "S", "name": "X",
                                                        "tax_ids": [foreign.pk]},
                                                  format="json"))
        inactive = TaxFactory(workspace=workspace, name="ISC viejo", kind="isc",
                              rate=Decimal("10"), is_active=False)
        assert "tax_ids" in error_fields(api.post(URL, {"sku": "S", "name": "X",
                                                        "tax_ids": [inactive.pk]},
                                                  format="json"))

    @pytest.mark.parametrize(("body", "field"), [
        ({"name": "X"}, "sku"), ({"sku": "S"}, "name"), ({"sku": " ", "name": "X"}, "sku"),
        ({"sku": "S", "name": "X", "unit_price": -1}, "unit_price"),
        ({"sku": "S", "name": "X", "cost": "abc"}, "cost"),
        ({"sku": "S", "name": "X", "unit_price": "1.234"}, "unit_price"),
        ({"sku": "S", "name": "X", "tracks_inventory": "perhaps"}, "tracks_inventory"),
        ({"sku": "S" * 65, "name": "X"}, "sku"),
        ({"sku": "S", "name": "X", "tax_ids": ["a"]}, "tax_ids"),
    ])
    def test_bad_fields_are_named(self, api, body, field):
        assert field in error_fields(api.post(URL, body, format="json"))

    def test_patch_replaces_taxes_and_keeps_the_rest(self, api, workspace):
        product = ProductFactory(workspace=workspace, unit_price=Decimal("100.00"))
        product.taxes.set([tax(workspace, "ITBIS 18%")])
        exento = tax(workspace, "Exento")
        body = api.patch(f"{URL}/{product.pk}", {"tax_ids": [exento.pk]}, format="json").json()
        assert body["tax_ids"] == [exento.pk] and body["unit_price"] == "100.00"
        assert api.patch(f"{URL}/{product.pk}", {"tax_ids": []},
                         format="json").json()["tax_ids"] == []

    def test_delete_unused_is_204(self, api, workspace):
        product = ProductFactory(workspace=workspace)
        assert api.delete(f"{URL}/{product.pk}").status_code == 204
        assert not Product.objects.filter(pk=product.pk).exists()

    @pytest.mark.parametrize("used_by", ["invoice", "quotation", "ledger"])
    def test_delete_used_is_409_and_it_stays(self, api, workspace, used_by):
        product = ProductFactory(workspace=workspace, tracks_inventory=True)
        if used_by == "invoice":
            InvoiceLineFactory(invoice=InvoiceFactory(workspace=workspace), product=product)
        elif used_by == "quotation":
            from tests.factories import QuotationFactory

            QuotationLineFactory(quotation=QuotationFactory(workspace=workspace),
                                 product=product)
        else:
            stock_movement_record(workspace=workspace, product=product, quantity="1",
                                  kind="adjustment", note="x")
        response = api.delete(f"{URL}/{product.pk}")
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "product_in_use"
        assert Product.objects.filter(pk=product.pk).exists()
        assert api.patch(f"{URL}/{product.pk}", {"is_active": False},
                         format="json").json()["is_active"] is False

    def test_filters(self, api, workspace):
        ProductFactory(workspace=workspace, sku="FER-CEM-42", name="Cemento gris",
                       tracks_inventory=True)
        ProductFactory(workspace=workspace, sku="SRV-1", name="Instalación de cemento",
                       tracks_inventory=False)
        ProductFactory(workspace=workspace, sku="ALI-CAFE", name="Café", is_active=False)

        def skus(params):
            response = api.get(URL, params)
            assert response.status_code == 200, response.content
            return {row["sku"] for row in response.json()["results"]}

        assert skus({"q": "cemento"}) == {"FER-CEM-42", "SRV-1"}
        assert skus({"filter[q]": "srv"}) == {"SRV-1"}
        assert skus({"sku": "fer-cem-42"}) == {"FER-CEM-42"}
        assert skus({"sku": "FER"}) == set()
        assert skus({"tracks_inventory": "true"}) == {"FER-CEM-42"}
        assert skus({"filter[is_active]": "false"}) == {"ALI-CAFE"}
        assert "tracks_inventory" in error_fields(api.get(URL, {"tracks_inventory": "x"}))

    def test_sort(self, api, workspace):
        for sku, price in (("A", "30"), ("B", "10"), ("C", "20")):
            ProductFactory(workspace=workspace, sku=sku, unit_price=Decimal(price))
        rows = api.get(URL, {"sort": "-unit_price"}).json()["results"]
        assert [row["sku"] for row in rows] == ["A", "C", "B"]
        assert [r["sku"] for r in api.get(URL, {"sort": "sku"}).json()["results"]] == [
            "A", "B", "C"]
        assert "sort" in error_fields(api.get(URL, {"sort": "cost"}))

    def test_list_runs_the_same_queries_for_1_and_30_rows(self, api, workspace):
        taxes = list(Tax.objects.filter(workspace=workspace, kind__in=["itbis", "tip"])[:2])

        def make():
            product = ProductFactory(workspace=workspace)
            product.taxes.set(taxes[:1])

        make()
        api.get(URL)

        def count():
            with CaptureQueriesContext(connection) as ctx:
                assert api.get(URL, {"per_page": 100}).status_code == 200
            return len(ctx.captured_queries)

        one = count()
        for _ in range(29):
            make()
        assert count() == one


class TestStockMovements:
    @pytest.fixture
    def product(self, workspace):
        return ProductFactory(workspace=workspace, tracks_inventory=True)

    def test_post_adjustment_moves_stock(self, api, product, owner):
        response = api.post(MOVES, {"product_id": product.pk, "quantity": "-2.5",
                                    "kind": "adjustment", "note": "Conteo físico"},
                            format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert set(body) == MOVE_FIELDS
        assert (body["product_id"], body["quantity"], body["kind"], body["invoice_id"],
                body["note"]) == (product.pk, "-2.5000", "adjustment", None, "Conteo físico")
        movement = StockMovement.objects.get(pk=body["id"])
        assert movement.created_by == owner
        assert api.get(f"{URL}/{product.pk}").json()["stock_quantity"] == "-2.5000"

    def test_post_purchase(self, api, product):
        assert api.post(MOVES, {"product_id": product.pk, "quantity": 10, "kind": "purchase",
                                "note": "Factura 1234"}, format="json").status_code == 201
        product.refresh_from_db()
        assert product.stock_quantity == Decimal("10")

    @pytest.mark.parametrize(("body", "field"), [
        ({"kind": "sale", "quantity": "-1"}, "kind"),
        ({"kind": "sale_reversal", "quantity": "1"}, "kind"),
        ({"kind": "stolen", "quantity": "1"}, "kind"),
        ({"kind": "adjustment", "quantity": "1", "note": ""}, "note"),
        ({"kind": "adjustment", "quantity": "1", "note": None}, "note"),
        ({"kind": "purchase", "quantity": "-1"}, "quantity"),
        ({"kind": "adjustment", "quantity": "0"}, "quantity"),
        ({"kind": "adjustment", "quantity": "x"}, "quantity"),
        ({"kind": "adjustment", "quantity": "1", "product_id": 999999}, "product_id"),
    ])
    def test_bad_posts_are_400_and_nothing_moves(self, api, product, body, field):
        payload = {"product_id": product.pk, "note": "n", **body}
        if payload["note"] is None:
            del payload["note"]
        assert field in error_fields(api.post(MOVES, payload, format="json"))
        assert not StockMovement.objects.exists()
        product.refresh_from_db()
        assert product.stock_quantity == 0

    def test_product_without_inventory_is_400(self, api, workspace):
        service = ProductFactory(workspace=workspace, tracks_inventory=False)
        assert "product_id" in error_fields(api.post(MOVES, {
            "product_id": service.pk, "quantity": "1", "kind": "adjustment", "note": "x"},
            format="json"))

    def test_foreign_product_is_400_not_found(self, api, other_workspace):
        foreign = ProductFactory(workspace=other_workspace, tracks_inventory=True)
        fields = error_fields(api.post(MOVES, {"product_id": foreign.pk, "quantity": "1",
                                               "kind": "adjustment", "note": "x"},
                                       format="json"))
        assert "product_id" in fields

    def test_no_put_patch_or_delete(self, api, product, workspace):
        movement = stock_movement_record(workspace=workspace, product=product, quantity="1",
                                         kind="adjustment", note="x")
        for method in ("put", "patch", "delete"):
            response = getattr(api, method)(f"{MOVES}/{movement.pk}", {"quantity": "9"},
                                            format="json")
            assert response.status_code == 405, method
        assert api.put(MOVES, {}, format="json").status_code == 405
        movement.refresh_from_db()
        assert movement.quantity == Decimal("1")

    def test_filters_and_sort(self, api, workspace, product):
        other = ProductFactory(workspace=workspace, tracks_inventory=True)
        invoice = InvoiceFactory(workspace=workspace)
        stock_movement_record(workspace=workspace, product=product, quantity="10",
                              kind="purchase", note="p")
        sale = stock_movement_record(workspace=workspace, product=product, quantity="-3",
                                     kind="sale", invoice=invoice, source_key="inv:1:l1")
        stock_movement_record(workspace=workspace, product=other, quantity="2",
                              kind="adjustment", note="a")

        def ids(params):
            response = api.get(MOVES, params)
            assert response.status_code == 200, response.content
            return [row["id"] for row in response.json()["results"]]

        assert len(ids({})) == 3
        assert len(ids({"product_id": product.pk})) == 2
        assert ids({"filter[invoice_id]": invoice.pk}) == [sale.pk]
        assert ids({"kind": "sale"}) == [sale.pk]
        assert api.get(MOVES, {"kind": "sale"}).json()["results"][0]["invoice_id"] == invoice.pk
        assert "kind" in error_fields(api.get(MOVES, {"kind": "gift"}))
        assert "product_id" in error_fields(api.get(MOVES, {"product_id": "abc"}))
        newest_first = ids({})
        assert newest_first == sorted(newest_first, reverse=True)
        quantities = [r["quantity"] for r in api.get(MOVES, {"sort": "quantity"}).json()[
            "results"]]
        assert quantities == ["-3.0000", "2.0000", "10.0000"]
        assert "sort" in error_fields(api.get(MOVES, {"sort": "note"}))

    def test_stock_is_the_sum_of_the_movements(self, api, product):
        for quantity in ("5", "-7", "1.25"):
            api.post(MOVES, {"product_id": product.pk, "quantity": quantity,
                             "kind": "adjustment", "note": "n"}, format="json")
        product.refresh_from_db()
        total = StockMovement.objects.filter(product=product).aggregate(s=Sum("quantity"))["s"]
        assert product.stock_quantity == total == Decimal("-0.75")

    def test_idempotency_key_records_once(self, api, product):
        body = {"product_id": product.pk, "quantity": "4", "kind": "purchase", "note": "n"}
        first = api.post(MOVES, body, format="json", HTTP_IDEMPOTENCY_KEY="m-1")
        second = api.post(MOVES, body, format="json", HTTP_IDEMPOTENCY_KEY="m-1")
        assert first.json() == second.json()
        product.refresh_from_db()
        assert product.stock_quantity == Decimal("4")

    def test_list_runs_the_same_queries_for_1_and_30_rows(self, api, workspace, product):
        stock_movement_record(workspace=workspace, product=product, quantity="1",
                              kind="adjustment", note="x")
        api.get(MOVES)

        def count():
            with CaptureQueriesContext(connection) as ctx:
                assert api.get(MOVES, {"per_page": 100}).status_code == 200
            return len(ctx.captured_queries)

        one = count()
        for _ in range(29):
            stock_movement_record(workspace=workspace, product=product, quantity="1",
                                  kind="adjustment", note="x")
        assert count() == one
