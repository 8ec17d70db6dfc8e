"""Product pages: list with stock (at or below zero highlighted), form, detail with the
ledger and the adjustment/purchase form."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from invoicing.fiscal.models import Tax
from invoicing.products.models import Product, StockMovement
from invoicing.products.stock import stock_movement_record
from tests.conftest import make_member
from tests.factories import InvoiceFactory, InvoiceLineFactory, ProductFactory
from workspaces.roles import Role

pytestmark = pytest.mark.django_db


def row_of(html: str, sku: str) -> str:
    match = re.search(rf'<tr[^>]*data-sku="{re.escape(sku)}"[^>]*>.*?</tr>', html, re.S)
    assert match, sku
    return match.group(0)


def test_list_highlights_stock_at_or_below_zero(logged_in_client, workspace):
    low = ProductFactory(workspace=workspace, sku="NEG", tracks_inventory=True)
    zero = ProductFactory(workspace=workspace, sku="ZERO", tracks_inventory=True)
    fine = ProductFactory(workspace=workspace, sku="FINE", tracks_inventory=True)
    ProductFactory(workspace=workspace, sku="SRV", tracks_inventory=False)
    stock_movement_record(workspace=workspace, product=low, quantity="-2", kind="adjustment",
                          note="rotura")
    stock_movement_record(workspace=workspace, product=fine, quantity="5", kind="purchase",
                          note="compra")
    assert zero.stock_quantity == 0
    html = logged_in_client.get(reverse("products:list")).content.decode()
    assert 'class="row-bad"' in row_of(html, "NEG") and "negative" in row_of(html, "NEG")
    assert "-2" in row_of(html, "NEG")
    assert 'class="row-bad"' in row_of(html, "ZERO")
    assert "row-bad" not in row_of(html, "FINE") and "negative" not in row_of(html, "FINE")
    assert "row-bad" not in row_of(html, "SRV")  # no inventory: nothing to warn about
    low_only = logged_in_client.get(reverse("products:list"), {"stock": "low"}).content.decode()
    assert 'data-sku="NEG"' in low_only and 'data-sku="FINE"' not in low_only


def test_list_search(logged_in_client, workspace):
    ProductFactory(workspace=workspace, sku="FER-CEM", name="Cemento gris")
    ProductFactory(workspace=workspace, sku="ALI-CAFE", name="Café molido")
    html = logged_in_client.get(reverse("products:list"), {"q": "cem"}).content.decode()
    assert "Cemento gris" in html and "Café molido" not in html


def test_list_queries_do_not_grow_with_rows(logged_in_client, workspace):
    taxes = list(Tax.objects.filter(workspace=workspace)[:1])

    def make():
        ProductFactory(workspace=workspace, tracks_inventory=True).taxes.set(taxes)

    make()
    url = reverse("products:list")
    logged_in_client.get(url)
    with CaptureQueriesContext(connection) as one:
        logged_in_client.get(url)
    for _ in range(24):
        make()
    with CaptureQueriesContext(connection) as many:
        assert logged_in_client.get(url).status_code == 200
    assert len(many.captured_queries) == len(one.captured_queries) <= 10


def test_create_form(logged_in_client, workspace):
    itbis18 = Tax.objects.get(workspace=workspace, name="ITBIS 18%")
    exento = Tax.objects.get(workspace=workspace, name="Exento")
    data = {"sku": "FER-VAR", "name": "Varilla 3/8", "description": "", "unit_price": "310",
            "cost": "255", "unit": "unidad", "tax_ids": [itbis18.pk, exento.pk],
            "tracks_inventory": "on", "is_active": "on"}
    bad = logged_in_client.post(reverse("products:new"), data)
    assert bad.status_code == 200 and bad.context["form"].errors["tax_ids"]
    assert not Product.objects.exists()
    good = logged_in_client.post(reverse("products:new"), {**data, "tax_ids": [itbis18.pk]})
    product = Product.objects.get()
    assert good["Location"] == reverse("products:detail", args=[product.pk])
    assert list(product.taxes.all()) == [itbis18] and product.tracks_inventory
    duplicate = logged_in_client.post(reverse("products:new"), {**data, "tax_ids": []})
    assert duplicate.context["form"].errors["sku"]


def test_edit_form_keeps_stock(logged_in_client, workspace):
    product = ProductFactory(workspace=workspace, tracks_inventory=True)
    stock_movement_record(workspace=workspace, product=product, quantity="3", kind="purchase",
                          note="c")
    url = reverse("products:edit", args=[product.pk])
    assert product.sku in logged_in_client.get(url).content.decode()
    response = logged_in_client.post(url, {"sku": product.sku, "name": "Nuevo", "unit_price": "1",
                                           "cost": "0", "unit": "caja",
                                           "tracks_inventory": "on", "is_active": "on"})
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.name, product.unit, product.stock_quantity) == ("Nuevo", "caja",
                                                                    Decimal("3"))


def test_detail_records_an_adjustment_and_shows_the_ledger(logged_in_client, workspace, owner):
    product = ProductFactory(workspace=workspace, tracks_inventory=True, unit="funda")
    url = reverse("products:detail", args=[product.pk])
    html = logged_in_client.get(url).content.decode()
    assert 'id="movement-form"' in html and "No stock movements yet" in html
    response = logged_in_client.post(reverse("products:record_movement", args=[product.pk]),
                                     {"kind": "adjustment", "quantity": "-4.5",
                                      "note": "Conteo físico"})
    assert response.status_code == 302 and response["Location"] == url
    product.refresh_from_db()
    assert product.stock_quantity == Decimal("-4.5")
    html = logged_in_client.get(url).content.decode()
    assert "Conteo físico" in html and owner.email in html
    assert 'data-testid="stock-quantity"' in html and "negative" in html


def test_movement_form_errors(logged_in_client, workspace):
    product = ProductFactory(workspace=workspace, tracks_inventory=True)
    url = reverse("products:record_movement", args=[product.pk])
    no_note = logged_in_client.post(url, {"kind": "adjustment", "quantity": "1", "note": ""})
    assert no_note.status_code == 400 and no_note.context["movement_form"].errors["note"]
    negative_purchase = logged_in_client.post(url, {"kind": "purchase", "quantity": "-1",
                                                    "note": "x"})
    assert negative_purchase.context["movement_form"].errors["quantity"]
    sale = logged_in_client.post(url, {"kind": "sale", "quantity": "-1", "note": "x"})
    assert sale.context["movement_form"].errors["kind"]
    assert not StockMovement.objects.exists()


def test_detail_queries_are_bounded(logged_in_client, workspace, django_assert_max_num_queries):
    product = ProductFactory(workspace=workspace, tracks_inventory=True)
    for n in range(25):
        stock_movement_record(workspace=workspace, product=product, quantity=str(n + 1),
                              kind="purchase", note=f"compra {n}")
    with django_assert_max_num_queries(12):
        assert logged_in_client.get(reverse("products:detail",
                                            args=[product.pk])).status_code == 200


def test_delete_used_product_offers_to_deactivate(logged_in_client, workspace):
    product = ProductFactory(workspace=workspace)
    InvoiceLineFactory(invoice=InvoiceFactory(workspace=workspace), product=product)
    html = logged_in_client.post(reverse("products:delete", args=[product.pk]),
                                 follow=True).content.decode()
    assert 'data-testid="offer-deactivate"' in html
    logged_in_client.post(reverse("products:set_active", args=[product.pk]), {"is_active": "0"})
    assert Product.objects.get(pk=product.pk).is_active is False
    unused = ProductFactory(workspace=workspace)
    logged_in_client.post(reverse("products:delete", args=[unused.pk]))
    assert not Product.objects.filter(pk=unused.pk).exists()


def test_other_workspace_product_is_404(logged_in_client, other_workspace):
    foreign = ProductFactory(workspace=other_workspace, tracks_inventory=True)
    assert logged_in_client.get(reverse("products:detail", args=[foreign.pk])).status_code == 404
    assert logged_in_client.post(reverse("products:record_movement", args=[foreign.pk]), {
        "kind": "adjustment", "quantity": "1", "note": "x"}).status_code == 404
    assert not StockMovement.objects.exists()


def test_viewer_sees_stock_but_cannot_record(client, workspace):
    product = ProductFactory(workspace=workspace, tracks_inventory=True)
    viewer = make_member(workspace, Role.VIEWER)
    client.force_login(viewer)
    html = client.get(reverse("products:detail", args=[product.pk])).content.decode()
    assert 'id="movement-form"' not in html
    assert client.post(reverse("products:record_movement", args=[product.pk]), {
        "kind": "adjustment", "quantity": "1", "note": "x"}).status_code == 403
