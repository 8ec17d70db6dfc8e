from decimal import Decimal

from django.db.models import Sum

from invoicing.products import demo
from invoicing.products.models import Product, StockMovement


def test_demo_products_and_opening_stock_are_seeded_once(workspace, owner):
    demo.seed(workspace, owner)
    demo.seed(workspace, owner)
    products = {p.sku: p for p in Product.objects.filter(workspace=workspace)
                .prefetch_related("taxes")}
    assert len(products) == len(demo.PRODUCTS) >= 15
    cement = products["FER-CEM-42"]
    assert cement.tracks_inventory and cement.stock_quantity == Decimal("200")
    assert [t.name for t in cement.taxes.all()] == ["ITBIS 18%"]
    assert [t.name for t in products["ALI-CAFE-454"].taxes.all()] == ["ITBIS 16%"]
    assert [t.kind for t in products["ALI-ARROZ-10"].taxes.all()] == ["exempt"]
    assert {t.kind for t in products["RES-BANDERA"].taxes.all()} == {"itbis", "tip"}
    assert not products["SRV-CONS-HR"].tracks_inventory
    assert products["ALI-HUEVOS-30"].stock_quantity == Decimal("-3")
    for product in products.values():
        total = StockMovement.objects.filter(product=product).aggregate(s=Sum("quantity"))["s"]
        assert product.stock_quantity == (total or 0), product.sku
    # Each opening purchase exists once although the seed ran twice.
    assert StockMovement.objects.filter(workspace=workspace, kind="purchase").count() == sum(
        1 for *_rest, opening in demo.PRODUCTS if opening)
